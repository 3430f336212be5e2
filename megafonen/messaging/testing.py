"""Local stand-ins for the outside world, for tests of every app: a fake of the 46elks and
Twilio HTTP APIs and a real SMTP server, both on 127.0.0.1. Tests never reach the network."""

from __future__ import annotations

import base64
import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

USERNAME = "u-test"
PASSWORD = "p-test"  # noqa: S105  (the fake's own credential)


@dataclass
class FakeSms:
    id: str
    to: str
    sender: str
    message: str
    callback: str
    created: datetime


@dataclass
class FakeSmsProvider:
    """Behaves like the provider's API; ``mode`` makes it fail the way real providers do:
    ``ok``, ``error500`` (answers 500), ``reject`` (400, a bad number), ``slow`` (takes the
    message, then answers too late) and ``lost_answer`` (takes it, then drops the connection)."""

    host: str = "127.0.0.1"
    port: int = 0
    mode: str = "ok"
    slow_seconds: float = 1.0
    messages: list[FakeSms] = field(default_factory=list)
    requests: int = 0
    _server: ThreadingHTTPServer | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        handler = _handler_for(self)
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Like a provider that is down: connections are refused until ``start()``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def accept(self, to: str, sender: str, message: str, callback: str) -> FakeSms:
        with self._lock:
            sms = FakeSms(
                id=f"s{next(self._ids):032x}",
                to=to,
                sender=sender,
                message=message,
                callback=callback,
                created=datetime.now(UTC),
            )
            self.messages.append(sms)
        return sms

    def sent_to(self, to: str) -> list[FakeSms]:
        return [sms for sms in self.messages if sms.to == to]


def _handler_for(provider: FakeSmsProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _authorised(self) -> bool:
            expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") == f"Basic {expected}":
                return True
            self._json(401, {"error": "unauthorised"})
            return False

        def _json(self, status: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802
            provider.requests += 1
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length", "0"))
            form = {
                key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()
            }
            twilio = self.path.endswith("/Messages.json")
            to = form.get("To" if twilio else "to", "")
            if provider.mode == "error500":
                self._json(500, {"error": "internal"})
                return
            if provider.mode == "reject" or not to.startswith("+"):
                self._json(400, {"error": "Invalid to"})
                return
            sms = provider.accept(
                to,
                form.get("From" if twilio else "from", ""),
                form.get("Body" if twilio else "message", ""),
                form.get("StatusCallback" if twilio else "whendelivered", ""),
            )
            if provider.mode == "slow":
                time.sleep(provider.slow_seconds)
            if provider.mode == "lost_answer":
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if twilio:
                self._json(
                    201, {"sid": sms.id, "status": "queued", "to": sms.to, "body": sms.message}
                )
            else:
                self._json(
                    200,
                    {
                        "id": sms.id,
                        "status": "created",
                        "to": sms.to,
                        "message": sms.message,
                        "parts": 1,
                    },
                )

        def do_GET(self) -> None:  # noqa: N802
            provider.requests += 1
            if not self._authorised():
                return
            query = parse_qs(urlsplit(self.path).query)
            twilio = urlsplit(self.path).path.endswith("/Messages.json")
            to = (query.get("To" if twilio else "to") or [""])[0]
            found = [sms for sms in provider.messages if not to or sms.to == to]
            if twilio:
                self._json(
                    200,
                    {
                        "messages": [
                            {"sid": sms.id, "to": sms.to, "body": sms.message} for sms in found
                        ]
                    },
                )
            else:
                self._json(
                    200,
                    {
                        "data": [
                            {
                                "id": sms.id,
                                "to": sms.to,
                                "message": sms.message,
                                "created": sms.created.isoformat(),
                            }
                            for sms in found
                        ]
                    },
                )

    return Handler


@dataclass
class LocalSmtpServer:
    """A real SMTP server (aiosmtpd) that keeps what it receives."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Message] = field(default_factory=list)
    _controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if not self.port:
            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.port = probe.getsockname()[1]
        server = self

        class Handler:
            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                server.received.append(message_from_bytes(envelope.content))
                return "250 Message accepted for delivery"

        self._controller = Controller(Handler(), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
