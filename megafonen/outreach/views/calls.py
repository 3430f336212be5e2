"""Pages of call campaigns: campaigns and their lists for coordinators, the next call and its
log for ambassadors. Numbers appear only on the call page of the ambassador it is assigned to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from megafonen.core.models import User
from megafonen.core.permissions import can, organisations_allowed, require, staff_view
from megafonen.outreach import (
    calls_import,
    needs_bridge,
    rules,
    selectors,
    selectors_calls,
    services_call_lists,
    services_calls,
    services_corrections,
)
from megafonen.outreach.forms_calls import CallDetailsForm as DetailsForm
from megafonen.outreach.forms_calls import (
    CampaignForm,
    ContactForm,
    CorrectionForm,
    DoNotCallForm,
    ImportForm,
    RemoveForm,
    ScriptForm,
    call_back_at,
)
from megafonen.outreach.languages import direction, language_name
from megafonen.outreach.models import (
    Call,
    CallCampaign,
    CallContact,
    CallImport,
    Capability,
    Topic,
)
from megafonen.outreach.phones import number_isolated, phone_display
from megafonen.outreach.services import partner_capable
from megafonen.outreach.services_calls import CallDetails

MAX_UPLOAD = 4 * 1024 * 1024  # read at most this much; the service applies the real limit


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _campaign(request: HttpRequest, pk: int) -> CallCampaign:
    campaign = get_object_or_404(CallCampaign.objects.select_related("topic", "partner"), pk=pk)
    if not selectors_calls.campaign_visible(request.user, campaign):
        raise PermissionDenied(rules.MAKE_CALLS.name)
    return campaign


def _own_partners(user: Any, action: str) -> list[Any]:
    return selectors.user_partners(user, action)


# --- The calls home page ----------------------------------------------------------------------
@staff_view(rules.USE_WORKSPACE.name)
def calls_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (
        can(user, rules.MAKE_CALLS.name)
        or can(user, rules.VIEW_CALL_FIGURES.name)
        or can(user, rules.RUN_CALL_CAMPAIGNS.name)
    ):
        raise PermissionDenied(rules.MAKE_CALLS.name)
    campaigns = list(selectors_calls.campaigns_for(user)[:100])
    progress = selectors_calls.campaigns_progress(campaigns)
    coordinator_of = set(organisations_allowed(user, rules.RUN_CALL_CAMPAIGNS.name) or set())
    corrections = []
    if coordinator_of:
        for topic in {
            campaign.topic for campaign in campaigns if campaign.partner_id in coordinator_of
        }:
            for partner_id, count in selectors_calls.corrections_due(topic, coordinator_of):
                corrections.append((topic, partner_id, count))
    return render(
        request,
        "outreach/calls/home.html",
        {
            "rows": [(campaign, progress[campaign.pk]) for campaign in campaigns],
            "can_open": bool(coordinator_of),
            "can_call": can(user, rules.MAKE_CALLS.name),
            "can_figures": can(user, rules.VIEW_CALL_FIGURES.name),
            "can_hotline": can(user, rules.ANSWER_HOTLINE.name)
            or can(user, rules.MANAGE_HOTLINE.name),
            "corrections": corrections,
            "correction_form": CorrectionForm(
                initial={"ends_on": timezone.localdate() + timedelta(days=14)}
            ),
            "today": timezone.localdate(),
        },
    )


# --- Campaigns --------------------------------------------------------------------------------
def _campaign_topics(partner: Any) -> list[Topic]:
    return [
        topic
        for topic in Topic.objects.active().order_by("title")
        if partner_capable(organisation=partner, topic=topic, capability=Capability.CALL_CAMPAIGNS)
    ]


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    partners = _own_partners(request.user, rules.RUN_CALL_CAMPAIGNS.name)
    if not partners:
        raise PermissionDenied(rules.RUN_CALL_CAMPAIGNS.name)
    partner = partners[0]
    topics = _campaign_topics(partner)
    form = CampaignForm(request.POST or None, topics=topics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services_calls.campaign_open(
                actor=request.user,
                topic=data["topic"],
                partner=partner,
                title=data["title"],
                goal=data["goal"],
                languages=data["languages"],
                districts=list(data["districts"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                retention_days=data["retention_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign is open. Add the residents who agreed."))
            return redirect("outreach:campaign_detail", campaign.pk)
    return render(
        request,
        "outreach/calls/campaign_form.html",
        {"form": form, "partner": partner, "topics": topics},
    )


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    form = CampaignForm(
        request.POST or None,
        initial={
            "title": campaign.title,
            "goal": campaign.goal,
            "languages": campaign.languages,
            "districts": list(campaign.districts.all()),
            "ends_on": campaign.ends_on,
            "retention_days": campaign.retention_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_calls.campaign_update(
                actor=request.user,
                campaign=campaign,
                title=data["title"],
                goal=data["goal"],
                languages=data["languages"],
                districts=list(data["districts"]),
                ends_on=data["ends_on"],
                retention_days=data["retention_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("outreach:campaign_detail", campaign.pk)
    return render(
        request, "outreach/calls/campaign_form.html", {"form": form, "campaign": campaign}
    )


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    services_calls.campaign_close(actor=request.user, campaign=campaign)
    messages.success(
        request, _("The campaign is closed. Its numbers are erased when the retention period ends.")
    )
    return redirect("outreach:campaign_detail", campaign.pk)


@staff_view(rules.USE_WORKSPACE.name)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    user = request.user
    runs = can(user, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    calls = can(user, rules.MAKE_CALLS.name, campaign)
    progress = selectors_calls.campaign_progress(campaign)
    context: dict[str, Any] = {
        "campaign": campaign,
        "progress": progress,
        "outcome_rows": [
            (label, progress.by_outcome[value])
            for value, label in Call.Outcome.choices
            if progress.by_outcome.get(value)
        ],
        "overview": selectors_calls.list_overview(campaign),
        "scripts": [
            (code, language_name(code), ready)
            for code, ready in selectors_calls.scripts_ready(campaign)
        ],
        "districts": list(campaign.districts.all()),
        "runs": runs,
        "calls": calls,
        "callable": services_calls.campaign_is_callable(campaign),
    }
    if calls:
        context["mine"] = selectors_calls.my_calls(user, campaign)
        speaks = set(cast(User, user).languages.values_list("code", flat=True))
        context["my_languages"] = [code for code in campaign.languages if code in speaks]
    if runs:
        context["imports"] = list(selectors_calls.imports_of(campaign, user))
        due = selectors_calls.corrections_due(campaign.topic, {campaign.partner_id})
        context["corrections_due"] = sum(count for _partner, count in due)
        context["correction_form"] = CorrectionForm(
            initial={"ends_on": timezone.localdate() + timedelta(days=14)}
        )
    return render(request, "outreach/calls/campaign_detail.html", context)


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def script_edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    if language not in campaign.languages:
        raise Http404
    script = selectors_calls.campaign_script(
        campaign, language, caller_name=cast(User, request.user).get_short_name()
    )
    form = ScriptForm(
        request.POST or None,
        language=language,
        initial={
            "opening": campaign.scripts.filter(language=language)
            .values_list("opening", flat=True)
            .first()
            or "",
            "closing": campaign.scripts.filter(language=language)
            .values_list("closing", flat=True)
            .first()
            or "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_calls.script_save(
                actor=request.user, campaign=campaign, language=language, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The script is saved."))
            return redirect("outreach:campaign_detail", campaign.pk)
    return render(
        request,
        "outreach/calls/script_form.html",
        {
            "campaign": campaign,
            "form": form,
            "script": script,
            "language": language,
            "language_name": language_name(language),
            "direction": direction(language),
        },
    )


# --- Call lists -------------------------------------------------------------------------------
@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    districts = campaign.districts.all() if campaign.districts.exists() else None
    from megafonen.core.models import District

    form = ContactForm(
        request.POST or None,
        languages=campaign.languages,
        districts=districts if districts is not None else District.objects.filter(is_active=True),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_call_lists.contact_add(
                actor=request.user,
                campaign=campaign,
                raw_phone=data["phone"],
                language=data["language"],
                district=data["district"],
                consent_note=data["consent_note"],
            )
        except ValidationError as error:
            form.add_error("phone", error)
        else:
            messages.success(request, _("The resident is on the list."))
            if "another" in request.POST:
                return redirect("outreach:contact_add", campaign.pk)
            return redirect("outreach:campaign_detail", campaign.pk)
    return render(request, "outreach/calls/contact_form.html", {"campaign": campaign, "form": form})


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services_call_lists.contact_remove(
                actor=request.user,
                campaign=campaign,
                raw_phone=form.cleaned_data["phone"],
                never_call=form.cleaned_data["never_call"],
            )
        except ValidationError as error:
            form.add_error("phone", error)
        else:
            if form.cleaned_data["never_call"]:
                messages.success(request, _("The number is on the do-not-call list."))
            elif count:
                messages.success(request, _("The resident is off the list and her number erased."))
            else:
                messages.info(request, _("This number is not on the list."))
            return redirect("outreach:campaign_detail", campaign.pk)
    return render(
        request, "outreach/calls/contact_remove.html", {"campaign": campaign, "form": form}
    )


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def do_not_call(request: HttpRequest) -> HttpResponse:
    partners = _own_partners(request.user, rules.RUN_CALL_CAMPAIGNS.name)
    if not partners:
        raise PermissionDenied(rules.RUN_CALL_CAMPAIGNS.name)
    form = DoNotCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_call_lists.do_not_call_add(
                actor=request.user,
                raw_phone=form.cleaned_data["phone"],
                organisation=partners[0],
                reason="request",
            )
        except ValidationError as error:
            form.add_error("phone", error)
        else:
            messages.success(
                request, _("The number is on the do-not-call list. Nobody will call it.")
            )
            return redirect("outreach:do_not_call")
    return render(request, "outreach/calls/do_not_call.html", {"form": form})


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, rules.RUN_CALL_CAMPAIGNS.name, campaign)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            call_import = services_call_lists.call_import_preview(
                actor=request.user,
                campaign=campaign,
                data=upload.read(MAX_UPLOAD + 1),
                file_name=upload.name or "",
                consent_note=form.cleaned_data["consent_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("outreach:import_preview", call_import.pk)
    return render(request, "outreach/calls/import_form.html", {"campaign": campaign, "form": form})


def _import(request: HttpRequest, pk: int) -> CallImport:
    call_import = get_object_or_404(
        CallImport.objects.select_related("campaign__topic", "campaign__partner"), pk=pk
    )
    require(request.user, rules.RUN_CALL_CAMPAIGNS.name, call_import.campaign)
    if call_import.created_by_id != request.user.pk:
        # The preview shows what was in the file, numbers included: only to its uploader.
        raise PermissionDenied(rules.RUN_CALL_CAMPAIGNS.name)
    return call_import


@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    call_import = _import(request, pk)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "confirm":
                added = services_call_lists.call_import_confirm(
                    actor=request.user, call_import=call_import
                )
                messages.success(
                    request,
                    _("%(count)s residents were added to the list.") % {"count": added},
                )
            else:
                services_call_lists.call_import_cancel(actor=request.user, call_import=call_import)
                messages.info(request, _("Nothing was added."))
        except ValidationError as error:
            _errors(request, error)
            return redirect("outreach:import_preview", call_import.pk)
        return redirect("outreach:campaign_detail", call_import.campaign_id)
    rejections = services_call_lists.import_rejections(call_import)
    problem = rejections.get("problem") or ""
    rows = [
        {"row": row["row"], "reason": calls_import.reason_text(row["code"], row["params"])}
        for row in rejections.get("rows", [])
    ]
    return render(
        request,
        "outreach/calls/import_preview.html",
        {
            "call_import": call_import,
            "campaign": call_import.campaign,
            "problem": calls_import.reason_text(problem, rejections.get("params") or {})
            if problem
            else "",
            "encoding_note": calls_import.ENCODING_NOTES.get(call_import.encoding, ""),
            "rejected": rows,
        },
    )


# --- Making calls -----------------------------------------------------------------------------
@staff_view(rules.MAKE_CALLS.name)
@require_POST
def call_next(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        contact = services_calls.contact_claim_next(actor=request.user, campaign=campaign)
    except ValidationError as error:
        _errors(request, error)
        return redirect("outreach:campaign_detail", campaign.pk)
    if contact is None:
        messages.info(
            request,
            _("Nobody is waiting to be called in your languages right now. Thank you!"),
        )
        return redirect("outreach:campaign_detail", campaign.pk)
    return redirect("outreach:call", contact.pk)


def _details(form: DetailsForm, outcome: str) -> CallDetails:
    data = form.cleaned_data
    return CallDetails(
        outcome=outcome,
        duration_seconds=form.duration_seconds(),
        questions=form.question_lines(),
        wants_answer=data.get("wants_answer", False),
        need_text=data.get("need_text", ""),
        need_category=data.get("need_category", "") or "",
        need_consent=data.get("need_consent", False),
        follow_up_wanted=data.get("follow_up", False),
        send_sms=data.get("send_sms", False),
        call_back_at=call_back_at(data.get("call_back") or "1h")
        if outcome == Call.Outcome.CALL_BACK
        else None,
        never_call_again=data.get("never_call_again", False),
    )


@staff_view(rules.MAKE_CALLS.name)
@require_http_methods(["GET", "POST"])
def call(request: HttpRequest, pk: int) -> HttpResponse:
    """One call: the number to dial, the script in her language, and the log."""
    if request.method == "POST":
        return _call_post(request, pk)
    contact = selectors_calls.contact_for_caller(request.user, pk)
    return _call_page(
        request, contact, DetailsForm(language=contact.language, categories=_categories(request))
    )


def _categories(request: HttpRequest) -> list[tuple[str, str]]:
    return needs_bridge.need_categories(request.LANGUAGE_CODE)


def _call_page(
    request: HttpRequest, contact: CallContact, form: DetailsForm, status: int = 200
) -> HttpResponse:
    campaign = contact.campaign
    script = selectors_calls.campaign_script(
        campaign,
        contact.language,
        caller_name=cast(User, request.user).get_short_name(),
        contact=contact,
    )
    return render(
        request,
        "outreach/calls/call.html",
        {
            "contact": contact,
            "campaign": campaign,
            "phone": contact.phone,
            "phone_isolated": number_isolated(phone_display(contact.phone)),
            "script": script,
            "form": form,
            "language_name": language_name(contact.language),
            "direction": direction(contact.language),
            "text_direction": direction(script.text.language) if script.text else "ltr",
            "needs_box": needs_bridge.needs_box_installed(),
            "questions_allowed": partner_capable(
                organisation=campaign.partner,
                topic=campaign.topic,
                capability=Capability.QUESTION_CHANNEL,
            ),
        },
        status=status,
    )


def _call_post(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(CallContact.objects.select_related("campaign"), pk=pk)
    require(request.user, rules.MAKE_CALLS.name, contact)
    form = DetailsForm(request.POST, language=contact.language, categories=_categories(request))
    if not form.is_valid():
        contact = selectors_calls.contact_for_caller(request.user, pk)
        return _call_page(request, contact, form, status=400)
    bulletin_id = _int(request.POST.get("bulletin"))
    translation_id = _int(request.POST.get("translation"))
    try:
        logged = services_calls.call_log(
            actor=request.user,
            contact=contact,
            log_key=form.cleaned_data["log_key"],
            details=_details(form, form.cleaned_data["outcome"]),
            bulletin_id=bulletin_id,
            translation_id=translation_id,
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("outreach:campaign_detail", contact.campaign_id)
    messages.success(
        request,
        _("Logged: %(outcome)s.") % {"outcome": Call.Outcome(logged.outcome).label},
    )
    campaign = contact.campaign
    if "stop" in request.POST or not services_calls.campaign_is_callable(campaign):
        return redirect("outreach:campaign_detail", campaign.pk)
    following = services_calls.contact_claim_next(actor=request.user, campaign=campaign)
    if following is None:
        messages.info(request, _("Nobody else is waiting in your languages right now. Thank you!"))
        return redirect("outreach:campaign_detail", campaign.pk)
    return redirect("outreach:call", following.pk)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@staff_view(rules.MAKE_CALLS.name)
@require_POST
def call_release(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(CallContact, pk=pk)
    services_calls.contact_release(actor=request.user, contact=contact)
    messages.info(request, _("The call is back on the list for someone else."))
    return redirect("outreach:campaign_detail", contact.campaign_id)


# --- Corrections ------------------------------------------------------------------------------
@staff_view(rules.RUN_CALL_CAMPAIGNS.name)
@require_POST
def correction_open(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    partners = _own_partners(request.user, rules.RUN_CALL_CAMPAIGNS.name)
    if not partners:
        raise PermissionDenied(rules.RUN_CALL_CAMPAIGNS.name)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("outreach:calls_home")
    try:
        campaign = services_corrections.correction_campaign_open(
            actor=request.user,
            topic=topic,
            partner=partners[0],
            ends_on=form.cleaned_data["ends_on"],
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("outreach:calls_home")
    messages.success(
        request,
        _("The correction campaign is open with %(count)s residents.") % {"count": campaign.goal},
    )
    return redirect("outreach:campaign_detail", campaign.pk)
