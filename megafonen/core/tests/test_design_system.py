from __future__ import annotations

from django.template import Context, Template


def _render(source: str, **context: object) -> str:
    return Template("{% load megafonen %}" + source).render(Context(context))


def test_resident_text_keeps_its_own_direction_and_is_escaped() -> None:
    html = _render("{% resident_text text 'ar' %}", text="أحتاج <b>عمل</b>")
    assert html == (
        '<p class="resident-text" dir="auto" lang="ar">أحتاج &lt;b&gt;عمل&lt;/b&gt;</p>'
    )


def test_resident_text_without_a_known_language() -> None:
    assert _render("{% resident_text text %}", text="Hej") == (
        '<p class="resident-text" dir="auto">Hej</p>'
    )


def test_the_switcher_links_every_language_to_the_same_page() -> None:
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get("/ar/languages/", {"ref": "poster"})
    with translation.override("ar"):
        html = _render("{% language_switcher %}", request=request)
    assert 'href="/so/languages/?ref=poster"' in html
    assert 'href="/sv-x-easy/languages/?ref=poster"' in html
    assert 'aria-current="true">العربية</a>' in html
