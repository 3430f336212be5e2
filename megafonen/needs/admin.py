"""The needs box in the administration site: categories, subscriptions, API keys, retention
and the points ledger (read only). Needs themselves are handled in the staff pages, where every
read of personal data is logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from megafonen.core.admin import ReadOnlyRoleAdmin, RoleModelAdmin
from megafonen.needs import rules, services
from megafonen.needs.forms import CategoryAdminForm
from megafonen.needs.models import (
    ApiClient,
    Category,
    PointsEntry,
    RetentionPolicy,
    Subscription,
)


@admin.register(Category)
class CategoryAdmin(RoleModelAdmin):
    manage_action = rules.MANAGE_SETUP.name
    form = CategoryAdminForm
    list_display = ("code", "__str__", "icon", "order", "is_active")
    list_editable = ("order", "is_active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needs keep their category: a category is retired (not active), not deleted.
        return False


@admin.register(Subscription)
class SubscriptionAdmin(RoleModelAdmin):
    manage_action = rules.MANAGE_SETUP.name
    list_display = ("organisation", "is_triage", "is_active")
    list_filter = ("is_triage", "is_active", "organisation__kind")
    filter_horizontal = ("categories", "districts")
    list_select_related = ("organisation",)


@admin.register(ApiClient)
class ApiClientAdmin(RoleModelAdmin):
    manage_action = rules.MANAGE_SETUP.name
    list_display = ("name", "key_prefix", "is_active", "created_at", "last_used_on")
    readonly_fields = ("key_prefix", "created_at", "last_used_on")
    fields = ("name", "contact_email", "is_active", "key_prefix", "created_at", "last_used_on")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # needs filed with a key keep pointing at it; turn a key off instead

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = services.api_client_create(name=obj.name, contact_email=obj.contact_email)
        obj.pk, obj.key_prefix, obj.key_hash = client.pk, client.key_prefix, client.key_hash
        obj.is_active = form.cleaned_data.get("is_active", True)
        if not obj.is_active:
            ApiClient.objects.filter(pk=client.pk).update(is_active=False)
        messages.warning(
            request,
            _("The API key is %(key)s. Copy it now: it is shown only this once.") % {"key": key},
        )


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(RoleModelAdmin):
    manage_action = rules.MANAGE_SETUP.name
    list_display = ("__str__", "contact_retention_days", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not RetentionPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyRoleAdmin):
    manage_action = rules.MANAGE_SETUP.name
    list_display = ("occurred_at", "organisation", "need", "rule", "points")
    list_filter = ("rule", "organisation")
    list_select_related = ("organisation",)
    date_hierarchy = "occurred_at"
