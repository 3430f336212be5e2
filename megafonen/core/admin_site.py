"""The admin site, limited to city administrators; imported while apps load, so models and
views are imported only inside methods."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class MegafonenAdminSite(admin.AdminSite):
    site_header = _("Megafonen administration")
    site_title = _("Megafonen administration")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        from megafonen.core import rules
        from megafonen.core.permissions import can

        return can(request.user, rules.USE_ADMIN_SITE.name)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in, but not as a city administrator: sending her to sign in again would
            # bounce straight back here.
            raise PermissionDenied("core.use_admin_site")
        # One sign-in page for all staff, with its brute-force lockout.
        target = request.GET.get("next", reverse("admin:index"))
        return HttpResponseRedirect(f"{reverse('core:sign_in')}?{urlencode({'next': target})}")


class MegafonenAdminConfig(AdminConfig):
    default_site = "megafonen.core.admin_site.MegafonenAdminSite"
