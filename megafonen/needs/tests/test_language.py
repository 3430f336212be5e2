from __future__ import annotations

import pytest

from megafonen.needs.language import UNDETERMINED, language_detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أحتاج مساعدة في إيجاد عمل صيفي لابني", "ar"),
        ("Jag behöver hjälp att hitta sommarjobb till min son", "sv"),
        ("Waxaan u baahanahay caawimaad aan shaqo ku helo", "so"),
        ("I need help finding a summer job for my son", "en"),
        ("Potrzebuję pomocy w znalezieniu mieszkania dla rodziny", "pl"),
        ("Мені потрібна допомога з пошуком роботи", "uk"),
        ("ሰላም ንወደይ ስራሕ ክረምቲ የድልዮ ኣሎ", "ti"),
        ("پێویستم بە یارمەتی هەیە بۆ دۆزینەوەی کار", "ckb"),
    ],
)
def test_the_language_of_a_need_is_detected_offline(text: str, expected: str) -> None:
    assert language_detect(text) == expected


@pytest.mark.parametrize("text", ["ok", "12345 678", "!!!"])
def test_too_little_text_is_honestly_undetermined(text: str) -> None:
    assert language_detect(text) == UNDETERMINED


def test_detection_keeps_to_the_enabled_languages() -> None:
    assert language_detect("ሰላም ንወደይ ስራሕ ክረምቲ የድልዮ ኣሎ", enabled=frozenset({"sv"})) == UNDETERMINED
