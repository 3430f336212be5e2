"""The resident's topic page: right text in the right language, stamp, audio, leaflet, QR,
share link; no cookie, no script, within the page budget."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from megafonen.core.models import User
from megafonen.core.testing import World
from megafonen.core.tests.test_page_weight import BUDGET_BYTES, page_weight
from megafonen.outreach import audio, services
from megafonen.outreach.models import ReadAloud
from megafonen.outreach.testing import translation_approve
from megafonen.outreach.tests.conftest import Outreach

SignedIn = Callable[[User], Client]


def _somali(world: World, outreach: Outreach) -> Any:
    return translation_approve(
        bulletin=outreach.version,
        language="so",
        partner=world.partner,
        translator=world.ambassador,
        reviewer=outreach.peer,
        city=world.communicator,
        title="Kulayl xad dhaaf ah",
        lead="Cab biyo badan oo hooska joog.",
    )


@pytest.mark.parametrize(("language", "direction"), [("sv", "ltr"), ("ar", "rtl"), ("so", "ltr")])
def test_the_topic_page_in_three_languages(
    world: World, outreach: Outreach, client: Client, language: str, direction: str
) -> None:
    _somali(world, outreach)
    response = client.get(f"/{language}/topics/{outreach.topic.slug}/")
    assert response.status_code == 200
    assert response.cookies == {}
    page = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert "<script" not in page and "style=" not in page
    assert outreach.version.fingerprint in page and "Stadsledningsförvaltningen" in page
    if language == "so":
        assert '<article class="bulletin" lang="so" dir="ltr">' in page
        assert "Kulayl xad dhaaf ah" in page and "Stadsdelsmammor-HBG" in page
    elif language == "ar":  # no Arabic translation: Swedish, said so, marked as Swedish
        assert '<article class="bulletin" lang="sv" dir="ltr">' in page
        assert "There is no approved translation" in page or "notice--important" in page
    else:
        assert "There is no approved translation" not in page


@pytest.mark.parametrize("language", ["sv", "ar", "ti"])
@pytest.mark.parametrize("path", ["", "{slug}/", "{slug}/subscribe/", "{slug}/ask/", "hotline/"])
def test_topic_pages_stay_within_the_page_budget(
    outreach: Outreach, client: Client, language: str, path: str
) -> None:
    total, assets = page_weight(
        client, f"/{language}/topics/{path.format(slug=outreach.topic.slug)}"
    )
    assert total <= BUDGET_BYTES, (total, assets)
    assert not any(asset.endswith(".js") for asset in assets)


def test_the_leaflet_is_a_tagged_pdf_in_the_visitors_language(
    world: World, outreach: Outreach, client: Client
) -> None:
    _somali(world, outreach)
    response = client.get(f"/so/topics/{outreach.topic.slug}/leaflet.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(cast(Any, response).streaming_content)))
    catalogue: Any = reader.trailer["/Root"]
    assert catalogue["/Lang"] == "so"
    assert bool(catalogue["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalogue
    assert reader.metadata is not None and reader.metadata.title == "Kulayl xad dhaaf ah"
    text = reader.pages[0].extract_text()
    assert "Cab biyo badan" in text and outreach.version.fingerprint[:16] in text.replace("\n", "")


def test_the_page_carries_a_qr_code_and_a_share_link(outreach: Outreach, client: Client) -> None:
    page = client.get(f"/sv/topics/{outreach.topic.slug}/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "<title>" in page
    assert f'href="http://testserver/sv/topics/{outreach.topic.slug}/"' in page


def test_the_json_api_gives_the_version_and_every_approved_text(
    world: World, outreach: Outreach, client: Client
) -> None:
    _somali(world, outreach)
    data = client.get(f"/en/topics/{outreach.topic.slug}/topic.json").json()
    assert data["version"] == 1 and data["sha256"] == outreach.version.fingerprint
    assert set(data["texts"]) == {"sv", "so"}
    assert data["verified_by"] == "Stadsledningsförvaltningen"


def test_a_withdrawn_topic_says_so_and_offers_no_subscription(
    world: World, outreach: Outreach, client: Client
) -> None:
    from megafonen.outreach.testing import version_publish

    version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=outreach.topic,
        is_withdrawal=True,
        title="Varningen gäller inte längre",
        lead="Värmen är över.",
    )
    page = client.get(f"/en/topics/{outreach.topic.slug}/").content.decode()
    assert "This information has been withdrawn." in page
    assert "/subscribe/" not in page


# --- Read-aloud audio -------------------------------------------------------------------------
def test_swedish_audio_is_generated_offline_and_never_autoplays(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from megafonen.outreach.testing import topic_with_version

    assert audio.synthesis_available("sv"), "espeak-ng is needed: scripts/ensure-test-tools"
    with django_capture_on_commit_callbacks(execute=True):
        topic, version = topic_with_version(
            author=world.communicator, approver=world.second_communicator
        )
    item = ReadAloud.objects.get(bulletin=version, language="sv")
    assert (item.status, item.kind, item.content_type) == ("ready", "generated", "audio/mpeg")
    page = client.get(f"/sv/topics/{topic.slug}/").content.decode()
    assert f'<audio controls preload="none" src="/sv/topics/{topic.slug}/audio/{item.pk}/"' in page
    assert "autoplay" not in page
    response = client.get(f"/sv/topics/{topic.slug}/audio/{item.pk}/")
    head = b"".join(cast(Any, response).streaming_content)[:3]
    assert response["Content-Type"] == "audio/mpeg" and (head == b"ID3" or head[0] == 0xFF)
    # The Arabic page shows the Swedish text for now, so it offers the Swedish audio.
    assert f"/audio/{item.pk}/" in client.get(f"/ar/topics/{topic.slug}/").content.decode()


def test_no_voice_for_somali_so_an_ambassador_uploads_a_recording(
    world: World,
    outreach: Outreach,
    client: Client,
    client_for: SignedIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        translation = _somali(world, outreach)
    assert not audio.synthesis_available("so")
    assert not ReadAloud.objects.filter(language="so").exists()
    url = f"/en/topics/staff/translations/{translation.pk}/recording/"
    amina = client_for(world.ambassador)
    not_audio = SimpleUploadedFile(
        "message.mp3", b"<html>not a recording</html>", content_type="audio/mpeg"
    )
    page = amina.post(url, {"recording": not_audio}).content.decode()
    assert "This file is not a recording we can play" in page
    mp3 = SimpleUploadedFile(
        "hadal.mp3", b"ID3\x04\x00" + b"\x00" * 2000, content_type="audio/mpeg"
    )
    assert client_for(world.other_ambassador).post(url, {"recording": mp3}).status_code == 403
    mp3.seek(0)
    assert amina.post(url, {"recording": mp3}).status_code == 302
    item = ReadAloud.objects.get(language="so")
    assert (item.kind, item.content_type, item.created_by) == (
        "recorded",
        "audio/mpeg",
        world.ambassador,
    )
    page = client.get(f"/so/topics/{outreach.topic.slug}/").content.decode()
    assert f"/audio/{item.pk}/" in page and 'preload="none"' in page


def test_a_recording_that_is_too_large_is_refused(
    world: World, outreach: Outreach, settings: Any
) -> None:
    from django.core.exceptions import ValidationError

    settings.OUTREACH_RECORDING_MAX_MB = 1
    translation = _somali(world, outreach)
    large = SimpleUploadedFile("hadal.mp3", b"ID3" + b"\x00" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="too large"):
        services.recording_upload(actor=world.ambassador, translation=translation, upload=large)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"ID3\x04", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"\x00\x00\x00\x20ftypM4A ", "audio/mp4"),
        (b"\x1a\x45\xdf\xa3\x01", "audio/webm"),
        (b"%PDF-1.7", None),
        (b"MZ\x90\x00", None),
    ],
)
def test_recordings_are_recognised_by_their_first_bytes(head: bytes, kind: str | None) -> None:
    found = audio.audio_kind(head)
    assert (found.content_type if found else None) == kind


def test_the_topic_list_costs_the_same_few_queries_for_many_topics(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    from megafonen.outreach.testing import topic_with_version

    for title in ("Värmebölja", "Vattenavstängning i Söder", "Storm"):
        topic_with_version(
            author=world.communicator, approver=world.second_communicator, title=title
        )
    client.get("/so/topics/")
    with django_assert_max_num_queries(3 + 3 * 1):
        page = client.get("/so/topics/").content.decode()
    assert page.count('class="card"') == 3


def test_the_page_is_kept_for_residents_until_something_on_it_changes(
    world: World, outreach: Outreach, client: Client, django_assert_max_num_queries: Any
) -> None:
    from megafonen.outreach.testing import version_publish

    url = f"/sv/topics/{outreach.topic.slug}/"
    client.get(url)
    with django_assert_max_num_queries(1):  # the cache, nothing else
        assert client.get(url).status_code == 200
    version_publish(
        author=world.communicator,
        approver=world.second_communicator,
        topic=outreach.topic,
        lead="Värmen håller i sig till måndag.",
    )
    assert "Värmen håller i sig till måndag." in client.get(url).content.decode()
    # A signed-in colleague always gets a fresh page, never a resident's cached one.
    assert "Värmen håller i sig" in Client().get(url, HTTP_COOKIE="sessionid=x").content.decode()
