"""The question loop's pages: the city's queue per topic, answers and their translations,
partners passing questions on, and the residents' anonymous question form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from megafonen.core.permissions import can, public_view, staff_view
from megafonen.core.throttle import throttle_allow
from megafonen.outreach import rules, selectors, selectors_questions, services_questions
from megafonen.outreach.forms import form_key_new
from megafonen.outreach.forms_calls import AnswerForm, AskForm, PartnerQuestionForm
from megafonen.outreach.languages import is_target_language, language_name, target_languages
from megafonen.outreach.models import Answer, Capability, Question, QuestionTheme, Topic
from megafonen.outreach.services import partner_capable, partner_takes_part


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _selected(request: HttpRequest, topic: Topic) -> list[Question]:
    ids = [int(value) for value in request.POST.getlist("question") if value.isdigit()]
    return list(Question.objects.filter(pk__in=ids, topic=topic))


# --- The city ---------------------------------------------------------------------------------
@staff_view(rules.ANSWER_QUESTIONS.name)
def questions_index(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.annotate(
        open_count=Count("questions", filter=Q(questions__status=Question.Status.OPEN)),
        answer_count=Count("answers", distinct=True),
    ).order_by("-is_active", "-open_count", "title")
    return render(
        request,
        "outreach/questions/index.html",
        {
            "topics": list(topics),
            "open_per_language": selectors_questions.open_per_language(),
            "loop": selectors_questions.loop_times(),
        },
    )


@staff_view(rules.ANSWER_QUESTIONS.name)
@require_http_methods(["GET", "POST"])
def question_queue(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    if request.method == "POST":
        action = request.POST.get("action", "")
        selected = _selected(request, topic)
        try:
            if action == "theme_new":
                services_questions.theme_create(
                    actor=request.user, topic=topic, name=request.POST.get("name", "")
                )
                messages.success(request, _("The theme is added."))
            elif action == "sort":
                raw = request.POST.get("theme", "")
                theme = (
                    get_object_or_404(QuestionTheme, pk=int(raw), topic=topic)
                    if raw.isdigit()
                    else None
                )
                count = services_questions.questions_sort(
                    actor=request.user, topic=topic, questions=selected, theme=theme
                )
                messages.success(request, _("%(count)s questions moved.") % {"count": count})
            elif action == "dismiss":
                count = services_questions.questions_dismiss(
                    actor=request.user, topic=topic, questions=selected
                )
                messages.success(request, _("%(count)s set aside.") % {"count": count})
            elif action == "answer":
                if not selected:
                    messages.error(request, _("Tick the questions you answer."))
                else:
                    ids = ",".join(str(question.pk) for question in selected)
                    return redirect(f"{_url('outreach:answer_create', topic.slug)}?questions={ids}")
            elif action == "link":
                raw = request.POST.get("answer", "")
                answer = get_object_or_404(Answer, pk=int(raw) if raw.isdigit() else 0, topic=topic)
                sent = services_questions.answer_link(
                    actor=request.user, answer=answer, questions=selected
                )
                messages.success(
                    request,
                    _("Linked to the answer; %(sent)s residents were sent it.") % {"sent": sent},
                )
        except ValidationError as error:
            _errors(request, error)
        return redirect("outreach:question_queue", topic.slug)
    return render(
        request,
        "outreach/questions/queue.html",
        {
            "topic": topic,
            "groups": selectors_questions.question_queue(topic),
            "themes": list(QuestionTheme.objects.filter(topic=topic)),
            "answers": selectors_questions.answers_of(topic),
            "open_per_language": selectors_questions.open_per_language([topic]),
            "loop": selectors_questions.loop_times([topic]),
        },
    )


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@staff_view(rules.ANSWER_QUESTIONS.name)
@require_http_methods(["GET", "POST"])
def answer_create(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    raw = request.GET.get("questions") or request.POST.get("questions") or ""
    ids = [int(value) for value in raw.split(",") if value.strip().isdigit()]
    questions = list(Question.objects.filter(pk__in=ids, topic=topic, status=Question.Status.OPEN))
    initial: dict[str, Any] = {}
    swedish = [question for question in questions if question.text_language == "sv"]
    if swedish:
        initial["title"] = swedish[0].text[:300]
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            answer = services_questions.answer_publish(
                actor=request.user, topic=topic, questions=questions, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The answer is published and offered to partners for translation."),
            )
            return redirect("outreach:answer_detail", answer.pk)
    return render(
        request,
        "outreach/questions/answer_form.html",
        {"topic": topic, "form": form, "questions": questions, "ids": raw},
    )


@staff_view(rules.USE_WORKSPACE.name)
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(Answer.objects.select_related("topic", "written_by"), pk=pk)
    user = request.user
    if answer.topic not in selectors.topics_for(user):
        raise PermissionDenied(rules.USE_WORKSPACE.name)
    translate_partners = [
        partner
        for partner in selectors.user_partners(user, rules.TRANSLATE.name)
        if partner_takes_part(organisation=partner, topic=answer.topic)
    ]
    translations = list(answer.translations.exclude(status="discarded").select_related("partner"))
    by_language = {translation.language: translation for translation in translations}
    waiting = list(
        answer.questions.filter(replied_at__isnull=True, status=Question.Status.ANSWERED)
        .exclude(reply_channel=Question.Reply.NONE)
        .values("language")
        .annotate(count=Count("pk"))
        .order_by("language")
    )
    return render(
        request,
        "outreach/questions/answer_detail.html",
        {
            "answer": answer,
            "topic": answer.topic,
            "languages": [
                (
                    language.code,
                    language.endonym,
                    language.direction,
                    by_language.get(language.code),
                )
                for language in target_languages()
            ],
            "translate_partners": translate_partners,
            "can_answer": can(user, rules.ANSWER_QUESTIONS.name),
            "waiting": waiting,
        },
    )


@staff_view(rules.ANSWER_QUESTIONS.name)
@require_POST
def answer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    answer = get_object_or_404(Answer, pk=pk)
    if action == "send-waiting":
        sent = services_questions.replies_send(answer=answer, languages=None)
        messages.success(request, _("%(sent)s residents were sent the answer.") % {"sent": sent})
    elif action == "withdraw":
        services_questions.answer_withdraw(actor=request.user, answer=answer)
        messages.success(request, _("The answer is withdrawn from the topic page."))
    else:
        raise Http404
    return redirect("outreach:answer_detail", answer.pk)


@staff_view(rules.TRANSLATE.name)
@require_POST
def answer_translate(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    answer = get_object_or_404(Answer.objects.select_related("topic"), pk=pk)
    partners = {p.pk: p for p in selectors.user_partners(request.user, rules.TRANSLATE.name)}
    raw = request.POST.get("partner", "")
    partner = partners.get(int(raw)) if raw.isdigit() else next(iter(partners.values()), None)
    if partner is None or not is_target_language(language):
        raise Http404
    try:
        translation = services_questions.answer_translation_start(
            actor=request.user, answer=answer, language=language, partner=partner
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("outreach:answer_detail", answer.pk)
    return redirect("outreach:translation_edit", translation.pk)


# --- Partners ---------------------------------------------------------------------------------
@staff_view(rules.SUBMIT_QUESTIONS.name)
@require_http_methods(["GET", "POST"])
def question_submit(request: HttpRequest) -> HttpResponse:
    partners = selectors.user_partners(request.user, rules.SUBMIT_QUESTIONS.name)
    if not partners:
        raise PermissionDenied(rules.SUBMIT_QUESTIONS.name)
    partner = partners[0]
    topics = [
        topic
        for topic in selectors.topics_for(request.user)
        if topic.is_active
        and partner_capable(
            organisation=partner, topic=topic, capability=Capability.QUESTION_CHANNEL
        )
    ]
    form = PartnerQuestionForm(
        request.POST or None, topics=topics, initial={"text_language": "sv", "language": "sv"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_questions.question_from_partner(
                actor=request.user, partner=partner, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question is with the city. Thank you!"))
            return redirect("outreach:question_submit")
    return render(request, "outreach/questions/submit.html", {"form": form, "topics": topics})


# --- Residents --------------------------------------------------------------------------------
@public_view
@csrf_exempt  # resident pages set no cookie: a signed one-time form key replaces CSRF
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.public().active(), slug=slug)
    language = get_language() or settings.LANGUAGE_CODE
    context: dict[str, Any] = {"topic": topic}
    if request.method == "POST":
        form = AskForm(request.POST)
        if form.is_bot():
            return render(request, "outreach/questions/asked.html", context)
        allowed = throttle_allow(
            scope="outreach.ask",
            request=request,
            limit=settings.OUTREACH_QUESTIONS_PER_HOUR,
            window_seconds=3600,
        )
        if not allowed:
            data = request.POST.copy()
            data["form_key"] = form_key_new()
            context.update({"form": AskForm(data), "rate_limited": True})
            return render(request, "outreach/questions/ask.html", context, status=429)
        if form.is_valid():
            try:
                question = services_questions.question_from_resident(
                    topic=topic,
                    text=form.cleaned_data["text"],
                    language=language,
                    reply_channel=form.cleaned_data["reply_channel"],
                    reply_to=form.cleaned_data["reply_to"],
                )
            except ValidationError as error:
                field = "text" if error.code in {"empty", "long"} else "reply_to"
                form.add_error(field, error)
            else:
                context["question"] = question
                return render(request, "outreach/questions/asked.html", context)
        data = request.POST.copy()
        data["form_key"] = form_key_new()
        form.data = data
    else:
        form = AskForm(initial={"form_key": form_key_new()})
    context["form"] = form
    context["language_name"] = language_name(language)
    return render(request, "outreach/questions/ask.html", context)
