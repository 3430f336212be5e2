from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import activate, get_language
from django.utils.translation import gettext as _

# Every page is self-contained: no third-party origin, no inline script or style.
_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's own admin templates still carry a few style attributes.
_ADMIN_POLICY = _POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = _ADMIN_POLICY if request.path.startswith("/admin/") else _POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", _PERMISSIONS_POLICY)
        return response


SIGNED_IN_AT = "megafonen_signed_in_at"
LAST_SEEN_AT = "megafonen_last_seen_at"
# Writing the session on every request would cost a database write per page view; a minute of
# slack in the idle timer is harmless.
_TOUCH_EVERY = timedelta(minutes=1)


class StaffSessionTimeoutMiddleware:
    """Sign staff out after a period without activity and after a maximum session length."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> str:
        now = timezone.now()
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen_at = session.get(LAST_SEEN_AT)
        if signed_in_at is None or last_seen_at is None:
            session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now.timestamp()
            return ""
        idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
        longest = timedelta(hours=settings.SESSION_MAX_HOURS)
        if now.timestamp() - float(signed_in_at) > longest.total_seconds():
            return _("You were signed out because your session reached its maximum length.")
        if now.timestamp() - float(last_seen_at) > idle.total_seconds():
            return _("You were signed out after a period without activity.")
        if now.timestamp() - float(last_seen_at) > _TOUCH_EVERY.total_seconds():
            session[LAST_SEEN_AT] = now.timestamp()
        return ""


# Django's admin ships no translations for these; the administration site, used by city staff,
# then speaks the city's language instead of a mixture.
_ADMIN_WITHOUT_CATALOGUE = frozenset({"sv-x-easy", "prs", "so", "ti"})


class AdminLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/") and get_language() in _ADMIN_WITHOUT_CATALOGUE:
            activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
