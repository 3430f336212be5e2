"""A local fake of 46elks's voice side, for tests: it places a call to the hotline's webhook
and follows the call actions our JSON answers with, the way 46elks does (``ivr`` posts the
pressed digit to ``next``; ``connect`` rings a number and posts ``success``, ``busy`` or
``failed`` to ``next``; ``play`` and ``hangup`` end the call; ``whenhangup`` is called at the
end). Who answers a ``connect`` is decided by the test (``answers``)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

Post = Callable[[str, dict[str, str]], tuple[int, str]]


@dataclass
class FakeVoiceCall:
    post: Post  # (url or path, form data) -> (status, body)
    caller: str = "+46701740699"
    hotline: str = "+46766860000"
    answers: dict[str, str] = field(default_factory=dict)  # number -> success/busy/failed
    callid: str = field(default_factory=lambda: "c" + secrets.token_hex(16))
    actions: list[dict[str, Any]] = field(default_factory=list)
    rung: list[str] = field(default_factory=list)
    played: list[str] = field(default_factory=list)
    hung_up: bool = False

    def _call(self, url: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
        data = {"callid": self.callid, "from": self.caller, "to": self.hotline, **(extra or {})}
        status, body = self.post(url, data)
        if not 200 <= status <= 204:
            raise AssertionError(f"46elks would retry: {url} answered {status}")
        action: dict[str, Any] = json.loads(body) if body.strip() else {}
        self.actions.append(action)
        return action

    def run(self, start_url: str, *, press: str = "", max_steps: int = 20) -> None:
        """Call the hotline; at the menu, press ``press`` (nothing: let it time out)."""
        action = self._call(start_url, {"direction": "incoming"})
        whenhangup = ""
        for _step in range(max_steps):
            whenhangup = action.get("whenhangup", whenhangup)
            if "ivr" in action:
                result = press if press else "failed"
                press = ""  # a second menu times out
                action = self._next(action, result)
            elif "connect" in action:
                number = action["connect"]
                self.rung.append(number)
                result = self.answers.get(number, "failed")
                if result in action and isinstance(action[result], dict):
                    action = action[result]
                    continue
                action = self._next(action, result)
            elif "play" in action:
                self.played.append(action["play"])
                if "next" not in action:
                    break
                action = self._next(action, "")
            else:  # hangup, or nothing left
                break
            if not action:
                break
        self.hung_up = True
        if whenhangup:
            self._call(whenhangup)

    def _next(self, action: dict[str, Any], result: str) -> dict[str, Any]:
        following = action.get("next")
        if not following:
            return {}
        if isinstance(following, dict):
            return following
        return self._call(following, {"result": result})


def client_poster(client: Any) -> Post:
    """Post through Django's test client (URLs carry SITE_URL; only the path matters)."""

    def post(url: str, data: dict[str, str]) -> tuple[int, str]:
        response = client.post(urlsplit(url).path, data)
        return response.status_code, response.content.decode()

    return post


def http_poster(base_url: str) -> Post:
    """Post over HTTP to a live server, rewriting SITE_URL to its address."""
    import urllib.request

    def post(url: str, data: dict[str, str]) -> tuple[int, str]:
        target = base_url + urlsplit(url).path
        request = urllib.request.Request(  # noqa: S310  (127.0.0.1 only)
            target, data=urlencode(data).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status), response.read().decode()

    return post
