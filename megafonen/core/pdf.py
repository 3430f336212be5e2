"""Printable documents (posters, leaflets) as tagged, accessible PDF (PDF/UA-1).

WeasyPrint lays out the same HTML and CSS as the pages, shapes every script through Pango and
HarfBuzz (Arabic joins, Ge'ez syllables) and writes the structure tree, the document language
and the title that screen readers need.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation


def pdf_render(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    """Render a template to a tagged PDF in ``language``; the template must set ``<title>``
    and ``<html lang>``. Static files are read from disk, never over the network."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except OSError as error:  # WeasyPrint found no Pango on this machine
        raise ImproperlyConfigured(
            "PDF documents need Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from error

    class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = urlsplit(url).path
            if path.startswith(settings.STATIC_URL):
                found = finders.find(path.removeprefix(settings.STATIC_URL))
                if isinstance(found, str):
                    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, Path(found).read_bytes(), {"Content-Type": content_type}
                    )
            raise ValueError(f"Documents may only use local static files, not {url}")

    with translation.override(language):
        html = render_to_string(template_name, context)
    document = weasyprint.HTML(
        string=html, base_url="file:///", url_fetcher=StaticFilesOnly(fail_on_errors=True)
    )
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
