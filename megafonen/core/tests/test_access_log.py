from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from megafonen.core.models import AccessLogEntry, AccessLogPurge, User
from megafonen.core.services import access_log_purge, access_log_record
from megafonen.core.testing import World

SignedIn = Callable[[User], Client]


@pytest.fixture
def entry(world: World) -> AccessLogEntry:
    return access_log_record(
        actor=world.coordinator, action="read", subject=world.ambassador, purpose="Testing"
    )


def test_an_entry_records_who_when_what_and_why(world: World, entry: AccessLogEntry) -> None:
    assert entry.actor == world.coordinator
    assert entry.subject_type == "core.user"
    assert entry.subject_id == str(world.ambassador.pk)
    assert entry.purpose == "Testing"
    assert timezone.now() - entry.occurred_at < timedelta(seconds=5)


def test_an_entry_without_a_purpose_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="purpose"):
        access_log_record(
            actor=world.coordinator, action="read", subject=world.ambassador, purpose=""
        )


def test_an_entry_cannot_be_changed_through_the_orm(entry: AccessLogEntry) -> None:
    entry.purpose = "Something else"
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        entry.save()


def test_entries_cannot_be_changed_in_bulk(entry: AccessLogEntry) -> None:
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AccessLogEntry.objects.update(purpose="rewritten")
    entry.refresh_from_db()
    assert entry.purpose == "Testing"


def test_entries_cannot_be_deleted(entry: AccessLogEntry) -> None:
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_changed_with_raw_sql(entry: AccessLogEntry) -> None:
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_accesslogentry SET purpose = 'raw'")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_accesslogentry")
    assert AccessLogEntry.objects.get(pk=entry.pk).purpose == "Testing"


def test_a_retention_purge_deletes_only_entries_older_than_its_cutoff(world: World) -> None:
    recent = access_log_record(actor=None, action="read", subject=world.ambassador, purpose="New")
    # Entries cannot be backdated by an update, so an old one is inserted with its time.
    ancient = AccessLogEntry.objects.create(
        occurred_at=timezone.now() - timedelta(days=800),
        action="read",
        subject_type="core.user",
        subject_id="1",
        purpose="Ancient",
    )
    purged = access_log_purge(cutoff=timezone.now() - timedelta(days=730), reason="Retention")
    assert purged == 1
    assert not AccessLogEntry.objects.filter(pk=ancient.pk).exists()
    assert AccessLogEntry.objects.filter(pk=recent.pk).exists()
    purge = AccessLogPurge.objects.get()
    assert purge.purged_count == 1
    assert purge.is_open is False


def test_after_a_purge_closes_deletion_is_refused_again(world: World) -> None:
    access_log_purge(cutoff=timezone.now() - timedelta(days=730), reason="Retention")
    AccessLogEntry.objects.create(
        occurred_at=timezone.now() - timedelta(days=800),
        action="read",
        subject_type="core.user",
        subject_id="1",
        purpose="Ancient",
    )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AccessLogEntry.objects.all().delete()


def test_the_admin_shows_the_log_but_offers_no_change_or_delete(
    world: World, entry: AccessLogEntry, client_for: SignedIn
) -> None:
    client = client_for(world.administrator)
    listing = client.get(reverse("admin:core_accesslogentry_changelist"))
    assert listing.status_code == 200
    assert "Testing" in listing.content.decode()
    assert client.get(reverse("admin:core_accesslogentry_add")).status_code == 403
    assert (
        client.get(reverse("admin:core_accesslogentry_delete", args=[entry.pk])).status_code == 403
    )
    response = client.post(
        reverse("admin:core_accesslogentry_change", args=[entry.pk]), {"purpose": "Edited"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.purpose == "Testing"


def test_only_city_administrators_read_the_access_log(
    world: World, entry: AccessLogEntry, client_for: SignedIn
) -> None:
    url = reverse("admin:core_accesslogentry_changelist")
    for person in (world.coordinator, world.communicator, world.ambassador, world.receiver):
        response = client_for(person).get(url, follow=True)
        assert response.status_code == 403
        assert "Testing" not in response.content.decode()


def test_opening_a_person_in_the_admin_is_logged(world: World, client_for: SignedIn) -> None:
    client = client_for(world.administrator)
    response = client.get(reverse("admin:core_user_change", args=[world.ambassador.pk]))
    assert response.status_code == 200
    entry = AccessLogEntry.objects.filter(purpose="Administration record viewed").get()
    assert entry.actor == world.administrator
    assert entry.subject_id == str(world.ambassador.pk)


def test_listing_people_in_the_admin_is_logged(world: World, client_for: SignedIn) -> None:
    client_for(world.administrator).get(reverse("admin:core_user_changelist"))
    entry = AccessLogEntry.objects.get(purpose="Administration list viewed")
    assert world.ambassador.pk in entry.details["records"]


def test_changing_a_person_in_the_admin_is_logged_with_field_names_only(
    world: World, client_for: SignedIn
) -> None:
    client = client_for(world.administrator)
    url = reverse("admin:core_user_change", args=[world.outsider.pk])
    response = client.post(
        url,
        {
            "email": world.outsider.email,
            "full_name": "Otto Utsikt",
            "phone": "+46 42 10 50 00",
            "languages": ["so"],
            "interface_language": "so",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AccessLogEntry.objects.get(purpose="Changed in administration")
    assert set(entry.details["fields"]) >= {"full_name", "phone"}
    assert "+46" not in str(entry.details)
