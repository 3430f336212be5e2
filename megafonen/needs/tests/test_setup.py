"""Placements and posters, categories, answer templates, retention, the demo, page weight."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.tests.test_page_weight import BUDGET_BYTES, page_weight
from megafonen.needs import services
from megafonen.needs.models import (
    AnswerTemplate,
    Category,
    Need,
    NeedEvent,
    Placement,
    RetentionPolicy,
    Subscription,
)
from megafonen.needs.testing import NeedsWorld, need_make

SignedIn = Callable[[User], Client]


# --- Placements --------------------------------------------------------------------------------
def test_a_communicator_creates_a_placement_with_its_qr_code_and_poster(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    world = needs.world
    client = client_for(world.communicator)
    invalid = client.post(reverse("needs:placement_create"), {"name": "", "languages": []})
    assert invalid.status_code == 400
    assert 'id="id_name_error"' in invalid.content.decode()
    response = client.post(
        reverse("needs:placement_create"),
        {
            "name": "Fredriksdal tvättstuga",
            "kind": "poster",
            "district": world.fredriksdal.pk,
            "place": "Tvättstugan, Fältarpsvägen",
            "languages": ["ar", "sv", "ti"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get(name="Fredriksdal tvättstuga")
    assert re.fullmatch(r"[2-9A-Z]{6}", placement.code)
    assert placement.qr_url == f"http://testserver/q/{placement.code}"
    detail = client.get(reverse("needs:placement_detail", args=[placement.code]))
    assert "<svg" in detail.content.decode() and "<title>" in detail.content.decode()
    png = client.get(reverse("needs:placement_qr", args=[placement.code, "png"]))
    assert png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("needs:placement_qr", args=[placement.code, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml"

    poster = client.get(reverse("needs:placement_poster", args=[placement.code]))
    assert poster["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(poster.content))
    catalogue: Any = reader.trailer["/Root"]
    assert catalogue["/Lang"] == "ar"  # the first language of the placement
    assert bool(catalogue["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalogue
    assert reader.metadata is not None and "Tvättstugan" in (reader.metadata.title or "")
    text = reader.pages[0].extract_text()
    assert placement.qr_url in text
    with translation.override("ti"):
        from django.utils.translation import gettext

        call = gettext("Tell us what you need")
    assert call in text


def test_receivers_cannot_manage_placements(needs: NeedsWorld, client_for: SignedIn) -> None:
    client = client_for(needs.world.receiver)
    assert client.get(reverse("needs:placements")).status_code == 403
    code = needs.placement.code
    assert client.get(reverse("needs:placement_poster", args=[code])).status_code == 403


def test_placements_list_scans_and_needs(needs: NeedsWorld, client_for: SignedIn) -> None:
    services.placement_scan_count(placement=needs.placement)
    services.placement_scan_count(placement=needs.placement)
    need_make(category=needs.work, placement=needs.placement)
    html = client_for(needs.world.administrator).get(reverse("needs:placements")).content.decode()
    assert "Drottninghög bibliotek" in html
    assert "<td>2</td><td>1</td>" in html


# --- Categories --------------------------------------------------------------------------------
def test_category_names_must_cover_every_enabled_language(db: None, settings: Any) -> None:
    category = Category(code="school", icon="school", names={"sv": "Skola", "en": "School"})
    with pytest.raises(ValidationError) as error:
        category.full_clean()
    assert "Missing" in str(error.value)
    settings.LANGUAGES = [("sv", "Svenska"), ("en", "English")]
    category.full_clean()
    category.names["xx"] = "?"
    with pytest.raises(ValidationError):
        category.full_clean()


def test_the_starting_categories_are_named_in_every_language(db: None) -> None:
    for category in Category.objects.all():
        category.full_clean()
    assert list(Category.objects.values_list("code", flat=True)) == [
        "work",
        "leisure",
        "housing",
        "other",
    ]


def missing_name_message() -> str:
    """The admin site speaks the city's language, Swedish, to its staff."""
    with translation.override("sv"):
        return translation.gettext("Write the name in this language.")


