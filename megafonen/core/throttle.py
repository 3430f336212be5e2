"""Rate limits for anonymous residents, without storing who they are.

A client is recognised by a keyed hash of its address, with a key that changes every day, kept
only for the length of the window: enough to slow down a flood of submissions, useless for
finding out who sent anything. The count is one statement: an atomic increment in Redis when
the cache lives there, else one UPSERT in the database (resident forms are on the hot path,
and the database cache needs seven statements for the same).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from megafonen.core.lockout import client_address
from megafonen.core.models import ThrottleCount


def client_fingerprint(request: HttpRequest) -> str:
    day = timezone.now().date().isoformat()
    key = f"{settings.SECRET_KEY}:throttle:{day}".encode()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()[:24]


def throttle_allow(*, scope: str, request: HttpRequest, limit: int, window_seconds: int) -> bool:
    """Count one attempt by this client in ``scope``; False once it passes ``limit`` within
    the current window."""
    window = int(time.time() // window_seconds)
    bucket = f"{scope}:{client_fingerprint(request)}:{window}"
    if settings.REDIS_URL:
        return _count_in_cache(bucket, window_seconds) <= limit
    return _count_in_database(bucket, window_seconds) <= limit


def _count_in_cache(bucket: str, window_seconds: int) -> int:
    key = f"throttle:{bucket}"
    if cache.add(key, 1, timeout=window_seconds + 1):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 1)
        return 1


def _count_in_database(bucket: str, window_seconds: int) -> int:
    table = connection.ops.quote_name(ThrottleCount._meta.db_table)
    expires_at = connection.ops.adapt_datetimefield_value(
        timezone.now() + timedelta(seconds=window_seconds + 1)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [bucket, expires_at],
        )
        count = int(cursor.fetchone()[0])
    # Sweeping now and then keeps the table to the windows that are still open.
    if secrets.randbelow(_SWEEP_ONE_IN) == 0:
        ThrottleCount.objects.filter(expires_at__lt=timezone.now()).delete()
    return count


_SWEEP_ONE_IN = 500
