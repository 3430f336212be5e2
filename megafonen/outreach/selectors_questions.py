"""Reads of the question loop: the queue per topic grouped by theme, the questions and answers
residents read, open questions per language and how long the loop takes."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Prefetch, QuerySet

from megafonen.outreach.languages import SOURCE_LANGUAGE
from megafonen.outreach.models import Answer, Question, QuestionTheme, Topic, Translation


# --- Answers in a language --------------------------------------------------------------------
@dataclass
class AnswerText:
    """An answer as a resident reads it: the approved translation into her language, or the
    Swedish text (``is_fallback``) while there is none."""

    answer: Answer
    language: str
    requested: str
    title: str
    lead: str
    body: str
    translation: Translation | None = None

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested


def _text(answer: Answer, requested: str, translation: Translation | None) -> AnswerText:
    if translation is not None:
        return AnswerText(
            answer,
            translation.language,
            requested,
            translation.title,
            translation.lead,
            translation.body,
            translation,
        )
    return AnswerText(
        answer, SOURCE_LANGUAGE, requested, answer.title, answer.lead, answer.body, None
    )


def approved_answer_translation(answer: Answer, language: str) -> Translation | None:
    if language == SOURCE_LANGUAGE:
        return None
    return (
        Translation.objects.approved()
        .filter(answer=answer, language=language)
        .order_by("-approved_at", "-pk")
        .first()
    )


def answer_text(answer: Answer, language: str) -> AnswerText:
    return _text(answer, language, approved_answer_translation(answer, language))


def faq(topic: Topic, language: str) -> list[AnswerText]:
    """The topic's published answers in ``language``, newest first (two queries)."""
    answers = list(Answer.objects.published().filter(topic=topic).order_by("-published_at"))
    translations: dict[int, Translation] = {}
    if answers and language != SOURCE_LANGUAGE:
        for translation in (
            Translation.objects.approved()
            .filter(answer__in=answers, language=language)
            .order_by("approved_at", "pk")
        ):
            translations[translation.answer_id] = translation  # type: ignore[index]
    return [_text(answer, language, translations.get(answer.pk)) for answer in answers]


def answers_of(topic: Topic) -> list[Answer]:
    """The topic's answers with their translations and questions, for the city's page."""
    return list(
        Answer.objects.filter(topic=topic)
        .select_related("written_by")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=Translation.objects.exclude(status=Translation.Status.DISCARDED)
                .select_related("partner")
                .order_by("language"),
            )
        )
        .annotate(question_count=Count("questions"))
        .order_by("-published_at")
    )


# --- The queue --------------------------------------------------------------------------------
@dataclass
class ThemeGroup:
    theme: QuestionTheme | None
    questions: list[Question] = field(default_factory=list)


def question_queue(topic: Topic) -> list[ThemeGroup]:
    """Open questions of a topic, grouped by theme (unsorted ones first), oldest first."""
    themes = list(QuestionTheme.objects.filter(topic=topic).order_by("name"))
    groups: dict[int | None, ThemeGroup] = {None: ThemeGroup(None)}
    for theme in themes:
        groups[theme.pk] = ThemeGroup(theme)
    for question in (
        Question.objects.filter(topic=topic, status=Question.Status.OPEN)
        .select_related("partner")
        .order_by("asked_at", "pk")
    ):
        groups[question.theme_id].questions.append(question)
    return [group for group in groups.values() if group.questions or group.theme is not None]


def open_per_language(topics: Iterable[Topic] | None = None) -> list[tuple[str, int]]:
    """Open questions per resident's language, most first."""
    questions: QuerySet[Question] = Question.objects.filter(status=Question.Status.OPEN)
    if topics is not None:
        questions = questions.filter(topic__in=list(topics))
    rows = questions.values("language").annotate(count=Count("pk")).order_by("-count", "language")
    return [(row["language"], row["count"]) for row in rows]


# --- How long the loop takes ------------------------------------------------------------------
@dataclass
class LoopTimes:
    """Medians over answered questions: asked → answered (in Swedish) → in her language."""

    answered: int = 0
    translated: int = 0
    waiting_translation: int = 0
    to_answer: timedelta | None = None
    to_translation: timedelta | None = None
    ask_to_own_language: timedelta | None = None
    by_language: list[tuple[str, int, timedelta | None, int]] = field(default_factory=list)


def _median(values: list[float]) -> timedelta | None:
    return timedelta(seconds=statistics.median(values)) if values else None


def loop_times(topics: Iterable[Topic] | None = None) -> LoopTimes:
    """Median times of the question loop, overall and per language (language, answered,
    median from asking to the answer in her language, still waiting for a translation)."""
    questions: QuerySet[Question] = Question.objects.filter(answered_at__isnull=False)
    if topics is not None:
        questions = questions.filter(topic__in=list(topics))
    rows = [
        (language, asked, answered, translated)
        for language, asked, answered, translated in questions.values_list(
            "language", "asked_at", "answered_at", "translated_at"
        )
        if answered is not None
    ]
    result = LoopTimes(answered=len(rows))
    to_answer, to_translation, whole = [], [], []
    per_language: dict[str, list[float]] = defaultdict(list)
    answered_per_language: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    for language, asked, answered, translated in rows:
        to_answer.append((answered - asked).total_seconds())
        answered_per_language[language] += 1
        if translated is None:
            waiting[language] += 1
            continue
        result.translated += 1
        to_translation.append((translated - answered).total_seconds())
        seconds = (translated - asked).total_seconds()
        whole.append(seconds)
        per_language[language].append(seconds)
    result.waiting_translation = sum(waiting.values())
    result.to_answer = _median(to_answer)
    result.to_translation = _median(to_translation)
    result.ask_to_own_language = _median(whole)
    result.by_language = [
        (language, count, _median(per_language.get(language, [])), waiting[language])
        for language, count in sorted(answered_per_language.items())
    ]
    return result
