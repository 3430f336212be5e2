"""Open311 GeoReport v2, as an Open311 client uses it."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from megafonen.needs import services
from megafonen.needs.models import ApiClient, Need
from megafonen.needs.testing import NeedsWorld, need_make

BASE = "/open311/v2"


@pytest.fixture
def api_key(needs: NeedsWorld) -> str:
    _client, key = services.api_client_create(name="FixMyStreet Helsingborg")
    return key


def post(data: dict[str, Any], fmt: str = "json") -> Any:
    return Client().post(f"{BASE}/requests.{fmt}", data)


def xml(response: Any) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314  (our own output)


def test_discovery_lists_the_endpoint_in_both_formats(needs: NeedsWorld) -> None:
    document = Client().get(f"{BASE}/discovery.json").json()
    endpoint = document["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    root = xml(Client().get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["application/json", "text/xml"]


def test_services_are_the_categories(needs: NeedsWorld) -> None:
    services_json = Client().get(f"{BASE}/services.json").json()
    assert [s["service_code"] for s in services_json] == ["work", "leisure", "housing", "other"]
    assert services_json[0]["service_name"] == "Arbete" and services_json[0]["metadata"] is True
    root = xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")][:1] == ["work"]


def test_a_service_definition_has_its_attributes(needs: NeedsWorld) -> None:
    definition = Client().get(f"{BASE}/services/work.json").json()
    codes = [attribute["code"] for attribute in definition["attributes"]]
    assert codes == ["district", "language", "contact_consent"]
    district = definition["attributes"][0]
    assert {"key": "drottninghog", "name": "Drottninghög"} in district["values"]
    root = xml(Client().get(f"{BASE}/services/work.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key") is not None


def test_a_client_files_a_need_and_reads_it_back(needs: NeedsWorld, api_key: str) -> None:
    response = post(
        {
            "api_key": api_key,
            "service_code": "housing",
            "description": "Vi är sex personer i två rum, ring 0701234567",
            "address_string": "Drottninghög, Helsingborg",
            "lat": "56.06",
            "long": "12.72",
            "device_id": "abc-123-device",
            "attribute[language]": "sv",
        }
    )
    assert response.status_code == 201
    created = response.json()[0]
    need = Need.objects.get(pk=int(created["service_request_id"]))
    assert need.source == "open311" and need.district == needs.world.drottninghog
    assert "0701234567" not in need.text
    assert "Receipt code for the resident" in created["service_notice"]
    assert need.routings.get().organisation == needs.world.company
    assert ApiClient.objects.get().last_used_on is not None

    single = Client().get(f"{BASE}/requests/{need.pk}.json").json()
    assert len(single) == 1
    row = single[0]
    assert row["status"] == "open" and row["service_code"] == "housing"
    assert row["address"] == "Drottninghög"
    assert row["agency_responsible"] == "Helsingborgshem"
    # Nothing that could identify a resident: no text, no exact time, no location.
    assert row["description"] is None and row["lat"] is None and row["long"] is None
    assert row["requested_datetime"].endswith("T00:00:00+01:00") or row[
        "requested_datetime"
    ].endswith("T00:00:00+02:00")
    assert "abc-123-device" not in json.dumps(single)


def test_the_public_list_filters_and_never_shows_the_text(needs: NeedsWorld) -> None:
    first, _ = need_make(category=needs.work, text="A private story about my family")
    need_make(category=needs.housing, district=needs.world.drottninghog)
    listed = Client().get(f"{BASE}/requests.json").json()
    assert len(listed) == 2
    assert "private story" not in json.dumps(listed)
    only_work = Client().get(f"{BASE}/requests.json", {"service_code": "work"}).json()
    assert [row["service_request_id"] for row in only_work] == [str(first.pk)]
    by_id = Client().get(f"{BASE}/requests.json", {"service_request_id": f"{first.pk},99999"})
    assert len(by_id.json()) == 1
    closed = Client().get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert closed == []
    root = xml(Client().get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and len(root.findall("request")) == 2


def test_contact_details_need_the_residents_consent(needs: NeedsWorld, api_key: str) -> None:
    data = {
        "api_key": api_key,
        "service_code": "work",
        "description": "Help with a job please",
        "email": "amira@example.se",
    }
    refused = post(data)
    assert refused.status_code == 400
    assert "contact_consent" in refused.json()[0]["description"]
    accepted = post({**data, "attribute[contact_consent]": "yes"})
    assert accepted.status_code == 201
    need = Need.objects.get()
    assert need.contact_channel == "email" and need.contact_address == "amira@example.se"


BAD_REQUESTS = [
    ("post", "requests.json", {"service_code": "work", "description": "Help with a job"}, 403),
    ("post", "requests.json", {"api_key": "wrong", "service_code": "work"}, 403),
    (
        "post",
        "requests.json",
        {"api_key": "KEY", "service_code": "nope", "description": "x" * 20},
        400,
    ),
    ("post", "requests.json", {"api_key": "KEY", "service_code": "work", "description": ""}, 400),
    (
        "post",
        "requests.json",
        {"api_key": "KEY", "service_code": "work", "description": "x" * 5001},
        400,
    ),
    (
        "post",
        "requests.json",
        {"api_key": "KEY", "service_code": "work", "description": "<script>x</script>"},
        400,
    ),
    (
        "post",
        "requests.json",
        {"api_key": "KEY", "service_code": "work", "description": "Help me\x00 please"},
        400,
    ),
    (
        "post",
        "requests.json",
        {
            "api_key": "KEY",
            "service_code": "work",
            "description": "Help with a job",
            "lat": "north",
        },
        400,
    ),
    (
        "post",
        "requests.json",
        {
            "api_key": "KEY",
            "service_code": "work",
            "description": "Help with a job",
            "attribute[district]": "atlantis",
        },
        400,
    ),
    (
        "post",
        "requests.json",
        {
            "api_key": "KEY",
            "service_code": "work",
            "description": "Help with a job",
            "attribute[language]": "xx",
        },
        400,
    ),
    (
        "post",
        "requests.json",
        {
            "api_key": "KEY",
            "service_code": "work",
            "description": "Help with a job",
            "phone": "123",
            "attribute[contact_consent]": "yes",
        },
        400,
    ),
    (
        "post",
        "requests.json",
        {
            "api_key": "KEY",
            "service_code": "work",
            "description": "Help with a job",
            "email": "not-an-address",
            "attribute[contact_consent]": "yes",
        },
        400,
    ),
    ("get", "requests.json", {"start_date": "yesterday"}, 400),
    ("get", "requests.json", {"end_date": "2026-13-45T99:00:00Z"}, 400),
    ("get", "requests.json", {"start_date": "2026-02-01", "end_date": "2026-01-01"}, 400),
    ("get", "requests.json", {"status": "maybe"}, 400),
    ("get", "requests.json", {"service_request_id": "1,abc"}, 400),
    ("get", "requests/abc.json", {}, 404),
    ("get", "requests/999999.xml", {}, 404),
    ("get", "services/nothing.json", {}, 404),
    ("get", "requests.csv", {}, 400),
    ("get", "services.yaml", {}, 400),
    ("put", "requests.json", {}, 405),
    ("post", "services.json", {}, 405),
]


@pytest.mark.parametrize(("method", "path", "data", "status"), BAD_REQUESTS)
def test_bad_requests_get_the_standards_error_format_never_a_server_error(
    needs: NeedsWorld, api_key: str, method: str, path: str, data: dict[str, str], status: int
) -> None:
    data = {key: (api_key if value == "KEY" else value) for key, value in data.items()}
    client = Client(raise_request_exception=False)
    response = getattr(client, method)(f"{BASE}/{path}", data)
    assert response.status_code == status
    if path.endswith(".xml"):
        root = xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == str(status)
        assert root.findtext("error/description")
    else:
        errors = response.json()
        assert errors[0]["code"] == status and errors[0]["description"]
    assert not Need.objects.exists()


def test_an_xml_error_for_a_bad_key(needs: NeedsWorld) -> None:
    response = post({"api_key": "wrong", "service_code": "work"}, fmt="xml")
    assert response.status_code == 403
    assert xml(response).findtext("error/code") == "403"


def test_a_turned_off_key_files_nothing(needs: NeedsWorld, api_key: str) -> None:
    ApiClient.objects.update(is_active=False)
    response = post({"api_key": api_key, "service_code": "work", "description": "Help with a job"})
    assert response.status_code == 403
