"""Corrections reach the people who heard the old version: residents called with a superseded
version are listed, and a correction campaign calls them with what changed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.testing import World
from megafonen.outreach import selectors_calls, services_call_lists, services_calls
from megafonen.outreach.models import CallCampaign, CallContact
from megafonen.outreach.services_corrections import correction_campaign_open
from megafonen.outreach.testing import translation_approve, version_publish
from megafonen.outreach.testing_calls import call_made
from megafonen.outreach.tests.conftest import Calls

SignedIn = Callable[[User], Client]


def _version_2(world: World, calls: Calls, **text: Any) -> None:
    version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=calls.outreach.topic,
        title="Värmebölja i Helsingborg",
        lead="Värmen håller i sig till måndag.",
        body="Temperaturen väntas bli över 30 grader från onsdag till måndag.",
        **text,
    )


def _open(world: World, calls: Calls) -> CallCampaign:
    return correction_campaign_open(
        actor=world.coordinator,
        topic=calls.outreach.topic,
        partner=world.partner,
        ends_on=timezone.localdate() + timedelta(days=7),
    )


def test_residents_who_heard_an_older_version_are_listed_and_called_again(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    reached = call_made(ambassador=world.ambassador, campaign=calls.campaign)
    call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome="no_answer")
    topic = calls.outreach.topic
    assert not selectors_calls.correction_candidates(topic, {world.partner.pk}).exists()
    _version_2(world, calls)
    [candidate] = selectors_calls.correction_candidates(topic, {world.partner.pk})
    assert candidate.pk == reached.contact_id  # only the one who heard version 1
    home = client_for(world.coordinator).get(reverse("outreach:calls_home")).content.decode()
    assert "1 resident you called heard an older version" in home

    campaign = _open(world, calls)
    assert campaign.kind == CallCampaign.Kind.CORRECTION and campaign.goal == 1
    [copy] = CallContact.objects.filter(campaign=campaign)
    assert copy.phone == candidate.phone and copy.corrects_contact == candidate
    assert copy.heard_version == calls.outreach.version
    entry = AccessLogEntry.objects.get(
        subject_type="outreach.callcampaign", subject_id=str(campaign.pk)
    )
    assert entry.action == "read" and entry.details["count"] == 1
    # Already on an open correction list: not offered again.
    assert not selectors_calls.correction_candidates(topic, {world.partner.pk}).exists()

    # The ambassador's script says what changed since the version she heard.
    client = client_for(world.ambassador)
    response = client.post(reverse("outreach:call_next", args=[campaign.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "She heard version 1" in page and "<ins>" in page and "måndag" in page
    contact = CallContact.objects.get(campaign=campaign, assigned_to=world.ambassador)
    shown = re.search(r'name="bulletin" value="(\d+)"', page)
    assert shown is not None
    services_calls.call_log(
        actor=world.ambassador,
        contact=contact,
        log_key=uuid.uuid4(),
        details=services_calls.CallDetails(outcome="reached"),
        bulletin_id=int(shown.group(1)),
    )
    candidate.refresh_from_db()
    assert candidate.heard_version is not None and candidate.heard_version.number == 2


def test_the_script_compares_translations_in_her_own_language_when_both_exist(
    world: World, calls: Calls
) -> None:
    first = translation_approve(
        bulletin=calls.outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=calls.outreach.peer,
        title="Kulayl",
        lead="Kulaylku wuxuu socdaa ilaa Axadda.",
    )
    CallContact.objects.filter(language="ar").update(status=CallContact.Status.DONE)
    call_made(ambassador=world.ambassador, campaign=calls.campaign)
    _version_2(world, calls)
    from megafonen.outreach import selectors

    current = selectors.current_version(calls.outreach.topic)
    assert current is not None
    translation_approve(
        bulletin=current,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=calls.outreach.peer,
        title="Kulayl",
        lead="Kulaylku wuxuu socdaa ilaa Isniinta.",
    )
    campaign = _open(world, calls)
    contact = CallContact.objects.get(campaign=campaign)
    assert contact.heard_translation == first
    script = selectors_calls.campaign_script(campaign, "so", caller_name="Amina", contact=contact)
    assert script.passages_language == "so"
    changed = [part for passage in script.passages for part in passage.parts]
    assert ("added", "Kulaylku wuxuu socdaa ilaa Isniinta.") in changed


def test_a_withdrawal_is_corrected_too(world: World, calls: Calls) -> None:
    call_made(ambassador=world.ambassador, campaign=calls.campaign)
    version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=calls.outreach.topic,
        is_withdrawal=True,
        title="Varningen gäller inte längre",
        lead="Värmen är över.",
    )
    campaign = _open(world, calls)
    assert "withdrawn" in campaign.title


def test_nothing_to_correct_and_other_partners_lists_stay_out_of_reach(
    world: World, calls: Calls
) -> None:
    with pytest.raises(ValidationError, match="older version"):
        _open(world, calls)
    call_made(ambassador=world.ambassador, campaign=calls.campaign)
    _version_2(world, calls)
    assert not selectors_calls.correction_candidates(
        calls.outreach.topic, {world.other_partner.pk}
    ).exists()
    with pytest.raises(ValidationError, match="older version"):
        correction_campaign_open(
            actor=world.other_coordinator,
            topic=calls.outreach.topic,
            partner=world.other_partner,
            ends_on=timezone.localdate() + timedelta(days=7),
        )
    with pytest.raises(PermissionDenied):
        correction_campaign_open(
            actor=world.other_coordinator,
            topic=calls.outreach.topic,
            partner=world.partner,
            ends_on=timezone.localdate() + timedelta(days=7),
        )


def test_erased_or_blocked_numbers_are_not_called_again(world: World, calls: Calls) -> None:
    call = call_made(ambassador=world.ambassador, campaign=calls.campaign)
    contact = CallContact.objects.get(calls=call)
    _version_2(world, calls)
    services_call_lists.do_not_call_add(
        actor=world.coordinator, raw_phone=contact.phone, organisation=world.partner
    )
    assert not selectors_calls.correction_candidates(calls.outreach.topic, None).exists()
