"""Staff pages of the needs box: the receivers' inbox, a need's page and its actions,
moderation, placements with their QR codes and posters, and answer templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from megafonen.core.models import District, Organisation
from megafonen.core.pdf import pdf_render
from megafonen.core.permissions import can, organisations_allowed, require, staff_view
from megafonen.core.qr import qr_png, qr_svg
from megafonen.needs import rules, selectors, services
from megafonen.needs.forms import (
    AnswerForm,
    AnswerTemplateForm,
    CloseForm,
    ForwardForm,
    InboxFilterForm,
    PlacementForm,
    ReasonForm,
)
from megafonen.needs.models import AnswerTemplate, Category, Need, Placement
from megafonen.needs.queries import first
from megafonen.needs.translations import language_of, text_in

INBOX_PAGE_SIZE = 50


def _need_url(need: Need) -> str:
    return reverse("needs:need_detail", args=[need.pk])


# --- Inbox -------------------------------------------------------------------------------------
@staff_view(rules.VIEW_INBOX.name)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.all())
    districts = list(District.objects.filter(is_active=True))
    form = InboxFilterForm(request.GET or None, categories=categories, districts=districts)
    filters = selectors.InboxFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.InboxFilters(
            status=data["status"],
            category=data["category"],
            district=data["district"],
            language=data["language"],
            claimed=data["claimed"],
            show_closed=data["closed"],
        )
    paginator = Paginator(
        selectors.inbox_needs(user=request.user, filters=filters), INBOX_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    needs = list(page.object_list)
    selectors.inbox_page_logged(user=request.user, needs=needs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "needs/staff/inbox.html",
        {
            "form": form,
            "page": page,
            "needs": needs,
            "query": query.urlencode(),
            "organisations": selectors.user_receiving_organisations(user=request.user),
        },
    )


# --- One need ----------------------------------------------------------------------------------
def _need_page(
    request: HttpRequest, need_id: int, *, status: int = 200, **forms: Any
) -> HttpResponse:
    need, routing = selectors.need_for_staff(user=request.user, need_id=need_id)
    user = request.user
    contact = ""
    if request.GET.get("contact") == "1" and need.has_contact and need.contact_address:
        contact = selectors.need_contact_details(user=user, need=need)
    templates = (
        list(selectors.answer_templates_for(user=user))
        if _may(user, rules.ANSWER_NEED, need)
        else []
    )
    answer_form = forms.get("answer_form")
    if answer_form is None:
        initial: dict[str, Any] = {"language": need.resident_language, "kind": "tip"}
        chosen = request.GET.get("template", "")
        template = next((item for item in templates if str(item.pk) == chosen), None)
        if template is not None:
            initial.update(
                kind=template.kind,
                text=text_in(template.texts, need.resident_language),
                language=language_of(template.texts, need.resident_language),
                template=template.pk,
            )
        answer_form = AnswerForm(initial=initial)
    return render(
        request,
        "needs/staff/need_detail.html",
        {
            "need": need,
            "routing": routing,
            "routings": list(need.routings.all()),
            "answers": list(need.answers.all()),
            "additions": list(need.additions.all()),
            "events": list(need.events.all()),
            "contact": contact,
            "templates": templates,
            "answer_form": answer_form,
            "close_form": forms.get("close_form")
            or CloseForm(initial={"language": need.resident_language}),
            "forward_form": forms.get("forward_form") or ForwardForm(),
            "report_form": forms.get("report_form") or ReasonForm(),
            "moderate_form": forms.get("moderate_form") or ReasonForm(),
            "may": {
                "claim": routing is not None
                and routing.claimed_by_id is None
                and _may(user, rules.CLAIM_NEED, need),
                "answer": need.is_open and _may(user, rules.ANSWER_NEED, need),
                "close": need.is_open and _may(user, rules.CLOSE_NEED, need),
                "forward": _may(user, rules.FORWARD_NEED, need),
                "report": _may(user, rules.REPORT_NEED, need),
                "moderate": can(user, rules.MODERATE_NEEDS.name),
                "contact": need.has_contact
                and bool(need.contact_address)
                and _may(user, rules.READ_CONTACT, need),
            },
        },
        status=status,
    )


def _may(user: Any, action: Any, need: Need) -> bool:
    return selectors.may(user, action.name, need)


def _routing_or_deny(request: HttpRequest, need: Need, action: Any) -> Any:
    routing = selectors.routing_for(request.user, action.name, need)
    if routing is None and action.name not in {
        rules.CLOSE_NEED.name,
        rules.FORWARD_NEED.name,
    }:
        raise PermissionDenied(action.name)
    return routing


def _load(need_id: int) -> Need:
    need = first(Need.objects.prefetch_related("routings__organisation").filter(pk=need_id))
    if need is None:
        raise Http404
    return need


@staff_view(rules.VIEW_INBOX.name)
@require_GET
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    return _need_page(request, need_id)


@staff_view(rules.CLAIM_NEED.name)
@require_POST
def need_claim(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _load(need_id)
    routing = _routing_or_deny(request, need, rules.CLAIM_NEED)
    try:
        services.need_claim(need=need, routing=routing, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have taken on this need."))
    return HttpResponseRedirect(_need_url(need))


@staff_view(rules.ANSWER_NEED.name)
@require_POST
def need_answer(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _load(need_id)
    routing = _routing_or_deny(request, need, rules.ANSWER_NEED)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _need_page(request, need_id, status=400, answer_form=form)
    template = None
    if form.cleaned_data.get("template"):
        template = (
            selectors.answer_templates_for(user=request.user)
            .filter(pk=form.cleaned_data["template"])
            .first()
        )
    try:
        services.need_answer(
            need=need,
            routing=routing,
            author=request.user,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            language=form.cleaned_data["language"],
            template=template,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _need_page(request, need_id, status=400, answer_form=form)
    messages.success(request, _("Your answer is saved. The resident can read it now."))
    return HttpResponseRedirect(_need_url(need))


@staff_view(rules.CLOSE_NEED.name)
@require_POST
def need_close(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _load(need_id)
    routing = _routing_or_deny(request, need, rules.CLOSE_NEED)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _need_page(request, need_id, status=400, close_form=form)
    try:
        services.need_close(
            need=need,
            actor=request.user,
            organisation=routing.organisation if routing else None,
            reason=form.cleaned_data["reason"],
            language=form.cleaned_data["language"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _need_page(request, need_id, status=400, close_form=form)
    messages.success(request, _("The need is closed. The resident can read your reason."))
    return HttpResponseRedirect(_need_url(need))


@staff_view(rules.FORWARD_NEED.name)
@require_POST
def need_forward(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _load(need_id)
    _routing_or_deny(request, need, rules.FORWARD_NEED)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        return _need_page(request, need_id, status=400, forward_form=form)
    try:
        services.need_forward(
            need=need,
            to_organisation=form.cleaned_data["organisation"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form.add_error("organisation", error)
        return _need_page(request, need_id, status=400, forward_form=form)
    messages.success(
        request,
        _("The need was sent on to %(organisation)s.")
        % {"organisation": form.cleaned_data["organisation"].name},
    )
    if not selectors.may(request.user, rules.VIEW_INBOX.name, need):
        return HttpResponseRedirect(reverse("needs:inbox"))
    return HttpResponseRedirect(_need_url(need))


@staff_view(rules.REPORT_NEED.name)
@require_POST
def need_report(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _load(need_id)
    routing = _routing_or_deny(request, need, rules.REPORT_NEED)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _need_page(request, need_id, status=400, report_form=form)
    services.need_report(
        need=need, routing=routing, actor=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Thank you. The moderators will look at the need."))
    return HttpResponseRedirect(_need_url(need))


# --- Moderation --------------------------------------------------------------------------------
@staff_view(rules.MODERATE_NEEDS.name)
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    queue = list(selectors.moderation_queue()[:200])
    return render(request, "needs/staff/moderation.html", {"needs": queue})


@staff_view(rules.MODERATE_NEEDS.name)
@require_POST
def need_moderate(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _load(need_id)
    require(request.user, rules.MODERATE_NEEDS.name)
    form = ReasonForm(request.POST)
    hide = request.POST.get("hide") == "1"
    if not form.is_valid():
        return _need_page(request, need_id, status=400, moderate_form=form)
    services.need_moderate(
        need=need, actor=request.user, hide=hide, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request,
        _("The need is hidden. The reason is kept in its history.")
        if hide
        else _("The need is shown again. The reason is kept in its history."),
    )
    return HttpResponseRedirect(reverse("needs:moderation"))


# --- Placements --------------------------------------------------------------------------------
@staff_view(rules.MANAGE_PLACEMENTS.name)
@require_GET
def placements(request: HttpRequest) -> HttpResponse:
    rows = (
        Placement.objects.select_related("district")
        .annotate(scan_total=Sum("scans__count"), need_total=Count("needs", distinct=True))
        .order_by("district__name", "name")
    )
    return render(request, "needs/staff/placements.html", {"placements": rows})


@staff_view(rules.MANAGE_PLACEMENTS.name)
@require_http_methods(["GET", "POST"])
def placement_edit(request: HttpRequest, code: str = "") -> HttpResponse:
    placement = get_object_or_404(Placement, code=code) if code else None
    form = PlacementForm(request.POST or None, instance=placement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "district": data["district"],
            "place": data["place"],
            "languages": list(data["languages"]),
        }
        if placement is None:
            placement = services.placement_create(created_by=request.user, **fields)
            if not data["is_active"]:
                services.placement_update(placement=placement, is_active=False)
        else:
            placement = services.placement_update(
                placement=placement, is_active=data["is_active"], **fields
            )
        messages.success(request, _("The placement is saved."))
        return HttpResponseRedirect(reverse("needs:placement_detail", args=[placement.code]))
    return render(
        request,
        "needs/staff/placement_form.html",
        {"form": form, "placement": placement},
        status=400 if form.errors else 200,
    )


@staff_view(rules.MANAGE_PLACEMENTS.name)
@require_GET
def placement_detail(request: HttpRequest, code: str) -> HttpResponse:
    placement = get_object_or_404(Placement.objects.select_related("district"), code=code)
    scans = list(placement.scans.all()[:31])
    return render(
        request,
        "needs/staff/placement_detail.html",
        {
            "placement": placement,
            "qr": qr_svg(placement.qr_url, title=_("QR code to the needs box"), scale=6),
            "scans": scans,
            "scan_total": sum(scan.count for scan in placement.scans.all()),
            "need_total": placement.needs.count(),
        },
    )


@staff_view(rules.MANAGE_PLACEMENTS.name)
@require_GET
def placement_qr(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    placement = get_object_or_404(Placement, code=code)
    if kind == "svg":
        svg = qr_svg(placement.qr_url, title=_("QR code to the needs box"))
        response = HttpResponse(svg, content_type="image/svg+xml")
    elif kind == "png":
        response = HttpResponse(qr_png(placement.qr_url), content_type="image/png")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="behovsboxen-{placement.code}.{kind}"'
    return response


@staff_view(rules.MANAGE_PLACEMENTS.name)
@require_GET
def placement_poster(request: HttpRequest, code: str) -> HttpResponse:
    """An A4 poster as a tagged PDF: the call to action in each of the placement's languages."""
    from django.utils import translation

    placement = get_object_or_404(Placement.objects.select_related("district"), code=code)
    from megafonen.core.languages import BY_CODE

    calls = []
    for language in placement.languages:
        with translation.override(language):
            calls.append(
                {
                    "language": language,
                    "direction": BY_CODE[language].direction,
                    "heading": _("Tell us what you need"),
                    "text": _(
                        "Work, leisure, housing or something else? Scan the code and write in "
                        "your own language. You can stay anonymous. No app, no account."
                    ),
                }
            )
    first = placement.languages[0]
    with translation.override(first):
        title = _("The needs box: %(place)s") % {"place": placement.place}
    pdf = pdf_render(
        "needs/poster.html",
        {
            "placement": placement,
            "calls": calls,
            "title": title,
            "qr": qr_svg(placement.qr_url, title=_("QR code to the needs box")),
            "address": placement.qr_url,
            "city": settings.CITY_NAME,
        },
        language=first,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="behovsboxen-{placement.code}.pdf"'
    return response


# --- Answer templates --------------------------------------------------------------------------
@staff_view(rules.MANAGE_ANSWER_TEMPLATES.name)
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.answer_templates_for(user=request.user))
    return render(request, "needs/staff/templates.html", {"templates": rows})


