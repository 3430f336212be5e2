"""Pages for city staff and partners: thin views over services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from megafonen.core.permissions import can, require, staff_view
from megafonen.messaging.models import MessageStatus
from megafonen.outreach import krisinformation, rules, selectors, services
from megafonen.outreach.forms import (
    BulletinForm,
    GlossaryTermForm,
    NoteForm,
    PartnerLevelForm,
    RecordingForm,
    ReviewForm,
    SourceFetchForm,
    TopicForm,
    TranslationForm,
)
from megafonen.outreach.languages import (
    SOURCE_LANGUAGE,
    audio_available_languages,
    direction,
    is_target_language,
    language_name,
)
from megafonen.outreach.models import (
    Answer,
    Broadcast,
    Bulletin,
    Question,
    SourceItem,
    Topic,
    Translation,
)
from megafonen.outreach.texts import changed_passages, has_changes


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _topic_for(request: HttpRequest, slug: str) -> Topic:
    """The topic, if the person may work on it: city staff on all, partners on their own."""
    topic = get_object_or_404(Topic.objects.select_related("administration"), slug=slug)
    if topic not in selectors.topics_for(request.user):
        raise PermissionDenied(rules.USE_WORKSPACE.name)
    return topic


# --- Workspace and topics -------------------------------------------------------------------
@staff_view(rules.USE_WORKSPACE.name)
def workspace(request: HttpRequest) -> HttpResponse:
    topics = selectors.topics_for(request.user)
    partners = selectors.user_partners(request.user, rules.PEER_REVIEW.name)
    waiting_peer = (
        Translation.objects.filter(status=Translation.Status.SUBMITTED, partner__in=partners)
        .exclude(translated_by_id=request.user.pk)
        .select_related("bulletin__topic", "answer__topic", "partner")
    )
    context: dict[str, Any] = {
        "topics": topics,
        "waiting_peer": list(waiting_peer),
        "can_open_topics": can(request.user, rules.MANAGE_TOPICS.name),
        "can_view_reach": can(request.user, rules.VIEW_REACH.name),
        "can_import": can(request.user, rules.IMPORT_SOURCES.name),
        "glossary_languages": [(code, language_name(code)) for code, _name in _target_choices()],
    }
    if can(request.user, rules.APPROVE_BULLETINS.name):
        context["waiting_approval"] = list(
            Bulletin.objects.filter(status=Bulletin.Status.SUBMITTED)
            .exclude(written_by_id=request.user.pk)
            .select_related("topic", "written_by")
        )
    if can(request.user, rules.CITY_REVIEW.name):
        context["waiting_city"] = list(
            Translation.objects.filter(status=Translation.Status.PEER_APPROVED).select_related(
                "bulletin__topic", "answer__topic", "partner"
            )
        )
    return render(request, "outreach/staff/workspace.html", context)


def _target_choices() -> list[tuple[str, str]]:
    from megafonen.outreach.forms import target_language_choices

    return target_language_choices()


@staff_view(rules.MANAGE_TOPICS.name)
@require_http_methods(["GET", "POST"])
def topic_create(request: HttpRequest) -> HttpResponse:
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The topic is open. Write its first bulletin."))
            return redirect("outreach:bulletin_create", topic.slug)
    return render(request, "outreach/staff/topic_form.html", {"form": form})


@staff_view(rules.USE_WORKSPACE.name)
def topic_workspace(request: HttpRequest, slug: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    user = request.user
    current = selectors.current_version(topic)
    translate_partners = [
        partner
        for partner in selectors.user_partners(user, rules.TRANSLATE.name)
        if services.partner_takes_part(organisation=partner, topic=topic)
    ]
    context: dict[str, Any] = {
        "topic": topic,
        "current": current,
        "versions": list(selectors.versions_published(topic)),
        "overview": selectors.translation_overview(topic),
        "levels": selectors.partner_levels_current(topic),
        "translate_partners": translate_partners,
        "can_write": can(user, rules.WRITE_BULLETINS.name),
        "can_set_levels": can(user, rules.SET_PARTNER_LEVELS.name),
        "can_manage": can(user, rules.MANAGE_TOPICS.name),
    }
    if context["can_write"] or can(user, rules.APPROVE_BULLETINS.name):
        context["drafts"] = list(
            Bulletin.objects.drafts().filter(topic=topic).select_related("written_by")
        )
    context["answers"] = list(
        Answer.objects.published().filter(topic=topic).order_by("-published_at")[:50]
    )
    context["can_answer"] = can(user, rules.ANSWER_QUESTIONS.name)
    if context["can_answer"]:
        context["open_questions"] = Question.objects.filter(
            topic=topic, status=Question.Status.OPEN
        ).count()
    context["can_calls"] = can(user, rules.MAKE_CALLS.name) or can(
        user, rules.RUN_CALL_CAMPAIGNS.name
    )
    context["can_submit_questions"] = can(user, rules.SUBMIT_QUESTIONS.name)
    if can(user, rules.VIEW_BROADCASTS.name):
        context["figures"] = selectors.subscriber_figures(topic)
        context["broadcasts"] = list(selectors.broadcasts_of(topic)[:20])
    return render(request, "outreach/staff/topic_workspace.html", context)


@staff_view(rules.MANAGE_TOPICS.name)
@require_POST
def topic_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    services.topic_close(actor=request.user, topic=topic, is_active=not topic.is_active)
    messages.success(
        request, _("The topic is open again.") if topic.is_active else _("The topic is closed.")
    )
    return redirect("outreach:topic_workspace", topic.slug)


# --- Bulletins -------------------------------------------------------------------------------
@staff_view(rules.WRITE_BULLETINS.name)
@require_http_methods(["GET", "POST"])
def bulletin_create(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    current = selectors.current_version(topic)
    withdraw = request.GET.get("withdraw") == "1" or request.POST.get("withdraw") == "1"
    raw_source = request.GET.get("source") or request.POST.get("source") or ""
    source = SourceItem.objects.filter(pk=int(raw_source)).first() if raw_source.isdigit() else None
    initial: dict[str, str] = {}
    if source is not None:
        initial = {
            "title": source.headline[:200],
            "lead": source.preamble[:600],
            "body": source.body,
        }
    elif withdraw and current is not None:
        initial = {
            "title": _("Withdrawn: %(title)s") % {"title": current.title},
            "lead": "",
        }
    elif current is not None and current.kind != Bulletin.Kind.CANCEL:
        initial = {
            "title": current.title,
            "lead": current.lead,
            "body": current.body,
            "instruction": current.instruction,
        }
    form = BulletinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.bulletin_draft_create(
                actor=request.user,
                topic=topic,
                is_withdrawal=withdraw,
                source_item=source,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("outreach:bulletin_detail", topic.slug, bulletin.pk)
    return render(
        request,
        "outreach/staff/bulletin_form.html",
        {"topic": topic, "form": form, "withdraw": withdraw, "source": source, "current": current},
    )


@staff_view(rules.WRITE_BULLETINS.name)
@require_http_methods(["GET", "POST"])
def bulletin_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(Bulletin, pk=pk, topic__slug=slug)
    if bulletin.written_by_id != request.user.pk or bulletin.status != Bulletin.Status.DRAFT:
        raise PermissionDenied(rules.WRITE_BULLETINS.name)
    form = BulletinForm(
        request.POST or None,
        initial={
            "title": bulletin.title,
            "lead": bulletin.lead,
            "body": bulletin.body,
            "instruction": bulletin.instruction,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_draft_update(
                actor=request.user, bulletin=bulletin, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("outreach:bulletin_detail", slug, bulletin.pk)
    return render(
        request,
        "outreach/staff/bulletin_form.html",
        {
            "topic": bulletin.topic,
            "form": form,
            "bulletin": bulletin,
            "withdraw": bulletin.is_withdrawal,
        },
    )


def _bulletin_text(bulletin: Any) -> str:
    return "\n\n".join(
        part
        for part in [bulletin.title, bulletin.lead, bulletin.body, bulletin.instruction]
        if part
    )


@staff_view(rules.USE_WORKSPACE.name)
def bulletin_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    topic = _topic_for(request, slug)
    bulletin = get_object_or_404(
        Bulletin.objects.select_related("written_by", "approved_by", "administration", "replaces"),
        pk=pk,
        topic=topic,
    )
    if not bulletin.is_published and not (
        can(request.user, rules.WRITE_BULLETINS.name)
        or can(request.user, rules.APPROVE_BULLETINS.name)
    ):
        raise PermissionDenied(rules.WRITE_BULLETINS.name)
    compare_with = bulletin.replaces
    passages = (
        changed_passages(_bulletin_text(compare_with), _bulletin_text(bulletin))
        if compare_with is not None
        else []
    )
    user_id = request.user.pk
    is_author = bulletin.written_by_id == user_id
    context = {
        "topic": topic,
        "bulletin": bulletin,
        "compare_with": compare_with,
        "passages": passages,
        "has_changes": has_changes(passages),
        "is_author": is_author,
        "can_approve": can(request.user, rules.APPROVE_BULLETINS.name)
        and user_id not in (bulletin.written_by_id, bulletin.submitted_by_id),
        "note_form": NoteForm(),
        "current": selectors.current_version(topic),
    }
    return render(request, "outreach/staff/bulletin_detail.html", context)


@staff_view(rules.WRITE_BULLETINS.name)
@require_POST
def bulletin_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    bulletin = get_object_or_404(Bulletin, pk=pk, topic__slug=slug)
    try:
        if action == "submit":
            services.bulletin_submit(actor=request.user, bulletin=bulletin)
            messages.success(
                request, _("Sent for approval. A second communicator must approve it.")
            )
        elif action == "publish":
            bulletin = services.bulletin_publish(actor=request.user, bulletin=bulletin)
            messages.success(
                request,
                _("Version %(number)s is published and is being sent to subscribers.")
                % {"number": bulletin.number},
            )
            return redirect("outreach:topic_workspace", slug)
        elif action == "return":
            form = NoteForm(request.POST)
            if not form.is_valid():
                for error in form.errors.get("note", []):
                    messages.error(request, str(error))
                return redirect("outreach:bulletin_detail", slug, pk)
            services.bulletin_return(
                actor=request.user, bulletin=bulletin, note=form.cleaned_data["note"]
            )
            messages.success(request, _("The draft went back to its author with your note."))
        elif action == "discard":
            services.bulletin_discard(actor=request.user, bulletin=bulletin)
            messages.success(request, _("The draft is discarded."))
            return redirect("outreach:topic_workspace", slug)
        else:
            raise Http404
    except ValidationError as error:
        _errors(request, error)
    return redirect("outreach:bulletin_detail", slug, pk)


# --- Partner levels ---------------------------------------------------------------------------
@staff_view(rules.SET_PARTNER_LEVELS.name)
@require_http_methods(["GET", "POST"])
def partner_levels(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    form = PartnerLevelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_level_set(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The partner's level is saved."))
            return redirect("outreach:partner_levels", slug)
    return render(
        request,
        "outreach/staff/partner_levels.html",
        {
            "topic": topic,
            "form": form,
            "current": selectors.partner_levels_current(topic),
            "history": selectors.partner_level_history(topic),
            "levels": selectors.levels_available(),
        },
    )


@staff_view(rules.VIEW_REACH.name)
def reach(request: HttpRequest) -> HttpResponse:
    topics = [topic for topic in selectors.topics_for(request.user) if topic.is_active]
    return render(
        request,
        "outreach/staff/reach.html",
        {"reach": selectors.reach(topics), "levels": selectors.levels_available()},
    )


# --- Translations -----------------------------------------------------------------------------
@staff_view(rules.TRANSLATE.name)
@require_POST
def translation_start(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    current = selectors.current_version(topic)
    partners = {
        partner.pk: partner
        for partner in selectors.user_partners(request.user, rules.TRANSLATE.name)
    }
    partner = (
        partners.get(int(request.POST.get("partner", "0") or 0))
        if len(partners) > 1
        else next(iter(partners.values()), None)
    )
    if current is None or partner is None or not is_target_language(language):
        raise Http404
    try:
        translation = services.translation_start(
            actor=request.user, bulletin=current, language=language, partner=partner
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("outreach:topic_workspace", slug)
    return redirect("outreach:translation_edit", translation.pk)


def _translation(request: HttpRequest, pk: int) -> Translation:
    translation = get_object_or_404(
        Translation.objects.select_related(
            "bulletin__topic",
            "answer__topic",
            "partner",
            "started_from__bulletin",
            "translated_by",
        ),
        pk=pk,
    )
    return translation


def _source_context(translation: Translation) -> dict[str, Any]:
    source = translation.source
    previous = translation.started_from
    passages = (
        changed_passages(_bulletin_text(previous.source), _bulletin_text(source))
        if previous is not None
        else []
    )
    return {
        "translation": translation,
        "bulletin": source,
        "is_answer": translation.is_answer,
        "topic": translation.topic,
        "language_name": language_name(translation.language),
        "direction": direction(translation.language),
        "stale": selectors.translation_is_stale(translation),
        "passages": passages,
        "has_changes": has_changes(passages),
        "glossary": selectors.glossary_hits(translation.language, _bulletin_text(source)),
    }


@staff_view(rules.TRANSLATE.name)
@require_http_methods(["GET", "POST"])
def translation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    require(request.user, rules.TRANSLATE.name, translation)
    form = TranslationForm(
        request.POST or None,
        language=translation.language,
        initial={
            "title": translation.title,
            "lead": translation.lead,
            "body": translation.body,
            "instruction": translation.instruction,
        },
    )
    if request.method == "POST" and translation.is_editable and form.is_valid():
        try:
            services.translation_save(
                actor=request.user, translation=translation, **form.cleaned_data
            )
            if "submit" in request.POST:
                services.translation_submit(actor=request.user, translation=translation)
                messages.success(
                    request, _("Sent for review. A colleague in your organisation reviews it next.")
                )
                return redirect("outreach:topic_workspace", translation.topic.slug)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("outreach:translation_edit", translation.pk)
    context = _source_context(translation)
    context["form"] = form
    return render(request, "outreach/staff/translation_edit.html", context)


@staff_view(rules.USE_WORKSPACE.name)
@require_http_methods(["GET", "POST"])
def translation_review(request: HttpRequest, pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    is_peer = translation.status == Translation.Status.SUBMITTED
    if is_peer:
        require(request.user, rules.PEER_REVIEW.name, translation)
    elif translation.status == Translation.Status.PEER_APPROVED:
        require(request.user, rules.CITY_REVIEW.name)
    else:
        # Approved or draft: readable by its partner and the city, decided by nobody here.
        if not (
            can(request.user, rules.TRANSLATE.name, translation)
            or can(request.user, rules.CITY_REVIEW.name)
        ):
            raise PermissionDenied(rules.TRANSLATE.name)
    form = ReviewForm(request.POST or None)
    decides = translation.status in (Translation.Status.SUBMITTED, Translation.Status.PEER_APPROVED)
    if request.method == "POST" and decides and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            if is_peer:
                services.translation_peer_review(
                    actor=request.user,
                    translation=translation,
                    approve=approve,
                    note=form.cleaned_data["note"],
                )
            else:
                services.translation_city_review(
                    actor=request.user,
                    translation=translation,
                    approve=approve,
                    note=form.cleaned_data["note"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            translation.refresh_from_db()
            if translation.status == Translation.Status.APPROVED:
                messages.success(request, _("The translation is approved and published."))
            elif translation.status == Translation.Status.PEER_APPROVED:
                messages.success(request, _("Reviewed. The city approves it next."))
            else:
                messages.success(request, _("Sent back to the translator with your note."))
            return redirect("outreach:topic_workspace", translation.topic.slug)
    context = _source_context(translation)
    context.update(
        {
            "form": form,
            "decides": decides,
            "is_own": translation.translated_by_id == request.user.pk,
            "can_record": translation.status == Translation.Status.APPROVED
            and can(request.user, rules.UPLOAD_RECORDINGS.name, translation),
        }
    )
    return render(request, "outreach/staff/translation_review.html", context)


@staff_view(rules.UPLOAD_RECORDINGS.name)
@require_http_methods(["GET", "POST"])
def translation_recording(request: HttpRequest, pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    require(request.user, rules.UPLOAD_RECORDINGS.name, translation)
    form = RecordingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recording_upload(
                actor=request.user, translation=translation, upload=form.cleaned_data["recording"]
            )
        except ValidationError as error:
            form.add_error("recording", error)
        else:
            messages.success(request, _("Thank you. Residents can now listen to your recording."))
            return redirect("outreach:translation_review", translation.pk)
    return render(
        request,
        "outreach/staff/translation_recording.html",
        {
            "translation": translation,
            "topic": translation.topic,
            "form": form,
            "language_name": language_name(translation.language),
            "has_voice": translation.language in audio_available_languages(),
        },
    )


# --- Glossary -------------------------------------------------------------------------------
@staff_view(rules.USE_WORKSPACE.name)
@require_http_methods(["GET", "POST"])
def glossary(request: HttpRequest, language: str) -> HttpResponse:
    if not is_target_language(language):
        raise Http404
    can_edit = can(request.user, rules.EDIT_GLOSSARY.name)
    form = GlossaryTermForm(request.POST or None)
    if request.method == "POST":
        require(request.user, rules.EDIT_GLOSSARY.name)
        if form.is_valid():
            partners = selectors.user_partners(request.user, rules.EDIT_GLOSSARY.name)
            try:
                services.glossary_term_save(
                    actor=request.user,
                    language=language,
                    organisation=partners[0] if partners else None,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                form.add_error(
                    None,
                    _("Another organisation added this term; ask them or the city to change it."),
                )
            else:
                messages.success(request, _("The term is saved."))
                return redirect("outreach:glossary", language)
    return render(
        request,
        "outreach/staff/glossary.html",
        {
            "language": language,
            "language_name": language_name(language),
            "direction": direction(language),
            "terms": selectors.glossary(language),
            "form": form if can_edit else None,
        },
    )


# --- Broadcasts and sources -------------------------------------------------------------------
@staff_view(rules.VIEW_BROADCASTS.name)
def broadcast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_object_or_404(
        Broadcast.objects.select_related("bulletin__topic", "answer__topic"), pk=pk
    )
    progress = selectors.broadcast_progress(broadcast)
    total = sum(progress.values())
    done = sum(
        progress[status] for status in ("sent", "delivered", "failed", "suppressed", "uncertain")
    )
    return render(
        request,
        "outreach/staff/broadcast_detail.html",
        {
            "broadcast": broadcast,
            "topic": broadcast.topic,
            "progress": [
                (MessageStatus(status).label, count) for status, count in progress.items()
            ],
            "total": total,
            "done": done,
            "percent": round(100 * done / total) if total else 0,
            "languages": sorted(broadcast.language_counts.items()),
        },
    )


@staff_view(rules.IMPORT_SOURCES.name)
@require_http_methods(["GET", "POST"])
def sources(request: HttpRequest) -> HttpResponse:
    form = SourceFetchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new, updated = services.sources_import(kind=form.cleaned_data["kind"])
        except krisinformation.SourceUnavailableError:
            messages.error(
                request,
                _(
                    "Krisinformation.se did not answer in time. Nothing was changed; try again "
                    "later."
                ),
            )
        else:
            messages.success(
                request,
                _("%(new)s new and %(updated)s changed items.") % {"new": new, "updated": updated},
            )
        return redirect("outreach:sources")
    return render(
        request,
        "outreach/staff/sources.html",
        {
            "form": form,
            "items": SourceItem.objects.all()[:50],
            "topics": [topic for topic in selectors.topics_for(request.user) if topic.is_active],
            "bulletin_url": reverse("outreach:workspace"),
            "source_language": SOURCE_LANGUAGE,
        },
    )


@staff_view(rules.IMPORT_SOURCES.name)
def source_use(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a bulletin of the chosen topic from an imported item (a plain GET form)."""
    item = get_object_or_404(SourceItem, pk=pk)
    topic = get_object_or_404(Topic, slug=request.GET.get("topic", ""))
    return redirect(f"{reverse('outreach:bulletin_create', args=[topic.slug])}?source={item.pk}")
