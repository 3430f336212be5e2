"""Writes to the core records. Each state change happens in one place, with its audit row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

from megafonen.core.models import (
    AccessLogEntry,
    AccessLogPurge,
    Language,
    Membership,
    Organisation,
    User,
)
from megafonen.core.roles import Role


def access_log_record(
    *,
    actor: Any,
    action: AccessLogEntry.Action | str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    purpose: str,
    details: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Write who did what to which personal data and why. ``details`` never holds the data."""
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = str(subject.pk)
    if not subject_type or not purpose:
        raise ValueError("An access log entry needs a record type and a purpose")
    return AccessLogEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose[:300],
        details=details or {},
    )


def access_log_purge(*, cutoff: datetime, reason: str) -> int:
    """Delete entries older than ``cutoff``, the only deletion the database allows."""
    with transaction.atomic():
        purge = AccessLogPurge.objects.create(cutoff=cutoff, reason=reason)
        deleted, _ = AccessLogEntry.objects.filter(occurred_at__lt=cutoff).delete()
        AccessLogPurge.objects.filter(pk=purge.pk).update(is_open=False, purged_count=deleted)
    return deleted


def cache_table_ensure(**kwargs: Any) -> None:
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None = None,
    phone: str = "",
    languages: Iterable[str] = (),
    interface_language: str = "sv",
    created_by: Any = None,
) -> User:
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        phone=phone,
        interface_language=interface_language,
    )
    user.languages.set(Language.objects.filter(code__in=list(languages)))
    access_log_record(
        actor=created_by,
        action=AccessLogEntry.Action.CREATE,
        subject=user,
        purpose="Person added",
        details={"fields": ["email", "full_name", "phone"]},
    )
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    organisation: Organisation,
    role: Role,
    granted_by: Any = None,
    starts_at: datetime | None = None,
) -> Membership:
    membership = Membership(
        user=user, organisation=organisation, role=role, starts_at=starts_at or timezone.now()
    )
    membership.full_clean(validate_unique=False)
    existing = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if existing is not None:
        existing.ends_at = None
        existing.save(update_fields=["ends_at"])
        membership = existing
    else:
        membership.save()
    access_log_record(
        actor=granted_by,
        action=AccessLogEntry.Action.CHANGE,
        subject=user,
        purpose="Role granted",
        details={"role": role.value, "organisation": organisation.pk},
    )
    return membership


def membership_end(*, membership: Membership, ended_by: Any = None) -> None:
    if membership.ends_at is not None and membership.ends_at <= timezone.now():
        raise ValidationError("This membership has already ended.")
    with transaction.atomic():
        membership.ends_at = timezone.now()
        membership.save(update_fields=["ends_at"])
        access_log_record(
            actor=ended_by,
            action=AccessLogEntry.Action.CHANGE,
            subject=membership.user,
            purpose="Role ended",
            details={"role": membership.role, "organisation": membership.organisation_id},
        )


def languages_sync(**kwargs: Any) -> None:
    """Keep a Language row for every interface language, so people can say they speak it."""
    from megafonen.core.languages import INTERFACE_LANGUAGES

    for language in INTERFACE_LANGUAGES:
        Language.objects.update_or_create(
            code=language.code,
            defaults={
                "endonym": language.endonym,
                "english_name": language.english_name,
                "direction": language.direction,
            },
        )
