"""Community translations: provenance, peer review, levels, staleness, glossary, start text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from megafonen.core.models import User
from megafonen.core.testing import World
from megafonen.outreach import selectors, services
from megafonen.outreach.models import Capability, Translation
from megafonen.outreach.testing import translation_approve, version_publish
from megafonen.outreach.tests.conftest import Outreach
from megafonen.outreach.texts import changed_passages

SignedIn = Callable[[User], Client]


def _submitted(world: World, outreach: Outreach, language: str = "so") -> Translation:
    translation = services.translation_start(
        actor=world.ambassador, bulletin=outreach.version, language=language, partner=world.partner
    )
    services.translation_save(
        actor=world.ambassador,
        translation=translation,
        title="Kulaylka Helsingborg",
        lead="Cab biyo badan.",
        body="Kulaylku wuxuu ka badan doonaa 30 darajo.",
    )
    return services.translation_submit(actor=world.ambassador, translation=translation)


def test_a_translation_names_its_source_version(world: World, outreach: Outreach) -> None:
    translation = _submitted(world, outreach)
    assert translation.bulletin == outreach.version
    assert translation.partner == world.partner


def test_the_translator_cannot_review_her_own_translation(world: World, outreach: Outreach) -> None:
    translation = _submitted(world, outreach)
    with pytest.raises(ValidationError, match="Someone other than the translator"):
        services.translation_peer_review(
            actor=world.ambassador, translation=translation, approve=True
        )


def test_at_level_1_a_peer_review_is_followed_by_city_review(
    world: World, outreach: Outreach
) -> None:
    assert not services.partner_capable(
        organisation=world.partner,
        topic=outreach.topic,
        capability=Capability.SELF_APPROVE_TRANSLATIONS,
    )
    translation = _submitted(world, outreach)
    services.translation_peer_review(actor=outreach.peer, translation=translation, approve=True)
    assert translation.status == Translation.Status.PEER_APPROVED
    assert selectors.approved_translation(outreach.version, "so") is None
    services.translation_city_review(
        actor=world.second_communicator, translation=translation, approve=True
    )
    assert translation.status == Translation.Status.APPROVED
    assert translation.route == Translation.Route.CITY
    assert selectors.approved_translation(outreach.version, "so") == translation
    assert len(translation.fingerprint) == 64


def test_at_level_2_the_partner_approves_its_own_translation(
    world: World, outreach: Outreach
) -> None:
    translation = translation_approve(
        bulletin=outreach.version,
        language="uk",
        partner=world.other_partner,
        translator=world.other_ambassador,
        reviewer=outreach.other_peer,
    )
    assert translation.status == Translation.Status.APPROVED
    assert translation.route == Translation.Route.PARTNER
    assert translation.approved_by == outreach.other_peer


def test_raising_a_level_changes_what_the_partner_may_do(world: World, outreach: Outreach) -> None:
    services.partner_level_set(
        actor=world.administrator,
        topic=outreach.topic,
        organisation=world.partner,
        level=outreach.levels[3],
        reason="Jourlinjen startar",
    )
    for capability in (
        Capability.SELF_APPROVE_TRANSLATIONS,
        Capability.HOTLINE,
        Capability.CALL_CAMPAIGNS,
    ):
        assert services.partner_capable(
            organisation=world.partner, topic=outreach.topic, capability=capability
        )
    assert not services.partner_capable(
        organisation=world.partner, topic=outreach.topic, capability=Capability.STAFF_ALONGSIDE
    )


def test_sending_back_needs_a_note_and_reopens_the_draft(world: World, outreach: Outreach) -> None:
    translation = _submitted(world, outreach)
    with pytest.raises(ValidationError, match="Say what needs changing"):
        services.translation_peer_review(
            actor=outreach.peer, translation=translation, approve=False
        )
    services.translation_peer_review(
        actor=outreach.peer, translation=translation, approve=False, note="Använd ordlistans ord."
    )
    assert translation.status == Translation.Status.DRAFT
    assert translation.review_note == "Använd ordlistans ord."


def test_a_translation_goes_stale_when_the_source_gets_a_new_version(
    world: World, outreach: Outreach
) -> None:
    approved = translation_approve(
        bulletin=outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=outreach.peer,
        city=world.communicator,
    )
    open_one = _submitted(world, outreach, language="ar")
    assert not selectors.translation_is_stale(approved)
    second = version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=outreach.topic,
        body="Temperaturen väntas bli över 32 grader.\n\nBiblioteken är öppna klockan 10–22.",
    )
    approved.refresh_from_db()
    assert selectors.translation_is_stale(approved)
    # The public page falls back to Swedish rather than show an outdated translation.
    assert selectors.public_text(second, "so").is_fallback
    # An open translation of the old version can no longer be approved.
    with pytest.raises(ValidationError, match="newer version"):
        services.translation_peer_review(actor=outreach.peer, translation=open_one, approve=True)
    overview = {row.code: row for row in selectors.translation_overview(outreach.topic)}
    assert overview["so"].approved is None and overview["so"].stale == [approved]
    # A new translation starts from the old one, with the changed passages shown.
    fresh = services.translation_start(
        actor=world.ambassador, bulletin=second, language="so", partner=world.partner
    )
    assert fresh.started_from == approved
    assert fresh.body == approved.body


def test_changed_passages_are_found_by_paragraph_and_sentence() -> None:
    old = "Det blir varmt. Drick vatten.\n\nBiblioteken är öppna.\n\nRing 1177."
    new = "Det blir varmt. Drick mycket vatten.\n\nBiblioteken är öppna.\n\nRing 112 i nödläge."
    passages = changed_passages(old, new)
    assert [passage.kind for passage in passages] == ["changed", "same", "changed"]
    assert ("removed", "Drick vatten.") in passages[0].parts
    assert ("added", "Drick mycket vatten.") in passages[0].parts
    assert ("same", "Det blir varmt.") in passages[0].parts
    added_paragraph = changed_passages("Ett.", "Ett.\n\nTvå.")
    assert [passage.kind for passage in added_paragraph] == ["same", "added"]


def test_the_translator_sees_glossary_terms_and_changed_passages(
    world: World, outreach: Outreach, client_for: SignedIn
) -> None:
    services.glossary_term_save(
        actor=outreach.peer,
        language="so",
        term="svala rum",
        translation="qolal qabow",
        organisation=world.partner,
    )
    translation_approve(
        bulletin=outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=outreach.peer,
        city=world.communicator,
    )
    version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=outreach.topic,
        body="Temperaturen väntas bli över 32 grader.\n\nBiblioteken är öppna som svala rum.",
    )
    client = client_for(world.ambassador)
    response = client.post(reverse("outreach:translation_start", args=[outreach.topic.slug, "so"]))
    page = client.get(response["Location"]).content.decode()
    assert "qolal qabow" in page
    assert "<ins>" in page and "32 grader" in page
    assert "Started from the approved translation of version 1" in page


def test_easy_read_swedish_is_a_target_language(world: World, outreach: Outreach) -> None:
    translation = translation_approve(
        bulletin=outreach.version,
        language="sv-x-easy",
        partner=world.other_partner,
        translator=world.other_ambassador,
        reviewer=outreach.other_peer,
        title="Det är mycket varmt",
        lead="Drick vatten. Var i skuggan.",
    )
    text = selectors.public_text(outreach.version, "sv-x-easy")
    assert text.translation == translation and not text.is_fallback


def test_unknown_and_source_languages_are_refused(world: World, outreach: Outreach) -> None:
    for language in ("sv", "xx", "de"):
        with pytest.raises(ValidationError):
            services.translation_start(
                actor=world.ambassador,
                bulletin=outreach.version,
                language=language,
                partner=world.partner,
            )


def test_a_glossary_term_belongs_to_the_organisation_that_added_it(
    world: World, outreach: Outreach
) -> None:
    from django.core.exceptions import PermissionDenied

    services.glossary_term_save(
        actor=world.ambassador,
        language="ar",
        term="värmebölja",
        translation="موجة حر",
        organisation=world.partner,
    )
    with pytest.raises(PermissionDenied):
        services.glossary_term_save(
            actor=world.other_ambassador,
            language="ar",
            term="Värmebölja",
            translation="حر",
            organisation=world.other_partner,
        )
    services.glossary_term_save(
        actor=world.communicator, language="ar", term="värmebölja", translation="موجة الحر"
    )
    assert selectors.glossary("ar").get().translation == "موجة الحر"


def test_two_partners_translate_through_the_pages(
    world: World, outreach: Outreach, client_for: SignedIn, client: Client
) -> None:
    amina, leyla = client_for(world.ambassador), client_for(outreach.peer)
    olena, oksana = client_for(world.other_ambassador), client_for(outreach.other_peer)
    city = client_for(world.second_communicator)
    slug = outreach.topic.slug
    for translator, reviewer, language in ((amina, leyla, "ar"), (olena, oksana, "uk")):
        start = translator.post(reverse("outreach:translation_start", args=[slug, language]))
        pk = int(start["Location"].rstrip("/").split("/")[-2])
        translator.post(
            reverse("outreach:translation_edit", args=[pk]),
            {
                "title": f"{language} titel",
                "lead": f"{language} sammanfattning",
                "body": "",
                "instruction": "",
                "submit": "1",
            },
        )
        response = reviewer.post(
            reverse("outreach:translation_review", args=[pk]), {"decision": "approve", "note": ""}
        )
        assert response.status_code == 302
    arabic = Translation.objects.get(language="ar")
    assert arabic.status == Translation.Status.PEER_APPROVED  # level 1: the city decides
    assert "ar titel" not in client.get(f"/ar/topics/{slug}/").content.decode()
    city.post(
        reverse("outreach:translation_review", args=[arabic.pk]),
        {"decision": "approve", "note": ""},
    )
    assert "ar titel" in client.get(f"/ar/topics/{slug}/").content.decode()
    assert (
        "uk titel" in client.get(f"/uk/topics/{slug}/").content.decode()
    )  # level 2: self-approved
