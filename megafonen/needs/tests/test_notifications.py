"""Messages to residents who gave contact details: the receipt code, and a note when someone
answers, in her language, through the task queue, to a local fake provider and SMTP server."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from megafonen.messaging.models import OutboundMessage
from megafonen.needs import codes, services
from megafonen.needs.models import NeedRouting
from megafonen.needs.testing import NeedsWorld


def send_with_contact(channel: str, address: str, language: str, **extra: str) -> str:
    client = Client()
    with translation.override(language):
        url = reverse("needs:form")
    html = client.get(url).content.decode()
    key = re.search(r'name="key" value="([^"]+)"', html)[1]  # type: ignore[index]
    data = {
        "category": "work",
        "text": "أحتاج مساعدة في إيجاد عمل صيفي لابني",
        "contact": channel,
        "consent": "on",
        "contact_language": language,
        "key": key,
        **extra,
    }
    response = client.post(url, data)
    return re.search(r'class="receipt__code"[^>]*>([^<]+)<', response.content.decode())[1]  # type: ignore[index]


def test_the_receipt_code_goes_by_text_message_and_answers_are_announced(
    needs: NeedsWorld, sms_provider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        code = send_with_contact("sms", "", "ar", phone="070-123 45 67")
    [receipt] = sms_provider.sent_to("+46701234567")
    assert code in receipt.message
    assert "/ar/needs/follow-up/?code=" in receipt.message

    need = NeedRouting.objects.get().need
    routing = NeedRouting.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.need_answer(
            need=need,
            routing=routing,
            author=needs.world.receiver,
            kind="tip",
            text="Sök sommarjobb i februari.",
            language="sv",
        )
    messages = sms_provider.sent_to("+46701234567")
    assert len(messages) == 2
    note = messages[1].message
    assert "/ar/needs/follow-up/" in note
    assert "Sök sommarjobb" not in note  # the answer itself stays on the page
    stored = OutboundMessage.objects.get(dedupe_key=f"needs.answered:{answer.pk}")
    assert stored.language == "ar" and stored.purpose == "needs.answered"


def test_an_answer_is_announced_once_by_e_mail_in_the_residents_language(
    needs: NeedsWorld, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        code = send_with_contact("email", "", "so", email="Amira@Example.se")
    [receipt] = smtp_server.received
    assert receipt["To"] == "amira@example.se"
    assert receipt["Content-Language"] == "so"
    assert code in receipt.get_payload(decode=True).decode()
    need = NeedRouting.objects.get().need
    routing = NeedRouting.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.need_answer(
            need=need,
            routing=routing,
            author=needs.world.receiver,
            kind="offer",
            text="Kom till Jobbtorget.",
            language="sv",
        )
    assert len(smtp_server.received) == 2
    assert "/so/needs/follow-up/" in smtp_server.received[1].get_payload(decode=True).decode()
    assert codes.receipt_normalise(code)


def test_anonymous_needs_send_nothing(
    needs: NeedsWorld, sms_provider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from megafonen.needs.testing import need_make

    with django_capture_on_commit_callbacks(execute=True):
        need, _ = need_make(category=needs.work)
        services.need_answer(
            need=need,
            routing=NeedRouting.objects.get(need=need),
            author=needs.world.receiver,
            kind="tip",
            text="Hej",
            language="sv",
        )
    assert sms_provider.messages == [] and not OutboundMessage.objects.exists()
