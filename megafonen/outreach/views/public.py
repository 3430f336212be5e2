"""Pages for residents: no account, no cookie, no script; every page in the URL's language.

The forms here are exempt from Django's CSRF check on purpose: the check needs a cookie, and
resident pages set none (principle 1). A signed single-use form key, a honeypot field and a
rate limit per client take its place.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from megafonen.core.pdf import pdf_render
from megafonen.core.permissions import public_view
from megafonen.core.qr import qr_svg
from megafonen.core.throttle import throttle_allow
from megafonen.outreach import feeds, selectors, selectors_questions, services
from megafonen.outreach.forms import ConfirmForm, SubscribeForm, UnsubscribeForm, form_key_new
from megafonen.outreach.languages import SOURCE_LANGUAGE, direction, language_name
from megafonen.outreach.models import Bulletin, ReadAloud, Subscription, Topic, Translation
from megafonen.outreach.notices import absolute, topic_url


class FaqItem:
    """An answer as the topic page shows it, with the direction of its own language."""

    def __init__(self, text: selectors_questions.AnswerText, text_direction: str) -> None:
        self.answer = text.answer
        self.language = text.language
        self.title, self.lead, self.body = text.title, text.lead, text.body
        self.is_fallback = text.is_fallback
        self.direction = text_direction


@lru_cache(maxsize=2048)
def _qr(url: str, title: str, scale: int) -> str:
    # A QR code depends only on its address; making one costs more than the rest of the page.
    return qr_svg(url, title=title, scale=scale)


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _topic_context(
    topic: Topic, language: str, versions: list[Bulletin] | None = None
) -> dict[str, Any]:
    current = versions[0] if versions else selectors.current_version(topic)
    if current is None:
        raise Http404
    text = selectors.public_text(current, language)
    url = topic_url(topic, language)
    return {
        "topic": topic,
        "current": current,
        "text": text,
        "text_direction": direction(text.language),
        "page_direction": direction(language),
        "requested_name": language_name(language),
        "audio": selectors.read_aloud_for(text),
        "share_url": url,
        "is_withdrawn": current.kind == Bulletin.Kind.CANCEL,
    }


@public_view
@require_GET
def topic_list(request: HttpRequest) -> HttpResponse:
    language = _language()
    rows = []
    for topic, current in selectors.topics_public():
        text = selectors.public_text(current, language)
        rows.append(
            {"topic": topic, "current": current, "text": text, "dir": direction(text.language)}
        )
    return render(request, "outreach/topic_list.html", {"rows": rows})


@public_view
@require_GET
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language()
    # The page is the same for every resident (no account, no cookie): it is kept in the cache
    # until something on it changes (services.topic_pages_forget) or for five minutes. A
    # request with any cookie (a signed-in colleague, a pending notice) or a query string (which
    # the language switcher's links carry along) is rendered afresh.
    shared = not request.COOKIES and not request.GET and not request.user.is_authenticated
    key = services.topic_page_cache_key(slug, language)
    if shared and (cached := cache.get(key)) is not None:
        return HttpResponse(cached)
    topic = get_object_or_404(Topic, slug=slug)
    versions = list(selectors.versions_published(topic)[:10])
    context = _topic_context(topic, language, versions)
    context["qr"] = mark_safe(  # noqa: S308  (segno's own SVG, with our escaped title)
        _qr(context["share_url"], _("QR code for this page"), 3)
    )
    context["versions"] = versions
    context["subscribe_url"] = reverse("outreach:subscribe", args=[topic.slug])
    context["faq"] = [
        FaqItem(item, direction(item.language)) for item in selectors_questions.faq(topic, language)
    ]
    response = render(request, "outreach/topic_detail.html", context)
    if shared:
        cache.set(key, response.content, timeout=services.PAGE_CACHE_SECONDS)
    return response


@public_view
@require_GET
def leaflet(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The printable leaflet as tagged PDF, made once per text and language, then kept."""
    topic = get_object_or_404(Topic, slug=slug)
    language = _language()
    context = _topic_context(topic, language)
    text = context["text"]
    name = f"outreach/leaflets/{text.fingerprint[:24]}-{language}.pdf"
    if not default_storage.exists(name):
        context["qr"] = mark_safe(  # noqa: S308
            _qr(context["share_url"], _("QR code for this page"), 6)
        )
        pdf = pdf_render("outreach/leaflet.html", context, language=language)
        name = default_storage.save(name, ContentFile(pdf))
    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{topic.slug}-{language}.pdf"'
    return response


