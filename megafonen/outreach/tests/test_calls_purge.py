"""Numbers are kept only as long as needed: the retention purge, abandoned files, unlogged
calls and contact details left with questions, all from the daily command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from megafonen.core.models import AccessLogEntry
from megafonen.core.testing import World
from megafonen.outreach import services_call_lists, services_calls, services_questions
from megafonen.outreach.models import CallCampaign, CallContact, CallImport, Question
from megafonen.outreach.tests.conftest import Calls


def _age(campaign: CallCampaign, *, ended_days_ago: int, retention_days: int) -> None:
    today = timezone.localdate()
    CallCampaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - timedelta(days=ended_days_ago + 10),
        ends_on=today - timedelta(days=ended_days_ago),
        retention_days=retention_days,
    )


def test_numbers_are_erased_when_the_retention_period_ends(world: World, calls: Calls) -> None:
    _age(calls.campaign, ended_days_ago=10, retention_days=30)
    assert services_call_lists.call_lists_purge() == 0
    assert all(contact.phone for contact in CallContact.objects.all())
    _age(calls.campaign, ended_days_ago=31, retention_days=30)
    assert services_call_lists.call_lists_purge() == 4
    assert set(CallContact.objects.values_list("phone", "phone_hash")) == {("", "")}
    calls.campaign.refresh_from_db()
    assert calls.campaign.purged_at is not None
    assert calls.campaign.status == CallCampaign.Status.CLOSED
    entry = AccessLogEntry.objects.get(
        purpose="Call list numbers erased after the retention period"
    )
    assert entry.details["count"] == 4 and entry.actor is None
    assert services_call_lists.call_lists_purge() == 0  # once


def test_files_never_confirmed_are_erased_after_a_day(world: World, calls: Calls) -> None:
    call_import = services_call_lists.call_import_preview(
        actor=world.coordinator,
        campaign=calls.campaign,
        data=b"phone;language\n0701740650;so\n",
        file_name="x.csv",
        consent_note="Möte",
    )
    CallImport.objects.filter(pk=call_import.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    services_call_lists.call_lists_purge()
    call_import.refresh_from_db()
    assert call_import.valid_rows == "" and call_import.status == CallImport.Status.CANCELLED


def test_calls_opened_and_never_logged_go_back_to_the_list(world: World, calls: Calls) -> None:
    contact = services_calls.contact_claim_next(actor=world.ambassador, campaign=calls.campaign)
    assert contact is not None
    CallContact.objects.filter(pk=contact.pk).update(assigned_at=timezone.now() - timedelta(days=1))
    assert services_calls.claims_release_stale() == 1
    contact.refresh_from_db()
    assert contact.status == CallContact.Status.WAITING and contact.assigned_to is None


def test_contact_details_of_unanswered_questions_are_erased(world: World, calls: Calls) -> None:
    question = services_questions.question_from_resident(
        topic=calls.outreach.topic,
        text="Fråga",
        language="sv",
        reply_channel="email",
        reply_to="Familjen@Example.org",
    )
    assert question.reply_to == "familjen@example.org"
    Question.objects.filter(pk=question.pk).update(asked_at=timezone.now() - timedelta(days=100))
    assert services_questions.question_contacts_purge(older_than_days=90) == 1
    question.refresh_from_db()
    assert question.reply_to == "" and question.reply_channel == "none"


def test_the_daily_command_does_it_all(world: World, calls: Calls, settings: Any) -> None:
    _age(calls.campaign, ended_days_ago=40, retention_days=30)
    out = StringIO()
    call_command("purge_call_lists", stdout=out)
    assert "Erased 4 numbers" in out.getvalue()
    out = StringIO()
    call_command("rebuild_call_tallies", stdout=out)
    assert "tally rows" in out.getvalue()
