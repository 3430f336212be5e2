from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, parse_database_url

ROOT = Path(__file__).resolve().parents[3]


def test_sqlite_urls_give_a_file_path() -> None:
    assert parse_database_url("sqlite:////srv/megafonen/db.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/megafonen/db.sqlite3",
        "OPTIONS": {},
    }


def test_postgresql_urls_give_every_part() -> None:
    database = parse_database_url(
        "postgres://mega:s%40lt@db.internal:5433/megafonen?sslmode=require"
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"]) == ("mega", "s@lt")
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        "5433",
        "megafonen",
    )
    assert database["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://"])
def test_unsupported_or_incomplete_database_urls_fail_loudly(url: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url)


def test_environment_readers_name_the_variable_in_their_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOME_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("SOME_NUMBER", 1, minimum=1)
    monkeypatch.setenv("SOME_LIST", " a, b ,,c ")
    assert env_list("SOME_LIST") == ["a", "b", "c"]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    unwanted = {*_PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in unwanted}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "pz3-7Vq9XbN2mK8rT4wY6uJ1hG5fD0sA-Lc3EoRi9UtWyQxZnMbVkPjHgFdSaQ",
    "ALLOWED_HOSTS": "megafonen.helsingborg.se",
    "SITE_URL": "https://megafonen.helsingborg.se",
    "HTTPS": "1",
    "FIELD_ENCRYPTION_KEYS": "3q2-7b5Fz1n0QeZcLrV9pXo6mW8yTjK4hG2sA0dBfUc=",
    "STATIC_MANIFEST": "1",
}


def test_the_production_settings_pass_the_deployment_check_without_warnings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_refuses_development_defaults() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={"DEBUG": "0"})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "megafonen.E001" in output  # no encryption key
    assert "megafonen.E002" in output  # no https SITE_URL
    assert "security.W009" in output  # the development SECRET_KEY


def test_an_unknown_language_in_the_environment_fails_loudly() -> None:
    result = _manage("check", env={"LANGUAGES": "sv,xx"})
    assert result.returncode != 0
    assert "LANGUAGES names languages Megafonen has no catalogue for: xx" in result.stderr


def test_an_unknown_task_backend_fails_loudly() -> None:
    result = _manage("check", env={"TASK_BACKEND": "carrier-pigeon"})
    assert result.returncode != 0
    assert "TASK_BACKEND must be one of" in result.stderr


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    database = tmp_path / "wal.sqlite3"
    script = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "wal", result.stderr


def test_no_model_change_lacks_its_migration() -> None:
    result = _manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr
