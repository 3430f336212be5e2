"""City administrators define the support levels in the administration site. Everything else
in outreach is done on its own pages, where the four-eyes rule and the access log hold."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from megafonen.core.admin import RoleModelAdmin
from megafonen.outreach import rules
from megafonen.outreach.models import SupportLevel


@admin.register(SupportLevel)
class SupportLevelAdmin(RoleModelAdmin):
    manage_action = rules.DEFINE_LEVELS.name
    list_display = ["rank", "name", "is_active"]
    ordering = ["rank"]
    fieldsets = [
        (None, {"fields": ["rank", "name", "is_active", "city_commits", "partner_may"]}),
        (
            _("What the partner may do in the platform"),
            {
                "fields": [
                    "allows_self_approve_translations",
                    "allows_briefings",
                    "allows_question_channel",
                    "allows_call_campaigns",
                    "allows_hotline",
                    "allows_training",
                    "allows_staff_alongside",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Levels in use are history; a level is retired with "in use" unticked.
        return False
