"""Handing out calls and logging them: who sees a number, what each outcome does, the text
after a reached call, and a log sent twice stored once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.testing import World
from megafonen.needs.models import Need
from megafonen.outreach import services_calls, tallies
from megafonen.outreach.models import (
    Call,
    CallContact,
    CallTally,
    DoNotCall,
    Question,
    SpottedNeed,
)
from megafonen.outreach.phones import phone_display
from megafonen.outreach.services_calls import CallDetails
from megafonen.outreach.testing import translation_approve
from megafonen.outreach.testing_calls import FICTIONAL_MOBILES, call_made, contacts_add
from megafonen.outreach.tests.conftest import Calls

SignedIn = Callable[[User], Client]


def _somali(world: World, calls: Calls) -> Any:
    return translation_approve(
        bulletin=calls.outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=calls.outreach.peer,
        title="Kulayl xad dhaaf ah",
        lead="Cab biyo badan oo hooska joog.",
        instruction="Wac 1177 haddii kulaylku kuu xumaado.",
    )


def _open_call(client: Client, calls: Calls) -> tuple[str, Any]:
    response = client.post(reverse("outreach:call_next", args=[calls.campaign.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return response["Location"], page


def _form(page: Any) -> dict[str, str]:
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


# --- Handing out calls ------------------------------------------------------------------------
def test_an_ambassador_gets_residents_in_her_languages_one_at_a_time(
    world: World, calls: Calls
) -> None:
    first = services_calls.contact_claim_next(actor=world.ambassador, campaign=calls.campaign)
    assert first is not None and first.language in {"so", "ar"}
    # Until she logs it, "next call" gives her the same resident again.
    again = services_calls.contact_claim_next(actor=world.ambassador, campaign=calls.campaign)
    assert again is not None and again.pk == first.pk
    other = services_calls.contact_claim_next(actor=calls.outreach.peer, campaign=calls.campaign)
    assert other is not None and other.pk != first.pk
    # Olena speaks Ukrainian: nothing for her in a Somali and Arabic campaign (and she is at
    # another partner, so she may not even ask).
    with pytest.raises(PermissionDenied):
        services_calls.contact_claim_next(actor=world.other_ambassador, campaign=calls.campaign)


def test_every_resident_is_handed_out_once(world: World, calls: Calls) -> None:
    claimed = []
    for ambassador in (world.ambassador, calls.outreach.peer, world.coordinator):
        while True:
            contact = services_calls.contact_claim_next(actor=ambassador, campaign=calls.campaign)
            if contact is None or contact.pk in claimed:
                break
            claimed.append(contact.pk)
            services_calls.call_log(
                actor=ambassador,
                contact=contact,
                log_key=uuid.uuid4(),
                details=CallDetails(outcome=Call.Outcome.WRONG_NUMBER),
                bulletin_id=None,
            )
    assert sorted(claimed) == sorted(contact.pk for contact in calls.contacts)


# --- Who sees a number ------------------------------------------------------------------------
def test_only_the_ambassador_a_call_is_assigned_to_sees_the_number(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    url, page = _open_call(client_for(world.ambassador), calls)
    contact = CallContact.objects.get(assigned_to=world.ambassador)
    assert f'href="tel:{contact.phone}"' in page.content.decode()
    entry = AccessLogEntry.objects.filter(subject_id=str(contact.pk)).latest("occurred_at")
    assert entry.purpose == "Ambassador opened a call assigned to her"
    assert entry.actor == world.ambassador and contact.phone not in str(entry.details)
    # Her colleague, her coordinator, another partner, the city: nobody else.
    for person in (calls.outreach.peer, world.coordinator, world.other_ambassador):
        response = client_for(person).get(url)
        assert response.status_code == 403
        assert contact.phone not in response.content.decode()
    assert client_for(world.communicator).get(url).status_code == 403
    assert client_for(world.administrator).get(url).status_code == 403


def test_the_number_keeps_its_digit_groups_in_order_on_a_right_to_left_page(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    client = client_for(world.ambassador)
    url, _page = _open_call(client, calls)
    contact = CallContact.objects.get(assigned_to=world.ambassador)
    arabic = client.get(url.replace("/en/", "/ar/", 1)).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    # The label follows the page; only the number is isolated left to right.
    assert f'<a class="button button--big" href="tel:{contact.phone}">' in arabic
    assert f'<bdi dir="ltr">{phone_display(contact.phone)}</bdi>' in arabic


def test_coordinators_and_the_city_see_figures_never_numbers(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    url = reverse("outreach:campaign_detail", args=[calls.campaign.pk])
    for person in (world.coordinator, world.communicator, world.administrator):
        page = client_for(person).get(url).content.decode()
        assert "1 500 samtal" in page
        for contact in calls.contacts:
            assert contact.phone not in page
            assert contact.phone[3:] not in page


def test_another_partners_people_cannot_open_the_campaign_or_its_list(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    client = client_for(world.other_coordinator)
    for name in ("campaign_detail", "contact_add", "import_upload", "campaign_edit"):
        assert client.get(reverse(f"outreach:{name}", args=[calls.campaign.pk])).status_code == 403
    assert client.post(reverse("outreach:call_next", args=[calls.campaign.pk])).status_code == 403
    ambassador = client_for(world.other_ambassador)
    assert (
        ambassador.get(reverse("outreach:campaign_detail", args=[calls.campaign.pk])).status_code
        == 403
    )
    listed = ambassador.get(reverse("outreach:calls_home")).content.decode()
    assert "1 500 samtal" not in listed


# --- Outcomes ---------------------------------------------------------------------------------
def test_no_answer_puts_her_back_on_the_list_until_the_last_try(
    world: World, calls: Calls, settings: Any
) -> None:
    settings.OUTREACH_CALL_MAX_ATTEMPTS = 2
    settings.OUTREACH_CALL_RETRY_MINUTES = 0  # due again at once, for the test
    call = call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome="no_answer")
    contact = CallContact.objects.get(calls=call)
    assert contact.status == CallContact.Status.WAITING and contact.assigned_to is None
    assert contact.phone  # still needed
    # The next try reaches the same resident (the oldest first) and gives up after it.
    second = call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome="no_answer")
    assert second.contact_id == contact.pk
    contact.refresh_from_db()
    assert contact.status == CallContact.Status.UNREACHABLE and contact.attempts == 2


def test_call_back_keeps_the_resident_with_the_same_ambassador(world: World, calls: Calls) -> None:
    call = call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome="call_back")
    contact = CallContact.objects.get(calls=call)
    assert contact.status == CallContact.Status.CALL_BACK
    assert contact.assigned_to == world.ambassador and contact.next_attempt_at is not None
    other = services_calls.contact_claim_next(actor=calls.outreach.peer, campaign=calls.campaign)
    assert other is not None and other.pk != contact.pk


def test_a_wrong_number_is_erased_at_once(world: World, calls: Calls) -> None:
    call = call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome="wrong_number")
    contact = CallContact.objects.get(calls=call)
    assert contact.status == CallContact.Status.WRONG_NUMBER and contact.phone == ""


def test_never_again_puts_the_number_on_the_do_not_call_list_for_every_campaign(
    world: World, calls: Calls
) -> None:
    from megafonen.outreach.testing_calls import campaign_open

    other = campaign_open(
        actor=world.other_coordinator,
        topic=calls.outreach.topic,
        partner=world.other_partner,
        languages=["so"],
        title="Rädda Barnen ringer",
    )
    first = calls.contacts[0]
    [same_person] = contacts_add(
        actor=world.other_coordinator, campaign=other, rows=[(first.phone, "so")]
    )
    call = call_made(
        ambassador=world.ambassador,
        campaign=calls.campaign,
        outcome="declined",
        never_call_again=True,
    )
    assert call.contact_id == first.pk
    assert DoNotCall.objects.count() == 1
    same_person.refresh_from_db()
    assert same_person.status == CallContact.Status.DO_NOT_CALL and same_person.phone == ""
    with pytest.raises(ValidationError, match="do-not-call"):
        contacts_add(actor=world.coordinator, campaign=calls.campaign, rows=[(first.phone, "so")])


def test_a_reached_call_records_what_she_heard_questions_and_needs(
    world: World, calls: Calls
) -> None:
    translation = _somali(world, calls)
    call = call_made(
        ambassador=world.ambassador,
        campaign=calls.campaign,
        duration_seconds=240,
        questions=[("Ma jiraan qolal qabow oo Dalhem ah?", "so")],
        wants_answer=True,
        need_text="Waxay u baahan tahay caawimaad ay ku iibsato cunto.",
        need_consent=False,
        follow_up_wanted=True,
    )
    assert call.outcome == "reached" and call.duration_seconds == 240
    assert call.bulletin == calls.outreach.version and call.translation == translation
    contact = CallContact.objects.get(calls=call)
    assert contact.status == CallContact.Status.DONE
    assert contact.heard_version == calls.outreach.version
    question = Question.objects.get()
    assert question.source == "call" and question.language == "so"
    assert question.contact == contact and question.reply_channel == "sms"
    need = SpottedNeed.objects.get()
    # Without her consent the need stays with the partner.
    assert need.status == SpottedNeed.Status.KEPT and not need.consented


def test_a_consented_need_is_handed_to_the_needs_box_without_contact_details(
    world: World, calls: Calls, django_capture_on_commit_callbacks: Any
) -> None:
    from megafonen.outreach import needs_bridge

    with django_capture_on_commit_callbacks(execute=True):
        call_made(
            ambassador=world.ambassador,
            campaign=calls.campaign,
            need_text="Söker sommarjobb till sin son.",
            need_category="work",
            need_consent=True,
        )
    need = SpottedNeed.objects.get()
    assert need.consented
    assert needs_bridge.needs_box_installed()
    assert need.status == SpottedNeed.Status.HANDED_OVER and need.need_id
    handed = Need.objects.get(pk=need.need_id)
    assert handed.text == "Söker sommarjobb till sin son." and handed.category.code == "work"
    assert handed.contact_address == ""


def test_questions_need_the_question_channel_in_the_partners_level(
    world: World, calls: Calls
) -> None:
    level = calls.outreach.levels[3]
    level.allows_question_channel = False
    level.save()
    call_made(
        ambassador=world.ambassador, campaign=calls.campaign, questions=[("Hur länge?", "sv")]
    )
    assert not Question.objects.exists()


# --- The text after a reached call ------------------------------------------------------------
def test_she_gets_the_same_message_by_sms_in_her_language(
    world: World,
    calls: Calls,
    sms_provider: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.TASK_BACKEND = "immediate"
    _somali(world, calls)
    with django_capture_on_commit_callbacks(execute=True):
        call = call_made(ambassador=world.ambassador, campaign=calls.campaign, send_sms=True)
    contact = CallContact.objects.get(calls=call)
    assert call.sms_sent
    [sms] = sms_provider.sent_to(contact.phone)
    assert "Kulayl xad dhaaf ah" in sms.message and "Cab biyo badan" in sms.message
    assert calls.outreach.version.number and "Stadsledningsförvaltningen" in sms.message
    entry = AccessLogEntry.objects.get(
        purpose="Resident's number read to text her the message after a call"
    )
    assert contact.phone not in str(entry.details)


def test_no_text_goes_to_a_landline(world: World, calls: Calls, sms_provider: Any) -> None:
    [landline] = contacts_add(
        actor=world.coordinator, campaign=calls.campaign, rows=[("042-10 50 00", "so")]
    )
    assert not landline.is_mobile
    CallContact.objects.exclude(pk=landline.pk).update(status=CallContact.Status.DONE)
    call = call_made(ambassador=world.ambassador, campaign=calls.campaign, send_sms=True)
    assert call.contact_id == landline.pk and not call.sms_sent


# --- A log sent twice -------------------------------------------------------------------------
def test_a_log_sent_twice_is_stored_once(world: World, calls: Calls, client_for: SignedIn) -> None:
    client = client_for(world.ambassador)
    url, page = _open_call(client, calls)
    data = {**_form(page), "outcome": "reached", "minutes": "5", "follow_up": "on"}
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data)  # the answer was lost; the phone sends it again
    assert second.status_code == 302
    assert Call.objects.count() == 1
    assert first["Location"] == second["Location"]  # the same next call either way
    call = Call.objects.get()
    assert call.duration_seconds == 300 and call.follow_up_wanted
    assert CallTally.objects.get().calls == 1


def test_a_call_page_without_a_length_counts_the_time_it_was_open(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    client = client_for(world.ambassador)
    url, page = _open_call(client, calls)
    client.post(url, {**_form(page), "outcome": "reached"})
    assert Call.objects.get().duration_seconds is not None


def test_the_same_log_key_from_another_ambassador_is_refused(world: World, calls: Calls) -> None:
    key = uuid.uuid4()
    contact = services_calls.contact_claim_next(actor=world.ambassador, campaign=calls.campaign)
    assert contact is not None
    services_calls.call_log(
        actor=world.ambassador,
        contact=contact,
        log_key=key,
        details=CallDetails(outcome="no_answer"),
        bulletin_id=None,
    )
    with pytest.raises(PermissionDenied):
        services_calls.call_log(
            actor=calls.outreach.peer,
            contact=contact,
            log_key=key,
            details=CallDetails(outcome="reached"),
            bulletin_id=None,
        )


def test_nobody_logs_a_call_that_is_not_assigned_to_her(world: World, calls: Calls) -> None:
    contact = services_calls.contact_claim_next(actor=world.ambassador, campaign=calls.campaign)
    assert contact is not None
    with pytest.raises(ValidationError, match="not assigned to you"):
        services_calls.call_log(
            actor=calls.outreach.peer,
            contact=contact,
            log_key=uuid.uuid4(),
            details=CallDetails(outcome="reached"),
            bulletin_id=None,
        )
    with pytest.raises(PermissionDenied):
        services_calls.call_log(
            actor=world.other_ambassador,
            contact=contact,
            log_key=uuid.uuid4(),
            details=CallDetails(outcome="reached"),
            bulletin_id=None,
        )
    assert not Call.objects.exists()


def test_a_forged_version_is_refused(world: World, calls: Calls) -> None:
    from megafonen.outreach.testing import topic_with_version

    _other_topic, foreign = topic_with_version(
        author=world.communicator, approver=world.second_communicator, title="Annat"
    )
    contact = services_calls.contact_claim_next(actor=world.ambassador, campaign=calls.campaign)
    assert contact is not None
    with pytest.raises(ValidationError, match="not a published version of this topic"):
        services_calls.call_log(
            actor=world.ambassador,
            contact=contact,
            log_key=uuid.uuid4(),
            details=CallDetails(outcome="reached"),
            bulletin_id=foreign.pk,
        )


# --- Tallies ----------------------------------------------------------------------------------
def test_tallies_match_a_recount_from_the_call_log(world: World, calls: Calls) -> None:
    for outcome in ("reached", "no_answer", "reached", "declined"):
        call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome=outcome)
    before = sorted(
        CallTally.objects.values_list("week", "campaign_id", "language", "outcome", "calls")
    )
    assert sum(row[-1] for row in before) == 4
    tallies.tallies_rebuild()
    after = sorted(
        CallTally.objects.values_list("week", "campaign_id", "language", "outcome", "calls")
    )
    assert before == after


# --- Pages ------------------------------------------------------------------------------------
def test_the_call_page_carries_the_script_in_her_language(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    _somali(world, calls)
    CallContact.objects.filter(language="ar").update(status=CallContact.Status.DONE)
    _url, page = _open_call(client_for(world.ambassador), calls)
    html = page.content.decode()
    assert 'lang="so"' in html and "Kulayl xad dhaaf ah" in html
    assert "<script" not in html and "style=" not in html
    # Arabic has no approved translation: the Swedish text, with a note to the ambassador.
    CallContact.objects.filter(language="so").update(status=CallContact.Status.DONE)
    CallContact.objects.filter(language="ar").update(status=CallContact.Status.WAITING)
    services_calls.contact_release(
        actor=world.ambassador, contact=CallContact.objects.get(assigned_to=world.ambassador)
    )
    _url, page = _open_call(client_for(world.ambassador), calls)
    assert "There is no approved translation into this language yet" in page.content.decode()


def test_the_campaign_page_makes_a_bounded_number_of_queries(
    world: World, calls: Calls, client_for: SignedIn, django_assert_max_num_queries: Any
) -> None:
    for _index in range(3):
        call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome="reached")
    contacts_add(
        actor=world.coordinator,
        campaign=calls.campaign,
        rows=[(number, "so") for number in FICTIONAL_MOBILES[10:30]],
    )
    client = client_for(world.coordinator)
    url = reverse("outreach:campaign_detail", args=[calls.campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("outreach:calls_home")).status_code == 200