@staff_view(rules.MANAGE_ANSWER_TEMPLATES.name)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    user = request.user
    template = None
    if template_id is not None:
        template = get_object_or_404(AnswerTemplate, pk=template_id)
        require(user, rules.MANAGE_ANSWER_TEMPLATES.name, template)
    allowed = organisations_allowed(user, rules.MANAGE_ANSWER_TEMPLATES.name)
    organisations = (
        Organisation.objects.active()
        if allowed is None
        else Organisation.objects.filter(pk__in=allowed)
    )
    initial: dict[str, Any] = {}
    if template is not None:
        initial = {
            "title": template.title,
            "kind": template.kind,
            "organisation": template.organisation_id,
            **{f"text_{code}": text for code, text in template.texts.items()},
        }
    elif allowed is not None and len(allowed) == 1:
        initial["organisation"] = next(iter(allowed))
    form = AnswerTemplateForm(
        request.POST or None,
        initial=initial,
        organisations=organisations,
        may_share=allowed is None,
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        target = template or AnswerTemplate()
        target.title = form.cleaned_data["title"]
        target.kind = form.cleaned_data["kind"]
        target.organisation = organisation
        target.texts = form.texts
        require(user, rules.MANAGE_ANSWER_TEMPLATES.name, target)
        target.full_clean()
        target.save()
        messages.success(request, _("The answer template is saved."))
        return HttpResponseRedirect(reverse("needs:templates"))
    return render(
        request,
        "needs/staff/template_form.html",
        {"form": form, "template": template},
        status=400 if form.errors else 200,
    )
