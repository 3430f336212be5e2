from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import RequestFactory
from pypdf import PdfReader

from megafonen.core.pdf import pdf_render
from megafonen.core.qr import qr_png, qr_svg
from megafonen.core.throttle import throttle_allow


def test_a_qr_code_in_svg_carries_a_text_alternative() -> None:
    svg = qr_svg("https://megafonen.example.se/q/K7M2", title="QR code: Behovsboxen")
    assert svg.startswith("<svg")
    assert "<title>QR code: Behovsboxen</title>" in svg


def test_a_qr_code_in_png_is_a_png() -> None:
    assert qr_png("https://megafonen.example.se/q/K7M2").startswith(b"\x89PNG")


@pytest.mark.parametrize(("language", "text"), [("ar", "مرحبا"), ("ti", "ሰላም"), ("sv", "Hej")])
def test_documents_are_tagged_pdf_with_language_and_title(language: str, text: str) -> None:
    pdf = pdf_render(
        "core/tests/document.html", {"title": f"Test {text}", "text": text}, language=language
    )
    reader = PdfReader(io.BytesIO(pdf))
    catalogue: Any = reader.trailer["/Root"]
    assert catalogue["/Lang"] == language
    assert bool(catalogue["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalogue
    assert bool(catalogue["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None and reader.metadata.title == f"Test {text}"
    assert text in reader.pages[0].extract_text()


@pytest.mark.django_db
def test_a_client_is_throttled_after_its_limit_and_others_are_not() -> None:
    factory = RequestFactory()
    flood = factory.post("/", REMOTE_ADDR="10.1.2.3")
    other = factory.post("/", REMOTE_ADDR="10.9.9.9")
    allowed = [
        throttle_allow(scope="test", request=flood, limit=3, window_seconds=60) for _ in range(5)
    ]
    assert allowed == [True, True, True, False, False]
    assert throttle_allow(scope="test", request=other, limit=3, window_seconds=60)
    assert throttle_allow(scope="another", request=flood, limit=3, window_seconds=60)


def test_the_throttle_counts_in_redis_when_the_cache_lives_there(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    request = RequestFactory().post("/", REMOTE_ADDR="10.4.4.4")
    allowed = [
        throttle_allow(scope="redis", request=request, limit=2, window_seconds=60) for _ in range(3)
    ]
    assert allowed == [True, True, False]


@pytest.mark.django_db
def test_the_throttle_keeps_no_address_and_sweeps_expired_windows(monkeypatch: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from megafonen.core import throttle
    from megafonen.core.models import ThrottleCount

    ThrottleCount.objects.create(
        bucket="old:x:1", count=3, expires_at=timezone.now() - timedelta(hours=1)
    )
    monkeypatch.setattr(throttle, "_SWEEP_ONE_IN", 1)  # sweep on this very call
    throttle_allow(
        scope="sweep",
        request=RequestFactory().post("/", REMOTE_ADDR="10.7.7.7"),
        limit=5,
        window_seconds=60,
    )
    [row] = ThrottleCount.objects.all()
    assert row.bucket.startswith("sweep:")
    assert "10.7.7.7" not in row.bucket
