"""The residents' pages: the form, the receipt, the follow-up, the QR entry, the leaderboard.

None of them sets a cookie or reads one: no session, no CSRF token. The form and the follow-up
are therefore exempt from Django's CSRF check, which guards against a forged request riding on
the ambient authority of a signed-in browser (its session cookie). A resident has no such
authority to borrow: sending a need needs nothing but the form, and acting on a need needs its
receipt code, which another site cannot know. What protects them instead: a signed one-time
submission key (a form sent twice makes one need), a honeypot field and rate limits per client,
counted under a daily-rotating keyed hash in the cache.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import date
from threading import Lock
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_from_request
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from megafonen.core.models import District
from megafonen.core.permissions import public_view
from megafonen.core.throttle import throttle_allow
from megafonen.needs import codes, selectors, services
from megafonen.needs.forms import AdditionForm, NeedForm, ReceiptLookupForm
from megafonen.needs.icons import ICON_PATHS
from megafonen.needs.models import Category, Need, NeedStatus, Placement, RetentionPolicy
from megafonen.needs.points import REOPEN_EXPLANATION, RULES
from megafonen.needs.queries import first
from megafonen.needs.status import resident_status

_KEY_PLACEHOLDER = "@@needs-submission-key@@"
# The form page is the same for every resident of one language and placement, except its
# one-time key: it is rendered once per process and minute, and the key is put in per response.
_FORM_CACHE_SECONDS = 60
_FORM_CACHE_SIZE = 256
_form_cache: OrderedDict[tuple[str, str], tuple[float, Any]] = OrderedDict()
_CODE_PLACEHOLDER = "@@needs-receipt-code@@"
_FOLLOW_UP_PLACEHOLDER = "@@needs-follow-up-url@@"
_form_cache_lock = Lock()


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    # One-time keys and receipt codes must not be kept by a shared phone's browser cache.
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response


def _placement_from(code: str) -> Placement | None:
    """An active placement by its code; known ones are kept a minute per process, as the form
    page is (a placement turned off stops appearing within that minute)."""
    code = (code or "").strip().upper()[:12]
    if not code:
        return None
    cached = _cache_get(("placement", code))
    if cached is not None:
        return cast(Placement, cached)
    placement = first(
        Placement.objects.filter(code=code, is_active=True).select_related("district")
    )
    if placement is not None:
        _cache_put(("placement", code), placement)
    return placement


def _form_context(
    request: HttpRequest, form: NeedForm, placement: Placement | None
) -> dict[str, Any]:
    selected = form["category"].value()
    return {
        "form": form,
        "placement": placement,
        "categories": [
            {
                "code": code,
                "name": name,
                "icon": ICON_PATHS.get(form.categories[code].icon, ICON_PATHS["other"]),
                "checked": selected == code,
                "id": f"id_category_{index}",
            }
            for index, (code, name) in enumerate(form.category_choices)
        ],
        "contact_choices": [
            {"value": value, "label": label, "checked": form["contact"].value() == value}
            for value, label in form.contact_choices
        ],
        "max_length": cast(forms.CharField, form.fields["text"]).max_length,
        "retention_days": RetentionPolicy.current().contact_retention_days,
    }


def _new_form(
    language: str, placement: Placement | None, data: Any = None, key: str = ""
) -> NeedForm:
    categories, districts = _choices()
    initial = {"key": key or _KEY_PLACEHOLDER, "placement": placement.code if placement else ""}
    if placement is not None:
        initial["district"] = placement.district.slug
    return NeedForm(
        data,
        categories=categories,
        districts=districts,
        language=language,
        initial=initial,
    )


def _cache_get(cache_key: tuple[str, str]) -> Any:
    with _form_cache_lock:
        cached = _form_cache.get(cache_key)
        if cached is not None and cached[0] > time.monotonic():
            _form_cache.move_to_end(cache_key)
            return cached[1]
    return None


def _cache_put(cache_key: tuple[str, str], value: Any) -> None:
    with _form_cache_lock:
        _form_cache[cache_key] = (time.monotonic() + _FORM_CACHE_SECONDS, value)
        _form_cache.move_to_end(cache_key)
        while len(_form_cache) > _FORM_CACHE_SIZE:
            _form_cache.popitem(last=False)


def _choices() -> tuple[list[Category], list[District]]:
    """The active categories and districts, read once a minute per process: they change
    rarely, and every form page and sending needs them."""
    cached = _cache_get(("choices", ""))
    if cached is None:
        cached = (list(Category.objects.active()), list(District.objects.filter(is_active=True)))
        _cache_put(("choices", ""), cached)
    return cast(tuple[list[Category], list[District]], cached)


def _cached_form_html(request: HttpRequest, placement_code: str) -> str:
    language = get_language() or settings.LANGUAGE_CODE
    cache_key = (language, request.get_full_path())
    cached = _cache_get(cache_key)
    if cached is not None:
        return cast(str, cached)
    placement = _placement_from(placement_code)
    form = _new_form(language, placement)
    html = render_to_string(
        "needs/need_form.html", _form_context(request, form, placement), request=request
    )
    if placement is not None or not placement_code:
        # Only known placements are kept, so made-up codes cannot fill the cache.
        _cache_put(cache_key, html)
    return html


def form_cache_clear() -> None:
    with _form_cache_lock:
        _form_cache.clear()


def _render_form(
    request: HttpRequest,
    form: NeedForm,
    placement: Placement | None,
    *,
    status: int = 200,
    notice: str = "",
) -> HttpResponseBase:
    context = _form_context(request, form, placement)
    context["notice"] = notice
    response = render(request, "needs/need_form.html", context, status=status)
    return _no_store(response)


@public_view
@csrf_exempt  # no cookie, no session: see the module's docstring
@require_http_methods(["GET", "POST"])
def need_form(request: HttpRequest) -> HttpResponseBase:
    language = get_language() or settings.LANGUAGE_CODE
    if request.method == "GET":
        html = _cached_form_html(request, request.GET.get("p", ""))
        response = HttpResponse(html.replace(_KEY_PLACEHOLDER, codes.submission_key_mint()))
        return _no_store(response)

    placement = _placement_from(request.POST.get("placement", ""))
    key = request.POST.get("key", "")
    if not codes.submission_key_valid(key):
        key = codes.submission_key_mint()
        stale = True
    else:
        stale = False
    data = request.POST.copy()
    data["key"] = key
    form = _new_form(language, placement, data=data, key=key)
    if not form.is_valid():
        form.data = _cleared_honeypot(form.data)
        return _render_form(request, form, placement)
    if stale:
        return _render_form(
            request,
            form,
            placement,
            notice=_(
                "The form was open for a long time, so it was not sent. Check what you wrote "
                "and send it again."
            ),
        )
    try:
        submitted = services.need_submit(
            category=form.category_object,
            text=form.cleaned_data["text"],
            page_language=language,
            submission_key=key,
            district=form.district_object,
            placement=placement,
            contact_channel=form.cleaned_data["contact"],
            contact_address=form.contact_address,
            contact_language=form.cleaned_data.get("contact_language") or language,
            allow=lambda: throttle_allow(
                scope="needs.submit",
                request=request,
                limit=settings.NEEDS_SUBMIT_PER_HOUR,
                window_seconds=3600,
            ),
        )
    except services.RateLimitedError:
        return _render_form(
            request,
            form,
            placement,
            status=429,
            notice=_(
                "Many needs have been sent from this connection in a short time. Wait a while "
                "and send again: what you wrote is kept below."
            ),
        )
    except services.SubmissionKeyUsedError:
        fresh = data.copy()
        fresh["key"] = codes.submission_key_mint()
        form = _new_form(language, placement, data=fresh, key=str(fresh["key"]))
        form.is_valid()
        return _render_form(
            request,
            form,
            placement,
            notice=_(
                "This form has already been sent once. To send another need, check the text "
                "below and send it again."
            ),
        )
    need = submitted.need
    html = _receipt_html(request, need.contact_channel if need.has_contact else "")
    response = HttpResponse(
        html.replace(_CODE_PLACEHOLDER, codes.receipt_format(submitted.receipt_code)).replace(
            _FOLLOW_UP_PLACEHOLDER, _follow_up_path(submitted.receipt_code)
        )
    )
    return _no_store(response)


def _receipt_html(request: HttpRequest, sent_by: str) -> str:
    """The receipt page with placeholders for the code, rendered once per language and
    channel: what differs between residents is put in per response."""
    language = get_language() or settings.LANGUAGE_CODE
    cache_key = (f"receipt:{language}:{sent_by}", request.path)
    cached = _cache_get(cache_key)
    if cached is not None:
        return cast(str, cached)
    html = render_to_string(
        "needs/need_receipt.html",
        {
            "code": _CODE_PLACEHOLDER,
            "follow_up_url": _FOLLOW_UP_PLACEHOLDER,
            "sent_by": sent_by,
            "receipt_days": settings.NEEDS_RECEIPT_VALID_DAYS,
        },
        request=request,
    )
    _cache_put(cache_key, html)
    return html


def _cleared_honeypot(data: Any) -> Any:
    if data.get("website"):
        data = data.copy()
        data["website"] = ""
    return data


def _follow_up_path(code: str = "") -> str:
    path = reverse("needs:follow_up")
    return f"{path}?{urlencode({'code': codes.receipt_format(code)})}" if code else path


# --- Follow-up ---------------------------------------------------------------------------------
def _follow_up_throttled(request: HttpRequest) -> bool:
    return not throttle_allow(
        scope="needs.follow_up",
        request=request,
        limit=settings.NEEDS_FOLLOW_UP_PER_HOUR,
        window_seconds=3600,
    )


def _not_found_message() -> str:
    # Unknown, mistyped and expired codes get exactly these words, so a guesser learns nothing.
    return _(
        "We cannot find a need with this code. Check that you wrote it as you got it. A code "
        "stops working %(days)s days after the last answer; then you are welcome to send a "
        "new need."
    ) % {"days": settings.NEEDS_RECEIPT_VALID_DAYS}


def _throttled_message() -> str:
    return _("You have tried many codes in a short time. Wait an hour and try again.")


@public_view
@csrf_exempt  # the receipt code is the authority here, and no other site knows it
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        return _follow_up_post(request)
    if "code" not in request.GET:
        return _no_store(
            render(request, "needs/follow_up.html", {"lookup": ReceiptLookupForm(), "need": None})
        )
    lookup = ReceiptLookupForm(request.GET)
    status = 200
    need = None
    if lookup.is_valid():
        if _follow_up_throttled(request):
            lookup.add_error("code", _throttled_message())
            status = 429
        else:
            need = selectors.need_by_receipt(lookup.cleaned_data["code"])
            if need is None:
                lookup.add_error("code", _not_found_message())
        lookup._describe()
    if need is None:
        return _no_store(
            render(
                request,
                "needs/follow_up.html",
                {"lookup": lookup, "need": None},
                status=status,
            )
        )
    return _no_store(_follow_up_page(request, need, lookup.cleaned_data["code"]))


def _follow_up_page(
    request: HttpRequest, need: Need, code: str, addition: AdditionForm | None = None
) -> HttpResponse:
    answers = list(need.answers.all())
    language = get_language() or settings.LANGUAGE_CODE
    asks_feedback = (
        not need.is_hidden
        and bool(answers)
        and need.helped is not True
        and need.status in {NeedStatus.ANSWERED, NeedStatus.CLOSED}
    )
    return render(
        request,
        "needs/follow_up.html",
        {
            "lookup": ReceiptLookupForm(initial={"code": code}),
            "need": need,
            "code": codes.receipt_format(codes.receipt_normalise(code)),
            "status": resident_status(need),
            "category": need.category.name(language),
            "answers": answers,
            "additions": list(need.additions.all()),
            "addition_form": addition or AdditionForm(),
            "asks_feedback": asks_feedback,
            "may_add": not need.is_hidden,
        },
    )


def _follow_up_post(request: HttpRequest) -> HttpResponseBase:
    code = codes.receipt_normalise(request.POST.get("code", ""))
    if _follow_up_throttled(request):
        lookup = ReceiptLookupForm({"code": request.POST.get("code", "")[:40]})
        lookup.is_valid()
        lookup.add_error("code", _throttled_message())
        return _no_store(
            render(request, "needs/follow_up.html", {"lookup": lookup, "need": None}, status=429)
        )
    need = selectors.need_by_receipt(code) if code else None
    if need is None or need.is_hidden:
        lookup = ReceiptLookupForm({"code": request.POST.get("code", "")[:40]})
        lookup.is_valid()
        lookup.add_error("code", _not_found_message())
        return _no_store(render(request, "needs/follow_up.html", {"lookup": lookup, "need": None}))
    action = request.POST.get("action", "")
    language = get_language() or settings.LANGUAGE_CODE
    if action == "add":
        form = AdditionForm(request.POST)
        if not form.is_valid():
            return _no_store(_follow_up_page(request, need, code, addition=form))
        services.need_add_information(need=need, text=form.cleaned_data["text"], language=language)
        anchor = "#additions"
    elif action in {"helped", "not_helped"}:
        services.need_feedback(need=need, helped=action == "helped")
        anchor = "#status"
    else:
        return _no_store(_follow_up_page(request, need, code))
    return HttpResponseRedirect(_follow_up_path(code) + anchor, status=303)


# --- The QR code's address ---------------------------------------------------------------------
@public_view
@require_GET
def placement_scan(request: HttpRequest, code: str) -> HttpResponseBase:
    """``/q/<code>``: count the scan (a number per placement and day, nothing about the
    visitor) and send her to the form in her browser's language."""
    placement = _placement_from(code)
    if placement is None:
        raise Http404
    services.placement_scan_count(placement=placement)
    enabled = {code for code, _name in settings.LANGUAGES}
    language = get_language_from_request(request, check_path=False)
    if language not in enabled:
        language = next(
            (code for code in placement.languages if code in enabled), settings.LANGUAGE_CODE
        )
    with translation.override(language):
        target = reverse("needs:form")
    response = HttpResponseRedirect(f"{target}?{urlencode({'p': placement.code})}")
    patch_vary_headers(response, ["Accept-Language"])
    return _no_store(response)


# --- Points ------------------------------------------------------------------------------------
def _month_from(raw: str) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        chosen = date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)
    if chosen > today or chosen.year < 2000:
        return today.replace(day=1)
    return chosen


@public_view
@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    month = _month_from(request.GET.get("month", ""))
    current = timezone.localdate().replace(day=1)
    board = selectors.leaderboard(month=month)
    leagues = [
        ("city", _("City units"), board["city"]),
        ("associations", _("Associations"), board["associations"]),
        ("companies", _("Companies"), board["companies"]),
    ]
    previous = selectors.month_previous(month)
    following = selectors.month_next(month)
    return render(
        request,
        "needs/leaderboard.html",
        {
            "month": month,
            "leagues": leagues,
            "previous": previous.strftime("%Y-%m"),
            "next": following.strftime("%Y-%m") if following <= current else "",
        },
    )


@public_view
@require_GET
def points_rules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "needs/points_rules.html",
        {"rules": RULES, "reopen": REOPEN_EXPLANATION},
    )
