"""The admin site, for city administrators only, with personal data reads in the access log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from megafonen.core import rules
from megafonen.core.models import (
    AccessLogEntry,
    AccessLogPurge,
    District,
    Language,
    Membership,
    Organisation,
    User,
)
from megafonen.core.permissions import can
from megafonen.core.services import access_log_record


class RoleModelAdmin(admin.ModelAdmin[Any]):
    """Rights come from one permission action, never from Django's permission tables."""

    manage_action = rules.MANAGE_ORGANISATIONS.name

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, self.manage_action)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.manage_action)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(request.user, self.manage_action)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.manage_action)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.manage_action)


class RoleInline(admin.TabularInline[Any, Any]):
    manage_action = rules.MANAGE_PEOPLE.name

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.manage_action)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.manage_action)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.manage_action)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Memberships end (with a date) rather than vanish, so history stays readable.
        return False


class AccessLoggedAdminMixin:
    """Writes an access log entry whenever the admin shows or changes personal data."""

    personal_fields: tuple[str, ...] = ()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response: HttpResponse = super().changelist_view(  # type: ignore[misc]
            request, extra_context
        )
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if request.method == "GET" and changelist is not None:
            access_log_record(
                actor=request.user,
                action=AccessLogEntry.Action.READ,
                subject_type=self.model._meta.label_lower,  # type: ignore[attr-defined]
                purpose="Administration list viewed",
                details={
                    "records": [obj.pk for obj in changelist.result_list],
                    "fields": list(self.personal_fields),
                    "filters": sorted(request.GET.keys()),
                },
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response: HttpResponse = super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )
        if request.method == "GET" and response.status_code == 200:
            access_log_record(
                actor=request.user,
                action=AccessLogEntry.Action.READ,
                subject_type=self.model._meta.label_lower,  # type: ignore[attr-defined]
                subject_id=str(object_id),
                purpose="Administration record viewed",
                details={"fields": list(self.personal_fields)},
            )
        return response

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        access_log_record(
            actor=request.user,
            action=AccessLogEntry.Action.CHANGE if change else AccessLogEntry.Action.CREATE,
            subject=obj,
            purpose="Changed in administration" if change else "Added in administration",
            details={"fields": sorted(form.changed_data)},
        )


class MembershipInline(RoleInline):
    model = Membership
    fields = ("organisation", "role", "starts_at", "ends_at")
    extra = 0


class PersonCreationForm(BaseUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "full_name")


class PersonChangeForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = (
            "email",
            "password",
            "full_name",
            "phone",
            "languages",
            "interface_language",
            "is_active",
        )


@admin.register(User)
class PersonAdmin(AccessLoggedAdminMixin, DjangoUserAdmin, RoleModelAdmin):  # type: ignore[type-arg]
    manage_action = rules.MANAGE_PEOPLE.name
    personal_fields = ("email", "full_name", "phone", "languages")
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ("full_name", "email", "is_active")
    list_filter = ("is_active", "memberships__role", "memberships__organisation")
    search_fields = ("full_name", "email")
    ordering = ("full_name",)
    filter_horizontal = ("languages",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "languages", "interface_language")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    inlines = [MembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # People are deactivated, not deleted: the access log must keep naming who acted.
        return False


@admin.register(Organisation)
class OrganisationAdmin(RoleModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("districts",)


@admin.register(District)
class DistrictAdmin(RoleModelAdmin):
    list_display = ("name", "is_active")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Language)
class LanguageAdmin(RoleModelAdmin):
    list_display = ("code", "endonym", "english_name", "direction")
    search_fields = ("code", "endonym", "english_name")


class ReadOnlyRoleAdmin(RoleModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyRoleAdmin):
    manage_action = rules.VIEW_ACCESS_LOG.name
    list_display = ("occurred_at", "actor", "action", "subject_type", "subject_id", "purpose")
    list_filter = ("action", "subject_type")
    search_fields = ("subject_type", "subject_id", "purpose", "actor__full_name")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)


@admin.register(AccessLogPurge)
class AccessLogPurgeAdmin(ReadOnlyRoleAdmin):
    manage_action = rules.VIEW_ACCESS_LOG.name
    list_display = ("started_at", "cutoff", "purged_count", "reason")
