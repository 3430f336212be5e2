"""Template tags of the design system."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import get_language

from megafonen.core.languages import BY_CODE

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switcher(context: dict[str, Any]) -> str:
    """Links to this very page in every language: plain links, so no JavaScript is needed."""
    request = context.get("request")
    path = request.path if request is not None else "/"
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    current = get_language() or settings.LANGUAGE_CODE
    return _switcher_html(current, path, query[:200], tuple(settings.LANGUAGES))


@lru_cache(maxsize=2048)
def _switcher_html(
    current: str, path: str, query: str, enabled: tuple[tuple[str, str], ...]
) -> str:
    # Every page's URL differs between languages only in its first segment, so the other
    # languages' addresses are string replacements (translate_url resolves and reverses the
    # whole URL once per language, the largest cost of a page). The HTML is kept per process.
    prefix = f"/{current}/"
    rest = path[len(prefix) :] if path.startswith(prefix) else ""
    suffix = f"?{query}" if query else ""
    languages = [
        {
            "code": code,
            "endonym": BY_CODE[code].endonym,
            "direction": BY_CODE[code].direction,
            "url": f"/{code}/{rest}{suffix}",
            "is_current": code == current,
        }
        for code, _name in enabled
    ]
    return render_to_string(
        "core/_language_switcher.html",
        {"languages": languages, "current": BY_CODE.get(current, BY_CODE["sv"])},
    )


@register.simple_tag
def resident_text(value: str, language: str = "", element: str = "p") -> str:
    """Text a resident wrote: its direction follows its own script, not the page's."""
    if element not in {"p", "div", "span", "blockquote"}:
        raise template.TemplateSyntaxError(f"resident_text cannot render <{element}>")
    if language:
        return format_html(
            '<{} class="resident-text" dir="auto" lang="{}">{}</{}>',
            element,
            language,
            value,
            element,
        )
    return format_html('<{} class="resident-text" dir="auto">{}</{}>', element, value, element)
