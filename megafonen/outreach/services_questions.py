"""Writes of the question loop: questions arrive (calls, hotline, partners, the topic page),
the city sorts them by theme and answers once in Swedish; the answer is published on the topic
page, translated by partners like a bulletin, and sent back to the residents who asked and,
if the communicator chooses, to the topic's subscribers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from megafonen.core.models import AccessLogEntry, Organisation
from megafonen.core.permissions import require
from megafonen.core.services import access_log_record
from megafonen.messaging.models import Channel
from megafonen.messaging.services import message_queue
from megafonen.outreach import notices_calls, rules
from megafonen.outreach.languages import SOURCE_LANGUAGE, enabled_codes, is_target_language
from megafonen.outreach.models import (
    Answer,
    Broadcast,
    Call,
    CallContact,
    Capability,
    Question,
    QuestionTheme,
    Topic,
    Translation,
)
from megafonen.outreach.services import (
    NOT_PARTICIPATING,
    _administration_of,
    contact_normalise,
    partner_capable,
    partner_takes_part,
    topic_pages_forget,
)
from megafonen.outreach.services_broadcasts import broadcast_start
from megafonen.outreach.texts import fingerprint

QUESTION_MAX = 2000


def _fail(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise _fail(_("Write the question."), "empty")
    if len(cleaned) > QUESTION_MAX:
        raise _fail(_("Keep the question under %(limit)s characters."), "long", limit=QUESTION_MAX)
    return cleaned


def _language(code: str) -> str:
    if code not in enabled_codes():
        raise _fail(_("Choose a language."), "language")
    return code


# --- Questions in ----------------------------------------------------------------------------
def question_from_call(
    *, call: Call, text: str, text_language: str, contact: CallContact | None
) -> Question:
    """A question a resident asked in a call (outbound or on the hotline). With ``contact``
    (she wants the answer and is on a call list with a mobile number) the answer goes back to
    her by text message."""
    assert call.topic is not None  # noqa: S101  (the caller checks)
    wants = contact is not None and contact.is_mobile and bool(contact.phone)
    return Question.objects.create(
        topic=call.topic,
        source=Question.Source.CALL
        if call.direction == Call.Direction.OUTBOUND
        else Question.Source.HOTLINE,
        text=_clean_text(text),
        text_language=text_language if text_language in enabled_codes() else call.language,
        language=call.language,
        partner=call.partner,
        call=call,
        contact=contact if wants else None,
        reply_channel=Question.Reply.SMS if wants else Question.Reply.NONE,
        created_by=call.ambassador,
        asked_at=call.called_at,
    )


@transaction.atomic
def question_from_partner(
    *,
    actor: Any,
    partner: Organisation,
    topic: Topic,
    text: str,
    text_language: str,
    language: str,
) -> Question:
    """A question a partner heard outside a call (a meeting, a visit) passed to the city."""
    require(actor, rules.SUBMIT_QUESTIONS.name, partner)
    if not partner_capable(
        organisation=partner, topic=topic, capability=Capability.QUESTION_CHANNEL
    ):
        raise _fail(
            _("Your organisation's level on this topic does not include the question channel."),
            "level",
        )
    return Question.objects.create(
        topic=topic,
        source=Question.Source.PARTNER,
        text=_clean_text(text),
        text_language=_language(text_language),
        language=_language(language),
        partner=partner,
        created_by=actor,
    )


def question_from_resident(
    *, topic: Topic, text: str, language: str, reply_channel: str, reply_to: str
) -> Question:
    """A question from the topic page: anonymous unless she leaves a number or an address for
    the answer (encrypted, used once, erased when the answer is sent)."""
    if reply_channel not in Question.Reply.values:
        raise _fail(_("Choose how you want the answer."), "reply_channel")
    address = ""
    if reply_channel != Question.Reply.NONE:
        if not reply_to.strip():
            raise _fail(
                _("Write your mobile number or e-mail address, or choose no answer."), "reply_to"
            )
        address = contact_normalise(reply_channel, reply_to)
    language = language if language in enabled_codes() else SOURCE_LANGUAGE
    with transaction.atomic():
        question = Question.objects.create(
            topic=topic,
            source=Question.Source.WEB,
            text=_clean_text(text),
            text_language=language,
            language=language,
            reply_channel=reply_channel,
            reply_to=address,
        )
        if address:
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.CREATE,
                subject=question,
                purpose="Resident asked a question and left a way to send the answer",
                details={"fields": ["reply_to"], "channel": reply_channel},
            )
    return question


# --- Sorting ----------------------------------------------------------------------------------
@transaction.atomic
def theme_create(*, actor: Any, topic: Topic, name: str) -> QuestionTheme:
    require(actor, rules.ANSWER_QUESTIONS.name)
    cleaned = name.strip()[:120]
    if not cleaned:
        raise _fail(_("Name the theme."), "empty")
    theme, _created = QuestionTheme.objects.get_or_create(
        topic=topic, name=cleaned, defaults={"created_by": actor}
    )
    return theme


@transaction.atomic
def questions_sort(
    *, actor: Any, topic: Topic, questions: Sequence[Question], theme: QuestionTheme | None
) -> int:
    require(actor, rules.ANSWER_QUESTIONS.name)
    if theme is not None and theme.topic_id != topic.pk:
        raise _fail(_("This theme belongs to another topic."), "theme")
    return Question.objects.filter(pk__in=[q.pk for q in questions], topic=topic).update(
        theme=theme
    )


@transaction.atomic
def questions_dismiss(*, actor: Any, topic: Topic, questions: Sequence[Question]) -> int:
    """Set aside what is not a question for the city (a greeting, a need, abuse)."""
    require(actor, rules.ANSWER_QUESTIONS.name)
    ids = [q.pk for q in questions]
    count = Question.objects.filter(pk__in=ids, topic=topic, status=Question.Status.OPEN).update(
        status=Question.Status.DISMISSED, reply_to=""
    )
    return count


# --- Answers ----------------------------------------------------------------------------------
def _answer_fingerprint(answer: Answer) -> str:
    return fingerprint(
        {
            "topic": answer.topic.slug,
            "answer": answer.pk,
            "language": SOURCE_LANGUAGE,
            "title": answer.title,
            "lead": answer.lead,
            "body": answer.body,
        }
    )


def _translated_into(answer: Answer) -> set[str]:
    return set(
        Translation.objects.approved().filter(answer=answer).values_list("language", flat=True)
    )


def _link(answer: Answer, question_ids: Sequence[int], now: Any) -> None:
    questions = Question.objects.filter(
        pk__in=question_ids, topic_id=answer.topic_id, status=Question.Status.OPEN
    )
    questions.update(answer=answer, status=Question.Status.ANSWERED, answered_at=now)
    available = _translated_into(answer) | {SOURCE_LANGUAGE}
    Question.objects.filter(
        answer=answer, translated_at__isnull=True, language__in=available
    ).update(translated_at=now)


def answer_publish(
    *,
    actor: Any,
    topic: Topic,
    title: str,
    lead: str,
    body: str = "",
    questions: Sequence[Question] = (),
    send_to_subscribers: bool = False,
) -> Answer:
    """Answer once, in Swedish. The answer is published on the topic page at once, partners
    are offered it to translate, and the residents who asked in Swedish get it now; the others
    get it as soon as it is translated into their language."""
    require(actor, rules.ANSWER_QUESTIONS.name)
    title, lead = title.strip(), lead.strip()
    if not title or not lead:
        raise _fail(_("Write the question and the answer."), "incomplete")
    with transaction.atomic():
        now = timezone.now()
        answer = Answer.objects.create(
            topic=topic,
            title=title[:300],
            lead=lead,
            body=body.strip(),
            written_by=actor,
            administration=_administration_of(actor) or topic.administration,
            published_at=now,
            fingerprint="",
            sent_to_subscribers=send_to_subscribers,
        )
        answer.fingerprint = _answer_fingerprint(answer)
        answer.save(update_fields=["fingerprint"])
        _link(answer, [q.pk for q in questions], now)
        if send_to_subscribers:
            broadcast_start(answer=answer, reason=Broadcast.Reason.ANSWERED)
        replies_send(answer=answer, languages={SOURCE_LANGUAGE})
        topic_pages_forget(topic)
    return answer


@transaction.atomic
def answer_link(*, actor: Any, answer: Answer, questions: Sequence[Question]) -> int:
    """Questions already answered by an existing answer: link them and send it back."""
    require(actor, rules.ANSWER_QUESTIONS.name)
    if not answer.is_published:
        raise _fail(_("This answer has been withdrawn."), "withdrawn")
    _link(answer, [q.pk for q in questions], timezone.now())
    return replies_send(answer=answer, languages=_translated_into(answer) | {SOURCE_LANGUAGE})


@transaction.atomic
def answer_withdraw(*, actor: Any, answer: Answer) -> Answer:
    require(actor, rules.ANSWER_QUESTIONS.name)
    answer.status = Answer.Status.WITHDRAWN
    answer.save(update_fields=["status"])
    topic_pages_forget(answer.topic)
    return answer


@transaction.atomic
def answer_translation_start(
    *, actor: Any, answer: Answer, language: str, partner: Organisation
) -> Translation:
    """Open the partner's translation of an answer (reviewed and approved like a bulletin's)."""
    require(actor, rules.TRANSLATE.name, partner)
    if not is_target_language(language):
        raise _fail(_("Bulletins cannot be translated into this language here."), "language")
    if not answer.is_published:
        raise _fail(_("This answer has been withdrawn."), "withdrawn")
    if not partner_takes_part(organisation=partner, topic=answer.topic):
        raise _fail(NOT_PARTICIPATING, "not_participating")
    existing = (
        Translation.objects.open().filter(answer=answer, language=language, partner=partner).first()
    )
    if existing is not None:
        return existing
    now = timezone.now()
    return Translation.objects.create(
        answer=answer,
        language=language,
        partner=partner,
        title="",
        lead="",
        translated_by=actor,
        created_at=now,
        updated_at=now,
    )


def answer_translation_approved(*, translation: Translation) -> None:
    """Called when a translation of an answer is approved (inside its transaction): the
    questions in that language now have their answer in their language; send it back, and to
    that language's subscribers if the answer was broadcast."""
    answer = translation.answer
    assert answer is not None  # noqa: S101
    now = timezone.now()
    Question.objects.filter(
        answer=answer, language=translation.language, translated_at__isnull=True
    ).update(translated_at=now)
    replies_send(answer=answer, languages={translation.language})
    if answer.sent_to_subscribers:
        broadcast_start(
            answer=answer, language=translation.language, reason=Broadcast.Reason.TRANSLATED
        )


