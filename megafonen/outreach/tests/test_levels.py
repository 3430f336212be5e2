"""Support levels as data, a level per partner and topic with history, and the reach page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from megafonen.core.models import User
from megafonen.core.testing import World
from megafonen.outreach import selectors, services
from megafonen.outreach.models import Capability, PartnerLevel
from megafonen.outreach.testing import translation_approve
from megafonen.outreach.tests.conftest import Outreach

SignedIn = Callable[[User], Client]


def test_capabilities_are_named_flags_on_the_level(outreach: Outreach) -> None:
    assert outreach.levels[1].capabilities() == []
    assert Capability.SELF_APPROVE_TRANSLATIONS in outreach.levels[2].capabilities()
    assert Capability.HOTLINE not in outreach.levels[2].capabilities()
    assert set(outreach.levels[4].capabilities()) == set(Capability)


def test_a_new_level_is_appended_and_the_history_kept(world: World, outreach: Outreach) -> None:
    services.partner_level_set(
        actor=world.communicator,
        topic=outreach.topic,
        organisation=world.partner,
        level=outreach.levels[2],
        reason="Utbildade i granskning",
    )
    rows = list(PartnerLevel.objects.filter(organisation=world.partner).order_by("set_at", "pk"))
    assert [row.level.rank if row.level else None for row in rows] == [1, 2]
    assert (
        selectors.partner_level_current(topic=outreach.topic, organisation=world.partner)
        == outreach.levels[2]
    )
    with pytest.raises(ValidationError, match="already has this level"):
        services.partner_level_set(
            actor=world.communicator,
            topic=outreach.topic,
            organisation=world.partner,
            level=outreach.levels[2],
        )


def test_the_database_refuses_to_rewrite_level_history(world: World, outreach: Outreach) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        PartnerLevel.objects.filter(organisation=world.partner).update(level=outreach.levels[4])


def test_only_partners_get_levels_and_retired_levels_are_refused(
    world: World, outreach: Outreach
) -> None:
    with pytest.raises(ValidationError, match="Only civil-society partners"):
        services.partner_level_set(
            actor=world.communicator,
            topic=outreach.topic,
            organisation=world.company,
            level=outreach.levels[1],
        )
    outreach.levels[3].is_active = False
    outreach.levels[3].save()
    with pytest.raises(ValidationError, match="no longer in use"):
        services.partner_level_set(
            actor=world.communicator,
            topic=outreach.topic,
            organisation=world.partner,
            level=outreach.levels[3],
        )


def test_a_retired_level_grants_no_capability(world: World, outreach: Outreach) -> None:
    outreach.levels[2].is_active = False
    outreach.levels[2].save()
    assert not services.partner_capable(
        organisation=world.other_partner,
        topic=outreach.topic,
        capability=Capability.SELF_APPROVE_TRANSLATIONS,
    )


def test_levels_are_set_through_the_page(
    world: World, outreach: Outreach, client_for: SignedIn
) -> None:
    client = client_for(world.communicator)
    url = reverse("outreach:partner_levels", args=[outreach.topic.slug])
    response = client.post(
        url,
        {
            "organisation": world.association.pk,
            "level": outreach.levels[1].pk,
            "reason": "Nytt nätverk",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "IdeA Drottninghög" in page and "Nytt nätverk" in page
    response = client.post(url, {"organisation": world.company.pk, "level": outreach.levels[1].pk})
    assert "Select a valid choice" in response.content.decode()


def test_the_reach_page_shows_partners_languages_and_districts_by_level(
    world: World, outreach: Outreach, client_for: SignedIn, django_assert_max_num_queries: Any
) -> None:
    world.partner.districts.set([world.drottninghog, world.fredriksdal])
    translation_approve(
        bulletin=outreach.version,
        language="uk",
        partner=world.other_partner,
        translator=world.other_ambassador,
        reviewer=outreach.other_peer,
    )
    [item] = selectors.reach([outreach.topic])
    by_name = {partner.organisation.name: partner for partner in item.partners}
    district_mothers = by_name["Stadsdelsmammor-HBG"]
    assert district_mothers.level.rank == 1
    assert {"so", "ar", "fa"} <= set(district_mothers.languages)
    assert district_mothers.districts == ["Drottninghög", "Fredriksdal"]
    assert by_name["Rädda Barnen"].translated == ["uk"]
    assert item.languages == ["sv", "uk"] and "so" in item.untranslated
    client = client_for(world.communicator)
    client.get(reverse("outreach:reach"))
    with django_assert_max_num_queries(30):
        page = client.get(reverse("outreach:reach")).content.decode()
    assert "Stadsdelsmammor-HBG" in page and "Drottninghög" in page and "Rädda Barnen" in page
