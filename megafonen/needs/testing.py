"""Test helpers other apps' tests may reuse: the needs box on top of the core test world.

``needs_world_build(world)`` subscribes the world's receivers: the Labour Market Administration
to work everywhere, Helsingborgshem (company) to housing in Drottninghög, IdeA Drottninghög
(association) to leisure in Drottninghög, and makes the City Management Administration the city
triage, with its own receiver, Tove Triage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from megafonen.core.models import User
from megafonen.core.roles import Role
from megafonen.core.services import membership_grant, user_create
from megafonen.core.testing import TEST_PASSWORD, World
from megafonen.needs import codes, services
from megafonen.needs.models import Category, ContactChannel, Need, Placement, Subscription


@dataclass
class NeedsWorld:
    world: World
    work: Category
    leisure: Category
    housing: Category
    other: Category
    triage_receiver: User
    placement: Placement


def needs_world_build(world: World) -> NeedsWorld:
    categories = {category.code: category for category in Category.objects.all()}
    labour = Subscription.objects.create(organisation=world.labour)
    labour.categories.set([categories["work"]])
    company = Subscription.objects.create(organisation=world.company)
    company.categories.set([categories["housing"]])
    company.districts.set([world.drottninghog])
    association = Subscription.objects.create(organisation=world.association)
    association.categories.set([categories["leisure"]])
    association.districts.set([world.drottninghog])
    Subscription.objects.create(organisation=world.city, is_triage=True)
    triage = user_create(
        email="tove.triage@test.example.org",
        full_name="Tove Triage",
        password=TEST_PASSWORD,
        languages=["sv", "so"],
    )
    membership_grant(user=triage, organisation=world.city, role=Role.RECEIVER)
    placement = services.placement_create(
        name="Drottninghög bibliotek",
        kind="screen",
        district=world.drottninghog,
        place="Biblioteket",
        languages=["sv", "ar", "so"],
    )
    return NeedsWorld(
        world=world,
        work=categories["work"],
        leisure=categories["leisure"],
        housing=categories["housing"],
        other=categories["other"],
        triage_receiver=triage,
        placement=placement,
    )


def need_make(
    *,
    category: Category,
    text: str = "I need help to find a summer job for my son.",
    language: str = "sv",
    district: Any = None,
    contact_channel: str = ContactChannel.NONE,
    contact_address: str = "",
    contact_language: str = "",
    placement: Placement | None = None,
) -> tuple[Need, str]:
    """A need as the form files it; returns the need and its receipt code."""
    submitted = services.need_submit(
        category=category,
        text=text,
        page_language=language,
        submission_key=codes.submission_key_mint(),
        district=district,
        placement=placement,
        contact_channel=contact_channel,
        contact_address=contact_address,
        contact_language=contact_language,
    )
    return submitted.need, submitted.receipt_code
