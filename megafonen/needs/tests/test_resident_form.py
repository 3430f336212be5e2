"""The resident's form, end to end through the real page: no cookies, nothing identifying kept,
clear messages next to the field, nothing she typed lost, one need per form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from megafonen.core.models import AccessLogEntry
from megafonen.needs import codes
from megafonen.needs.models import ContactChannel, Need, NeedRouting
from megafonen.needs.testing import NeedsWorld

IP = "203.0.113.77"
AGENT = "DistinctTestAgent/9.9 (Feature phone; KaiOS)"


def form_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("needs:form")


def key_of(html: str) -> str:
    match = re.search(r'name="key" value="([^"]+)"', html)
    assert match, "the form carries a submission key"
    return match[1]


def fresh_form(client: Client, language: str = "en", query: str = "") -> tuple[str, str]:
    response = client.get(form_url(language) + query)
    assert response.status_code == 200
    html = response.content.decode()
    return html, key_of(html)


def good(key: str, **changes: Any) -> dict[str, str]:
    data = {
        "category": "work",
        "text": "أحتاج مساعدة في إيجاد عمل صيفي لابني",
        "district": "drottninghog",
        "contact": "none",
        "phone": "",
        "email": "",
        "contact_language": "ar",
        "website": "",
        "key": key,
        "placement": "",
    }
    data.update(changes)
    return data


def receipt_of(html: str) -> str:
    match = re.search(r'class="receipt__code"[^>]*>([^<]+)<', html)
    assert match, "the receipt page shows the code"
    return match[1]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "ar", "so", "ti"])
def test_the_form_sets_no_cookie_and_needs_no_script(client: Client, language: str) -> None:
    response = client.get(form_url(language))
    assert response.status_code == 200
    assert response.cookies == {}
    html = response.content.decode()
    assert "<script" not in html
    assert "csrfmiddlewaretoken" not in html
    assert f'<html lang="{language}"' in html
    assert "no-store" in response["Cache-Control"]


def test_the_form_is_the_same_for_everyone_but_its_one_time_key(needs: NeedsWorld) -> None:
    query = f"?p={needs.placement.code}"
    first, first_key = fresh_form(Client(), "ar", query)
    second, second_key = fresh_form(Client(), "ar", query)
    assert first_key != second_key
    assert first.replace(first_key, "") == second.replace(second_key, "")
    # The placement fills in the district.
    assert '<option value="drottninghog" selected>' in first


def test_a_resident_sends_an_anonymous_need_and_gets_a_receipt(
    needs: NeedsWorld, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    _html, key = fresh_form(client, "ar", f"?p={needs.placement.code}")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url("ar"), good(key, placement=needs.placement.code))
    assert response.status_code == 200
    assert response.cookies == {}
    code = receipt_of(response.content.decode())
    assert re.fullmatch(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", code)
    need = Need.objects.get()
    assert need.page_language == "ar"
    assert need.text_language == "ar"  # the task ran after commit
    assert need.placement == needs.placement
    assert need.contact_channel == ContactChannel.NONE and need.contact_address == ""
    assert need.receipt_hash == codes.receipt_hash(codes.receipt_normalise(code))
    assert NeedRouting.objects.get(need=need).organisation == needs.world.labour


def test_nothing_that_identifies_an_anonymous_resident_is_stored_anywhere(
    needs: NeedsWorld, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=IP)
    _html, key = fresh_form(client, "sv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url("sv"), good(key, text="Jag behöver hjälp med jobb"))
    code = codes.receipt_normalise(receipt_of(response.content.decode()))
    assert Need.objects.count() == 1
    # Read every row of every table, the cache table included.
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (our own table names)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                for secret in (IP, AGENT, "KaiOS", key, code):
                    if secret in text:
                        found.append((table, secret))
    assert found == []


def test_the_same_form_sent_twice_makes_one_need_with_one_code(needs: NeedsWorld) -> None:
    client = Client()
    _html, key = fresh_form(client)
    first = client.post(form_url(), good(key))
    second = client.post(form_url(), good(key))
    assert receipt_of(first.content.decode()) == receipt_of(second.content.decode())
    assert Need.objects.count() == 1


def test_a_spent_key_with_other_text_keeps_the_text_and_asks_again(needs: NeedsWorld) -> None:
    client = Client()
    _html, key = fresh_form(client)
    client.post(form_url(), good(key))
    response = client.post(form_url(), good(key, text="Something else entirely, please"))
    html = response.content.decode()
    assert "already been sent once" in html
    assert "Something else entirely, please" in html
    assert key_of(html) != key
    assert Need.objects.count() == 1


def test_the_honeypot_refuses_robots_and_keeps_a_persons_text(needs: NeedsWorld) -> None:
    client = Client()
    _html, key = fresh_form(client)
    response = client.post(form_url(), good(key, website="http://spam.example"))
    html = response.content.decode()
    assert "We could not accept the form" in html
    assert "أحتاج مساعدة" in html
    assert 'value="http://spam.example"' not in html
    assert not Need.objects.exists()


def test_sending_is_rate_limited_and_the_text_is_kept(needs: NeedsWorld, settings: Any) -> None:
    settings.NEEDS_SUBMIT_PER_HOUR = 2
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _attempt in range(2):
        _html, key = fresh_form(client)
        assert client.post(form_url(), good(key)).status_code == 200
    _html, key = fresh_form(client)
    response = client.post(form_url(), good(key, text="The third need of the hour"))
    assert response.status_code == 429
    assert "The third need of the hour" in response.content.decode()
    assert Need.objects.count() == 2
    # Another connection is not affected.
    other = Client(REMOTE_ADDR="198.51.100.10")
    _html, key = fresh_form(other)
    assert other.post(form_url(), good(key)).status_code == 200


BAD_INPUT = [
    ({"text": ""}, "text", "Write your need in the box"),
    ({"text": "   "}, "text", "Write your need in the box"),
    ({"text": "x" * 5001}, "text", "Your text is too long: 5001 characters"),
    ({"text": "hjälp\x00\x01\x02 binary"}, "text", "not letters, numbers or punctuation"),
    ({"text": "<script>alert(1)</script> help"}, "text", "without code or web page markup"),
    ({"category": "weapons"}, "category", "Choose one of the subjects"),
    ({"category": ""}, "category", "Choose what your need is about"),
    ({"contact_language": "klingon"}, "contact_language", "Choose one of the languages"),
    ({"contact": "sms", "phone": "12345", "consent": "on"}, "phone", "does not look like a phone"),
    ({"contact": "sms", "phone": "", "consent": "on"}, "phone", "Write your mobile number"),
    ({"contact": "email", "email": "amira@", "consent": "on"}, "email", "Write a whole e-mail"),
    ({"contact": "email", "email": "amira@example.se"}, "consent", "tick that you agree"),
    ({"district": "atlantis"}, "district", "Choose a district from the list"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_gets_a_clear_message_next_to_the_field_and_keeps_the_rest(
    needs: NeedsWorld, changes: dict[str, str], field: str, message: str
) -> None:
    client = Client()
    _html, key = fresh_form(client, "en")
    data = good(key, **changes)
    response = client.post(form_url("en"), data)
    assert response.status_code == 200
    assert response.cookies == {}
    html = response.content.decode()
    error = re.search(rf'<p class="field__error" id="id_{field}_error">(.*?)</p>', html, re.S)
    assert error, f"an error next to {field}"
    assert message in error[1].replace("&#x27;", "'")
    assert "error-summary" in html
    if field != "text" and data["text"]:
        assert data["text"] in html  # what she wrote is still there
    if field != "email" and data["email"]:
        assert data["email"] in html
    assert key_of(html) == key  # sending the corrected form is still one need
    assert "<script>alert" not in html
    assert not Need.objects.exists()


def test_the_error_messages_are_in_the_residents_language(needs: NeedsWorld) -> None:
    client = Client()
    _html, key = fresh_form(client, "so")
    response = client.post(form_url("so"), good(key, text=""))
    html = response.content.decode()
    assert '<html lang="so"' in html
    with translation.override("so"):
        from django.utils.translation import gettext

        expected = gettext("Write your need in the box, in your own words.")
    assert expected in html


def test_a_need_with_contact_stores_it_encrypted_and_logs_it(needs: NeedsWorld) -> None:
    client = Client()
    _html, key = fresh_form(client)
    data = good(key, contact="sms", phone="070-123 45 67", consent="on", contact_language="ar")
    response = client.post(form_url(), data)
    assert "We have also sent the code to you by text message" in response.content.decode()
    need = Need.objects.get()
    assert need.contact_channel == "sms"
    assert need.contact_address == "+46701234567"
    assert need.contact_language == "ar"
    assert need.contact_consented_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_address FROM needs_need")
        stored = cursor.fetchone()[0]
    assert "46701234567" not in stored
    entry = AccessLogEntry.objects.get(subject_type="needs.need", action="create")
    assert entry.subject_id == str(need.pk)
    assert "+46701234567" not in str(entry.details)


def test_a_phone_number_typed_without_choosing_contact_is_not_kept(needs: NeedsWorld) -> None:
    client = Client()
    _html, key = fresh_form(client)
    client.post(form_url(), good(key, phone="070-123 45 67"))
    need = Need.objects.get()
    assert need.contact_channel == "none" and need.contact_address == ""


def test_identity_numbers_and_phone_numbers_in_the_text_are_masked_before_saving(
    needs: NeedsWorld,
) -> None:
    client = Client()
    _html, key = fresh_form(client)
    client.post(
        form_url(),
        good(key, text="Jag heter X, personnummer 811218-9876, ring 070-123 45 67 om jobb"),
    )
    need = Need.objects.get()
    assert "811218-9876" not in need.text and "070-123 45 67" not in need.text
    assert need.masked_count == 2


def test_a_form_left_open_too_long_is_not_sent_but_nothing_is_lost(needs: NeedsWorld) -> None:
    import time

    old_key = codes.submission_key_mint(now=time.time() - 2 * codes.SUBMISSION_KEY_MAX_AGE)
    response = Client().post(form_url(), good(old_key, text="Kept after a long pause"))
    html = response.content.decode()
    assert "open for a long time" in html
    assert "Kept after a long pause" in html
    assert key_of(html) != old_key
    assert not Need.objects.exists()


def test_the_form_works_without_a_placement_and_with_an_unknown_one(needs: NeedsWorld) -> None:
    html, _key = fresh_form(Client(), "sv", "?p=NOSUCH")
    assert '<option value="" selected>' in html


def test_the_qr_address_counts_the_scan_and_opens_the_form_in_the_browsers_language(
    needs: NeedsWorld,
) -> None:
    from megafonen.needs.models import PlacementScan

    client = Client()
    response = client.get(f"/q/{needs.placement.code}", HTTP_ACCEPT_LANGUAGE="so,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == f"/so/needs/new/?p={needs.placement.code}"
    assert response.cookies == {}
    client.get(f"/q/{needs.placement.code}", HTTP_ACCEPT_LANGUAGE="de")
    scans = PlacementScan.objects.get(placement=needs.placement)
    assert scans.count == 2
    # No Accept-Language we speak: the placement's first language.
    third = client.get(f"/q/{needs.placement.code}", HTTP_ACCEPT_LANGUAGE="de")
    assert third["Location"].startswith("/sv/")
    assert client.get("/q/NOSUCH").status_code == 404
