"""Megafonen's settings: every value comes from the environment (see the README's table).

Defaults suit a single small machine with an embedded SQLite database. Production sets
``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``SITE_URL`` and ``FIELD_ENCRYPTION_KEYS``;
``manage.py check --deploy`` then passes without warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, parse_database_url
from megafonen.core.languages import BY_CODE, INTERFACE_LANGUAGES, rtl_codes

# Lets generic Django classes be subscripted at run time, as their type hints are.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

# Only development may run without a key of its own; `check --deploy` rejects this one.
_DEVELOPMENT_SECRET_KEY = "django-insecure-megafonen-development-only-never-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEVELOPMENT_SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CITY_NAME = env_str("CITY_NAME", "Helsingborgs stad")

INSTALLED_APPS = [
    "megafonen.core",
    "megafonen.messaging",
    "megafonen.needs",
    "megafonen.outreach",
    "megafonen.core.admin_site.MegafonenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "megafonen.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "megafonen.core.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "megafonen.core.middleware.StaffSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "megafonen.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN
    # so concurrent writers queue on the busy timeout instead of failing with "locked".
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
_database_url = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'megafonen.sqlite3'}"
_database: dict[str, Any] = parse_database_url(_database_url)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {**_SQLITE_OPTIONS, **_database["OPTIONS"]}
# Connections are kept between requests: opening one (and, for SQLite, running the PRAGMAs
# above) costs more than most pages.
_database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, tasks ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by every worker process of one machine, unlike the local-memory cache; lockouts
    # and rate limits must hold across processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "megafonen_cache",
        }
    }

_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASK_BACKEND = env_str("TASK_BACKEND", "database")
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND must be one of {', '.join(sorted(_TASK_BACKENDS))}, not {TASK_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND]}}

# --- Authentication and sessions ------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["megafonen.core.lockout.LockoutModelBackend"]
LOGIN_URL = "core:sign_in"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 8, minimum=1)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- HTTPS and security headers ---------------------------------------------------------------
# HTTPS=1 in production behind TLS: secure cookies, HSTS, redirects. Off for the local demo.
HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=HTTPS)
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Languages --------------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
_enabled = env_list("LANGUAGES", [language.code for language in INTERFACE_LANGUAGES])
_unknown = [code for code in _enabled if code not in BY_CODE]
if _unknown:
    raise ImproperlyConfigured(
        f"LANGUAGES names languages Megafonen has no catalogue for: {', '.join(_unknown)}. "
        f"Known: {', '.join(BY_CODE)}"
    )
if LANGUAGE_CODE not in _enabled:
    raise ImproperlyConfigured("LANGUAGES must include Swedish (sv), the city's own language")
LANGUAGES = [(code, BY_CODE[code].endonym) for code in _enabled]
LANGUAGES_BIDI = rtl_codes()
USE_I18N = True
FORMAT_MODULE_PATH = ["megafonen.core.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Production serves hashed, compressed files collected by `collectstatic`; development and the
# test suite read the apps' static folders directly.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_MAX_AGE = 3600

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "megafonen@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Text messages -------------------------------------------------------------------------------
SMS_BACKEND = env_str("SMS_BACKEND", "console")
SMS_SENDER = env_str("SMS_SENDER", "Megafonen")  # a number or up to 11 letters
SMS_46ELKS_API_URL = env_str("SMS_46ELKS_API_URL", "https://api.46elks.com/a1")
SMS_46ELKS_USERNAME = env_str("SMS_46ELKS_USERNAME")
SMS_46ELKS_PASSWORD = env_str("SMS_46ELKS_PASSWORD")
SMS_TWILIO_API_URL = env_str("SMS_TWILIO_API_URL", "https://api.twilio.com")
SMS_TWILIO_ACCOUNT_SID = env_str("SMS_TWILIO_ACCOUNT_SID")
SMS_TWILIO_AUTH_TOKEN = env_str("SMS_TWILIO_AUTH_TOKEN")
# The secret in the address the provider posts incoming texts (STOP) to.
SMS_INBOUND_TOKEN = env_str("SMS_INBOUND_TOKEN")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 15, minimum=1)
SMS_PER_SECOND = env_int("SMS_PER_SECOND", 10, minimum=1)
EMAIL_PER_SECOND = env_int("EMAIL_PER_SECOND", 10, minimum=1)
MESSAGE_MAX_ATTEMPTS = env_int("MESSAGE_MAX_ATTEMPTS", 6, minimum=1)
# Days after which the recipient and the text of a sent message are erased.
MESSAGE_RETENTION_DAYS = env_int("MESSAGE_RETENTION_DAYS", 30, minimum=1)

# --- Needs box -----------------------------------------------------------------------------------
# Sending a need and looking one up by receipt code, per client and hour (counted under a keyed
# hash that changes daily; no address is stored). Benchmarks raise them; production keeps them low.
NEEDS_SUBMIT_PER_HOUR = env_int("NEEDS_SUBMIT_PER_HOUR", 10, minimum=1)
NEEDS_FOLLOW_UP_PER_HOUR = env_int("NEEDS_FOLLOW_UP_PER_HOUR", 30, minimum=1)
NEEDS_OPEN311_PER_HOUR = env_int("NEEDS_OPEN311_PER_HOUR", 600, minimum=1)
# The first value of the retention period administrators then edit in the admin site.
NEEDS_CONTACT_RETENTION_DAYS = env_int("NEEDS_CONTACT_RETENTION_DAYS", 90, minimum=1)
# A receipt code stops working this many days after the last thing that happened to its need.
NEEDS_RECEIPT_VALID_DAYS = env_int("NEEDS_RECEIPT_VALID_DAYS", 180, minimum=1)

# --- Outreach ------------------------------------------------------------------------------------
# CAP 1.2 messages: the sender's identifier (default megafonen@<host of SITE_URL>) and status
# (Actual in production; Exercise or Test for drills, so receiving systems do not alert).
OUTREACH_CAP_SENDER = env_str("OUTREACH_CAP_SENDER")
OUTREACH_CAP_STATUS = env_str("OUTREACH_CAP_STATUS", "Actual")
if OUTREACH_CAP_STATUS not in {"Actual", "Exercise", "System", "Test", "Draft"}:
    raise ImproperlyConfigured(
        f"OUTREACH_CAP_STATUS must be Actual, Exercise, System, Test or Draft, "
        f"not {OUTREACH_CAP_STATUS!r}"
    )
OUTREACH_KRISINFORMATION_URL = env_str(
    "OUTREACH_KRISINFORMATION_URL", "https://api.krisinformation.se/v3"
)
OUTREACH_KRISINFORMATION_TIMEOUT_SECONDS = env_int(
    "OUTREACH_KRISINFORMATION_TIMEOUT_SECONDS", 10, minimum=1
)
# Read-aloud audio: the espeak-ng program (empty: no synthetic voice) and uploaded recordings.
OUTREACH_ESPEAK_COMMAND = env_str("OUTREACH_ESPEAK_COMMAND", "espeak-ng")
OUTREACH_SPEECH_TIMEOUT_SECONDS = env_int("OUTREACH_SPEECH_TIMEOUT_SECONDS", 120, minimum=1)
OUTREACH_RECORDING_MAX_MB = env_int("OUTREACH_RECORDING_MAX_MB", 10, minimum=1)
# Subscriptions: requests per client an hour, codes per address an hour, code life and tries.
OUTREACH_SUBSCRIBE_PER_HOUR = env_int("OUTREACH_SUBSCRIBE_PER_HOUR", 20, minimum=1)
OUTREACH_CODES_PER_ADDRESS_PER_HOUR = env_int("OUTREACH_CODES_PER_ADDRESS_PER_HOUR", 3, minimum=1)
OUTREACH_CODE_MINUTES = env_int("OUTREACH_CODE_MINUTES", 30, minimum=1)
OUTREACH_CODE_ATTEMPTS = env_int("OUTREACH_CODE_ATTEMPTS", 5, minimum=1)
# Subscribers read and queued per transaction when a broadcast fans out.
OUTREACH_FAN_OUT_CHUNK = env_int("OUTREACH_FAN_OUT_CHUNK", 2000, minimum=1)
# Call campaigns: the first value of how many days a campaign's numbers are kept after its last
# day (the coordinator may shorten it per campaign), how long after "no answer" a resident is
# tried again and how many tries there are, how long an ambassador keeps a call she opened but
# did not log, and the largest call list file.
OUTREACH_CALL_RETENTION_DAYS = env_int("OUTREACH_CALL_RETENTION_DAYS", 30, minimum=1)
OUTREACH_CALL_RETRY_MINUTES = env_int("OUTREACH_CALL_RETRY_MINUTES", 240, minimum=1)
OUTREACH_CALL_MAX_ATTEMPTS = env_int("OUTREACH_CALL_MAX_ATTEMPTS", 3, minimum=1)
OUTREACH_CALL_CLAIM_HOURS = env_int("OUTREACH_CALL_CLAIM_HOURS", 12, minimum=1)
OUTREACH_CALL_IMPORT_MAX_ROWS = env_int("OUTREACH_CALL_IMPORT_MAX_ROWS", 5000, minimum=1)
OUTREACH_CALL_IMPORT_MAX_KB = env_int("OUTREACH_CALL_IMPORT_MAX_KB", 1024, minimum=1)
# Figures: counts from 1 to this minus one are shown as "fewer than N" so nobody is identified;
# a language or district of a campaign is "low reach" below this share of its list reached.
OUTREACH_SMALL_CELL_THRESHOLD = env_int("OUTREACH_SMALL_CELL_THRESHOLD", 5, minimum=2)
OUTREACH_LOW_REACH_PERCENT = env_int("OUTREACH_LOW_REACH_PERCENT", 30, minimum=1)
# Questions residents may send from a topic page, per client an hour, and how many days the
# number or address left for an answer is kept when the question is never answered.
OUTREACH_QUESTIONS_PER_HOUR = env_int("OUTREACH_QUESTIONS_PER_HOUR", 10, minimum=1)
OUTREACH_QUESTION_CONTACT_DAYS = env_int("OUTREACH_QUESTION_CONTACT_DAYS", 90, minimum=1)
# The hotline: its number as residents dial it, and the optional 46elks voice webhook (off
# while OUTREACH_HOTLINE_VOICE_TOKEN is empty): the secret in its address, the menu's languages
# in digit order (1, 2, 3 ...), the recorded menu and "closed" messages, where calls go when
# nobody is on shift, and how long an ambassador's phone rings.
OUTREACH_HOTLINE_NUMBER = env_str("OUTREACH_HOTLINE_NUMBER")
OUTREACH_HOTLINE_VOICE_TOKEN = env_str("OUTREACH_HOTLINE_VOICE_TOKEN")
OUTREACH_HOTLINE_MENU = env_list(
    "OUTREACH_HOTLINE_MENU", ["sv", "ar", "so", "fa", "prs", "ti", "uk", "pl", "bs"]
)
if len(OUTREACH_HOTLINE_MENU) > 9:
    raise ImproperlyConfigured("OUTREACH_HOTLINE_MENU takes at most 9 languages (digits 1-9)")
OUTREACH_HOTLINE_MENU_AUDIO_URL = env_str("OUTREACH_HOTLINE_MENU_AUDIO_URL")
OUTREACH_HOTLINE_CLOSED_AUDIO_URL = env_str("OUTREACH_HOTLINE_CLOSED_AUDIO_URL")
OUTREACH_HOTLINE_FALLBACK_NUMBER = env_str("OUTREACH_HOTLINE_FALLBACK_NUMBER")
OUTREACH_HOTLINE_RING_SECONDS = env_int("OUTREACH_HOTLINE_RING_SECONDS", 25, minimum=5)

# --- Public statements ---------------------------------------------------------------------------
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@example.org")
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "dataskydd@example.org")
# The dates the accessibility statement was written and last reviewed (ISO dates).
ACCESSIBILITY_STATEMENT_PREPARED = env_str("ACCESSIBILITY_STATEMENT_PREPARED", "2026-11-23")
ACCESSIBILITY_STATEMENT_REVIEWED = env_str("ACCESSIBILITY_STATEMENT_REVIEWED", "2026-11-23")

# Serves /bench/floor, the minimal view benchmarks compare against. Benchmarks only.
BENCHMARK_FLOOR = env_bool("BENCHMARK_FLOOR", default=False)

# --- Logging: no personal data -------------------------------------------------------------------
# Request paths can carry receipt codes and e-mail addresses in query strings, so Django's
# request logger (which logs every 4xx with its path) only reports server errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "django.server": {"level": "ERROR"},
    },
}

# --- Encryption at rest ---------------------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt, so keys can be rotated. Generate
# one with `python manage.py generate_encryption_key`. Development derives one from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
