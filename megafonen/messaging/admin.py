from __future__ import annotations

from django.contrib import admin

from megafonen.core.admin import ReadOnlyRoleAdmin
from megafonen.messaging import rules
from megafonen.messaging.models import OptOut, OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyRoleAdmin):
    """Shows what was sent and how it went; never the recipient or the text."""

    manage_action = rules.VIEW_MESSAGE_LOG.name
    list_display = ("created_at", "channel", "purpose", "language", "status", "attempts", "batch")
    list_filter = ("status", "channel", "purpose", "language")
    search_fields = ("batch", "purpose", "provider_message_id")
    date_hierarchy = "created_at"
    fields = (
        "channel",
        "purpose",
        "batch",
        "language",
        "status",
        "attempts",
        "last_error",
        "provider",
        "provider_message_id",
        "created_at",
        "sent_at",
        "delivered_at",
    )


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyRoleAdmin):
    manage_action = rules.VIEW_MESSAGE_LOG.name
    list_display = ("created_at", "channel", "source")
    list_filter = ("channel", "source")
    fields = ("channel", "source", "created_at")
