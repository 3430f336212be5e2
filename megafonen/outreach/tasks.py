"""Background work of outreach, run by the task queue (``manage.py db_worker``) after the
transaction that asked for it commits."""

from __future__ import annotations

from django_tasks import task

from megafonen.outreach import services
from megafonen.outreach.models import Broadcast


@task()
def fan_out_broadcast(broadcast_id: int) -> int:
    """Queue a broadcast's messages; returns how many were queued in this run."""
    before = Broadcast.objects.get(pk=broadcast_id).queued
    return services.broadcast_fan_out(broadcast_id=broadcast_id).queued - before


@task()
def generate_read_aloud(read_aloud_id: int) -> str:
    return services.read_aloud_generate(read_aloud_id=read_aloud_id).status


@task()
def hand_off_spotted_need(spotted_id: int) -> str:
    """Pass a need heard in a call (with the resident's consent) to the needs box."""
    from megafonen.outreach import needs_bridge

    return needs_bridge.spotted_need_hand_off(spotted_id=spotted_id)
