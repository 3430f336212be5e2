from __future__ import annotations

import pytest

from megafonen.needs.masking import MASK, identity_number_valid, mask_personal_data


@pytest.mark.parametrize(
    "number",
    [
        "811218-9876",  # personnummer, 10 digits
        "19811218-9876",  # 12 digits
        "8112189876",
        "198112189876",
        "121212+1212",  # 100 years or older
        "701063-2391",  # samordningsnummer: day + 60
    ],
)
def test_valid_identity_numbers_are_masked(number: str) -> None:
    masked = mask_personal_data(f"Mitt nummer är {number}, hjälp mig.")
    assert number not in masked.text
    assert MASK in masked.text
    assert masked.count == 1


@pytest.mark.parametrize(
    "text",
    [
        "811218-9877",  # wrong check digit
        "811318-9876",  # month 13
        "Bussen 1 kostar 2500 kr i månaden",
        "Vi är 6 personer i 3 rum",
    ],
)
def test_numbers_that_are_not_identity_numbers_stay(text: str) -> None:
    assert mask_personal_data(text).text == text


@pytest.mark.parametrize(
    "phone",
    [
        "070-123 45 67",
        "0701234567",
        "+46 70 123 45 67",
        "+46701234567",
        "042-10 50 00",
        "0046701234567",
    ],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    masked = mask_personal_data(f"Ring mig på {phone} efter fem")
    assert phone not in masked.text
    assert masked.text == f"Ring mig på {MASK} efter fem"


def test_e_mail_addresses_are_masked() -> None:
    masked = mask_personal_data("Skriv till amira.h+jobb@example.se eller ring")
    assert masked.text == f"Skriv till {MASK} eller ring"


def test_text_in_other_scripts_is_untouched_apart_from_what_is_masked() -> None:
    masked = mask_personal_data("رقمي 0701234567 وأحتاج عملاً")
    assert masked.text == f"رقمي {MASK} وأحتاج عملاً"


def test_the_check_digit_is_the_luhn_algorithm() -> None:
    assert identity_number_valid("8112189876")
    assert not identity_number_valid("8112189875")
    assert not identity_number_valid("2112189876" + "1")