@public_view
@require_GET
def read_aloud(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    item = get_object_or_404(
        ReadAloud, pk=pk, bulletin__topic__slug=slug, status=ReadAloud.Status.READY
    )
    if not item.file:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    # The file of a given text never changes: a new text gets a new file.
    response["Cache-Control"] = "public, max-age=604800, immutable"
    return response


@public_view
@require_GET
def atom(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.public(), slug=slug)
    body = feeds.topic_atom(topic, _language(), feed_url=absolute(request.path))
    return HttpResponse(body, content_type=feeds.TopicAtomFeed.content_type)


@public_view
@require_GET
def cap_current(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    current = selectors.current_version(topic)
    if current is None:
        raise Http404
    return HttpResponse(feeds.cap_alert(current), content_type="application/cap+xml; charset=utf-8")


@public_view
@require_GET
def cap_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_object_or_404(
        Bulletin.objects.published().select_related("topic", "administration"),
        topic__slug=slug,
        number=number,
    )
    return HttpResponse(feeds.cap_alert(version), content_type="application/cap+xml; charset=utf-8")


@public_view
@require_GET
def topic_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The current version in every language it exists in, for other systems."""
    topic = get_object_or_404(Topic, slug=slug)
    current = selectors.current_version(topic)
    if current is None:
        raise Http404
    if current.published_at is None:
        raise Http404
    texts: dict[str, Bulletin | Translation] = {
        SOURCE_LANGUAGE: current,
        **selectors.approved_translations(current),
    }
    return JsonResponse(
        {
            "topic": {"slug": topic.slug, "title": topic.title, "area": topic.area_description},
            "version": current.number,
            "kind": current.kind,
            "published": current.published_at.isoformat(),
            "verified_by": current.administration.name if current.administration else "",
            "sha256": current.fingerprint,
            "cap": absolute(reverse("outreach:cap_version", args=[topic.slug, current.number])),
            "texts": {
                code: {
                    "title": text.title,
                    "summary": text.lead,
                    "text": text.body,
                    "instruction": text.instruction,
                    "sha256": text.fingerprint,
                }
                for code, text in sorted(texts.items())
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )


# --- Subscriptions --------------------------------------------------------------------------
def _rate_limited(request: HttpRequest, scope: str) -> bool:
    return not throttle_allow(
        scope=scope,
        request=request,
        limit=settings.OUTREACH_SUBSCRIBE_PER_HOUR,
        window_seconds=3600,
    )


def _too_many(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context["rate_limited"] = True
    return render(request, template, context, status=429)


@public_view
@csrf_exempt  # resident pages set no cookie, so no CSRF cookie: see the module docstring
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    # A closed topic gets no more news, so it takes no new subscribers.
    topic = get_object_or_404(Topic.objects.public().active(), slug=slug)
    language = _language()
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_bot():
            return render(request, "outreach/subscription_sent.html", {"topic": topic})
        if _rate_limited(request, "outreach.subscribe"):
            form = SubscribeForm(request.POST, initial={"form_key": form_key_new()})
            return _too_many(request, "outreach/subscribe.html", {"topic": topic, "form": form})
        if form.is_valid():
            try:
                subscription = services.subscription_request(
                    topic=topic,
                    channel=form.cleaned_data["channel"],
                    contact=form.cleaned_data["contact"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                form.add_error("contact", error)
            else:
                return redirect("outreach:subscription_confirm", subscription.public_id)
        # Shown again with what she wrote and a fresh key: nothing is lost.
        data = request.POST.copy()
        data["form_key"] = form_key_new()
        form.data = data
    else:
        form = SubscribeForm(initial={"form_key": form_key_new(), "language": language})
    return render(request, "outreach/subscribe.html", {"topic": topic, "form": form})


@public_view
@csrf_exempt  # see the module docstring
@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    subscription = get_object_or_404(
        Subscription.objects.select_related("topic"), public_id=public_id
    )
    context: dict[str, Any] = {"subscription": subscription, "topic": subscription.topic}
    if subscription.status == Subscription.Status.CONFIRMED and not subscription.code_hash:
        return render(request, "outreach/subscription_confirmed.html", context)
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if _rate_limited(request, "outreach.confirm"):
            context["form"] = ConfirmForm(initial={"form_key": form_key_new()})
            return _too_many(request, "outreach/subscription_confirm.html", context)
        if form.is_valid() and not form.is_bot():
            try:
                services.subscription_confirm(
                    subscription=subscription, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                return render(request, "outreach/subscription_confirmed.html", context)
        data = request.POST.copy()
        data["form_key"] = form_key_new()
        form.data = data
    else:
        form = ConfirmForm(
            initial={"form_key": form_key_new(), "code": request.GET.get("code", "")[:12]}
        )
    context["form"] = form
    return render(request, "outreach/subscription_confirm.html", context)


@public_view
@csrf_exempt  # see the module docstring
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks, POST stops: mail scanners that open links must not unsubscribe anyone."""
    subscription = get_object_or_404(
        Subscription.objects.select_related("topic"), public_id=public_id
    )
    context: dict[str, Any] = {"subscription": subscription, "topic": subscription.topic}
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        return render(request, "outreach/unsubscribed.html", context)
    if request.method == "POST":
        form = UnsubscribeForm(request.POST)
        if form.is_valid() and not form.is_bot():
            services.subscription_unsubscribe(subscription=subscription, source="link")
            return render(request, "outreach/unsubscribed.html", context)
        data = request.POST.copy()
        data["form_key"] = form_key_new()
        form.data = data
    else:
        form = UnsubscribeForm(initial={"form_key": form_key_new()})
    context["form"] = form
    return render(request, "outreach/unsubscribe.html", context)
