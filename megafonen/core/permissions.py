"""The one permission check: a person may do an action if one of her roles grants it.

Each app declares its actions in its ``rules.py``: which roles may perform it and whether
within any organisation or only their own. Views call ``require()`` (or are wrapped in
``staff_view``); selectors call ``organisations_allowed()`` to scope lists. Nothing reads
``is_staff``-style flags: memberships are the only source of rights.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import Promise

from megafonen.core.roles import Role


class Scope(enum.Enum):
    ANY_ORGANISATION = "any"
    OWN_ORGANISATION = "own"


ANY = Scope.ANY_ORGANISATION
OWN = Scope.OWN_ORGANISATION


def _no_organisation(obj: Any) -> int | None:
    return None


@dataclass(frozen=True)
class Action:
    name: str
    description: str | Promise
    grants: Mapping[Role, Scope]
    # For object checks under OWN scope: the organisation the object belongs to.
    organisation_of: Callable[[Any], int | None] = field(default=_no_organisation)


_ACTIONS: dict[str, Action] = {}


def register(action: Action) -> Action:
    if action.name in _ACTIONS and _ACTIONS[action.name] != action:
        raise ImproperlyConfigured(f"Permission action {action.name!r} is declared twice")
    _ACTIONS[action.name] = action
    return action


def registered_actions() -> list[Action]:
    return sorted(_ACTIONS.values(), key=lambda action: action.name)


def action_named(name: str) -> Action:
    try:
        return _ACTIONS[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown permission action {name!r}") from None


def roles_of(user: Any) -> frozenset[tuple[Role, int]]:
    """The (role, organisation id) pairs a user holds now; cached on the user for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_megafonen_roles", None)
    if cached is None:
        from megafonen.core.models import Membership

        cached = frozenset(
            (Role(role), organisation_id)
            for role, organisation_id in Membership.objects.current()
            .filter(user=user)
            .values_list("role", "organisation_id")
        )
        user._megafonen_roles = cached
    return cast(frozenset[tuple[Role, int]], cached)


_UNSET = object()


def can(user: Any, action_name: str, obj: Any = None) -> bool:
    action = action_named(action_name)
    target: int | None | object = _UNSET
    for role, organisation_id in roles_of(user):
        scope = action.grants.get(role)
        if scope is None:
            continue
        if scope is ANY or obj is None:
            return True
        if target is _UNSET:
            target = action.organisation_of(obj)
        if target == organisation_id:
            return True
    return False


def require(user: Any, action_name: str, obj: Any = None) -> None:
    if not can(user, action_name, obj):
        raise PermissionDenied(action_name)


def organisations_allowed(user: Any, action_name: str) -> set[int] | None:
    """For scoping lists: ``None`` means every organisation, else the ids the user may act in."""
    action = action_named(action_name)
    allowed: set[int] = set()
    for role, organisation_id in roles_of(user):
        scope = action.grants.get(role)
        if scope is ANY:
            return None
        if scope is OWN:
            allowed.add(organisation_id)
    return allowed


# --- View markers ----------------------------------------------------------------------------
# Every URL pattern's view carries one of these; a test walks the URL tree and fails on a view
# that has neither, so no page can skip the check by accident.
PUBLIC = "public"
ACCESS_ATTRIBUTE = "megafonen_access"

ViewFunction = TypeVar("ViewFunction", bound=Callable[..., HttpResponseBase])


def public_view(view: ViewFunction) -> ViewFunction:
    """Mark a page that residents use without an account."""
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def staff_view(action_name: str) -> Callable[[ViewFunction], ViewFunction]:
    """Require a signed-in person whose roles grant ``action_name`` (without an object)."""
    action_named(action_name)  # fail at import time on a typo

    def decorator(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, action_name)
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, action_name)
        return cast(ViewFunction, wrapped)

    return decorator
