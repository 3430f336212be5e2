"""Permission-aware reads of core records; reads of personal data write the access log."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from megafonen.core import rules
from megafonen.core.models import AccessLogEntry, Membership, Organisation, User
from megafonen.core.permissions import require
from megafonen.core.services import access_log_record


def memberships_current(*, user: Any) -> QuerySet[Membership]:
    return Membership.objects.current().filter(user=user).select_related("organisation")


def organisation_members(*, organisation: Organisation, viewer: Any) -> list[User]:
    """The people of an organisation with their roles, for someone allowed to see them."""
    require(viewer, rules.VIEW_MEMBERS.name, organisation)
    memberships = Membership.objects.current().filter(organisation=organisation)
    people: list[User] = list(
        User.objects.filter(pk__in=memberships.values("user_id"))
        .prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="roles_here"),
            "languages",
        )
        .order_by("full_name")
    )
    access_log_record(
        actor=viewer,
        action=AccessLogEntry.Action.READ,
        subject=organisation,
        purpose="Members list viewed",
        details={"people": [person.pk for person in people], "fields": ["email", "phone"]},
    )
    return people
