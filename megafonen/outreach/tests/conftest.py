from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from megafonen.core.models import User
from megafonen.core.roles import Role
from megafonen.core.services import membership_grant, user_create
from megafonen.core.testing import TEST_PASSWORD, World
from megafonen.outreach import services
from megafonen.outreach.models import Bulletin, SupportLevel, Topic
from megafonen.outreach.testing import levels_ensure, topic_with_version


@dataclass
class Outreach:
    """The test world's topic: published by two communicators, with the District Mothers
    (``world.partner``) at level 1 and Rädda Barnen (``world.other_partner``) at level 2."""

    topic: Topic
    version: Bulletin
    levels: dict[int, SupportLevel]
    peer: User  # a second ambassador of world.partner
    other_peer: User  # a second ambassador of world.other_partner


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def outreach(world: World) -> Outreach:
    levels = levels_ensure()
    topic, version = topic_with_version(
        author=world.communicator, approver=world.second_communicator
    )
    services.partner_level_set(
        actor=world.communicator, topic=topic, organisation=world.partner, level=levels[1]
    )
    services.partner_level_set(
        actor=world.communicator, topic=topic, organisation=world.other_partner, level=levels[2]
    )
    peer = user_create(
        email="leyla.peer@test.example.org",
        full_name="Leyla Peer",
        password=TEST_PASSWORD,
        languages=["fa", "ar", "so"],
    )
    membership_grant(user=peer, organisation=world.partner, role=Role.AMBASSADOR)
    other_peer = user_create(
        email="oksana.peer@test.example.org",
        full_name="Oksana Peer",
        password=TEST_PASSWORD,
        languages=["uk"],
    )
    membership_grant(user=other_peer, organisation=world.other_partner, role=Role.AMBASSADOR)
    return Outreach(topic=topic, version=version, levels=levels, peer=peer, other_peer=other_peer)


@dataclass
class Calls:
    """``outreach`` with both partners raised to level 3 (call campaigns, hotline, question
    channel) and a campaign of the District Mothers in Somali and Arabic, with four residents."""

    outreach: Outreach
    campaign: Any  # CallCampaign
    contacts: list[Any]  # CallContact


@pytest.fixture
def calls(world: World, outreach: Outreach) -> Calls:
    from megafonen.outreach.testing_calls import FICTIONAL_MOBILES, campaign_open, contacts_add

    for partner in (world.partner, world.other_partner):
        services.partner_level_set(
            actor=world.communicator,
            topic=outreach.topic,
            organisation=partner,
            level=outreach.levels[3],
        )
    campaign = campaign_open(
        actor=world.coordinator,
        topic=outreach.topic,
        partner=world.partner,
        languages=["so", "ar"],
        districts=[world.drottninghog, world.fredriksdal],
    )
    contacts = contacts_add(
        actor=world.coordinator,
        campaign=campaign,
        rows=[
            (FICTIONAL_MOBILES[0], "so"),
            (FICTIONAL_MOBILES[1], "so"),
            (FICTIONAL_MOBILES[2], "ar"),
            (FICTIONAL_MOBILES[3], "ar"),
        ],
        district=world.drottninghog,
    )
    return Calls(outreach=outreach, campaign=campaign, contacts=contacts)
