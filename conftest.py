from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from megafonen.core.models import User
from megafonen.core.testing import World, world_build
from megafonen.messaging import testing as messaging_testing


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Sign-in behaviour is the same with a cheap hasher; the suite runs minutes faster.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default() -> Any:
    """Tests read the English source strings; tests of other languages say so in their URLs."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    return world_build()


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def signed_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture(autouse=True)
def _access_log_flushable(request: pytest.FixtureRequest) -> Any:
    """Let tests that commit (live-server tests) empty the append-only access log afterwards.

    The database refuses to delete access log entries outside a retention purge, and so it
    refuses Django's flush between transactional tests too; a purge covering everything is
    opened just before that flush.
    """
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if transactional:
        request.getfixturevalue("transactional_db")
    yield
    if transactional:
        from datetime import timedelta

        from django.utils import timezone

        from megafonen.core.services import access_log_purge

        access_log_purge(cutoff=timezone.now() + timedelta(days=1), reason="Test teardown")


@pytest.fixture
def sms_provider(settings: Any) -> Any:
    """A fake of the 46elks API on 127.0.0.1, wired into the settings."""
    provider = messaging_testing.FakeSmsProvider()
    provider.start()
    settings.SMS_BACKEND = "46elks"
    settings.SMS_46ELKS_API_URL = f"{provider.url}/a1"
    settings.SMS_46ELKS_USERNAME = messaging_testing.USERNAME
    settings.SMS_46ELKS_PASSWORD = messaging_testing.PASSWORD
    settings.SMS_PER_SECOND = 1000
    yield provider
    provider.stop()


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    server = messaging_testing.LocalSmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_PER_SECOND = 1000
    yield server
    server.stop()
