"""Call lists from CSV files: every row checked, every rejected row shown with its reason,
nothing added until the coordinator confirms, and the do-not-call list always wins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.testing import World
from megafonen.outreach import calls_import, services_call_lists
from megafonen.outreach.models import CallContact, CallImport
from megafonen.outreach.testing_calls import FICTIONAL_MOBILES
from megafonen.outreach.tests.conftest import Calls

SignedIn = Callable[[User], Client]

GOOD = (
    "phone;language;district;consent\n"
    "070-174 06 50;so;Drottninghög;Biblioteket 12 maj\n"
    "+46 70 174 06 51;arabiska;Fredriksdal;\n"
    "0701740652;Soomaali;;\n"
)


def _preview(world: World, calls: Calls, data: bytes, name: str = "lista.csv") -> CallImport:
    return services_call_lists.call_import_preview(
        actor=world.coordinator,
        campaign=calls.campaign,
        data=data,
        file_name=name,
        consent_note="Anmälde sig på föräldramötet",
    )


def _reasons(call_import: CallImport) -> dict[int, str]:
    rows = services_call_lists.import_rejections(call_import)["rows"]
    return {row["row"]: row["code"] for row in rows}


def test_a_good_file_is_only_previewed_until_confirmed(world: World, calls: Calls) -> None:
    before = CallContact.objects.count()
    call_import = _preview(world, calls, GOOD.encode())
    assert (call_import.valid_count, call_import.rejected_count) == (3, 0)
    assert CallContact.objects.count() == before  # nothing yet
    added = services_call_lists.call_import_confirm(
        actor=world.coordinator, call_import=call_import
    )
    assert added == 3
    new = CallContact.objects.filter(source=CallContact.Source.IMPORT).order_by("pk")
    assert [contact.language for contact in new] == ["so", "ar", "so"]
    assert new[0].district == world.drottninghog and new[0].consent_note == "Biblioteket 12 maj"
    assert new[1].consent_note == "Anmälde sig på föräldramötet"
    call_import.refresh_from_db()
    assert call_import.valid_rows == "" and call_import.status == CallImport.Status.CONFIRMED
    with pytest.raises(ValidationError):
        services_call_lists.call_import_confirm(actor=world.coordinator, call_import=call_import)


def test_numbers_are_stored_encrypted(world: World, calls: Calls) -> None:
    from django.db import connection

    call_import = _preview(world, calls, GOOD.encode())
    services_call_lists.call_import_confirm(actor=world.coordinator, call_import=call_import)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM outreach_callcontact")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("174" in value for value in stored)


def test_every_bad_row_is_rejected_with_its_reason(world: World, calls: Calls) -> None:
    services_call_lists.do_not_call_add(
        actor=world.coordinator, raw_phone=FICTIONAL_MOBILES[60], organisation=world.partner
    )
    data = (
        "Telefon,Språk,Stadsdel\n"
        f"{FICTIONAL_MOBILES[50]},so,Drottninghög\n"  # 2: good
        "12345,so,\n"  # 3: not a number
        f"{FICTIONAL_MOBILES[50]},ar,\n"  # 4: same number as row 2
        f"{FICTIONAL_MOBILES[60]},so,\n"  # 5: do not call
        f"{calls.contacts[0].phone},so,\n"  # 6: already on the list
        f"{FICTIONAL_MOBILES[51]},klingon,\n"  # 7: unknown language
        f"{FICTIONAL_MOBILES[52]},uk,\n"  # 8: not a campaign language
        f"{FICTIONAL_MOBILES[53]},so,Atlantis\n"  # 9: unknown district
        f"{FICTIONAL_MOBILES[54]},so,Söder\n"  # 10: not a campaign district
        ",so,\n"  # 11: no number
        f"{FICTIONAL_MOBILES[55]},,\n"  # 12: no language
    )
    from megafonen.core.models import District

    District.objects.create(name="Söder", slug="soder")
    call_import = _preview(world, calls, data.encode())
    assert call_import.valid_count == 1
    assert _reasons(call_import) == {
        3: "phone_invalid",
        4: "duplicate_in_file",
        5: "do_not_call",
        6: "already_on_list",
        7: "language_unknown",
        8: "language_not_in_campaign",
        9: "district_unknown",
        10: "district_not_in_campaign",
        11: "phone_missing",
        12: "language_missing",
    }


def test_the_preview_shows_each_rejected_row_with_its_reason(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    client = client_for(world.coordinator)
    upload = SimpleUploadedFile("lista.csv", b"phone;language\n12345;so\n0701740650;so\n")
    response = client.post(
        reverse("outreach:import_upload", args=[calls.campaign.pk]),
        {"file": upload, "consent_note": "Möte", "everyone_agreed": "on"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 resident can be added." in page and "1 row cannot." in page
    assert "“12345” is not a phone number" in page
    assert '<th scope="row">2</th>' in page
    # Confirming adds the valid row only.
    before = CallContact.objects.count()
    client.post(response["Location"], {"decision": "confirm"})
    assert CallContact.objects.count() == before + 1


def test_the_preview_is_in_the_coordinators_language(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    from django.utils import translation

    call_import = _preview(world, calls, b"phone;language\n12345;so\n")
    client = client_for(world.coordinator)
    with translation.override("sv"):
        url = reverse("outreach:import_preview", args=[call_import.pk])
    page = client.get(url).content.decode()
    assert '<html lang="sv"' in page
    # Reasons are rendered when the page is, in its language (from the stored code).
    with translation.override("sv"):
        expected = calls_import.reason_text("phone_invalid", {"value": "12345"})
    assert expected in page


def test_a_file_without_the_needed_columns_adds_nothing(world: World, calls: Calls) -> None:
    call_import = _preview(world, calls, b"namn;nummer\nAmina;0701740650\n")
    assert call_import.file_problem == "missing_columns"
    assert call_import.status == CallImport.Status.CANCELLED
    assert "language" in services_call_lists.import_rejections(call_import)["params"]["columns"]
    with pytest.raises(ValidationError):
        services_call_lists.call_import_confirm(actor=world.coordinator, call_import=call_import)


def test_a_latin_1_file_is_read_and_the_preview_says_so(world: World, calls: Calls) -> None:
    data = "phone;language;district\n0701740650;so;Drottninghög\n".encode("latin-1")
    call_import = _preview(world, calls, data)
    assert call_import.encoding == "windows-1252"
    assert call_import.valid_count == 1
    valid = services_call_lists.call_import_confirm(
        actor=world.coordinator, call_import=call_import
    )
    assert valid == 1
    assert CallContact.objects.filter(district=world.drottninghog, source="import").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_utf_16_and_a_byte_order_mark_are_understood(
    world: World, calls: Calls, encoding: str
) -> None:
    call_import = _preview(world, calls, GOOD.encode(encoding))
    assert call_import.valid_count == 3 and call_import.rejected_count == 0


def test_utf_16_without_a_mark_and_binary_files_are_refused(world: World, calls: Calls) -> None:
    utf16 = GOOD.encode("utf-16-le")
    assert _preview(world, calls, utf16).file_problem == "encoding"
    assert _preview(world, calls, b"PK\x03\x04rest-of-a-workbook").file_problem == "excel"
    assert _preview(world, calls, b"   \n").file_problem == "empty"


def test_too_many_rows_is_refused_as_a_whole(world: World, calls: Calls, settings: Any) -> None:
    settings.OUTREACH_CALL_IMPORT_MAX_ROWS = 2
    call_import = _preview(world, calls, GOOD.encode())
    assert call_import.file_problem == "too_many_rows" and call_import.valid_count == 0


def test_the_do_not_call_list_wins_even_after_the_preview(world: World, calls: Calls) -> None:
    call_import = _preview(world, calls, GOOD.encode())
    services_call_lists.do_not_call_add(
        actor=world.coordinator, raw_phone="070-174 06 51", organisation=world.partner
    )
    added = services_call_lists.call_import_confirm(
        actor=world.coordinator, call_import=call_import
    )
    assert added == 2
    assert not CallContact.objects.filter(language="ar", source="import").exists()


def test_only_the_uploader_sees_and_decides_the_preview(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    from megafonen.core.roles import Role
    from megafonen.core.services import membership_grant, user_create

    call_import = _preview(world, calls, GOOD.encode())
    second = user_create(email="second.coordinator@test.example.org", full_name="Second")
    membership_grant(user=second, organisation=world.partner, role=Role.PARTNER_COORDINATOR)
    url = reverse("outreach:import_preview", args=[call_import.pk])
    assert client_for(second).get(url).status_code == 403
    assert client_for(world.other_coordinator).get(url).status_code == 403
    assert client_for(world.ambassador).get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services_call_lists.call_import_confirm(actor=second, call_import=call_import)


def test_cancelling_erases_the_rows(world: World, calls: Calls) -> None:
    call_import = _preview(world, calls, GOOD.encode())
    services_call_lists.call_import_cancel(actor=world.coordinator, call_import=call_import)
    call_import.refresh_from_db()
    assert call_import.status == CallImport.Status.CANCELLED and call_import.valid_rows == ""
    assert AccessLogEntry.objects.filter(
        purpose="Call list file cancelled; its rows erased"
    ).exists()


def test_an_ambassador_cannot_import_or_add(world: World, calls: Calls) -> None:
    with pytest.raises(PermissionDenied):
        services_call_lists.call_import_preview(
            actor=world.ambassador,
            campaign=calls.campaign,
            data=GOOD.encode(),
            file_name="x.csv",
            consent_note="x",
        )
    with pytest.raises(PermissionDenied):
        services_call_lists.contact_add(
            actor=world.other_coordinator,
            campaign=calls.campaign,
            raw_phone="0701740660",
            language="so",
            district=None,
            consent_note="x",
        )


def test_removing_a_resident_erases_her_number(world: World, calls: Calls) -> None:
    contact = calls.contacts[0]
    count = services_call_lists.contact_remove(
        actor=world.coordinator, campaign=calls.campaign, raw_phone=contact.phone
    )
    assert count == 1
    contact.refresh_from_db()
    assert contact.status == CallContact.Status.REMOVED and contact.phone == ""
