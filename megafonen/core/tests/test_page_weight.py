"""Resident pages must stay small for cheap phones on weak networks: the HTML and everything it
loads, at most 100 KB uncompressed, and nothing that needs JavaScript."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

BUDGET_BYTES = 100 * 1024
RESIDENT_PAGES = [
    "core:home",
    "core:accessibility_statement",
    "core:privacy_notice",
    "core:languages",
]
ASSET = re.compile(r'(?:href|src)="/static/([^"?#]+)"')


def page_weight(client: Client, url: str) -> tuple[int, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assets = sorted(set(ASSET.findall(html)))
    total = len(response.content)
    for asset in assets:
        path = finders.find(asset)
        assert path, f"{url} links a missing static file {asset}"
        with open(path, "rb") as handle:
            total += len(handle.read())
    return total, assets


@pytest.mark.django_db
@pytest.mark.parametrize("name", RESIDENT_PAGES)
@pytest.mark.parametrize("language", ["sv", "ar", "ti"])
def test_resident_pages_stay_within_the_budget(client: Client, name: str, language: str) -> None:
    from django.utils import translation

    with translation.override(language):
        url = reverse(name)
    total, assets = page_weight(client, url)
    assert total <= BUDGET_BYTES, f"{url}: {total} bytes with {assets}"
    assert not any(asset.endswith(".js") for asset in assets), "resident pages need no script"
