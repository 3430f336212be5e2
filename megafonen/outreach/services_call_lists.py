"""Writes of call lists: residents added one by one or from a file (checked, previewed,
confirmed), removed at their request, the do-not-call list that always wins, and the purge
of numbers when a campaign's retention period ends. Every change is in the access log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.models import AccessLogEntry, District, Organisation
from megafonen.core.permissions import require
from megafonen.core.services import access_log_record
from megafonen.outreach import calls_import, rules
from megafonen.outreach.models import (
    CallCampaign,
    CallContact,
    CallImport,
    DoNotCall,
)
from megafonen.outreach.phones import call_number_normalise, phone_hash, phone_hashes

IMPORT_VALID_HOURS = 24


def _fail(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


# --- The do-not-call list ---------------------------------------------------------------------
def isdo_not_call_record(e164: str) -> bool:
    return DoNotCall.objects.filter(phone_hash__in=phone_hashes(e164)).exists()


def _erase_number(contact_ids: Sequence[int], status: str | None = None) -> int:
    fields: dict[str, Any] = {"phone": "", "assigned_to": None, "assigned_at": None}
    if status:
        fields["status"] = status
    return CallContact.objects.filter(pk__in=contact_ids).update(**fields)


@transaction.atomic
def do_not_call_add(
    *, actor: Any, raw_phone: str, organisation: Organisation | None, reason: str = "request"
) -> int:
    """Put a number on the do-not-call list; every open call to it, in any campaign, stops and
    its number is erased. Returns how many list entries were stopped."""
    if organisation is not None:
        require(actor, rules.RUN_CALL_CAMPAIGNS.name, organisation)
    e164, _mobile = call_number_normalise(raw_phone)
    return do_not_call_record(e164, actor=actor, organisation=organisation, reason=reason)


def do_not_call_record(
    e164: str, *, actor: Any, organisation: Organisation | None, reason: str
) -> int:
    DoNotCall.objects.get_or_create(
        phone_hash=phone_hash(e164),
        defaults={"reason": reason, "added_by": actor, "organisation": organisation},
    )
    ids = list(
        CallContact.objects.filter(phone_hash__in=phone_hashes(e164))
        .exclude(status=CallContact.Status.DO_NOT_CALL)
        .values_list("pk", flat=True)
    )
    _erase_number(ids, CallContact.Status.DO_NOT_CALL)
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.CHANGE,
        subject_type="outreach.donotcall",
        purpose="Number put on the do-not-call list; its calls stopped",
        details={"reason": reason, "contacts_stopped": len(ids)},
    )
    return len(ids)


# --- Call lists -------------------------------------------------------------------------------
def _list_open(campaign: CallCampaign) -> None:
    if campaign.purged_at is not None or campaign.status != CallCampaign.Status.OPEN:
        raise _fail(_("This campaign is closed: its list takes no new numbers."), "closed")


def _check_language_and_district(
    campaign: CallCampaign, language: str, district: District | None
) -> None:
    if language not in campaign.languages:
        raise _fail(_("This is not one of the campaign's languages."), "language")
    allowed = set(campaign.districts.values_list("pk", flat=True))
    if district is not None and allowed and district.pk not in allowed:
        raise _fail(_("This is not one of the campaign's districts."), "district")


@transaction.atomic
def contact_add(
    *,
    actor: Any,
    campaign: CallCampaign,
    raw_phone: str,
    language: str,
    district: District | None,
    consent_note: str,
) -> CallContact:
    """Add one resident who agreed to be called."""
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    _list_open(campaign)
    if not consent_note.strip():
        raise _fail(_("Say how the resident agreed to be called."), "consent")
    e164, is_mobile = call_number_normalise(raw_phone)
    if isdo_not_call_record(e164):
        raise _fail(calls_import.REASONS["do_not_call"], "do_not_call")
    _check_language_and_district(campaign, language, district)
    if CallContact.objects.filter(campaign=campaign, phone_hash__in=phone_hashes(e164)).exists():
        raise _fail(calls_import.REASONS["already_on_list"], "duplicate")
    contact = CallContact.objects.create(
        campaign=campaign,
        partner_id=campaign.partner_id,
        phone=e164,
        phone_hash=phone_hash(e164),
        is_mobile=is_mobile,
        language=language,
        district=district,
        consent_note=consent_note.strip()[:300],
        added_by=actor,
    )
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.CREATE,
        subject=contact,
        purpose="Resident who agreed to be called added to a call list",
        details={"fields": ["phone", "language", "district"], "campaign": campaign.pk},
    )
    return contact


@transaction.atomic
def contact_remove(
    *, actor: Any, campaign: CallCampaign, raw_phone: str, never_call: bool = False
) -> int:
    """A resident asked to come off the list (and, if she wants, never to be called again)."""
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    e164, _mobile = call_number_normalise(raw_phone)
    if never_call:
        return do_not_call_record(
            e164, actor=actor, organisation=campaign.partner, reason="request"
        )
    ids = list(
        CallContact.objects.filter(
            campaign=campaign, phone_hash__in=phone_hashes(e164)
        ).values_list("pk", flat=True)
    )
    _erase_number(ids, CallContact.Status.REMOVED)
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.DELETE,
        subject=campaign,
        purpose="Resident removed from a call list at her request; number erased",
        details={"fields": ["phone"], "count": len(ids)},
    )
    return len(ids)


# --- Importing a file -------------------------------------------------------------------------
def _districts() -> list[calls_import.DistrictRef]:
    return [
        calls_import.DistrictRef(pk, name, slug)
        for pk, name, slug in District.objects.values_list("pk", "name", "slug")
    ]


def call_import_preview(
    *, actor: Any, campaign: CallCampaign, data: bytes, file_name: str, consent_note: str
) -> CallImport:
    """Read and check a file; nothing is added to the list until ``call_import_confirm``."""
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    _list_open(campaign)
    if not consent_note.strip():
        raise _fail(_("Say how the residents on the list agreed to be called."), "consent")
    limit_kb = settings.OUTREACH_CALL_IMPORT_MAX_KB
    if len(data) > limit_kb * 1024:
        parsed = calls_import.CallListFile(problem="too_large", problem_params={"limit": limit_kb})
    else:
        on_list = set(
            CallContact.objects.filter(campaign=campaign)
            .exclude(phone_hash="")
            .values_list("phone_hash", flat=True)
        )
        blocked = set(DoNotCall.objects.values_list("phone_hash", flat=True))
        parsed = calls_import.read_call_list(
            data,
            campaign_languages=campaign.languages,
            campaign_district_ids=set(campaign.districts.values_list("pk", flat=True)),
            districts=_districts(),
            on_list=lambda e164: any(h in on_list for h in phone_hashes(e164)),
            do_not_call=lambda e164: any(h in blocked for h in phone_hashes(e164)),
            max_rows=settings.OUTREACH_CALL_IMPORT_MAX_ROWS,
            default_consent=consent_note.strip(),
        )
    with transaction.atomic():
        call_import = CallImport.objects.create(
            campaign=campaign,
            file_name=file_name[:200],
            encoding=parsed.encoding,
            consent_note=consent_note.strip()[:300],
            valid_rows=json.dumps([row.as_json() for row in parsed.valid]),
            valid_count=len(parsed.valid),
            rejected_rows=json.dumps(
                {
                    "problem": parsed.problem,
                    "params": parsed.problem_params,
                    "rows": [row.as_json() for row in parsed.rejected],
                }
            ),
            rejected_count=len(parsed.rejected),
            file_problem=parsed.problem,
            status=CallImport.Status.CANCELLED if parsed.problem else CallImport.Status.PREVIEW,
            created_by=actor,
        )
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.CREATE,
            subject=call_import,
            purpose="Call list file read and checked, waiting for confirmation",
            details={
                "valid": len(parsed.valid),
                "rejected": len(parsed.rejected),
                "problem": parsed.problem,
            },
        )
    return call_import


def import_rejections(call_import: CallImport) -> dict[str, Any]:
    """The file problem and rejected rows of an import, to show (and log) to its uploader."""
    if not call_import.rejected_rows:
        return {"problem": call_import.file_problem, "params": {}, "rows": []}
    return dict(json.loads(call_import.rejected_rows))


def call_import_confirm(*, actor: Any, call_import: CallImport) -> int:
    """Add the valid rows the coordinator saw in the preview. Rows that became duplicates or
    were put on the do-not-call list since are skipped (the list always wins)."""
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, call_import.campaign)
    if call_import.created_by_id != actor.pk:
        raise PermissionDenied(rules.RUN_CALL_CAMPAIGNS.name)
    with transaction.atomic():
        call_import = CallImport.objects.select_for_update().get(pk=call_import.pk)
        if call_import.status != CallImport.Status.PREVIEW:
            raise _fail(_("This file has already been added or cancelled."), "decided")
        if timezone.now() - call_import.created_at > timedelta(hours=IMPORT_VALID_HOURS):
            raise _fail(_("This preview is more than a day old. Upload the file again."), "old")
        campaign = call_import.campaign
        _list_open(campaign)
        rows = json.loads(call_import.valid_rows or "[]")
        on_list = set(
            CallContact.objects.filter(campaign=campaign)
            .exclude(phone_hash="")
            .values_list("phone_hash", flat=True)
        )
        blocked = set(DoNotCall.objects.values_list("phone_hash", flat=True))
        now = timezone.now()
        contacts = []
        for row in rows:
            hashes = phone_hashes(row["phone"])
            if any(h in on_list or h in blocked for h in hashes):
                continue
            on_list.add(hashes[0])
            contacts.append(
                CallContact(
                    campaign=campaign,
                    partner_id=campaign.partner_id,
                    phone=row["phone"],
                    phone_hash=hashes[0],
                    is_mobile=row["is_mobile"],
                    language=row["language"],
                    district_id=row["district_id"],
                    consent_note=row["consent_note"],
                    consent_at=call_import.created_at,
                    source=CallContact.Source.IMPORT,
                    added_by=actor,
                    added_at=now,
                )
            )
        CallContact.objects.bulk_create(contacts, batch_size=500)
        call_import.status = CallImport.Status.CONFIRMED
        call_import.added_count = len(contacts)
        call_import.decided_at = now
        call_import.valid_rows = ""
        call_import.rejected_rows = ""
        call_import.save()
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.CREATE,
            subject=call_import,
            purpose="Residents who agreed to be called added to a call list from a file",
            details={"fields": ["phone", "language", "district"], "count": len(contacts)},
        )
    return len(contacts)


@transaction.atomic
def call_import_cancel(*, actor: Any, call_import: CallImport) -> CallImport:
    require(actor, rules.RUN_CALL_CAMPAIGNS.name, call_import.campaign)
    if call_import.status == CallImport.Status.PREVIEW:
        call_import.status = CallImport.Status.CANCELLED
        call_import.decided_at = timezone.now()
        call_import.valid_rows = ""
        call_import.rejected_rows = ""
        call_import.save()
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.DELETE,
            subject=call_import,
            purpose="Call list file cancelled; its rows erased",
            details={"fields": ["phone"]},
        )
    return call_import


def call_lists_purge(*, today: date | None = None) -> int:
    """Erase the numbers of campaigns whose retention period has ended, and call list files
    never confirmed within a day. Returns how many numbers were erased."""
    today = today or timezone.localdate()
    now = timezone.now()
    erased = 0
    for campaign in CallCampaign.objects.filter(purged_at__isnull=True, ends_on__lt=today):
        if campaign.ends_on + timedelta(days=campaign.retention_days) >= today:
            continue
        with transaction.atomic():
            count = CallContact.objects.filter(campaign=campaign).update(
                phone="", phone_hash="", assigned_to=None, assigned_at=None, purged_at=now
            )
            CallImport.objects.filter(campaign=campaign).update(valid_rows="", rejected_rows="")
            campaign.purged_at = now
            campaign.status = CallCampaign.Status.CLOSED
            campaign.save(update_fields=["purged_at", "status"])
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.DELETE,
                subject=campaign,
                purpose="Call list numbers erased after the retention period",
                details={"fields": ["phone"], "count": count},
            )
        erased += count
    stale = CallImport.objects.filter(
        status=CallImport.Status.PREVIEW,
        created_at__lt=now - timedelta(hours=IMPORT_VALID_HOURS),
    )
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        if ids:
            CallImport.objects.filter(pk__in=ids).update(
                status=CallImport.Status.CANCELLED, valid_rows="", rejected_rows=""
            )
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.DELETE,
                subject_type="outreach.callimport",
                purpose="Call list files never confirmed erased",
                details={"count": len(ids)},
            )
    return erased
