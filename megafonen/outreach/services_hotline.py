"""Writes of the hotline: shifts, and the calls the optional 46elks voice webhook routes.

A call to the hotline's number plays a language menu (a recording the city makes, listing the
languages of ``OUTREACH_HOTLINE_MENU`` with their digits), then rings the ambassadors on shift
for the chosen language one at a time (the one with the fewest calls today first), and when
nobody is on shift or nobody answers, falls back to ``OUTREACH_HOTLINE_FALLBACK_NUMBER``, else
a recorded "closed" message, else hangs up. The caller's number is never stored, and the
ambassador's phone shows the hotline's number, not the caller's.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.models import Membership, Organisation, User
from megafonen.core.permissions import require
from megafonen.core.roles import Role
from megafonen.messaging.phone import phone_normalise
from megafonen.outreach import rules, voice
from megafonen.outreach.languages import enabled_codes
from megafonen.outreach.models import Capability, HotlineCall, HotlineShift, Topic
from megafonen.outreach.services import partner_capable

MAX_SHIFT = timedelta(hours=12)
MENU_ATTEMPTS = 2


def _fail(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def partner_runs_hotline(partner: Organisation) -> bool:
    """A partner runs the hotline while its level on at least one open topic allows it."""
    topics = Topic.objects.active().filter(partner_levels__organisation=partner).distinct()
    return any(
        partner_capable(organisation=partner, topic=topic, capability=Capability.HOTLINE)
        for topic in topics
    )


@transaction.atomic
def shift_add(
    *,
    actor: Any,
    partner: Organisation,
    ambassador: User,
    language: str,
    starts_at: datetime,
    ends_at: datetime,
) -> HotlineShift:
    require(actor, rules.MANAGE_HOTLINE.name, partner)
    if not partner_runs_hotline(partner):
        raise _fail(
            _("Your organisation's level on the open topics does not include a hotline."),
            "level",
        )
    is_member = (
        Membership.objects.current()
        .filter(
            user=ambassador,
            organisation=partner,
            role__in=[Role.AMBASSADOR, Role.PARTNER_COORDINATOR],
        )
        .exists()
    )
    if not is_member:
        raise _fail(_("Choose one of your organisation's ambassadors."), "ambassador")
    if language not in enabled_codes():
        raise _fail(_("Choose a language."), "language")
    if not ambassador.languages.filter(code=language).exists():
        raise _fail(
            _("%(name)s does not speak this language (see her languages)."),
            "language_spoken",
            name=ambassador.full_name,
        )
    if ends_at <= starts_at:
        raise _fail(_("The shift must end after it starts."), "period")
    if ends_at - starts_at > MAX_SHIFT:
        raise _fail(_("A shift is at most 12 hours."), "long")
    if ends_at <= timezone.now():
        raise _fail(_("This shift is already over."), "past")
    overlapping = HotlineShift.objects.filter(
        ambassador=ambassador, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlapping.exists():
        raise _fail(_("%(name)s already has a shift at that time."), "overlap", name=ambassador)
    return HotlineShift.objects.create(
        partner=partner,
        ambassador=ambassador,
        language=language,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )


@transaction.atomic
def shift_remove(*, actor: Any, shift: HotlineShift) -> None:
    require(actor, rules.MANAGE_HOTLINE.name, shift)
    if shift.starts_at <= timezone.now():
        raise _fail(_("A shift that has started is kept as it is."), "started")
    shift.delete()


# --- The voice webhook ------------------------------------------------------------------------
def _callid_hash(callid: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"outreach-hotline-call:{callid}".encode(), hashlib.sha256
    ).hexdigest()


def _session(callid: str) -> HotlineCall | None:
    return HotlineCall.objects.filter(callid_hash=_callid_hash(callid)).first()


def _fallback(call: HotlineCall) -> dict[str, Any]:
    HotlineCall.objects.filter(pk=call.pk).update(state=HotlineCall.State.FALLBACK)
    return voice.fallback()


def _next_ambassador(call: HotlineCall, now: datetime) -> tuple[User, str] | None:
    """Who to ring next: on shift now for the language, not rung yet, fewest calls today."""
    shifts = HotlineShift.objects.covering(now).select_related("ambassador", "partner")
    if call.language:
        shifts = shifts.filter(language=call.language)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = []
    for shift in shifts.exclude(ambassador_id__in=call.tried):
        try:
            number = phone_normalise(shift.ambassador.phone, mobile_only=True)
        except ValidationError:
            continue  # no usable work mobile: she cannot be rung
        load = HotlineCall.objects.filter(
            ambassador=shift.ambassador, connected_at__gte=day_start
        ).count()
        candidates.append((load, shift.starts_at, shift.ambassador, number, shift.partner))
    if not candidates:
        return None
    candidates.sort(key=lambda item: (item[0], item[1], item[2].pk))
    _load, _start, ambassador, number, partner = candidates[0]
    HotlineCall.objects.filter(pk=call.pk).update(
        state=HotlineCall.State.RINGING,
        ambassador=ambassador,
        partner=partner,
        tried=[*call.tried, ambassador.pk],
    )
    return ambassador, number


def _ring(call: HotlineCall) -> dict[str, Any]:
    found = _next_ambassador(call, timezone.now())
    if found is None:
        return _fallback(call)
    _ambassador, number = found
    return voice.connect(number)


def voice_call_start(*, callid: str) -> dict[str, Any]:
    """A call came in: offer the language menu (or, without a recorded menu, ring whoever is
    on shift). A repeated webhook for the same call starts nothing new."""
    digest = _callid_hash(callid)
    try:
        with transaction.atomic():
            call, _created = HotlineCall.objects.get_or_create(callid_hash=digest)
    except IntegrityError:
        call = HotlineCall.objects.get(callid_hash=digest)
    if not settings.OUTREACH_HOTLINE_MENU_AUDIO_URL:
        return _ring(call)
    return voice.menu()


def voice_language_chosen(*, callid: str, result: str) -> dict[str, Any]:
    call = _session(callid)
    if call is None:
        return voice.hangup()
    menu = list(settings.OUTREACH_HOTLINE_MENU)
    digit = result.strip()
    if digit.isdigit() and 1 <= int(digit) <= len(menu):
        call.language = menu[int(digit) - 1]
        HotlineCall.objects.filter(pk=call.pk).update(language=call.language)
        return _ring(call)
    call.menu_attempts += 1
    HotlineCall.objects.filter(pk=call.pk).update(menu_attempts=call.menu_attempts)
    if call.menu_attempts < MENU_ATTEMPTS:
        return voice.menu()
    return _fallback(call)


def voice_connect_result(*, callid: str, result: str) -> dict[str, Any]:
    """46elks tells how the ringing went: ``success`` (they talked; the call is over), else
    ``busy`` or ``failed`` (ring the next ambassador on shift, else fall back)."""
    call = _session(callid)
    if call is None:
        return voice.hangup()
    if call.state == HotlineCall.State.FALLBACK:
        return voice.hangup()
    if result == "success":
        now = timezone.now()
        HotlineCall.objects.filter(pk=call.pk).update(
            state=HotlineCall.State.CONNECTED, connected_at=now
        )
        return voice.hangup()
    return _ring(call)


def voice_hangup(*, callid: str) -> None:
    call = _session(callid)
    if call is not None and call.ended_at is None:
        HotlineCall.objects.filter(pk=call.pk).update(ended_at=timezone.now())
