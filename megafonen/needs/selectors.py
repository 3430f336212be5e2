"""Permission-aware reads of the needs box; reads of personal data write the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from megafonen.core.models import AccessLogEntry, Organisation
from megafonen.core.permissions import can, organisations_allowed
from megafonen.core.services import access_log_record
from megafonen.needs import codes, rules
from megafonen.needs.models import (
    AnswerTemplate,
    Category,
    Need,
    NeedRouting,
    NeedStatus,
    PointsEntry,
    league_of,
)
from megafonen.needs.queries import first


class _Unrouted:
    """Stands for "no routing" in a permission check: only city-wide roles pass."""

    organisation_id = None


UNROUTED = _Unrouted()


def routing_for(user: Any, action: str, need: Need) -> NeedRouting | None:
    """The routing through which ``user`` may do ``action`` on ``need`` (``None`` for a city-wide
    role acting without one). Raises PermissionDenied when she may not act at all."""
    for routing in need.routings.all():
        if can(user, action, routing):
            return routing
    if can(user, action, UNROUTED):
        return None
    raise PermissionDenied(action)


def may(user: Any, action: str, need: Need) -> bool:
    try:
        routing_for(user, action, need)
    except PermissionDenied:
        return False
    return True


# --- Inbox -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    category: str = ""
    district: str = ""
    language: str = ""
    claimed: str = ""  # "mine", "unclaimed"
    show_closed: bool = False


def _routings_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "routings",
        queryset=NeedRouting.objects.select_related("organisation", "claimed_by").order_by(
            "created_at"
        ),
    )


def inbox_needs(*, user: Any, filters: InboxFilters) -> QuerySet[Need]:
    """Needs the user may read, newest first; a receiver sees only her organisations'."""
    allowed = organisations_allowed(user, rules.VIEW_INBOX.name)
    needs = Need.objects.routed_to(allowed)
    if allowed is not None:
        needs = needs.visible()
    if filters.status:
        needs = needs.filter(status=filters.status)
    elif not filters.show_closed:
        needs = needs.exclude(status=NeedStatus.CLOSED)
    if filters.category:
        needs = needs.filter(category__code=filters.category)
    if filters.district:
        needs = needs.filter(district__slug=filters.district)
    if filters.language:
        needs = needs.filter(
            Q(text_language=filters.language)
            | Q(text_language__in=["", "und"], page_language=filters.language)
        )
    if filters.claimed == "mine":
        needs = needs.filter(routings__claimed_by=user)
    elif filters.claimed == "unclaimed":
        scope = Q(claimed_by__isnull=True)
        if allowed is not None:
            scope &= Q(organisation_id__in=allowed)
        needs = needs.filter(pk__in=NeedRouting.objects.filter(scope).values("need_id"))
    return (
        needs.select_related("category", "district")
        .prefetch_related(_routings_prefetch())
        .order_by("-created_at", "-id")
    )


def inbox_page_logged(*, user: Any, needs: list[Need]) -> None:
    """The inbox shows the beginning of each need's text: for needs with contact details,
    that is personal data, so the read is logged (ids only)."""
    with_contact = [need.pk for need in needs if need.has_contact]
    if with_contact:
        access_log_record(
            actor=user,
            action=AccessLogEntry.Action.READ,
            subject_type=Need._meta.label_lower,
            purpose="Needs inbox viewed",
            details={"records": with_contact, "fields": ["text"]},
        )


def need_for_staff(*, user: Any, need_id: int) -> tuple[Need, NeedRouting | None]:
    """One need with everything its page shows, for someone allowed to read it."""
    need = first(
        Need.objects.select_related("category", "district", "placement")
        .prefetch_related(
            _routings_prefetch(),
            "answers__organisation",
            "answers__author",
            "additions",
            "events__actor",
            "events__organisation",
        )
        .filter(pk=need_id)
    )
    if need is None:
        raise PermissionDenied(rules.VIEW_INBOX.name)
    routing = routing_for(user, rules.VIEW_INBOX.name, need)
    if need.is_hidden and not can(user, rules.MODERATE_NEEDS.name):
        raise PermissionDenied(rules.VIEW_INBOX.name)
    if need.has_contact:
        access_log_record(
            actor=user,
            action=AccessLogEntry.Action.READ,
            subject=need,
            purpose="Need read to answer it",
            details={"fields": ["text", "additions"]},
        )
    return need, routing


def need_contact_details(*, user: Any, need: Need) -> str:
    """The resident's phone number or e-mail address, for a receiver who will contact her."""
    routing_for(user, rules.READ_CONTACT.name, need)
    access_log_record(
        actor=user,
        action=AccessLogEntry.Action.READ,
        subject=need,
        purpose="Contact details read to contact the resident",
        details={"fields": ["contact_address", "contact_language"]},
    )
    return need.contact_address


def answer_templates_for(*, user: Any) -> QuerySet[AnswerTemplate]:
    """Shared templates and those of the user's own organisations."""
    allowed = organisations_allowed(user, rules.MANAGE_ANSWER_TEMPLATES.name)
    templates = AnswerTemplate.objects.filter(is_active=True).select_related("organisation")
    if allowed is None:
        return templates
    return templates.filter(Q(organisation__isnull=True) | Q(organisation_id__in=allowed))


def user_receiving_organisations(*, user: Any) -> list[Organisation]:
    allowed = organisations_allowed(user, rules.ANSWER_NEED.name) or set()
    return list(Organisation.objects.filter(pk__in=allowed))


# --- Moderation --------------------------------------------------------------------------------
def moderation_queue() -> QuerySet[Need]:
    """Needs reported since they were last moderated, and the hidden ones."""
    return (
        Need.objects.filter(
            Q(reported_at__isnull=False)
            & (Q(moderated_at__isnull=True) | Q(moderated_at__lt=F("reported_at")))
            | Q(is_hidden=True)
        )
        .select_related("category", "district")
        .prefetch_related("events")
        .order_by("is_hidden", "-reported_at", "-id")
    )


# --- The resident's follow-up ------------------------------------------------------------------
def need_by_receipt(raw_code: str) -> Need | None:
    """The need a receipt code opens, or ``None``: unknown, mistyped and expired codes are
    treated exactly alike."""
    code = codes.receipt_normalise(raw_code)
    if not code:
        return None
    return first(
        Need.objects.select_related("category")
        .prefetch_related("answers__organisation", "additions", "routings__organisation")
        .filter(receipt_hash__in=codes.receipt_hashes(code), receipt_expires_at__gt=timezone.now())
    )


# --- Leaderboard -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LeaderboardRow:
    organisation: str
    points: int
    helped: int


LEAGUES = ("city", "associations", "companies")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=zone)
    end = datetime.combine(month_next(month), time.min, tzinfo=zone)
    return start, end


def month_next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def leaderboard(*, month: date) -> dict[str, list[LeaderboardRow]]:
    """Points per organisation in one month, in three leagues; one query."""
    start, end = month_bounds(month)
    rows = (
        PointsEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("organisation__name", "organisation__kind")
        .annotate(
            total=Sum("points"),
            helped=Count("id", filter=Q(rule="confirmed_help")),
        )
        .order_by("-total", "organisation__name")
    )
    leagues: dict[str, list[LeaderboardRow]] = {league: [] for league in LEAGUES}
    for row in rows:
        leagues[league_of(row["organisation__kind"])].append(
            LeaderboardRow(row["organisation__name"], int(row["total"] or 0), int(row["helped"]))
        )
    return leagues


def categories_active() -> list[Category]:
    return list(Category.objects.active())
