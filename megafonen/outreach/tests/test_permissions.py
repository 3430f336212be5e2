"""Who may do what in outreach, as a role × action matrix written out independently of
rules.py, and proof that the wrong role or the wrong partner gets nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from megafonen.core.models import User
from megafonen.core.permissions import can, organisations_allowed, registered_actions
from megafonen.core.roles import Role
from megafonen.core.testing import World
from megafonen.outreach import services
from megafonen.outreach.models import Bulletin, Translation
from megafonen.outreach.tests.conftest import Outreach

ADMIN = Role.CITY_ADMINISTRATOR
COMMUNICATOR = Role.CITY_COMMUNICATOR
COORDINATOR = Role.PARTNER_COORDINATOR
AMBASSADOR = Role.AMBASSADOR

# action: (roles allowed anywhere, roles allowed only in their own organisation)
EXPECTED: dict[str, tuple[set[Role], set[Role]]] = {
    "outreach.use_workspace": ({ADMIN, COMMUNICATOR}, {COORDINATOR, AMBASSADOR}),
    "outreach.manage_topics": ({ADMIN, COMMUNICATOR}, set()),
    "outreach.write_bulletins": ({COMMUNICATOR}, set()),
    "outreach.approve_bulletins": ({COMMUNICATOR}, set()),
    "outreach.set_partner_levels": ({ADMIN, COMMUNICATOR}, set()),
    "outreach.define_levels": ({ADMIN}, set()),
    "outreach.view_reach": ({ADMIN, COMMUNICATOR}, set()),
    "outreach.translate": (set(), {COORDINATOR, AMBASSADOR}),
    "outreach.peer_review": (set(), {COORDINATOR, AMBASSADOR}),
    "outreach.city_review": ({COMMUNICATOR}, set()),
    "outreach.edit_glossary": ({COMMUNICATOR}, {COORDINATOR, AMBASSADOR}),
    "outreach.upload_recordings": (set(), {COORDINATOR, AMBASSADOR}),
    "outreach.import_sources": ({COMMUNICATOR}, set()),
    "outreach.view_broadcasts": ({ADMIN, COMMUNICATOR}, set()),
    # Issue 5: calls, the hotline and the question loop.
    "outreach.run_call_campaigns": (set(), {COORDINATOR}),
    "outreach.make_calls": (set(), {COORDINATOR, AMBASSADOR}),
    "outreach.manage_hotline": (set(), {COORDINATOR}),
    "outreach.answer_hotline": (set(), {COORDINATOR, AMBASSADOR}),
    "outreach.view_call_figures": ({ADMIN, COMMUNICATOR}, {COORDINATOR}),
    "outreach.submit_questions": (set(), {COORDINATOR, AMBASSADOR}),
    "outreach.answer_questions": ({COMMUNICATOR}, set()),
}
ACTIONS = sorted(EXPECTED)

SignedIn = Callable[[User], Client]


def test_every_outreach_action_has_an_expected_row() -> None:
    declared = {
        action.name for action in registered_actions() if action.name.startswith("outreach.")
    }
    assert declared == set(EXPECTED)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_without_an_object(world: World, action: str, role: Role) -> None:
    person = world.people_by_role()[role]
    anywhere, own = EXPECTED[action]
    assert can(person, action) is (role in anywhere or role in own)


@pytest.mark.parametrize("action", [name for name in ACTIONS if EXPECTED[name][1]])
@pytest.mark.parametrize("role", list(Role))
def test_own_scope_reaches_only_the_own_partner(world: World, action: str, role: Role) -> None:
    person = world.people_by_role()[role]
    anywhere, own = EXPECTED[action]
    own_translation = Translation(partner=world.partner)
    other_translation = Translation(partner=world.other_partner)
    assert can(person, action, own_translation) is (role in anywhere or role in own)
    assert can(person, action, other_translation) is (role in anywhere)


def test_people_without_roles_and_anonymous_visitors_can_do_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    for action in ACTIONS:
        assert not can(world.outsider, action)
        assert not can(AnonymousUser(), action)


def test_partners_list_only_their_own_organisation(world: World) -> None:
    assert organisations_allowed(world.ambassador, "outreach.translate") == {world.partner.pk}
    assert organisations_allowed(world.other_coordinator, "outreach.translate") == {
        world.other_partner.pk
    }
    assert organisations_allowed(world.communicator, "outreach.translate") == set()


# --- The wrong partner gets nothing ----------------------------------------------------------
def test_another_partners_ambassador_cannot_edit_or_review_a_translation(
    world: World, outreach: Outreach, client_for: SignedIn
) -> None:
    translation = services.translation_start(
        actor=world.ambassador, bulletin=outreach.version, language="so", partner=world.partner
    )
    with pytest.raises(PermissionDenied):
        services.translation_save(
            actor=world.other_ambassador, translation=translation, title="x", lead="y"
        )
    with pytest.raises(PermissionDenied):
        services.translation_start(
            actor=world.other_ambassador,
            bulletin=outreach.version,
            language="so",
            partner=world.partner,
        )
    client = client_for(world.other_ambassador)
    edit = reverse("outreach:translation_edit", args=[translation.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "Hacked", "lead": "Hacked"}).status_code == 403
    translation.refresh_from_db()
    assert translation.title != "Hacked"
    services.translation_save(actor=world.ambassador, translation=translation, title="T", lead="L")
    services.translation_submit(actor=world.ambassador, translation=translation)
    review = reverse("outreach:translation_review", args=[translation.pk])
    assert client.post(review, {"decision": "approve"}).status_code == 403
    translation.refresh_from_db()
    assert translation.status == Translation.Status.SUBMITTED


@pytest.mark.parametrize("person", ["receiver", "facilitator", "outsider", "administrator"])
def test_roles_outside_partners_cannot_translate(
    world: World, outreach: Outreach, client_for: SignedIn, person: str
) -> None:
    url = reverse("outreach:translation_start", args=[outreach.topic.slug, "so"])
    response = client_for(getattr(world, person)).post(url)
    assert response.status_code == 403
    assert not Translation.objects.exists()


@pytest.mark.parametrize("person", ["ambassador", "coordinator", "receiver", "administrator"])
def test_only_communicators_write_and_approve_bulletins(
    world: World, outreach: Outreach, client_for: SignedIn, person: str
) -> None:
    client = client_for(getattr(world, person))
    create = reverse("outreach:bulletin_create", args=[outreach.topic.slug])
    assert client.post(create, {"title": "Falskt", "lead": "Falskt"}).status_code == 403
    draft = services.bulletin_draft_create(
        actor=world.communicator, topic=outreach.topic, title="Ny", lead="Ny text"
    )
    services.bulletin_submit(actor=world.communicator, bulletin=draft)
    publish = reverse("outreach:bulletin_action", args=[outreach.topic.slug, draft.pk, "publish"])
    assert client.post(publish).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.SUBMITTED


def test_a_partner_without_a_level_on_the_topic_sees_nothing_of_it(
    world: World, outreach: Outreach, client_for: SignedIn
) -> None:
    services.partner_level_set(
        actor=world.communicator, topic=outreach.topic, organisation=world.partner, level=None
    )
    client = client_for(world.ambassador)
    assert (
        client.get(reverse("outreach:topic_workspace", args=[outreach.topic.slug])).status_code
        == 403
    )
    assert outreach.topic.title not in client.get(reverse("outreach:workspace")).content.decode()
    with pytest.raises(ValidationError, match="does not take part"):
        services.translation_start(
            actor=world.ambassador, bulletin=outreach.version, language="so", partner=world.partner
        )


@pytest.mark.parametrize("name", ["outreach:reach", "outreach:sources", "outreach:topic_create"])
@pytest.mark.parametrize("person", ["ambassador", "coordinator", "receiver"])
def test_city_pages_refuse_partners_and_receivers(
    world: World, client_for: SignedIn, name: str, person: str
) -> None:
    assert client_for(getattr(world, person)).get(reverse(name)).status_code == 403


def test_staff_pages_send_anonymous_visitors_to_sign_in(client: Client, world: World) -> None:
    response = client.get(reverse("outreach:workspace"))
    assert response.status_code == 302
    assert reverse("core:sign_in") in response["Location"]


def test_only_administrators_define_levels_in_the_admin_site(
    world: World, client_for: SignedIn
) -> None:
    url = reverse("admin:outreach_supportlevel_changelist")
    assert client_for(world.administrator).get(url).status_code == 200
    assert client_for(world.communicator).get(url).status_code in (302, 403)
