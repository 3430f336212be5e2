"""Topics and verified bulletins: four eyes, numbered and fingerprinted versions, lineage."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from megafonen.core.models import User
from megafonen.core.testing import World, translated
from megafonen.messaging.models import OutboundMessage
from megafonen.outreach import selectors, services
from megafonen.outreach.models import Broadcast, Bulletin
from megafonen.outreach.testing import HEAT_WAVE, version_publish
from megafonen.outreach.tests.conftest import Outreach

SignedIn = Callable[[User], Client]


def _draft(world: World, outreach: Outreach, title: str = HEAT_WAVE["title"]) -> Bulletin:
    return services.bulletin_draft_create(
        actor=world.communicator,
        topic=outreach.topic,
        title=title,
        lead=HEAT_WAVE["lead"],
        body=HEAT_WAVE["body"],
        instruction=HEAT_WAVE["instruction"],
    )


def test_a_communicator_cannot_approve_her_own_bulletin(world: World, outreach: Outreach) -> None:
    draft = _draft(world, outreach, title="Ny version")
    services.bulletin_submit(actor=world.communicator, bulletin=draft)
    with pytest.raises(ValidationError, match="second communicator"):
        services.bulletin_publish(actor=world.communicator, bulletin=draft)
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.SUBMITTED
    assert draft.number is None


def test_the_database_refuses_a_self_approved_bulletin(world: World, outreach: Outreach) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.filter(pk=outreach.version.pk).update(approved_by=world.communicator)


def test_an_unsubmitted_draft_cannot_be_published(world: World, outreach: Outreach) -> None:
    draft = _draft(world, outreach)
    with pytest.raises(ValidationError, match="waiting for approval"):
        services.bulletin_publish(actor=world.second_communicator, bulletin=draft)


def test_versions_are_numbered_fingerprinted_and_linked(world: World, outreach: Outreach) -> None:
    first = outreach.version
    assert (first.number, first.kind, first.replaces_id) == (1, "Alert", None)
    assert first.approved_by == world.second_communicator
    assert first.administration == world.city
    canonical = json.dumps(
        {
            "topic": outreach.topic.slug,
            "number": 1,
            "kind": "Alert",
            "language": "sv",
            **{key: value.strip() for key, value in HEAT_WAVE.items()},
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    assert first.fingerprint == hashlib.sha256(canonical.encode()).hexdigest()
    second = version_publish(
        author=world.second_communicator,
        approver=world.communicator,
        topic=outreach.topic,
        lead="Värmen håller i sig till måndag.",
    )
    assert (second.number, second.kind, second.replaces_id) == (2, "Update", first.pk)
    assert second.fingerprint != first.fingerprint
    withdrawal = version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=outreach.topic,
        is_withdrawal=True,
        title="Värmeböljan är över",
        lead="SMHI har tagit bort varningen.",
    )
    assert (withdrawal.number, withdrawal.kind, withdrawal.replaces_id) == (3, "Cancel", second.pk)
    assert [version.pk for version in selectors.lineage(withdrawal)] == [first.pk, second.pk]
    # Published versions never change.
    first.refresh_from_db()
    assert first.status == Bulletin.Status.PUBLISHED and first.number == 1


def test_a_draft_written_against_an_older_version_is_not_published(
    world: World, outreach: Outreach
) -> None:
    stale_draft = _draft(world, outreach, title="Skriven mot version 1")
    version_publish(
        author=world.second_communicator, approver=world.communicator, topic=outreach.topic
    )
    services.bulletin_submit(actor=world.communicator, bulletin=stale_draft)
    with pytest.raises(ValidationError, match="Version 2 was published after this draft"):
        services.bulletin_publish(actor=world.second_communicator, bulletin=stale_draft)


def test_only_the_author_changes_a_draft_and_a_colleague_returns_it(
    world: World, outreach: Outreach
) -> None:
    draft = _draft(world, outreach)
    with pytest.raises(ValidationError, match="Only the person who wrote"):
        services.bulletin_draft_update(
            actor=world.second_communicator, bulletin=draft, title="Ändrad", lead="Ändrad"
        )
    services.bulletin_submit(actor=world.communicator, bulletin=draft)
    with pytest.raises(ValidationError, match="Say what needs changing"):
        services.bulletin_return(actor=world.second_communicator, bulletin=draft, note=" ")
    services.bulletin_return(
        actor=world.second_communicator, bulletin=draft, note="Lägg till 1177."
    )
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.DRAFT and draft.review_note == "Lägg till 1177."


def test_an_unapproved_bulletin_reaches_no_page_feed_or_subscriber(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    topic = services.topic_open(actor=world.communicator, title="Vattenavstängning i Söder")
    draft = services.bulletin_draft_create(
        actor=world.communicator, topic=topic, title="Hemligt utkast", lead="Inte klart"
    )
    services.bulletin_submit(actor=world.communicator, bulletin=draft)
    for path in ["", "feed.atom", "cap.xml", "topic.json", "leaflet.pdf", "subscribe/"]:
        response = client.get(f"/sv/topics/{topic.slug}/{path}")
        assert response.status_code == 404, path
    assert "Hemligt utkast" not in client.get("/sv/topics/").content.decode()
    assert not Broadcast.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_two_communicators_publish_and_update_through_the_pages(
    world: World, client_for: SignedIn, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    carl, cecilia = client_for(world.communicator), client_for(world.second_communicator)
    response = carl.post(
        reverse("outreach:topic_create"),
        {
            "title": "Vattenavstängning i Söder",
            "administration": world.city.pk,
            "area_description": "Söder, Helsingborg",
            "cap_category": "Infra",
            "cap_urgency": "Expected",
            "cap_severity": "Minor",
            "cap_certainty": "Likely",
        },
    )
    assert response.status_code == 302
    slug = "vattenavstangning-i-soder"
    response = carl.post(
        reverse("outreach:bulletin_create", args=[slug]),
        {
            "title": "Inget vatten på tisdag",
            "lead": "Vattnet stängs av kl. 8–16.",
            "body": "",
            "instruction": "",
        },
    )
    draft = Bulletin.objects.get(topic__slug=slug)
    assert response["Location"] == reverse("outreach:bulletin_detail", args=[slug, draft.pk])
    carl.post(reverse("outreach:bulletin_action", args=[slug, draft.pk, "submit"]))
    # Carl sees no approve button; Cecilia does.
    detail = reverse("outreach:bulletin_detail", args=[slug, draft.pk])
    assert "Approve and publish" not in carl.get(detail).content.decode()
    assert "Approve and publish" in cecilia.get(detail).content.decode()
    carl.post(reverse("outreach:bulletin_action", args=[slug, draft.pk, "publish"]))
    assert client.get(f"/sv/topics/{slug}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        cecilia.post(reverse("outreach:bulletin_action", args=[slug, draft.pk, "publish"]))
    page = client.get(f"/sv/topics/{slug}/").content.decode()
    assert "Inget vatten på tisdag" in page and "Stadsledningsförvaltningen" in page
    # The update form starts from the current text; the reviewer sees what changed.
    form = cecilia.get(reverse("outreach:bulletin_create", args=[slug])).content.decode()
    assert "Vattnet stängs av kl. 8–16." in form
    cecilia.post(
        reverse("outreach:bulletin_create", args=[slug]),
        {
            "title": "Inget vatten på tisdag",
            "lead": "Vattnet stängs av kl. 8–18.",
            "body": "",
            "instruction": "",
        },
    )
    update = Bulletin.objects.get(topic__slug=slug, status="draft")
    cecilia.post(reverse("outreach:bulletin_action", args=[slug, update.pk, "submit"]))
    review = carl.get(reverse("outreach:bulletin_detail", args=[slug, update.pk])).content.decode()
    assert "<del>" in review and "8–18" in review
    with django_capture_on_commit_callbacks(execute=True):
        carl.post(reverse("outreach:bulletin_action", args=[slug, update.pk, "publish"]))
    update.refresh_from_db()
    assert (update.number, update.kind) == (2, "Update")
    page = client.get(f"/sv/topics/{slug}/").content.decode()
    assert "8–18" in page and translated("sv", "Earlier versions") in page


def test_the_workspace_lists_work_waiting_for_the_person(
    world: World, outreach: Outreach, client_for: SignedIn, django_assert_max_num_queries: Any
) -> None:
    draft = _draft(world, outreach, title="Väntar på godkännande")
    services.bulletin_submit(actor=world.communicator, bulletin=draft)
    client = client_for(world.second_communicator)
    client.get(reverse("outreach:workspace"))
    with django_assert_max_num_queries(15):
        page = client.get(reverse("outreach:workspace")).content.decode()
    assert "Väntar på godkännande" in page
    assert (
        "Väntar på godkännande"
        not in client_for(world.communicator).get(reverse("outreach:workspace")).content.decode()
    )
