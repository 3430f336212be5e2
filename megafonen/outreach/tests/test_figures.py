"""Reach and coverage: figures by outcome, language, district, partner and week; goals; gaps;
CSV; small cells suppressed; the city sees all partners, a coordinator only her own."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.testing import World
from megafonen.outreach import tallies
from megafonen.outreach.models import Call, CallTally
from megafonen.outreach.selectors_figures import Cell, call_figures, suppress
from megafonen.outreach.testing_calls import (
    FICTIONAL_MOBILES,
    call_made,
    campaign_open,
    contacts_add,
)
from megafonen.outreach.tests.conftest import Calls

SignedIn = Callable[[User], Client]


# --- Suppression ------------------------------------------------------------------------------
def test_small_counts_are_hidden_and_zero_is_not() -> None:
    cells = suppress({"so": 12, "ar": 3, "ti": 0, "fa": 7, "uk": 2}, 5)
    assert cells["so"] == Cell(12) and cells["ti"] == Cell(0) and cells["fa"] == Cell(7)
    assert cells["ar"].suppressed and cells["uk"].suppressed


def test_a_single_hidden_cell_takes_the_next_smallest_with_it() -> None:
    # With the total shown, one hidden count could be found by subtraction.
    cells = suppress({"so": 12, "ar": 3, "fa": 7}, 5)
    assert cells["ar"].suppressed and not cells["ar"].complementary
    assert cells["fa"].suppressed and cells["fa"].complementary and not cells["so"].suppressed
    assert suppress({"so": 12, "fa": 7}, 5) == {"so": Cell(12), "fa": Cell(7)}


# --- The figures ------------------------------------------------------------------------------
@pytest.fixture
def busy(world: World, calls: Calls) -> Calls:
    """Seven reached calls by the District Mothers (five in Somali, two in Arabic: the list is
    worked in order); two unanswered Ukrainian calls by Rädda Barnen."""
    contacts_add(
        actor=world.coordinator,
        campaign=calls.campaign,
        rows=[(number, "so") for number in FICTIONAL_MOBILES[20:26]],
        district=world.fredriksdal,
    )
    for _index in range(7):
        call_made(ambassador=world.ambassador, campaign=calls.campaign)
    other = campaign_open(
        actor=world.other_coordinator,
        topic=calls.outreach.topic,
        partner=world.other_partner,
        languages=["uk"],
        title="Rädda Barnen ringer",
        goal=50,
    )
    contacts_add(
        actor=world.other_coordinator,
        campaign=other,
        rows=[(number, "uk") for number in FICTIONAL_MOBILES[40:42]],
    )
    for _index in range(2):
        call_made(ambassador=world.other_ambassador, campaign=other, outcome="no_answer")
    return calls


def _rows(figures: Any, name: str) -> dict[str, Cell]:
    breakdown = next(item for item in figures.breakdowns if item.name == name)
    return {row.label: row.cell for row in breakdown.rows}


def test_the_city_sees_every_partner_with_small_cells_suppressed(world: World, busy: Calls) -> None:
    figures = call_figures(user=world.communicator)
    outcomes = _rows(figures, "outcome")
    assert outcomes["No answer"].suppressed  # 2
    # 7 reached would give the 2 away (the total, 9, is shown): hidden too.
    assert outcomes["Reached"].complementary
    assert next(item for item in figures.breakdowns if item.name == "outcome").total == Cell(9)
    partners = _rows(figures, "partner")
    assert partners["Rädda Barnen"].suppressed and partners["Stadsdelsmammor-HBG"].complementary
    languages = _rows(figures, "language")
    # Somali 5, Arabic 2, Ukrainian 2: both small ones hidden, no need to hide a third.
    assert languages["Soomaali"] == Cell(5)
    assert languages["العربية"].suppressed and languages["Українська"].suppressed
    [goal_1500, goal_50] = sorted(figures.goals, key=lambda goal: -goal.campaign.goal)
    assert goal_1500.reached == Cell(7) and goal_1500.percent == 0
    assert goal_50.reached == Cell(0) and goal_50.percent == 0


def test_a_coordinator_sees_only_her_own_partner(world: World, busy: Calls) -> None:
    figures = call_figures(user=world.other_coordinator)
    outcomes = _rows(figures, "outcome")
    assert set(outcomes) == {"No answer"} and outcomes["No answer"].suppressed
    assert not any(item.name == "partner" for item in figures.breakdowns)
    assert [goal.campaign.title for goal in figures.goals] == ["Rädda Barnen ringer"]


def test_ambassadors_and_receivers_see_no_figures(
    world: World, busy: Calls, client_for: SignedIn
) -> None:
    for person in (world.ambassador, world.receiver, world.facilitator):
        assert client_for(person).get(reverse("outreach:figures")).status_code == 403
        assert client_for(person).get(reverse("outreach:figures_csv")).status_code == 403


def test_the_page_draws_charts_without_script_and_costs_the_same_for_more_calls(
    world: World,
    busy: Calls,
    client_for: SignedIn,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(world.communicator)
    url = reverse("outreach:figures")
    response = client.get(url)
    page = response.content.decode()
    assert '<svg class="bar"' in page and "<script" not in page and "style=" not in page
    assert "&lt;5" in page  # the suppressed cells, in the table that is the text alternative
    with django_assert_max_num_queries(60) as captured:
        client.get(url)
    before = len(captured.captured_queries)
    # Ten times the calls: the same queries.
    CallTally.objects.update(calls=CallTally.objects.first().calls * 10)  # type: ignore[union-attr]
    with django_assert_max_num_queries(before):
        client.get(url)


def test_the_csv_has_the_same_suppressed_figures_and_is_logged(
    world: World, busy: Calls, client_for: SignedIn
) -> None:
    response = client_for(world.communicator).get(reverse("outreach:figures_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "key", "label", "calls"]
    outcome = {row[1]: row[3] for row in rows if row[0] == "outcome"}
    assert outcome["reached"] == "hidden" and outcome["no_answer"] == "<5"
    assert outcome["total"] == "9"
    assert ["partner", str(world.other_partner.pk), "Rädda Barnen", "<5"] in rows
    language = {row[2]: row[3] for row in rows if row[0] == "language"}
    assert language["Soomaali"] == "5" and language["العربية"] == "<5"
    entry = AccessLogEntry.objects.get(action="export")
    assert entry.actor == world.communicator and entry.subject_type == "outreach.calltally"


def test_coverage_gaps_name_languages_districts_translations_and_low_reach(
    world: World, busy: Calls, settings: Any
) -> None:
    settings.OUTREACH_LOW_REACH_PERCENT = 50
    figures = call_figures(user=world.communicator)
    [gap] = figures.gaps
    # The ambassadors speak so, ar, sv, fa, uk: nobody speaks Tigrinya or Sorani.
    missing = [code for code, _name in gap.languages_without_ambassador]
    assert "ti" in missing and "ckb" in missing and "so" not in missing
    # Only Drottninghög and Fredriksdal exist in the test world; neither partner lists one.
    assert gap.districts_without_partner == ["Drottninghög", "Fredriksdal"]
    untranslated = [code for code, _name in gap.untranslated]
    assert "so" in untranslated and "ar" in untranslated
    # Two Ukrainian residents on Rädda Barnen's list, none reached; but two is below the
    # threshold, so that list is too small to call "low reach" without identifying anyone.
    labels = [label for _kind, label, _percent in gap.low_reach]
    assert "Українська" not in labels


def test_tallies_survive_a_rebuild(world: World, busy: Calls) -> None:
    figures = call_figures(user=world.communicator)
    tallies.tallies_rebuild()
    assert call_figures(user=world.communicator).breakdowns == figures.breakdowns
    assert sum(CallTally.objects.values_list("calls", flat=True)) == Call.objects.count()
