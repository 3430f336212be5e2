"""CAP 1.2 alerts validated against the official schema, and Atom feeds per language."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from django.test import Client

from megafonen.core.testing import World, translated
from megafonen.outreach.testing import translation_approve, version_publish
from megafonen.outreach.tests.conftest import Outreach

SCHEMA = xmlschema.XMLSchema(Path(__file__).resolve().parents[1] / "schemas" / "CAP-v1.2.xsd")
CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


def _text(element: ET.Element | None, path: str, namespaces: dict[str, str]) -> str:
    assert element is not None
    value = element.findtext(path, namespaces=namespaces)
    assert value is not None, path
    return value


ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def _cap(client: Client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    SCHEMA.validate(response.content.decode())  # raises with the reason when invalid
    return ET.fromstring(response.content)  # noqa: S314  (our own output)


def test_the_schema_rejects_what_cap_forbids() -> None:
    broken = (
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier>'
        "<sender>s</sender><sent>2026-07-01T10:00:00Z</sent><status>Actual</status>"
        "<msgType>Alert</msgType><scope>Public</scope></alert>"
    )
    assert not SCHEMA.is_valid(broken)  # CAP wants an explicit offset, never "Z"


def test_the_first_version_is_a_valid_alert_with_one_info_per_language(
    world: World, outreach: Outreach, client: Client
) -> None:
    translation_approve(
        bulletin=outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=outreach.peer,
        city=world.communicator,
        title="Kulayl",
        lead="Cab biyo.",
    )
    translation_approve(
        bulletin=outreach.version,
        language="ar",
        partner=world.other_partner,
        translator=world.other_ambassador,
        reviewer=outreach.other_peer,
        title="موجة حر",
        lead="اشرب الماء.",
    )
    alert = _cap(client, f"/sv/topics/{outreach.topic.slug}/cap.xml")
    assert _text(alert, "cap:msgType", CAP) == "Alert"
    assert alert.find("cap:references", CAP) is None
    languages = [_text(info, "cap:language", CAP) for info in alert.findall("cap:info", CAP)]
    assert languages == ["sv-SE", "ar", "so"]
    arabic = alert.findall("cap:info", CAP)[1]
    assert _text(arabic, "cap:headline", CAP) == "موجة حر"
    assert _text(arabic, "cap:web", CAP).endswith(f"/ar/topics/{outreach.topic.slug}/")
    assert _text(arabic, "cap:senderName", CAP) == "Stadsledningsförvaltningen"


def test_updates_and_withdrawals_reference_what_they_replace(
    world: World, outreach: Outreach, client: Client
) -> None:
    slug = outreach.topic.slug
    first = _cap(client, f"/sv/topics/{slug}/cap.xml")
    first_reference = ",".join(
        [
            _text(first, "cap:sender", CAP),
            _text(first, "cap:identifier", CAP),
            _text(first, "cap:sent", CAP),
        ]
    )
    version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=outreach.topic,
        lead="Ny info.",
    )
    update = _cap(client, f"/sv/topics/{slug}/cap.xml")
    assert _text(update, "cap:msgType", CAP) == "Update"
    assert _text(update, "cap:references", CAP) == first_reference
    version_publish(
        author=world.second_communicator,
        approver=world.communicator,
        topic=outreach.topic,
        is_withdrawal=True,
        title="Varningen är borttagen",
        lead="Värmen är över.",
    )
    cancel = _cap(client, f"/sv/topics/{slug}/cap.xml")
    assert _text(cancel, "cap:msgType", CAP) == "Cancel"
    references = _text(cancel, "cap:references", CAP).split(" ")
    assert references[0] == first_reference and len(references) == 2
    assert _text(cancel, "cap:info/cap:responseType", CAP) == "AllClear"
    # Every earlier message stays available at its own address, and valid.
    assert (
        _cap(client, f"/sv/topics/{slug}/cap/1.xml").findtext("cap:msgType", namespaces=CAP)
        == "Alert"
    )
    assert client.get(f"/sv/topics/{slug}/cap/9.xml").status_code == 404


@pytest.mark.parametrize(
    ("language", "expected"), [("sv", "Värmebölja i Helsingborg"), ("so", "Kulayl")]
)
def test_the_atom_feed_speaks_the_language_of_its_address(
    world: World, outreach: Outreach, client: Client, language: str, expected: str
) -> None:
    translation_approve(
        bulletin=outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=outreach.peer,
        city=world.communicator,
        title="Kulayl",
        lead="Cab biyo.",
    )
    response = client.get(f"/{language}/topics/{outreach.topic.slug}/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314  (our own output)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    [entry] = feed.findall("atom:entry", ATOM)
    assert _text(entry, "atom:title", ATOM) == f"{expected} (v1)"
    assert outreach.version.fingerprint in _text(entry, "atom:summary", ATOM)


def test_the_atom_feed_says_when_a_text_is_still_swedish(
    outreach: Outreach, client: Client
) -> None:
    response = client.get(f"/ar/topics/{outreach.topic.slug}/feed.atom")
    feed = ET.fromstring(response.content)  # noqa: S314  (our own output)
    summary = _text(feed.find("atom:entry", ATOM), "atom:summary", ATOM)
    assert summary.startswith(
        translated("ar", "No approved translation yet: this is the Swedish text.")
    )
