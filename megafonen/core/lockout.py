"""Brute-force protection for staff sign-in.

Failures are counted per account name and per client in the shared cache, under keyed hashes:
no IP address or attempted name is ever stored in the clear. A locked account name stays locked
for ``LOGIN_LOCKOUT_MINUTES`` whatever password comes next, so guessing cannot continue.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

# One client may try more names than one name may be tried, because offices share addresses.
_CLIENT_FACTOR = 4


def _key(kind: str, value: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{value.strip().lower()}".encode(), hashlib.sha256
    ).hexdigest()
    return f"lockout:{kind}:{digest[:32]}"


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _window_seconds() -> int:
    return int(settings.LOGIN_LOCKOUT_MINUTES) * 60


def _count(key: str) -> int:
    return int(cache.get(key, 0))


def _increment(key: str) -> None:
    if not cache.add(key, 1, _window_seconds()):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, _window_seconds())


def is_locked(username: str, request: HttpRequest | None = None) -> bool:
    limit = int(settings.LOGIN_MAX_FAILURES)
    if username and _count(_key("account", username)) >= limit:
        return True
    address = client_address(request)
    return bool(address) and _count(_key("client", address)) >= limit * _CLIENT_FACTOR


def record_failure(username: str, request: HttpRequest | None = None) -> None:
    if username:
        _increment(_key("account", username))
    address = client_address(request)
    if address:
        _increment(_key("client", address))


def clear(username: str) -> None:
    cache.delete(_key("account", username))


class LockoutModelBackend(ModelBackend):
    """Django's password check, refused outright while the account or client is locked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        name = username or ""
        if is_locked(name, request):
            # PermissionDenied stops Django from trying any other backend.
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(name, request)
        else:
            clear(name)
        return user
