"""The texts residents receive: confirmation codes and broadcasts, each in the resident's
language, each with a way to stop."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from megafonen.outreach.languages import language_name
from megafonen.outreach.models import Bulletin, Subscription, Topic
from megafonen.outreach.selectors import PublicText, public_text

SUBSCRIPTION_PLACEHOLDER = "__subscription__"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def topic_url(topic: Topic, language: str) -> str:
    with translation.override(language):
        return absolute(reverse("outreach:topic", args=[topic.slug]))


def confirm_url(subscription: Subscription, language: str, code: str = "") -> str:
    with translation.override(language):
        path = reverse("outreach:subscription_confirm", args=[subscription.public_id])
    return absolute(f"{path}?code={code}" if code else path)


def unsubscribe_url_template(language: str) -> str:
    """The unsubscribe address with a placeholder for the subscription's token: reversing
    once per language instead of once per subscriber keeps a broadcast's fan-out fast."""
    with translation.override(language):
        return absolute(reverse("outreach:unsubscribe", args=[SUBSCRIPTION_PLACEHOLDER]))


def confirmation_sms(topic: Topic, code: str, language: str) -> str:
    with translation.override(language):
        return _(
            "Megafonen: your code is %(code)s. Write it on the page to get news about "
            "“%(topic)s”. If you did not ask for this, ignore this text."
        ) % {"code": code, "topic": topic.title}


def confirmation_email(subscription: Subscription, code: str, language: str) -> tuple[str, str]:
    topic = subscription.topic
    with translation.override(language):
        subject = _("Confirm that you want news about “%(topic)s”") % {"topic": topic.title}
        body = _(
            "Hello,\n\nsomeone, probably you, asked to get news about “%(topic)s” from "
            "%(city)s at this address.\n\nYour code is %(code)s. Confirm here:\n%(url)s\n\n"
            "If you did not ask for this, ignore this e-mail: you will get nothing more."
        ) % {
            "topic": topic.title,
            "city": settings.CITY_NAME,
            "code": code,
            "url": confirm_url(subscription, language, code),
        }
    return subject, body


@dataclass(frozen=True)
class BroadcastText:
    """One language's message for a broadcast, with ``SUBSCRIPTION_PLACEHOLDER`` where the
    subscriber's own unsubscribe token goes."""

    language: str  # the language of the text itself (Swedish when falling back)
    is_fallback: bool
    sms: str
    subject: str
    email: str


def broadcast_text(bulletin: Bulletin, subscriber_language: str) -> BroadcastText:
    text: PublicText = public_text(bulletin, subscriber_language)
    topic = bulletin.topic
    administration = bulletin.administration.name if bulletin.administration else settings.CITY_NAME
    stop_url = unsubscribe_url_template(subscriber_language)
    with translation.override(subscriber_language):
        if bulletin.kind == Bulletin.Kind.CANCEL:
            heading = _("Withdrawn: %(title)s") % {"title": text.title}
        elif bulletin.kind == Bulletin.Kind.UPDATE:
            heading = _("Update: %(title)s") % {"title": text.title}
        else:
            heading = text.title
        fallback = (
            _(
                "There is no approved translation into %(language)s yet, so this is the "
                "Swedish text. The translation will come as soon as it is ready."
            )
            % {"language": language_name(subscriber_language)}
            if text.is_fallback
            else ""
        )
        stamp = _("Verified by %(administration)s, version %(number)s.") % {
            "administration": administration,
            "number": bulletin.number,
        }
        read_more = _("Read more: %(url)s") % {"url": topic_url(topic, subscriber_language)}
        stop_sms = _("Stop these texts: %(url)s or reply STOP") % {"url": stop_url}
        stop_email = _("Stop e-mail about this topic: %(url)s") % {"url": stop_url}
        subject = f"{topic.title}: {heading}"
    sms = "\n".join(
        part for part in [heading, text.lead, fallback, read_more, stamp, stop_sms] if part
    )
    email_parts = [
        fallback,
        heading,
        text.lead,
        text.body,
        text.instruction,
        stamp,
        read_more,
        "—",
        stop_email,
    ]
    email = "\n\n".join(part for part in email_parts if part)
    return BroadcastText(text.language, text.is_fallback, sms, subject, email)
