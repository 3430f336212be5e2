from __future__ import annotations

import re
import time

import pytest

from megafonen.needs import codes


def test_receipt_codes_use_no_look_alike_characters_and_carry_40_bits_or_more() -> None:
    assert not set("0O1IL") & set(codes.ALPHABET)
    assert len(codes.ALPHABET) ** codes.RECEIPT_LENGTH >= 2**40


def test_a_receipt_code_is_grouped_for_reading_aloud() -> None:
    code = codes.receipt_from_key(codes.submission_key_mint())
    assert re.fullmatch(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", codes.receipt_format(code))


def test_the_same_submission_key_gives_the_same_code_and_different_keys_differ() -> None:
    key = codes.submission_key_mint()
    assert codes.receipt_from_key(key) == codes.receipt_from_key(key)
    others = {codes.receipt_from_key(codes.submission_key_mint()) for _ in range(200)}
    assert len(others) == 200


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("k7m-29q-xt4", "K7M29QXT4"),
        (" K7M 29Q XT4 ", "K7M29QXT4"),
        ("K7M–29Q–XT4", "K7M29QXT4"),
        ("\u2066K7M-29Q-XT4\u2069", "K7M29QXT4"),  # copied from right-to-left text
        ("\u200fK7M-29Q-XT4\u200e", "K7M29QXT4"),
        ("K7M-29Q-XT", ""),
        ("K0M-29Q-XT4", ""),  # 0 is never in a code
        ("<script>", ""),
        ("", ""),
    ],
)
def test_what_residents_type_is_normalised(typed: str, expected: str) -> None:
    assert codes.receipt_normalise(typed) == expected


def test_only_a_keyed_hash_of_the_code_is_kept(settings) -> None:
    digest = codes.receipt_hash("K7M29QXT4")
    assert "K7M29QXT4" not in digest and len(digest) == 64
    settings.SECRET_KEY = "another secret, another hash" * 2
    assert codes.receipt_hash("K7M29QXT4") != digest


def test_submission_keys_are_signed_and_expire() -> None:
    key = codes.submission_key_mint()
    assert codes.submission_key_valid(key)
    stamp, nonce, signature = key.split(".")
    assert not codes.submission_key_valid(f"{stamp}.{nonce}.{'0' * 24}")
    assert not codes.submission_key_valid(f"{stamp}.{'A' * 16}.{signature}")
    assert not codes.submission_key_valid("made-up")
    old = codes.submission_key_mint(now=time.time() - codes.SUBMISSION_KEY_MAX_AGE - 10)
    assert not codes.submission_key_valid(old)


def test_a_benchmark_can_mint_many_distinct_valid_keys() -> None:
    keys = list(codes.submission_keys_mint(500))
    assert len(set(keys)) == 500
    assert all(codes.submission_key_valid(key) for key in keys)
