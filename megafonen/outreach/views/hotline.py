"""The hotline: shifts for coordinators, logging for ambassadors, the public page for
residents (no cookie, no script), and the 46elks voice webhooks."""

from __future__ import annotations

import hmac
import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from megafonen.core.models import Membership, User
from megafonen.core.permissions import organisations_allowed, public_view, staff_view
from megafonen.core.roles import Role
from megafonen.outreach import needs_bridge, rules, selectors, services_calls, services_hotline
from megafonen.outreach.forms_calls import InboundCallForm, ShiftForm
from megafonen.outreach.models import HotlineCall, HotlineShift
from megafonen.outreach.phones import number_isolated
from megafonen.outreach.selectors_hotline import hotline_week, my_hotline_calls
from megafonen.outreach.services_calls import CallDetails


# --- Staff ------------------------------------------------------------------------------------
@staff_view(rules.ANSWER_HOTLINE.name)
@require_http_methods(["GET", "POST"])
def hotline_staff(request: HttpRequest) -> HttpResponse:
    user = request.user
    managed = selectors.user_partners(user, rules.MANAGE_HOTLINE.name)
    form = None
    if managed:
        partner = managed[0]
        ambassadors = User.objects.filter(
            pk__in=Membership.objects.current()
            .filter(organisation=partner, role__in=[Role.AMBASSADOR, Role.PARTNER_COORDINATOR])
            .values("user_id")
        ).order_by("full_name")
        form = ShiftForm(request.POST or None, ambassadors=ambassadors)
        if request.method == "POST" and form.is_valid():
            starts_at, ends_at = form.period()
            try:
                services_hotline.shift_add(
                    actor=user,
                    partner=partner,
                    ambassador=form.cleaned_data["ambassador"],
                    language=form.cleaned_data["language"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The shift is planned."))
                return redirect("outreach:hotline_staff")
    elif request.method == "POST":
        raise PermissionDenied(rules.MANAGE_HOTLINE.name)
    own = organisations_allowed(user, rules.ANSWER_HOTLINE.name) or set()
    now = timezone.now()
    shifts = (
        HotlineShift.objects.filter(partner_id__in=own, ends_at__gte=now - timedelta(hours=12))
        .filter(starts_at__lte=now + timedelta(days=14))
        .select_related("ambassador")
        .order_by("starts_at")
    )
    return render(
        request,
        "outreach/hotline/staff.html",
        {
            "form": form,
            "shifts": list(shifts),
            "can_manage": bool(managed),
            "pending": my_hotline_calls(user),
            "now": now,
            "voice_on": bool(settings.OUTREACH_HOTLINE_VOICE_TOKEN),
            "hotline_number": number_isolated(settings.OUTREACH_HOTLINE_NUMBER),
        },
    )


@staff_view(rules.MANAGE_HOTLINE.name)
@require_POST
def shift_remove(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(HotlineShift, pk=pk)
    try:
        services_hotline.shift_remove(actor=request.user, shift=shift)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The shift is removed."))
    return redirect("outreach:hotline_staff")


@staff_view(rules.ANSWER_HOTLINE.name)
@require_http_methods(["GET", "POST"])
def hotline_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    partners = selectors.user_partners(user, rules.ANSWER_HOTLINE.name)
    if not partners:
        raise PermissionDenied(rules.ANSWER_HOTLINE.name)
    hotline_call = None
    raw = request.GET.get("call") or request.POST.get("hotline_call") or ""
    if raw.isdigit():
        hotline_call = get_object_or_404(HotlineCall, pk=int(raw), ambassador=user)
    partner = (
        next((p for p in partners if hotline_call and p.pk == hotline_call.partner_id), None)
        or partners[0]
    )
    topics = [topic for topic in selectors.topics_for(user) if topic.is_active]
    initial: dict[str, Any] = {}
    if hotline_call is not None and hotline_call.language:
        initial["language"] = hotline_call.language
    form = InboundCallForm(
        request.POST or None,
        topics=topics,
        initial=initial,
        language=initial.get("language", "sv"),
        categories=needs_bridge.need_categories(request.LANGUAGE_CODE),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_calls.inbound_call_log(
                actor=user,
                partner=partner,
                log_key=data["log_key"],
                details=CallDetails(
                    outcome="reached",
                    duration_seconds=form.duration_seconds(),
                    questions=form.question_lines(),
                    need_text=data.get("need_text", ""),
                    need_category=data.get("need_category", "") or "",
                    need_consent=data.get("need_consent", False),
                    follow_up_wanted=data.get("follow_up", False),
                ),
                language=data["language"],
                topic=data["topic"],
                district=data["district"],
                hotline_call=hotline_call,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The hotline call is logged. Thank you!"))
            return redirect("outreach:hotline_staff")
    return render(
        request,
        "outreach/hotline/log.html",
        {"form": form, "hotline_call": hotline_call, "partner": partner},
    )


# --- Residents --------------------------------------------------------------------------------
@public_view
@require_GET
def hotline_public(request: HttpRequest) -> HttpResponse:
    """When the hotline answers in which language: today and the next seven days."""
    week = hotline_week(timezone.now())
    return render(
        request,
        "outreach/hotline/public.html",
        {
            "week": week,
            "today": week[0] if week else None,
            "number": settings.OUTREACH_HOTLINE_NUMBER,
            "number_isolated": number_isolated(settings.OUTREACH_HOTLINE_NUMBER),
            "menu": _menu_digits(),
        },
    )


def _menu_digits() -> dict[str, int]:
    if not (settings.OUTREACH_HOTLINE_VOICE_TOKEN and settings.OUTREACH_HOTLINE_MENU_AUDIO_URL):
        return {}
    return {code: index for index, code in enumerate(settings.OUTREACH_HOTLINE_MENU, start=1)}


# --- The 46elks voice webhook -----------------------------------------------------------------
def _voice_allowed(token: str) -> None:
    expected = settings.OUTREACH_HOTLINE_VOICE_TOKEN
    if not expected or not hmac.compare_digest(token, expected):
        raise Http404


def _actions(payload: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(payload), content_type="application/json")


@public_view
@csrf_exempt  # called by 46elks, which has no cookie; the secret in the address proves it
@require_POST
def voice_start(request: HttpRequest, token: str) -> HttpResponse:
    _voice_allowed(token)
    callid = request.POST.get("callid", "")
    if not callid:
        return JsonResponse({"hangup": "busy"})
    return _actions(services_hotline.voice_call_start(callid=callid))


@public_view
@csrf_exempt
@require_POST
def voice_menu(request: HttpRequest, token: str) -> HttpResponse:
    _voice_allowed(token)
    return _actions(
        services_hotline.voice_language_chosen(
            callid=request.POST.get("callid", ""), result=request.POST.get("result", "")
        )
    )


@public_view
@csrf_exempt
@require_POST
def voice_connected(request: HttpRequest, token: str) -> HttpResponse:
    _voice_allowed(token)
    return _actions(
        services_hotline.voice_connect_result(
            callid=request.POST.get("callid", ""), result=request.POST.get("result", "")
        )
    )


@public_view
@csrf_exempt
@require_POST
def voice_hangup(request: HttpRequest, token: str) -> HttpResponse:
    _voice_allowed(token)
    services_hotline.voice_hangup(callid=request.POST.get("callid", ""))
    return HttpResponse(status=204)