def test_administrators_edit_categories_with_one_field_per_language(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    client = client_for(needs.world.administrator)
    url = reverse("admin:needs_category_change", args=[needs.work.pk])
    page = client.get(url).content.decode()
    assert 'name="name_ti"' in page and "ስራሕ" in page
    data = {
        f"name_{code}": f"Jobb {code}"
        for code, _name in __import__("django.conf").conf.settings.LANGUAGES
    }
    data.update(code="work", icon="work", order="10", is_active="on")
    data["name_ar"] = ""
    refused = client.post(url, data)
    assert refused.status_code == 200 and missing_name_message() in refused.content.decode()
    data["name_ar"] = "وظيفة"
    assert client.post(url, data).status_code == 302
    needs.work.refresh_from_db()
    assert needs.work.names["ar"] == "وظيفة"
    assert client_for(needs.world.receiver).get(url).status_code in {302, 403}


def test_subscriptions_only_city_administrations_may_be_triage(needs: NeedsWorld) -> None:
    subscription = Subscription(organisation=needs.world.company, is_triage=True)
    with pytest.raises(ValidationError):
        subscription.full_clean()


# --- Answer templates --------------------------------------------------------------------------
def test_receivers_write_templates_for_their_own_organisation(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    world = needs.world
    client = client_for(world.receiver)
    empty = client.post(
        reverse("needs:template_create"),
        {"title": "Tips", "kind": "tip", "organisation": world.labour.pk},
    )
    assert empty.status_code == 400
    assert "at least one language" in empty.content.decode()
    response = client.post(
        reverse("needs:template_create"),
        {
            "title": "Sommarjobb",
            "kind": "tip",
            "organisation": world.labour.pk,
            "text_sv": "Sök i februari.",
            "text_ar": "قدّم في فبراير.",
        },
    )
    assert response.status_code == 302
    template = AnswerTemplate.objects.get(title="Sommarjobb")
    assert template.texts == {"sv": "Sök i februari.", "ar": "قدّم في فبراير."}
    # Another organisation's receiver neither sees nor changes it.
    other = client_for(world.company_receiver)
    assert "Sommarjobb" not in other.get(reverse("needs:templates")).content.decode()
    assert other.get(reverse("needs:template_edit", args=[template.pk])).status_code == 403
    sneaky = other.post(
        reverse("needs:template_create"),
        {"title": "X", "kind": "tip", "organisation": world.labour.pk, "text_sv": "x"},
    )
    assert sneaky.status_code == 400  # not one of her organisations
    assert AnswerTemplate.objects.count() == 1


# --- Retention ---------------------------------------------------------------------------------
def test_contact_details_are_purged_after_the_period_administrators_set(
    needs: NeedsWorld,
) -> None:
    policy = RetentionPolicy.current()
    policy.contact_retention_days = 30
    policy.save()
    old, _ = need_make(category=needs.work, contact_channel="sms", contact_address="+46701234567")
    recent, _ = need_make(
        category=needs.work, contact_channel="email", contact_address="a@example.se"
    )
    anonymous, _ = need_make(category=needs.work)
    Need.objects.filter(pk__in=[old.pk, anonymous.pk]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    out = io.StringIO()
    call_command("purge_need_contacts", stdout=out)
    assert "1 needs" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.contact_address == "" and old.contact_purged_at is not None
    assert old.contact_channel == "sms"  # that she asked for contact stays, for the figures
    assert recent.contact_address == "a@example.se"
    assert NeedEvent.objects.filter(need=old, kind="contact_purged").exists()
    entry = AccessLogEntry.objects.get(action="delete", subject_id=str(old.pk))
    assert entry.actor is None and entry.details["retention_days"] == 30
    assert services.contacts_purge() == 0  # nothing twice


def test_the_purge_task_runs_the_same_purge(needs: NeedsWorld) -> None:
    from megafonen.needs.tasks import purge_need_contacts

    old, _ = need_make(category=needs.work, contact_channel="sms", contact_address="+46701234567")
    Need.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    result = purge_need_contacts.enqueue()
    assert result.return_value == 1


# --- Demo, registry, page weight ---------------------------------------------------------------
def test_the_needs_demo_loads_on_the_core_demo_and_twice_without_duplicates(db: None) -> None:
    from megafonen.core.demo import demo_load
    from megafonen.needs.demo import needs_demo_load

    demo_load()
    first = needs_demo_load()
    assert len(first.needs) == 3 and Placement.objects.count() == 3
    assert Need.objects.filter(answers__isnull=False).count() == 1
    second = needs_demo_load()
    assert second.needs == [] and Need.objects.count() == 3 and Placement.objects.count() == 3
    assert first.triage_login[1] != second.triage_login[1]
    out = io.StringIO()
    call_command("load_needs_demo", stdout=out)
    assert "fatima.ali@demo.example.org" in out.getvalue()


def test_the_home_page_and_the_staff_area_link_to_the_needs_box(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    home = Client().get(reverse("core:home")).content.decode()
    assert reverse("needs:form") in home and reverse("needs:follow_up") in home
    staff = client_for(needs.world.receiver).get(reverse("core:staff_home")).content.decode()
    assert reverse("needs:inbox") in staff and reverse("needs:placements") not in staff
    communicator = client_for(needs.world.communicator).get(reverse("core:staff_home"))
    assert reverse("needs:placements") in communicator.content.decode()


RESIDENT_PAGES = ["needs:form", "needs:follow_up", "needs:leaderboard", "needs:points_rules"]


@pytest.mark.parametrize("name", RESIDENT_PAGES)
@pytest.mark.parametrize("language", ["sv", "ar", "ti"])
def test_resident_pages_stay_within_the_budget(
    needs: NeedsWorld, client: Client, name: str, language: str
) -> None:
    with translation.override(language):
        url = reverse(name)
    total, assets = page_weight(client, url)
    assert total <= BUDGET_BYTES, f"{url}: {total} bytes with {assets}"
    assert not any(asset.endswith(".js") for asset in assets)


def test_a_follow_up_page_with_answers_stays_within_the_budget(needs: NeedsWorld) -> None:
    from megafonen.needs.models import NeedRouting

    need, code = need_make(category=needs.work, text="ت" * 5000)
    for _ in range(5):
        services.need_answer(
            need=need,
            routing=NeedRouting.objects.get(need=need),
            author=needs.world.receiver,
            kind="tip",
            text="ج" * 4000,
            language="ar",
        )
    with translation.override("ar"):
        url = f"{reverse('needs:follow_up')}?code={code}"
    total, _assets = page_weight(Client(), url)
    assert total <= BUDGET_BYTES


def test_a_new_category_with_a_missing_name_is_refused_with_a_message(
    needs: NeedsWorld, client_for: SignedIn
) -> None:
    from django.conf import settings

    client = client_for(needs.world.administrator)
    data = {f"name_{code}": f"Skola {code}" for code, _name in settings.LANGUAGES}
    data.update(code="school", icon="school", order="50", is_active="on", name_so="")
    refused = client.post(reverse("admin:needs_category_add"), data)
    assert refused.status_code == 200
    assert missing_name_message() in refused.content.decode()
    data["name_so"] = "Iskuul"
    assert client.post(reverse("admin:needs_category_add"), data).status_code == 302
    assert Category.objects.get(code="school").name("so") == "Iskuul"
