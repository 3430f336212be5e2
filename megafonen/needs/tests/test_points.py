"""The points ledger: append-only in the database, published rules, monthly leagues."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from megafonen.needs import services
from megafonen.needs.models import Need, NeedRouting, PointsEntry
from megafonen.needs.selectors import leaderboard
from megafonen.needs.testing import NeedsWorld, need_make


def answer(needs: NeedsWorld, need: Need, receiver=None) -> None:
    routing = NeedRouting.objects.filter(need=need).first()
    assert routing is not None
    services.need_answer(
        need=need,
        routing=routing,
        author=receiver or needs.world.receiver,
        kind="tip",
        text="A tip",
        language="sv",
    )


def test_a_first_fast_answer_earns_15_and_a_second_answer_nothing(needs: NeedsWorld) -> None:
    need, _ = need_make(category=needs.work)
    answer(needs, need)
    need.refresh_from_db()
    answer(needs, need)
    points = dict(PointsEntry.objects.values_list("rule", "points"))
    assert points == {"first_answer": 10, "fast_answer": 5}


def test_a_slow_answer_earns_only_the_first_answer_points(needs: NeedsWorld) -> None:
    need, _ = need_make(category=needs.work)
    Need.objects.filter(pk=need.pk).update(created_at=timezone.now() - timedelta(days=3))
    need.refresh_from_db()
    answer(needs, need)
    assert list(PointsEntry.objects.values_list("rule", flat=True)) == ["first_answer"]


def test_reopening_takes_points_back_and_a_new_answer_earns_again(needs: NeedsWorld) -> None:
    need, _ = need_make(category=needs.work)
    answer(needs, need)
    need.refresh_from_db()
    services.need_feedback(need=need, helped=False)
    assert sum(PointsEntry.objects.values_list("points", flat=True)) == 0
    reversals = PointsEntry.objects.filter(rule="reopened")
    assert sorted(reversals.values_list("points", flat=True)) == [-10, -5]
    need.refresh_from_db()
    answer(needs, need)
    need.refresh_from_db()
    services.need_feedback(need=need, helped=True)
    total = sum(PointsEntry.objects.values_list("points", flat=True))
    assert total == 10 + 25  # a new first answer (not fast: only the first round) and the help
    # Saying "it helped" twice earns nothing more.
    need.refresh_from_db()
    services.need_feedback(need=need, helped=True)
    assert sum(PointsEntry.objects.values_list("points", flat=True)) == total


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE needs_pointsentry SET points = 1000",
        "DELETE FROM needs_pointsentry",
    ],
)
def test_the_database_refuses_to_change_or_delete_ledger_lines(
    needs: NeedsWorld, statement: str
) -> None:
    need, _ = need_make(category=needs.work)
    answer(needs, need)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert PointsEntry.objects.count() == 2
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.update(points=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.all().delete()


def test_only_a_purge_may_delete_old_lines(needs: NeedsWorld) -> None:
    need, _ = need_make(category=needs.work)
    answer(needs, need)
    need.refresh_from_db()
    services.need_feedback(need=need, helped=False)
    assert services.points_purge(cutoff=timezone.now() - timedelta(days=1), reason="test") == 0
    deleted = services.points_purge(cutoff=timezone.now() + timedelta(days=1), reason="test")
    assert deleted == 4 and not PointsEntry.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE needs_pointspurge SET is_open = TRUE")
        answer(needs, need)
        cursor.execute("UPDATE needs_pointsentry SET points = 1")


def test_the_leaderboard_has_three_leagues_and_counts_confirmed_help(needs: NeedsWorld) -> None:
    world = needs.world
    work, _ = need_make(category=needs.work)
    answer(needs, work)
    work.refresh_from_db()
    services.need_feedback(need=work, helped=True)
    housing, _ = need_make(category=needs.housing, district=world.drottninghog)
    answer(needs, housing, world.company_receiver)
    leisure, _ = need_make(category=needs.leisure, district=world.drottninghog)
    answer(needs, leisure, world.association_receiver)
    board = leaderboard(month=timezone.localdate())
    assert [(row.organisation, row.points, row.helped) for row in board["city"]] == [
        ("Arbetsmarknadsförvaltningen", 40, 1)
    ]
    assert [row.organisation for row in board["companies"]] == ["Helsingborgshem"]
    assert [row.organisation for row in board["associations"]] == ["IdeA Drottninghög"]
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    assert leaderboard(month=last_month) == {"city": [], "associations": [], "companies": []}


def test_the_public_leaderboard_and_rules_pages(needs: NeedsWorld) -> None:
    need, _ = need_make(category=needs.work)
    answer(needs, need)
    page = Client().get(reverse("needs:leaderboard"))
    assert page.status_code == 200 and page.cookies == {}
    html = page.content.decode()
    assert "Arbetsmarknadsförvaltningen" in html and ">15<" in html
    assert Client().get(reverse("needs:leaderboard"), {"month": "not-a-month"}).status_code == 200
    rules = Client().get(reverse("needs:points_rules")).content.decode()
    assert ">25<" in rules and ">10<" in rules and ">5<" in rules
