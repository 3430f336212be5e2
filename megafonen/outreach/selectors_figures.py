"""Reach and coverage: call figures for the city and each partner, progress against goals and
the gaps (languages or districts nobody covers, versions without an approved translation,
lists barely reached), with small cells suppressed so no one can be identified.

Figures come from ``CallTally`` (running counts kept by ``call_log``), so the page costs the
same with a thousand calls or a million. A count from 1 to ``OUTREACH_SMALL_CELL_THRESHOLD``
minus one is shown as "fewer than N"; when a breakdown has exactly one such cell and its
total is shown, the next smallest cell is suppressed too, so the hidden one cannot be worked
out by subtraction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from megafonen.core.models import District, Organisation
from megafonen.outreach import rules, selectors
from megafonen.outreach.languages import enabled_codes, language_name
from megafonen.outreach.models import Call, CallCampaign, CallContact, CallTally, Topic
from megafonen.outreach.selectors_calls import corrections_due_since
from megafonen.outreach.selectors_questions import LoopTimes, loop_times, open_per_language

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    value: int
    suppressed: bool = False
    # Not small itself, but hidden so that a small neighbour cannot be worked out.
    complementary: bool = False


def suppress(counts: dict[K, int], threshold: int) -> dict[K, Cell]:
    cells = {key: Cell(value, 0 < value < threshold) for key, value in counts.items()}
    hidden = [key for key, cell in cells.items() if cell.suppressed]
    if len(hidden) == 1:
        shown = sorted(
            (cell.value, str(key), key)
            for key, cell in cells.items()
            if not cell.suppressed and cell.value > 0
        )
        if shown:
            value, _name, key = shown[0]
            cells[key] = Cell(value, True, complementary=True)
    return cells


def total_cell(value: int, threshold: int) -> Cell:
    return Cell(value, 0 < value < threshold)


@dataclass
class Row:
    key: str
    label: str
    cell: Cell
    bar: int  # 0-100, share of the largest shown value
    language: str = ""  # for lang="" on language names


@dataclass
class Breakdown:
    name: str
    title: str
    rows: list[Row]
    total: Cell


@dataclass
class CampaignGoal:
    campaign: CallCampaign
    reached: Cell
    percent: int | None  # None while the count is suppressed


@dataclass
class TopicGaps:
    topic: Topic
    current_number: int | None
    languages_without_ambassador: list[tuple[str, str]] = field(default_factory=list)
    districts_without_partner: list[str] = field(default_factory=list)
    untranslated: list[tuple[str, str]] = field(default_factory=list)
    low_reach: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, %)
    corrections: list[tuple[str, Cell]] = field(default_factory=list)  # (partner, residents)


@dataclass
class Figures:
    threshold: int
    since: date
    weeks: int
    topic: Topic | None
    breakdowns: list[Breakdown]
    goals: list[CampaignGoal]
    gaps: list[TopicGaps]
    questions_open: list[tuple[str, Cell]]
    loop: LoopTimes

    @property
    def largest_hidden(self) -> int:
        return self.threshold - 1


def scope_of(user: Any) -> set[int] | None:
    """Partner ids whose figures the person sees (None: every partner, for the city)."""
    from megafonen.core.permissions import organisations_allowed

    return organisations_allowed(user, rules.VIEW_CALL_FIGURES.name)


def _week_label(week: date) -> str:
    year, number, _day = week.isocalendar()
    return f"{year}-W{number:02d}"


def _rows(
    counts: dict[str, int], labels: dict[str, str], threshold: int, languages: bool = False
) -> tuple[list[Row], Cell]:
    cells = suppress(counts, threshold)
    biggest = max((cell.value for cell in cells.values() if not cell.suppressed), default=0)
    rows = [
        Row(
            key=key,
            label=labels.get(key, key),
            cell=cell,
            bar=0 if cell.suppressed or not biggest else round(100 * cell.value / biggest),
            language=key if languages else "",
        )
        for key, cell in cells.items()
    ]
    return rows, total_cell(sum(counts.values()), threshold)


def _grouped(tallies: QuerySet[CallTally], field_name: str) -> dict[str, int]:
    return {
        str(row[field_name]): row["total"]
        for row in tallies.values(field_name).annotate(total=Sum("calls")).order_by(field_name)
    }


def call_figures(*, user: Any, topic: Topic | None = None, weeks: int = 12) -> Figures:
    threshold = settings.OUTREACH_SMALL_CELL_THRESHOLD
    scope = scope_of(user)
    today = timezone.localdate()
    since = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    tallies = CallTally.objects.filter(week__gte=since)
    if scope is not None:
        tallies = tallies.filter(partner_id__in=scope)
    if topic is not None:
        tallies = tallies.filter(topic_id=topic.pk)

    outcome_labels = {str(value): str(label) for value, label in Call.Outcome.choices}
    by_outcome = _grouped(tallies, "outcome")
    by_language = _grouped(tallies, "language")
    by_district = _grouped(tallies, "district_id")
    by_partner = _grouped(tallies, "partner_id")
    by_week = _grouped(tallies, "week")
    district_names = {
        str(pk): name
        for pk, name in District.objects.filter(
            pk__in=[int(key) for key in by_district if key != "0"]
        ).values_list("pk", "name")
    }
    district_names["0"] = _("District not known")
    partner_names = {
        str(pk): name
        for pk, name in Organisation.objects.filter(
            pk__in=[int(key) for key in by_partner]
        ).values_list("pk", "name")
    }
    # Every week of the period, also the quiet ones (a zero identifies nobody).
    weeks_in_period = [since + timedelta(weeks=index) for index in range(weeks)]
    first_active = min(
        (week for week in weeks_in_period if by_week.get(week.isoformat())), default=None
    )
    if first_active is not None:
        # Weeks before the first call say nothing; later quiet weeks do.
        weeks_in_period = [week for week in weeks_in_period if week >= first_active]
    week_counts = {week.isoformat(): by_week.get(week.isoformat(), 0) for week in weeks_in_period}
    week_labels = {week.isoformat(): _week_label(week) for week in weeks_in_period}

    breakdowns = []
    for name, title, counts, labels, is_language in [
        ("outcome", _("Calls by outcome"), by_outcome, outcome_labels, False),
        (
            "language",
            _("Calls by language"),
            by_language,
            {code: language_name(code) for code in by_language},
            True,
        ),
        ("district", _("Calls by district"), by_district, district_names, False),
        ("partner", _("Calls by partner"), by_partner, partner_names, False),
        ("week", _("Calls by week"), week_counts, week_labels, False),
    ]:
        if name == "partner" and scope is not None and len(scope) <= 1:
            continue  # a partner's own page: one row, the same as the total
        rows, total = _rows(counts, labels, threshold, languages=is_language)
        breakdowns.append(Breakdown(name, str(title), rows, total))

    campaigns = _open_campaigns(scope, topic)
    return Figures(
        threshold=threshold,
        since=since,
        weeks=weeks,
        topic=topic,
        breakdowns=breakdowns,
        goals=_goals(campaigns, threshold),
        gaps=_gaps(scope, topic, campaigns, threshold),
        questions_open=_questions_open(scope, topic, threshold),
        loop=loop_times([topic] if topic is not None else None),
    )


def _open_campaigns(scope: set[int] | None, topic: Topic | None) -> list[CallCampaign]:
    campaigns = CallCampaign.objects.filter(status=CallCampaign.Status.OPEN).select_related(
        "topic", "partner"
    )
    if scope is not None:
        campaigns = campaigns.filter(partner_id__in=scope)
    if topic is not None:
        campaigns = campaigns.filter(topic=topic)
    return list(campaigns.order_by("topic__title", "partner__name", "pk"))


def _goals(campaigns: list[CallCampaign], threshold: int) -> list[CampaignGoal]:
    reached = {
        row["campaign_id"]: row["total"]
        for row in CallTally.objects.filter(
            campaign_id__in=[campaign.pk for campaign in campaigns],
            outcome=Call.Outcome.REACHED,
        )
        .values("campaign_id")
        .annotate(total=Sum("calls"))
        .order_by()
    }
    goals = []
    for campaign in campaigns:
        cell = total_cell(reached.get(campaign.pk, 0), threshold)
        percent = None if cell.suppressed else min(100, round(100 * cell.value / campaign.goal))
        goals.append(CampaignGoal(campaign, cell, percent))
    return goals


def _gaps(
    scope: set[int] | None,
    topic: Topic | None,
    campaigns: list[CallCampaign],
    threshold: int,
) -> list[TopicGaps]:
    topics = [topic] if topic is not None else list(Topic.objects.active().order_by("title"))
    reach = {item.topic.pk: item for item in selectors.reach(topics)}
    all_districts = list(District.objects.filter(is_active=True).order_by("name"))
    low = _low_reach(campaigns, threshold)
    partner_names = dict(Organisation.objects.values_list("pk", "name"))
    gaps = []
    for item_topic in topics:
        item = reach.get(item_topic.pk)
        if item is None:
            continue
        partners = [
            partner
            for partner in item.partners
            if scope is None or partner.organisation.pk in scope
        ]
        if scope is not None and not partners:
            continue
        # What the partners' ambassadors and coordinators speak, as the reach page shows it.
        languages = {code for partner in partners for code in partner.languages}
        covered = {name for partner in partners for name in partner.districts}
        gap = TopicGaps(
            topic=item_topic,
            current_number=item.current.number if item.current else None,
            languages_without_ambassador=[
                (code, language_name(code)) for code in enabled_codes() if code not in languages
            ],
            districts_without_partner=[
                district.name for district in all_districts if district.name not in covered
            ],
            untranslated=[(code, language_name(code)) for code in item.untranslated]
            if item.current
            else [],
            low_reach=low.get(item_topic.pk, []),
        )
        for partner_id, count in corrections_due_since(item_topic, scope, item.current):
            gap.corrections.append(
                (partner_names.get(partner_id, str(partner_id)), total_cell(count, threshold))
            )
        gaps.append(gap)
    return gaps


def _low_reach(
    campaigns: list[CallCampaign], threshold: int
) -> dict[int, list[tuple[str, str, int]]]:
    """Per topic: campaign languages and districts where the share of the list reached is
    below ``OUTREACH_LOW_REACH_PERCENT`` (lists smaller than the threshold are left out)."""
    limit = settings.OUTREACH_LOW_REACH_PERCENT
    ids = [campaign.pk for campaign in campaigns]
    if not ids:
        return {}
    topic_of = {campaign.pk: campaign.topic_id for campaign in campaigns}
    listed: dict[tuple[int, str, str], int] = {}
    contacts = CallContact.objects.filter(campaign_id__in=ids).exclude(
        status__in=[CallContact.Status.REMOVED, CallContact.Status.WRONG_NUMBER]
    )
    for row in contacts.values("campaign_id", "language").annotate(n=Count("pk")).order_by():
        listed[(topic_of[row["campaign_id"]], "language", row["language"])] = (
            listed.get((topic_of[row["campaign_id"]], "language", row["language"]), 0) + row["n"]
        )
    for row in contacts.values("campaign_id", "district_id").annotate(n=Count("pk")).order_by():
        key = (topic_of[row["campaign_id"]], "district", str(row["district_id"] or 0))
        listed[key] = listed.get(key, 0) + row["n"]
    reached: dict[tuple[int, str, str], int] = {}
    tallies = CallTally.objects.filter(campaign_id__in=ids, outcome=Call.Outcome.REACHED)
    for row in tallies.values("campaign_id", "language").annotate(n=Sum("calls")).order_by():
        key = (topic_of[row["campaign_id"]], "language", row["language"])
        reached[key] = reached.get(key, 0) + row["n"]
    for row in tallies.values("campaign_id", "district_id").annotate(n=Sum("calls")).order_by():
        key = (topic_of[row["campaign_id"]], "district", str(row["district_id"]))
        reached[key] = reached.get(key, 0) + row["n"]
    district_names = dict(District.objects.values_list("pk", "name"))
    result: dict[int, list[tuple[str, str, int]]] = {}
    for (topic_id, kind, value), count in sorted(listed.items()):
        if count < threshold or (kind == "district" and value == "0"):
            continue
        percent = round(100 * reached.get((topic_id, kind, value), 0) / count)
        if percent < limit:
            label = (
                language_name(value)
                if kind == "language"
                else district_names.get(int(value), value)
            )
            result.setdefault(topic_id, []).append((kind, label, percent))
    return result


def _questions_open(
    scope: set[int] | None, topic: Topic | None, threshold: int
) -> list[tuple[str, Cell]]:
    if scope is None:
        rows = open_per_language([topic] if topic is not None else None)
    else:
        from megafonen.outreach.models import Question

        questions = Question.objects.filter(status=Question.Status.OPEN, partner_id__in=scope)
        if topic is not None:
            questions = questions.filter(topic=topic)
        rows = [
            (row["language"], row["n"])
            for row in questions.values("language").annotate(n=Count("pk")).order_by("language")
        ]
    cells = suppress(dict(rows), threshold)
    return [(language, cells[language]) for language, _count in rows]


# --- CSV --------------------------------------------------------------------------------------
def _shown(cell: Cell, threshold: int) -> str:
    if cell.complementary:
        return "hidden"
    return f"<{threshold}" if cell.suppressed else str(cell.value)


def figures_csv(figures: Figures) -> str:
    """The same suppressed figures as the page, as CSV (UTF-8 with a byte-order mark, so
    spreadsheet programs read å, ä and ö right)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["section", "key", "label", "calls"])
    threshold = figures.threshold
    for breakdown in figures.breakdowns:
        for row in breakdown.rows:
            writer.writerow([breakdown.name, row.key, row.label, _shown(row.cell, threshold)])
        writer.writerow([breakdown.name, "total", "", _shown(breakdown.total, threshold)])
    for goal in figures.goals:
        writer.writerow(
            [
                "goal",
                goal.campaign.pk,
                f"{goal.campaign.partner.name}: {goal.campaign.title}",
                f"{_shown(goal.reached, threshold)}/{goal.campaign.goal}",
            ]
        )
    for language, cell in figures.questions_open:
        writer.writerow(
            ["open_questions", language, language_name(language), _shown(cell, threshold)]
        )
    return out.getvalue()
