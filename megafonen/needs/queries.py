"""Small query helpers."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def first(queryset: QuerySet[M]) -> M | None:
    """The row a lookup by a unique key finds, or ``None``. Unlike ``QuerySet.first()`` it adds
    no ORDER BY: sorted by the model's default ordering, SQLite may walk a whole index of
    dates instead of using the unique one, and a lookup becomes a table scan."""
    return next(iter(queryset.order_by()[:1]), None)
