"""Texts residents receive from calls and the question loop: the message after a call, the
answer to a question, and an answer sent to a topic's subscribers; each in her language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from megafonen.outreach.languages import language_name
from megafonen.outreach.models import Answer, Bulletin
from megafonen.outreach.notices import (
    BroadcastText,
    absolute,
    topic_url,
    unsubscribe_url_template,
)
from megafonen.outreach.selectors import public_text
from megafonen.outreach.selectors_questions import answer_text


def _fallback(language: str) -> str:
    return _(
        "There is no approved translation into %(language)s yet, so this is the Swedish text."
    ) % {"language": language_name(language)}


def call_sms(bulletin: Bulletin, language: str, *, partner: str) -> str:
    """What she heard on the phone, as text: the same version, in the same translation."""
    text = public_text(bulletin, language)
    administration = bulletin.administration.name if bulletin.administration else settings.CITY_NAME
    with translation.override(language):
        parts = [
            _("%(partner)s called you today about this:") % {"partner": partner},
            text.title,
            text.lead,
            text.instruction,
            _fallback(language) if text.is_fallback else "",
            _("Read more: %(url)s") % {"url": topic_url(bulletin.topic, language)},
            _("Verified by %(administration)s, version %(number)s.")
            % {"administration": administration, "number": bulletin.number},
        ]
    return "\n".join(part for part in parts if part)


def faq_url(answer: Answer, language: str) -> str:
    with translation.override(language):
        return absolute(f"{reverse('outreach:topic', args=[answer.topic.slug])}#answer-{answer.pk}")


def answer_reply(answer: Answer, language: str, question: str) -> tuple[str, str, str]:
    """The answer to a resident's own question: (SMS body, e-mail subject, e-mail body)."""
    text = answer_text(answer, language)
    with translation.override(language):
        fallback = _fallback(language) if text.is_fallback else ""
        heading = _("The answer to your question about “%(topic)s”") % {"topic": answer.topic.title}
        link = _("Read more: %(url)s") % {"url": faq_url(answer, language)}
        sms = "\n".join(part for part in [heading, text.title, text.lead, fallback, link] if part)
        asked = _("You asked: %(question)s") % {"question": question}
        email = "\n\n".join(
            part
            for part in [
                fallback,
                asked,
                text.title,
                text.lead,
                text.body,
                link,
                _("We have now erased your address."),
            ]
            if part
        )
    return sms, heading, email


def answer_broadcast_text(answer: Answer, subscriber_language: str) -> BroadcastText:
    """An answer sent to a topic's subscribers: like a bulletin broadcast, with a way to stop."""
    text = answer_text(answer, subscriber_language)
    stop_url = unsubscribe_url_template(subscriber_language)
    with translation.override(subscriber_language):
        heading = _("Question and answer: %(title)s") % {"title": text.title}
        fallback = _fallback(subscriber_language) if text.is_fallback else ""
        link = _("Read more: %(url)s") % {"url": faq_url(answer, subscriber_language)}
        topic_link = topic_url(answer.topic, subscriber_language)
        stop_sms = _("Stop these texts: %(url)s or reply STOP") % {"url": stop_url}
        stop_email = _("Stop e-mail about this topic: %(url)s") % {"url": stop_url}
        subject = f"{answer.topic.title}: {heading}"
    sms = "\n".join(part for part in [heading, text.lead, fallback, link, stop_sms] if part)
    email = "\n\n".join(
        part
        for part in [fallback, heading, text.lead, text.body, link, topic_link, "—", stop_email]
        if part
    )
    return BroadcastText(text.language, text.is_fallback, sms, subject, email)
