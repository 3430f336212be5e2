"""Receivers' work through the real pages: who sees what, claim, answer, close, forward,
contact details only when asked (and logged), a fast inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from megafonen.core.models import AccessLogEntry, User
from megafonen.needs import services
from megafonen.needs.models import (
    AnswerTemplate,
    Need,
    NeedEvent,
    NeedRouting,
    NeedStatus,
)
from megafonen.needs.testing import NeedsWorld, need_make

SignedIn = Callable[[User], Client]


def test_needs_go_to_every_matching_receiver_and_otherwise_to_triage(needs: NeedsWorld) -> None:
    world = needs.world
    work, _ = need_make(category=needs.work, district=world.fredriksdal)
    housing, _ = need_make(category=needs.housing, district=world.drottninghog)
    housing_elsewhere, _ = need_make(category=needs.housing, district=world.fredriksdal)
    leisure, _ = need_make(category=needs.leisure, district=world.drottninghog)

    def routed(need: Need) -> set[str]:
        return {r.organisation.name for r in NeedRouting.objects.filter(need=need)}

    assert routed(work) == {"Arbetsmarknadsförvaltningen"}
    assert routed(housing) == {"Helsingborgshem"}
    assert routed(housing_elsewhere) == {"Stadsledningsförvaltningen"}  # city triage
    assert NeedRouting.objects.get(need=housing_elsewhere).reason == "triage"
    assert routed(leisure) == {"IdeA Drottninghög"}
    # A second subscriber to work in Drottninghög: both receive.
    from megafonen.needs.models import Subscription

    extra = Subscription.objects.create(organisation=world.association)
    extra.categories.set([needs.work])
    both, _ = need_make(category=needs.work, district=world.drottninghog)
    assert routed(both) == {"Arbetsmarknadsförvaltningen", "IdeA Drottninghög"}


def test_receivers_see_only_the_needs_routed_to_their_organisation(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    world = needs.world
    work, _ = need_make(category=needs.work, text="Summer job for my son, please help")
    housing, _ = need_make(
        category=needs.housing, district=world.drottninghog, text="Our flat is too small"
    )
    labour_inbox = client_for(world.receiver).get(reverse("needs:inbox")).content.decode()
    assert "Summer job for my son" in labour_inbox
    assert "Our flat is too small" not in labour_inbox
    company_inbox = client_for(world.company_receiver).get(reverse("needs:inbox"))
    assert "Our flat is too small" in company_inbox.content.decode()
    assert "Summer job for my son" not in company_inbox.content.decode()
    # Another organisation's need is refused, not shown.
    other = client_for(world.company_receiver).get(reverse("needs:need_detail", args=[work.pk]))
    assert other.status_code == 403
    assert "Summer job" not in other.content.decode()
    # The city administrator oversees everything.
    admin_inbox = client_for(world.administrator).get(reverse("needs:inbox")).content.decode()
    assert "Summer job for my son" in admin_inbox and "Our flat is too small" in admin_inbox


@pytest.mark.parametrize("person", ["ambassador", "coordinator", "communicator", "facilitator"])
def test_roles_that_do_not_receive_needs_are_refused_the_inbox(
    needs: NeedsWorld, client_for: SignedIn, person: str
) -> None:
    need, _ = need_make(category=needs.work)
    client = client_for(getattr(needs.world, person))
    assert client.get(reverse("needs:inbox")).status_code == 403
    assert client.get(reverse("needs:need_detail", args=[need.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(needs: NeedsWorld) -> None:
    response = Client().get(reverse("needs:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign_in"))


def test_the_inbox_is_fast_whatever_the_number_of_needs(
    needs: NeedsWorld, client_for: SignedIn, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        need_make(
            category=needs.work,
            text=f"Need number {number} about work",
            contact_channel="email" if number % 3 == 0 else "none",
            contact_address=f"resident{number}@example.org" if number % 3 == 0 else "",
        )
    client = client_for(needs.world.receiver)
    client.get(reverse("needs:inbox"))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("needs:inbox"))
    assert response.content.decode().count('class="need-excerpt"') == 30
    # Reading excerpts of needs with contact details is logged, with ids only.
    entry = AccessLogEntry.objects.filter(purpose="Needs inbox viewed").first()
    assert entry is not None and len(entry.details["records"]) == 10
    assert "example.org" not in str(entry.details)


def test_the_inbox_filters_by_status_language_district_and_who_took_it(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    world = needs.world
    first, _ = need_make(
        category=needs.work, text="First need, in Swedish", district=world.drottninghog
    )
    second, _ = need_make(
        category=needs.work, text="Second need, Fredriksdal", district=world.fredriksdal
    )
    Need.objects.filter(pk=first.pk).update(text_language="sv")
    Need.objects.filter(pk=second.pk).update(text_language="ar")
    routing = NeedRouting.objects.get(need=first)
    services.need_claim(need=first, routing=routing, user=world.receiver)
    client = client_for(world.receiver)

    def listed(**params: str) -> set[str]:
        html = client.get(reverse("needs:inbox"), params).content.decode()
        return {name for name in ("First need", "Second need") if name in html}

    assert listed() == {"First need", "Second need"}
    assert listed(language="ar") == {"Second need"}
    assert listed(district="drottninghog") == {"First need"}
    assert listed(claimed="mine") == {"First need"}
    assert listed(claimed="unclaimed") == {"Second need"}
    assert listed(status="in_progress") == {"First need"}
    assert listed(status="nonsense") == {"First need", "Second need"}  # bad filters are ignored


def test_a_receiver_claims_answers_and_closes_a_need(
    needs: NeedsWorld, client_for: SignedIn, django_capture_on_commit_callbacks: Any
) -> None:
    world = needs.world
    need, _code = need_make(category=needs.work, language="ar")
    client = client_for(world.receiver)
    detail = reverse("needs:need_detail", args=[need.pk])
    assert client.post(reverse("needs:need_claim", args=[need.pk])).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS
    # Someone else of the same organisation cannot claim it again.
    again = client.post(reverse("needs:need_claim", args=[need.pk]), follow=True)
    assert "already taken this need" in again.content.decode()

    template = AnswerTemplate.objects.create(
        organisation=world.labour,
        title="Summer jobs",
        texts={"sv": "Sommarjobb finns.", "ar": "توجد وظائف صيفية."},
    )
    prefilled = client.get(detail, {"template": template.pk}).content.decode()
    assert "توجد وظائف صيفية." in prefilled  # the resident's language first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("needs:need_answer", args=[need.pk]),
            {"kind": "tip", "language": "ar", "text": "توجد وظائف صيفية.", "template": template.pk},
        )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED and need.first_answered_at is not None
    assert need.answers.get().template == template

    response = client.post(
        reverse("needs:need_close", args=[need.pk]),
        {"reason": "We hope the tip helps. Send a new need if not.", "language": "en"},
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED
    assert need.closing_reason.startswith("We hope")
    kinds = list(NeedEvent.objects.filter(need=need).values_list("kind", flat=True))
    assert kinds == ["submitted", "routed", "claimed", "answered", "closed"]


def test_an_empty_answer_gets_a_message_and_nothing_is_saved(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    need, _ = need_make(category=needs.work)
    response = client_for(needs.world.receiver).post(
        reverse("needs:need_answer", args=[need.pk]), {"kind": "tip", "language": "sv", "text": ""}
    )
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert not need.answers.exists()


def test_another_organisations_receiver_cannot_answer(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    need, _ = need_make(category=needs.work)
    response = client_for(needs.world.company_receiver).post(
        reverse("needs:need_answer", args=[need.pk]),
        {"kind": "tip", "language": "sv", "text": "Hej"},
    )
    assert response.status_code == 403
    assert not need.answers.exists()


def test_contact_details_are_shown_only_on_request_to_receivers_and_logged(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    world = needs.world
    need, _ = need_make(
        category=needs.work,
        contact_channel="sms",
        contact_address="+46701234567",
        contact_language="so",
    )
    url = reverse("needs:need_detail", args=[need.pk])
    client = client_for(world.receiver)
    page = client.get(url).content.decode()
    assert "+46701234567" not in page
    read = AccessLogEntry.objects.get(purpose="Need read to answer it")
    assert read.actor == world.receiver and read.subject_id == str(need.pk)
    shown = client.get(url, {"contact": "1"}).content.decode()
    assert "+46701234567" in shown
    entry = AccessLogEntry.objects.get(purpose="Contact details read to contact the resident")
    assert entry.actor == world.receiver
    assert "+46701234567" not in str(entry.details)
    # City administrators oversee needs but never read contact details.
    admin_page = client_for(world.administrator).get(url, {"contact": "1"}).content.decode()
    assert "+46701234567" not in admin_page


def test_triage_forwards_a_need_to_the_right_receiver(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    world = needs.world
    need, _ = need_make(category=needs.other, text="Something nobody subscribed to")
    triage = client_for(needs.triage_receiver)
    assert "Something nobody subscribed" in triage.get(reverse("needs:inbox")).content.decode()
    response = triage.post(
        reverse("needs:need_forward", args=[need.pk]),
        {"organisation": world.company.pk, "reason": "About their flats"},
    )
    assert response.status_code == 302
    assert NeedRouting.objects.get(need=need, organisation=world.company).reason == "forwarded"
    company = client_for(world.company_receiver).get(reverse("needs:inbox")).content.decode()
    assert "Something nobody subscribed" in company


def test_a_receiver_reports_an_abusive_need_and_a_moderator_hides_it(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    world = needs.world
    need, code = need_make(category=needs.work, text="Abusive words about a neighbour")
    client_for(world.receiver).post(
        reverse("needs:need_report", args=[need.pk]), {"reason": "Insults a named person"}
    )
    moderator = client_for(world.administrator)
    queue = moderator.get(reverse("needs:moderation")).content.decode()
    assert f"Need {need.pk}" in queue and "Insults a named person" in queue
    # A reason is required.
    empty = moderator.post(reverse("needs:need_moderate", args=[need.pk]), {"hide": "1"})
    assert empty.status_code == 400
    moderator.post(
        reverse("needs:need_moderate", args=[need.pk]),
        {"hide": "1", "reason": "Breaks the rules: names a person"},
    )
    need.refresh_from_db()
    assert need.is_hidden
    event = NeedEvent.objects.get(need=need, kind="hidden")
    assert event.reason == "Breaks the rules: names a person" and event.actor == world.administrator
    # Gone from the receivers' inbox and the Open311 API; the resident is told kindly.
    assert (
        "Abusive words"
        not in client_for(world.receiver).get(reverse("needs:inbox")).content.decode()
    )
    assert (
        client_for(world.receiver).get(reverse("needs:need_detail", args=[need.pk])).status_code
        == 403
    )
    assert Client().get(f"/open311/v2/requests/{need.pk}.json").status_code == 404
    # A request without a language prefix activates the default language in this thread.
    with translation.override("en"):
        follow_up_url = reverse("needs:follow_up")
    follow = Client().get(follow_up_url, {"code": code}).content.decode()
    assert "no longer shown" in follow and "Abusive words" not in follow
    # Receivers cannot moderate.
    assert client_for(world.receiver).get(reverse("needs:moderation")).status_code == 403
