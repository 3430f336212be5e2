from __future__ import annotations

from django.db import models


class ThrottleCount(models.Model):
    """How many times one (hashed) client did one thing in one time window.

    ``bucket`` is ``scope:keyed-hash:window``: no address is kept, and the hash's key changes
    every day. Rows are counted with one UPSERT and removed once expired.
    """

    bucket = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"
