"""Krisinformation.se as source material: parsed from recorded answers, fetched from a local
stand-in of the API (never the network), with a timeout."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from megafonen.core.models import User
from megafonen.core.testing import World
from megafonen.outreach import krisinformation, services
from megafonen.outreach.models import Bulletin, SourceItem
from megafonen.outreach.tests.conftest import Outreach

FIXTURES = Path(__file__).parent / "fixtures"
NEWS = json.loads((FIXTURES / "krisinformation_news.json").read_text(encoding="utf-8"))
VMAS = json.loads((FIXTURES / "krisinformation_vmas.json").read_text(encoding="utf-8"))

SignedIn = Callable[[User], Client]


def test_news_items_are_read_as_plain_text() -> None:
    records = krisinformation.parse("news", NEWS)
    assert [record.identifier for record in records] == [
        "krisinformation-news-7f3c2a",
        "krisinformation-news-91b0de",
    ]
    first = records[0]
    assert first.headline == "Höga temperaturer i Skåne & Halland"
    assert "<" not in first.body and "Drick mycket vatten." in first.body
    assert first.area == "Skåne län, Hallands län"
    assert first.published_at is not None and first.published_at.utcoffset() is not None


def test_vma_alerts_keep_their_type_and_what_they_replace() -> None:
    alert, cancel = krisinformation.parse("vma", VMAS)
    assert (
        alert.headline == "Viktigt meddelande till allmänheten i Helsingborg"
    )  # the Swedish block
    assert alert.message_type == "Alert" and "Gå inomhus" in alert.body
    assert cancel.message_type == "Cancel"
    assert cancel.references.startswith("MSB,SE-VMA-2026-07-14-0042")


def test_a_payload_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(krisinformation.SourceUnavailableError):
        krisinformation.parse("news", {"unexpected": True})


@pytest.mark.django_db
def test_importing_twice_stores_each_item_once_and_updates_changed_ones() -> None:
    assert services.sources_import(kind="news", payload=NEWS) == (2, 0)
    assert services.sources_import(kind="news", payload=NEWS) == (0, 0)
    changed = json.loads(json.dumps(NEWS))
    changed[0]["Preamble"] = "Varningen är uppgraderad till orange."
    assert services.sources_import(kind="news", payload=changed) == (0, 1)
    assert SourceItem.objects.get(identifier="krisinformation-news-7f3c2a").preamble.startswith(
        "Varningen"
    )


@pytest.mark.django_db
def test_the_command_imports_a_saved_answer() -> None:
    out = StringIO()
    call_command(
        "import_krisinformation",
        kind="vma",
        file=FIXTURES / "krisinformation_vmas.json",
        stdout=out,
    )
    assert out.getvalue().strip() == "vma: 2 new, 0 changed"
    with pytest.raises(CommandError, match="which --kind"):
        call_command("import_krisinformation", file=FIXTURES / "krisinformation_vmas.json")


class _Api:
    """A stand-in for the API on 127.0.0.1: answers with a fixture, an error or too late."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.paths: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802
                api.paths.append(self.path)
                if api.mode == "slow":
                    time.sleep(1.5)
                if api.mode == "error":
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps(VMAS if "/vmas" in self.path else NEWS).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"


@pytest.fixture
def api(settings: Any) -> Iterator[_Api]:
    stand_in = _Api()
    settings.OUTREACH_KRISINFORMATION_URL = stand_in.url
    settings.OUTREACH_KRISINFORMATION_TIMEOUT_SECONDS = 1
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


def test_a_communicator_fetches_vmas_and_starts_a_bulletin_from_one(
    world: World, outreach: Outreach, api: _Api, client_for: SignedIn
) -> None:
    client = client_for(world.communicator)
    response = client.post(reverse("outreach:sources"), {"kind": "vma"}, follow=True)
    assert "2 new and 0 changed items." in response.content.decode()
    assert api.paths[0].startswith("/v3/vmas?")
    item = SourceItem.objects.get(identifier="SE-VMA-2026-07-14-0042")
    use = client.get(reverse("outreach:source_use", args=[item.pk]), {"topic": outreach.topic.slug})
    form = client.get(use["Location"]).content.decode()
    assert "Viktigt meddelande till allmänheten i Helsingborg" in form
    client.post(
        use["Location"],
        {
            "title": item.headline,
            "lead": "Gå inomhus.",
            "body": "",
            "instruction": "",
            "source": item.pk,
        },
    )
    assert Bulletin.objects.get(status="draft").source_item == item


@pytest.mark.parametrize("mode", ["slow", "error"])
def test_a_source_that_fails_or_times_out_changes_nothing_and_says_so(
    world: World, api: _Api, client_for: SignedIn, mode: str
) -> None:
    api.mode = mode
    response = client_for(world.communicator).post(
        reverse("outreach:sources"), {"kind": "news"}, follow=True
    )
    assert "did not answer in time" in response.content.decode()
    assert not SourceItem.objects.exists()
    with pytest.raises(CommandError, match="did not answer"):
        call_command("import_krisinformation", kind="news")
