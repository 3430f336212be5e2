from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from megafonen.core import rules, selectors
from megafonen.core.catalogues import coverage_all
from megafonen.core.forms import SignInForm
from megafonen.core.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from megafonen.core.models import Organisation
from megafonen.core.permissions import can, public_view, require, staff_view
from megafonen.core.registry import home_cards, staff_links


@public_view
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"cards": home_cards()})


@public_view
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/accessibility_statement.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "prepared_on": parse_date(settings.ACCESSIBILITY_STATEMENT_PREPARED),
            "reviewed_on": parse_date(settings.ACCESSIBILITY_STATEMENT_REVIEWED),
        },
    )


@public_view
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/privacy_notice.html", {"contact_email": settings.PRIVACY_CONTACT_EMAIL}
    )


@public_view
@require_GET
def languages(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/languages.html",
        {"coverage": coverage_all(), "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session.pop(SIGNED_IN_AT, None)
        self.request.session.pop(LAST_SEEN_AT, None)
        return response

    def get_default_redirect_url(self) -> str:
        # Without a page to return to, staff land in their own interface language.
        language = getattr(self.request.user, "interface_language", "") or get_language()
        with translation.override(language):
            return reverse("core:staff_home")


sign_in = public_view(SignInView.as_view())
sign_out = public_view(auth_views.LogoutView.as_view())


@staff_view(rules.USE_STAFF_AREA.name)
def staff_home(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.memberships_current(user=request.user))
    links = [link for link in staff_links() if can(request.user, link.action)]
    member_lists = [
        membership.organisation
        for membership in memberships
        if can(request.user, rules.VIEW_MEMBERS.name, membership.organisation)
    ]
    return render(
        request,
        "core/staff_home.html",
        {
            "memberships": memberships,
            "links": links,
            "member_lists": list(dict.fromkeys(member_lists)),
            "can_use_admin": can(request.user, rules.USE_ADMIN_SITE.name),
        },
    )


@staff_view(rules.USE_STAFF_AREA.name)
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.user, rules.VIEW_MEMBERS.name, organisation)
    people = selectors.organisation_members(organisation=organisation, viewer=request.user)
    return render(
        request, "core/organisation_members.html", {"organisation": organisation, "people": people}
    )
