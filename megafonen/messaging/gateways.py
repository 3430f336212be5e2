"""SMS providers behind one interface.

Each gateway sends one message and classifies failures: a ``TemporaryFailureError`` is retried, a
``PermanentFailureError`` is not. A failure that may have reached the provider (the request went out
but no answer came back) is temporary *and* ambiguous: before sending again, the sender asks the
gateway whether the provider already has the message (``find_sent``), so a flaky network does not
make a resident get the same text twice.
"""

from __future__ import annotations

import base64
import json
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from megafonen.messaging.phone import phone_masked


class TemporaryFailureError(Exception):
    def __init__(self, reason: str, *, ambiguous: bool = False) -> None:
        super().__init__(reason)
        self.ambiguous = ambiguous


class PermanentFailureError(Exception):
    pass


@dataclass(frozen=True)
class SmsSent:
    provider_message_id: str


class SmsGateway(Protocol):
    name: str

    def send(self, *, to: str, body: str, status_callback_url: str) -> SmsSent: ...

    def find_sent(self, *, to: str, body: str, since: datetime) -> SmsSent | None: ...


def _request(
    method: str, url: str, *, auth: tuple[str, str], data: dict[str, str] | None = None
) -> Any:
    encoded = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=encoded, method=method)  # noqa: S310
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.SMS_TIMEOUT_SECONDS
        ) as response:
            return json.loads(response.read().decode() or "null")
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code}"
        if error.code == 429:
            raise TemporaryFailureError(reason) from None
        if error.code >= 500:
            # A failing provider may still have taken the message before it failed.
            raise TemporaryFailureError(reason, ambiguous=True) from None
        raise PermanentFailureError(reason) from None
    except urllib.error.URLError as error:
        # Refused or unreachable: the request never arrived, so sending again is safe.
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise TemporaryFailureError("timeout", ambiguous=True) from None
        raise TemporaryFailureError(f"unreachable: {type(error.reason).__name__}") from None
    except TimeoutError:
        raise TemporaryFailureError("timeout", ambiguous=True) from None
    except (ConnectionError, json.JSONDecodeError) as error:
        raise TemporaryFailureError(type(error).__name__, ambiguous=True) from None


class FortySixElksGateway:
    """46elks (https://46elks.se): POST /sms, delivery receipts to ``whendelivered``."""

    name = "46elks"

    def __init__(self, *, api_url: str, username: str, password: str, sender: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.auth = (username, password)
        self.sender = sender

    def send(self, *, to: str, body: str, status_callback_url: str) -> SmsSent:
        answer = _request(
            "POST",
            f"{self.api_url}/sms",
            auth=self.auth,
            data={
                "from": self.sender,
                "to": to,
                "message": body,
                "whendelivered": status_callback_url,
            },
        )
        if not isinstance(answer, dict) or not answer.get("id"):
            raise TemporaryFailureError("no message id in the answer", ambiguous=True)
        return SmsSent(str(answer["id"]))

    def find_sent(self, *, to: str, body: str, since: datetime) -> SmsSent | None:
        query = urllib.parse.urlencode(
            {"to": to, "end": since.astimezone(UTC).replace(tzinfo=None).isoformat()}
        )
        answer = _request("GET", f"{self.api_url}/sms?{query}", auth=self.auth)
        for item in (answer or {}).get("data", []):
            if item.get("to") == to and item.get("message") == body and item.get("id"):
                return SmsSent(str(item["id"]))
        return None


class TwilioGateway:
    """Twilio: POST /Accounts/{sid}/Messages.json, receipts to ``StatusCallback``."""

    name = "twilio"

    def __init__(self, *, api_url: str, account_sid: str, auth_token: str, sender: str) -> None:
        self.base = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}"
        self.auth = (account_sid, auth_token)
        self.sender = sender

    def send(self, *, to: str, body: str, status_callback_url: str) -> SmsSent:
        answer = _request(
            "POST",
            f"{self.base}/Messages.json",
            auth=self.auth,
            data={
                "From": self.sender,
                "To": to,
                "Body": body,
                "StatusCallback": status_callback_url,
            },
        )
        if not isinstance(answer, dict) or not answer.get("sid"):
            raise TemporaryFailureError("no message sid in the answer", ambiguous=True)
        return SmsSent(str(answer["sid"]))

    def find_sent(self, *, to: str, body: str, since: datetime) -> SmsSent | None:
        query = urllib.parse.urlencode(
            {"To": to, "DateSent>": since.astimezone(UTC).date().isoformat()}
        )
        answer = _request("GET", f"{self.base}/Messages.json?{query}", auth=self.auth)
        for item in (answer or {}).get("messages", []):
            if item.get("to") == to and item.get("body") == body and item.get("sid"):
                return SmsSent(str(item["sid"]))
        return None


class ConsoleGateway:
    """Development: prints the message (with a masked number) instead of sending it."""

    name = "console"

    def __init__(self) -> None:
        self.counter = 0

    def send(self, *, to: str, body: str, status_callback_url: str) -> SmsSent:
        self.counter += 1
        sys.stdout.write(f"[SMS to {phone_masked(to)}]\n{body}\n\n")
        return SmsSent(f"console-{datetime.now(UTC).timestamp()}-{self.counter}")

    def find_sent(self, *, to: str, body: str, since: datetime) -> SmsSent | None:
        return None


def sms_gateway() -> SmsGateway:
    backend = settings.SMS_BACKEND
    if backend == "46elks":
        return FortySixElksGateway(
            api_url=settings.SMS_46ELKS_API_URL,
            username=settings.SMS_46ELKS_USERNAME,
            password=settings.SMS_46ELKS_PASSWORD,
            sender=settings.SMS_SENDER,
        )
    if backend == "twilio":
        return TwilioGateway(
            api_url=settings.SMS_TWILIO_API_URL,
            account_sid=settings.SMS_TWILIO_ACCOUNT_SID,
            auth_token=settings.SMS_TWILIO_AUTH_TOKEN,
            sender=settings.SMS_SENDER,
        )
    if backend == "console":
        return ConsoleGateway()
    raise ImproperlyConfigured(f"SMS_BACKEND must be console, 46elks or twilio, not {backend!r}")
