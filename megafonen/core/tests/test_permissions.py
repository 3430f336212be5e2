"""Role × action matrix. The expected table is written out here, independently of rules.py, so
a change of rights shows up as a failing test that someone must consciously update."""

from __future__ import annotations

import pytest

from megafonen.core.models import Membership
from megafonen.core.permissions import (
    can,
    organisations_allowed,
    registered_actions,
    require,
)
from megafonen.core.roles import Role
from megafonen.core.testing import World

ADMIN = Role.CITY_ADMINISTRATOR
COMMUNICATOR = Role.CITY_COMMUNICATOR
COORDINATOR = Role.PARTNER_COORDINATOR
AMBASSADOR = Role.AMBASSADOR
RECEIVER = Role.RECEIVER
FACILITATOR = Role.LAB_FACILITATOR

# action: (roles allowed anywhere, roles allowed only in their own organisation)
EXPECTED: dict[str, tuple[set[Role], set[Role]]] = {
    "core.use_staff_area": (set(Role), set()),
    "core.use_admin_site": ({ADMIN}, set()),
    "core.manage_people": ({ADMIN}, set()),
    "core.manage_organisations": ({ADMIN}, set()),
    "core.view_access_log": ({ADMIN}, set()),
    "core.view_members": ({ADMIN}, {COORDINATOR}),
}

CORE_ACTIONS = sorted(EXPECTED)


def test_every_core_action_has_an_expected_row() -> None:
    declared = {action.name for action in registered_actions() if action.name.startswith("core.")}
    assert declared == set(EXPECTED)


@pytest.mark.parametrize("action", CORE_ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_without_an_object(world: World, action: str, role: Role) -> None:
    person = world.people_by_role()[role]
    anywhere, own = EXPECTED[action]
    assert can(person, action) is (role in anywhere or role in own)


@pytest.mark.parametrize("role", list(Role))
def test_members_of_own_and_other_organisations(world: World, role: Role) -> None:
    person = world.people_by_role()[role]
    own_organisation = Membership.objects.get(user=person).organisation
    anywhere, own = EXPECTED["core.view_members"]
    assert can(person, "core.view_members", own_organisation) is (role in anywhere | own)
    assert can(person, "core.view_members", world.other_partner) is (role in anywhere)


def test_coordinator_sees_only_her_own_partners_members(world: World) -> None:
    assert can(world.coordinator, "core.view_members", world.partner)
    assert not can(world.coordinator, "core.view_members", world.other_partner)
    assert organisations_allowed(world.coordinator, "core.view_members") == {world.partner.pk}
    assert organisations_allowed(world.administrator, "core.view_members") is None
    assert organisations_allowed(world.ambassador, "core.view_members") == set()


def test_people_without_roles_and_anonymous_visitors_can_do_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    for action in CORE_ACTIONS:
        assert not can(world.outsider, action)
        assert not can(AnonymousUser(), action)


def test_an_ended_membership_grants_nothing(world: World) -> None:
    from django.utils import timezone

    Membership.objects.filter(user=world.administrator).update(ends_at=timezone.now())
    world.administrator.refresh_from_db()
    assert not can(world.administrator, "core.use_admin_site")


def test_a_deactivated_person_can_do_nothing(world: World) -> None:
    world.administrator.is_active = False
    world.administrator.save()
    assert not can(world.administrator, "core.use_staff_area")


def test_require_raises_permission_denied(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        require(world.ambassador, "core.view_access_log")
    require(world.administrator, "core.view_access_log")


def test_an_unknown_action_fails_loudly(world: World) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        can(world.administrator, "core.view_everything")


def test_a_role_cannot_belong_to_the_wrong_kind_of_organisation(world: World) -> None:
    from django.core.exceptions import ValidationError

    from megafonen.core.services import membership_grant

    with pytest.raises(ValidationError):
        membership_grant(user=world.outsider, organisation=world.company, role=AMBASSADOR)
    with pytest.raises(ValidationError):
        membership_grant(user=world.outsider, organisation=world.partner, role=ADMIN)
