"""Webhooks the SMS providers call. They carry no session; a keyed token in the address proves
the call belongs to a message we sent (receipts) or to our account (incoming texts)."""

from __future__ import annotations

import hmac
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from megafonen.core.permissions import public_view
from megafonen.messaging.models import MessageStatus, OutboundMessage
from megafonen.messaging.services import (
    delivery_receipt_apply,
    inbound_sms_handle,
    receipt_token,
)


@public_view
@csrf_exempt
@require_POST
def receipt(request: HttpRequest, message_id: UUID, token: str) -> HttpResponse:
    if not hmac.compare_digest(token, receipt_token(str(message_id))):
        raise Http404
    status = request.POST.get("status") or request.POST.get("MessageStatus", "")
    provider_id = request.POST.get("id") or request.POST.get("MessageSid", "")
    current = OutboundMessage.objects.filter(pk=message_id).values_list("status", flat=True)
    if not current:
        raise Http404
    if current[0] == MessageStatus.SENDING:
        # The provider answered faster than we stored its id: ask it to call again.
        return HttpResponse(status=409)
    delivery_receipt_apply(message_id=message_id, provider_message_id=provider_id, status=status)
    return HttpResponse(status=204)


@public_view
@csrf_exempt
@require_POST
def inbound_sms(request: HttpRequest, token: str) -> HttpResponse:
    expected = settings.SMS_INBOUND_TOKEN
    if not expected or not hmac.compare_digest(token, expected):
        raise Http404
    sender = request.POST.get("from") or request.POST.get("From", "")
    text = request.POST.get("message") or request.POST.get("Body", "")
    reply = inbound_sms_handle(sender=sender, text=text)
    # 46elks sends the body of our answer back to the resident as a text.
    return HttpResponse(reply, content_type="text/plain; charset=utf-8")
