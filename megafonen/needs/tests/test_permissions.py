"""Role × action matrix of the needs box, written out independently of rules.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from megafonen.core.permissions import can, organisations_allowed, registered_actions
from megafonen.core.roles import Role
from megafonen.core.testing import World
from megafonen.needs.models import NeedRouting
from megafonen.needs.selectors import UNROUTED
from megafonen.needs.testing import NeedsWorld, need_make

ADMIN = Role.CITY_ADMINISTRATOR
COMMUNICATOR = Role.CITY_COMMUNICATOR
COORDINATOR = Role.PARTNER_COORDINATOR
AMBASSADOR = Role.AMBASSADOR
RECEIVER = Role.RECEIVER
FACILITATOR = Role.LAB_FACILITATOR

# action: (roles allowed anywhere, roles allowed only in their own organisation)
EXPECTED: dict[str, tuple[set[Role], set[Role]]] = {
    "needs.view_inbox": ({ADMIN}, {RECEIVER}),
    "needs.read_contact": (set(), {RECEIVER}),
    "needs.claim_need": (set(), {RECEIVER}),
    "needs.answer_need": (set(), {RECEIVER}),
    "needs.close_need": ({ADMIN}, {RECEIVER}),
    "needs.forward_need": ({ADMIN}, {RECEIVER}),
    "needs.report_need": (set(), {RECEIVER}),
    "needs.moderate_needs": ({ADMIN}, set()),
    "needs.manage_placements": ({ADMIN, COMMUNICATOR}, set()),
    "needs.manage_answer_templates": ({ADMIN}, {RECEIVER}),
    "needs.manage_setup": ({ADMIN}, set()),
}
ROUTED_ACTIONS = [
    "needs.view_inbox",
    "needs.read_contact",
    "needs.claim_need",
    "needs.answer_need",
    "needs.close_need",
    "needs.forward_need",
    "needs.report_need",
]


def test_every_needs_action_has_an_expected_row() -> None:
    declared = {action.name for action in registered_actions() if action.name.startswith("needs.")}
    assert declared == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_without_an_object(world: World, action: str, role: Role) -> None:
    person = world.people_by_role()[role]
    anywhere, own = EXPECTED[action]
    assert can(person, action) is (role in anywhere or role in own)


@pytest.mark.parametrize("action", ROUTED_ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_on_a_need_routed_to_the_labour_administration(
    needs: NeedsWorld, action: str, role: Role
) -> None:
    world = needs.world
    need, _code = need_make(category=needs.work)
    routing = NeedRouting.objects.get(need=need)
    assert routing.organisation == world.labour
    person = world.people_by_role()[role]
    anywhere, own = EXPECTED[action]
    # The world's receiver works at the labour administration: her own organisation.
    assert can(person, action, routing) is (role in anywhere or role in own)
    # Without a routing of her organisation, only a city-wide role may act.
    assert can(person, action, UNROUTED) is (role in anywhere)


def test_receivers_act_only_through_their_own_organisations_routings(needs: NeedsWorld) -> None:
    world = needs.world
    need, _code = need_make(category=needs.housing, district=world.drottninghog)
    routing = NeedRouting.objects.get(need=need)
    assert routing.organisation == world.company
    assert can(world.company_receiver, "needs.answer_need", routing)
    assert not can(world.receiver, "needs.answer_need", routing)
    assert not can(world.association_receiver, "needs.view_inbox", routing)
    assert organisations_allowed(world.receiver, "needs.view_inbox") == {world.labour.pk}
    assert organisations_allowed(world.administrator, "needs.view_inbox") is None
    assert organisations_allowed(world.ambassador, "needs.view_inbox") == set()


def test_people_without_roles_and_anonymous_visitors_can_do_nothing(world: World) -> None:
    for action in EXPECTED:
        assert not can(world.outsider, action)
        assert not can(AnonymousUser(), action)
