"""Reach and coverage: the call figures page (the city: every partner; a coordinator: her own)
and its CSV export, both with small cells suppressed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from megafonen.core.models import AccessLogEntry
from megafonen.core.permissions import staff_view
from megafonen.core.services import access_log_record
from megafonen.outreach import rules, selectors
from megafonen.outreach.models import Topic
from megafonen.outreach.selectors_figures import Figures, call_figures, figures_csv

WEEK_CHOICES = (4, 12, 26, 52)


def _figures(request: HttpRequest, topics: list[Topic]) -> Figures:
    topic: Topic | None = {item.slug: item for item in topics}.get(request.GET.get("topic", ""))
    raw = request.GET.get("weeks", "")
    weeks = int(raw) if raw.isdigit() and int(raw) in WEEK_CHOICES else 12
    return call_figures(user=request.user, topic=topic, weeks=weeks)


@staff_view(rules.VIEW_CALL_FIGURES.name)
def figures(request: HttpRequest) -> HttpResponse:
    topics = selectors.topics_for(request.user)
    result = _figures(request, topics)
    return render(
        request,
        "outreach/figures/figures.html",
        {
            "figures": result,
            "topics": topics,
            "week_choices": WEEK_CHOICES,
            "query": request.GET.urlencode(),
        },
    )


@staff_view(rules.VIEW_CALL_FIGURES.name)
def figures_export(request: HttpRequest) -> HttpResponse:
    result = _figures(request, selectors.topics_for(request.user))
    # Suppressed aggregates only, but they come from call logs: the export is on record.
    access_log_record(
        actor=request.user,
        action=AccessLogEntry.Action.EXPORT,
        subject_type="outreach.calltally",
        purpose="Call figures exported (aggregated, small cells suppressed)",
        details={"topic": result.topic.pk if result.topic else None, "weeks": result.weeks},
    )
    response = HttpResponse(figures_csv(result), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="call-figures-{stamp}.csv"'
    return response