def replies_send(*, answer: Answer, languages: set[str] | None = None) -> int:
    """Send the answer to the residents who asked and left a way to reach them, in their
    language (``languages=None``: everyone still waiting, in Swedish where no translation
    exists yet). Each address is used once and erased. Returns how many were sent."""
    waiting = Question.objects.filter(
        answer=answer, replied_at__isnull=True, status=Question.Status.ANSWERED
    ).exclude(reply_channel=Question.Reply.NONE)
    if languages is not None:
        waiting = waiting.filter(language__in=languages)
    questions = list(waiting.select_related("contact", "topic"))
    sent = 0
    now = timezone.now()
    with transaction.atomic():
        for question in questions:
            address = question.reply_to or (question.contact.phone if question.contact else "")
            if not address:
                continue
            sms, subject, email = notices_calls.answer_reply(
                answer, question.language, question.text
            )
            is_sms = question.reply_channel == Question.Reply.SMS
            message_queue(
                channel=Channel.SMS if is_sms else Channel.EMAIL,
                recipient=address,
                body=sms if is_sms else email,
                subject="" if is_sms else subject,
                language=question.language,
                purpose="outreach.answer",
                dedupe_key=f"outreach:answer-reply:{question.pk}",
            )
            sent += 1
        if questions:
            ids = [question.pk for question in questions]
            Question.objects.filter(pk__in=ids).update(replied_at=now, reply_to="")
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.READ,
                subject=answer,
                purpose="Residents' numbers or addresses read to send the answer to their "
                "questions; addresses left on the topic page erased",
                details={"fields": ["reply_to", "phone"], "questions": ids, "sent": sent},
            )
    return sent


def question_contacts_purge(*, older_than_days: int) -> int:
    """Erase ways to reach residents whose questions were never answered in time."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = Question.objects.filter(asked_at__lt=cutoff).filter(
        ~Q(reply_to="") & Q(replied_at__isnull=True)
    )
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            return 0
        Question.objects.filter(pk__in=ids).update(reply_to="", reply_channel=Question.Reply.NONE)
        access_log_record(
            actor=None,
            action=AccessLogEntry.Action.DELETE,
            subject_type="outreach.question",
            purpose="Addresses left with unanswered questions erased after the retention period",
            details={"fields": ["reply_to"], "count": len(ids)},
        )
    return len(ids)
