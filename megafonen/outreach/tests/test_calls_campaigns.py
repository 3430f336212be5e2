"""Call campaigns: opened by a coordinator whose partner's level allows it, with a goal,
languages, districts, a period and a script per language built from approved translations;
progress visible to the partner and the city. And every new page refuses the wrong people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from megafonen.core.models import User
from megafonen.core.testing import World
from megafonen.outreach import selectors_calls, services, services_calls
from megafonen.outreach.models import CallCampaign
from megafonen.outreach.testing import translation_approve
from megafonen.outreach.testing_calls import call_made, campaign_open
from megafonen.outreach.tests.conftest import Calls, Outreach

SignedIn = Callable[[User], Client]


def test_a_partner_below_the_call_campaign_level_cannot_open_one(
    world: World, outreach: Outreach
) -> None:
    # The fixture gives the District Mothers level 1.
    with pytest.raises(ValidationError, match="does not include call campaigns"):
        campaign_open(actor=world.coordinator, topic=outreach.topic, partner=world.partner)
    services.partner_level_set(
        actor=world.communicator,
        topic=outreach.topic,
        organisation=world.partner,
        level=outreach.levels[3],
    )
    campaign = campaign_open(actor=world.coordinator, topic=outreach.topic, partner=world.partner)
    assert campaign.goal == 1500 and campaign.languages == ["so", "ar"]


def test_only_the_partners_coordinator_opens_its_campaigns(world: World, calls: Calls) -> None:
    for person in (world.ambassador, world.communicator, world.other_coordinator):
        with pytest.raises(PermissionDenied):
            campaign_open(actor=person, topic=calls.outreach.topic, partner=world.partner)


def test_a_campaign_needs_a_sensible_period_and_goal(world: World, calls: Calls) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="before the first"):
        services_calls.campaign_open(
            actor=world.coordinator,
            topic=calls.outreach.topic,
            partner=world.partner,
            title="x",
            goal=10,
            languages=["so"],
            starts_on=today,
            ends_on=today - timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="at least one language"):
        services_calls.campaign_open(
            actor=world.coordinator,
            topic=calls.outreach.topic,
            partner=world.partner,
            title="x",
            goal=10,
            languages=[],
            starts_on=today,
            ends_on=today,
        )


def test_the_form_opens_a_campaign(world: World, calls: Calls, client_for: SignedIn) -> None:
    client = client_for(world.coordinator)
    today = timezone.localdate()
    response = client.post(
        reverse("outreach:campaign_create"),
        {
            "topic": calls.outreach.topic.pk,
            "title": "Sommarens samtal",
            "goal": "200",
            "languages": ["so", "ti"],
            "districts": [world.drottninghog.pk],
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=10)).isoformat(),
            "retention_days": "14",
        },
    )
    assert response.status_code == 302
    campaign = CallCampaign.objects.get(title="Sommarens samtal")
    assert campaign.partner == world.partner and campaign.retention_days == 14
    assert list(campaign.districts.all()) == [world.drottninghog]


def test_scripts_are_built_from_approved_translations(world: World, calls: Calls) -> None:
    assert selectors_calls.scripts_ready(calls.campaign) == [("so", False), ("ar", False)]
    translation_approve(
        bulletin=calls.outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=calls.outreach.peer,
        title="Kulayl",
        lead="Cab biyo.",
    )
    assert selectors_calls.scripts_ready(calls.campaign) == [("so", True), ("ar", False)]
    script = selectors_calls.campaign_script(calls.campaign, "so", caller_name="Amina")
    assert script.text is not None and script.text.title == "Kulayl"
    assert "Amina" in script.opening and "Stadsdelsmammor-HBG" in script.opening
    services_calls.script_save(
        actor=world.coordinator,
        campaign=calls.campaign,
        language="so",
        opening="Iska warran, waxaan ahay …",
        closing="Mahadsanid!",
    )
    script = selectors_calls.campaign_script(calls.campaign, "so", caller_name="Amina")
    assert script.opening == "Iska warran, waxaan ahay …" and script.closing == "Mahadsanid!"


def test_progress_toward_the_goal_is_visible_to_the_partner_and_the_city(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    for outcome in ("reached", "reached", "no_answer"):
        call_made(ambassador=world.ambassador, campaign=calls.campaign, outcome=outcome)
    progress = selectors_calls.campaign_progress(calls.campaign)
    assert (progress.reached, progress.calls, progress.goal) == (2, 3, 1500)
    for person in (world.coordinator, world.ambassador, world.communicator):
        page = client_for(person).get(reverse("outreach:campaign_detail", args=[calls.campaign.pk]))
        assert "2 of 1500 calls completed" in page.content.decode()


def test_a_closed_campaign_hands_out_no_calls(world: World, calls: Calls) -> None:
    services_calls.campaign_close(actor=world.coordinator, campaign=calls.campaign)
    with pytest.raises(ValidationError, match="not open for calls"):
        services_calls.contact_claim_next(actor=world.ambassador, campaign=calls.campaign)


# --- Every new page refuses the wrong people --------------------------------------------------
PAGES = [
    # (url name, needs the campaign id, who may open it)
    ("outreach:calls_home", False, {"coordinator", "ambassador", "communicator", "administrator"}),
    ("outreach:campaign_create", False, {"coordinator"}),
    ("outreach:do_not_call", False, {"coordinator"}),
    (
        "outreach:campaign_detail",
        True,
        {"coordinator", "ambassador", "communicator", "administrator"},
    ),
    ("outreach:campaign_edit", True, {"coordinator"}),
    ("outreach:contact_add", True, {"coordinator"}),
    ("outreach:contact_remove", True, {"coordinator"}),
    ("outreach:import_upload", True, {"coordinator"}),
    ("outreach:hotline_staff", False, {"coordinator", "ambassador"}),
    ("outreach:hotline_log", False, {"coordinator", "ambassador"}),
    ("outreach:figures", False, {"coordinator", "communicator", "administrator"}),
    ("outreach:figures_csv", False, {"coordinator", "communicator", "administrator"}),
    ("outreach:questions_index", False, {"communicator"}),
    ("outreach:question_submit", False, {"coordinator", "ambassador"}),
]
PEOPLE = [
    "coordinator",
    "ambassador",
    "communicator",
    "administrator",
    "receiver",
    "facilitator",
    "other_coordinator",
    "other_ambassador",
    "outsider",
]


@pytest.mark.parametrize(("name", "with_campaign", "allowed"), PAGES)
def test_each_page_opens_for_its_people_only(
    world: World,
    calls: Calls,
    client_for: SignedIn,
    name: str,
    with_campaign: bool,
    allowed: set[str],
) -> None:
    url = reverse(name, args=[calls.campaign.pk] if with_campaign else [])
    for person in PEOPLE:
        status = client_for(getattr(world, person)).get(url).status_code
        # The other partner's people reach their own pages, never this partner's campaign.
        base = person.removeprefix("other_")
        expected = base in allowed and not (with_campaign and person.startswith("other_"))
        assert (status == 200) is expected, (person, status)
        if not expected:
            assert status == 403, (person, status)
