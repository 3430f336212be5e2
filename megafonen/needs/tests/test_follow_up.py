"""The follow-up page: by receipt code in the query string, rate-limited, the same answer for
unknown and expired codes, answers in the resident's language, "did this help?"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from megafonen.needs import codes, services
from megafonen.needs.models import Need, NeedAddition, NeedRouting, NeedStatus, PointsEntry
from megafonen.needs.testing import NeedsWorld, need_make


def follow_up_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("needs:follow_up")


def answered(needs: NeedsWorld, language: str = "ar") -> tuple[Need, str]:
    need, code = need_make(category=needs.work, text="أحتاج عملاً صيفياً لابني", language=language)
    routing = NeedRouting.objects.get(need=need)
    services.need_answer(
        need=need,
        routing=routing,
        author=needs.world.receiver,
        kind="tip",
        text="تقدم المدينة وظائف صيفية للشباب.",
        language="ar",
    )
    need.refresh_from_db()
    return need, code


def test_the_code_opens_the_need_with_its_answers_in_the_residents_language(
    needs: NeedsWorld,
) -> None:
    _need, code = answered(needs)
    response = Client().get(follow_up_url("ar"), {"code": codes.receipt_format(code)})
    assert response.status_code == 200
    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert 'dir="auto" lang="ar">تقدم المدينة وظائف صيفية للشباب.' in html
    assert "Arbetsmarknadsförvaltningen" in html
    assert 'value="helped"' in html  # did this help?


def test_a_code_is_forgiving_about_case_and_spaces(needs: NeedsWorld) -> None:
    _need, code = need_make(category=needs.work)
    typed = f" {code[:3].lower()} {code[3:6]} {code[6:].lower()} "
    response = Client().get(follow_up_url(), {"code": typed})
    assert 'id="status"' in response.content.decode()


def test_an_unknown_code_gets_exactly_the_same_answer_as_an_expired_one(
    needs: NeedsWorld,
) -> None:
    need, code = need_make(category=needs.work)
    Need.objects.filter(pk=need.pk).update(receipt_expires_at=timezone.now() - timedelta(days=1))
    formatted = codes.receipt_format(code)
    guessed = "K7M-29Q-XT4" if formatted != "K7M-29Q-XT4" else "K7M-29Q-XT5"
    expired = Client().get(follow_up_url(), {"code": formatted})
    unknown = Client().get(follow_up_url(), {"code": guessed})
    assert expired.status_code == unknown.status_code == 200
    assert expired.content.decode().replace(formatted, guessed) == unknown.content.decode()
    assert "We cannot find a need with this code" in unknown.content.decode()


def test_guessing_codes_is_rate_limited(needs: NeedsWorld, settings: Any) -> None:
    settings.NEEDS_FOLLOW_UP_PER_HOUR = 3
    _need, code = need_make(category=needs.work)
    client = Client(REMOTE_ADDR="192.0.2.50")
    for guess in ["AAA-AAA-AAA", "BBB-BBB-BBB", "CCC-CCC-CCC"]:
        assert client.get(follow_up_url(), {"code": guess}).status_code == 200
    blocked = client.get(follow_up_url(), {"code": codes.receipt_format(code)})
    assert blocked.status_code == 429
    assert "tried many codes" in blocked.content.decode()
    assert 'id="status"' not in blocked.content.decode()


def test_an_empty_code_gets_a_message_next_to_the_field(needs: NeedsWorld) -> None:
    html = Client().get(follow_up_url(), {"code": ""}).content.decode()
    assert 'id="id_code_error"' in html
    assert "Write the receipt code" in html


def test_the_resident_adds_information_which_is_masked_too(needs: NeedsWorld) -> None:
    need, code = need_make(category=needs.work)
    response = Client().post(
        follow_up_url(),
        {"code": codes.receipt_format(code), "action": "add", "text": "Ring 0701234567 gärna"},
    )
    assert response.status_code == 303
    assert response["Location"].startswith(follow_up_url() + "?code=")
    addition = NeedAddition.objects.get(need=need)
    assert "0701234567" not in addition.text


def test_adding_too_much_keeps_the_text_and_says_why(needs: NeedsWorld) -> None:
    _need, code = need_make(category=needs.work)
    response = Client().post(
        follow_up_url(),
        {"code": codes.receipt_format(code), "action": "add", "text": "y" * 5001},
    )
    html = response.content.decode()
    assert 'id="id_text_error"' in html
    assert "y" * 5001 in html
    assert not NeedAddition.objects.exists()


def test_it_helped_closes_the_need_and_rewards_the_answering_organisation(
    needs: NeedsWorld,
) -> None:
    need, code = answered(needs)
    Client().post(follow_up_url(), {"code": codes.receipt_format(code), "action": "helped"})
    need.refresh_from_db()
    assert need.helped is True and need.status == NeedStatus.CLOSED
    rules = sorted(PointsEntry.objects.filter(need=need).values_list("rule", "points"))
    assert rules == [("confirmed_help", 25), ("fast_answer", 5), ("first_answer", 10)]


def test_it_did_not_help_reopens_the_need_and_takes_the_points_back(needs: NeedsWorld) -> None:
    need, code = answered(needs)
    response = Client().post(
        follow_up_url("ar"), {"code": codes.receipt_format(code), "action": "not_helped"}
    )
    assert response.status_code == 303
    need.refresh_from_db()
    assert need.status == NeedStatus.REOPENED and need.reopen_count == 1
    total = sum(PointsEntry.objects.filter(need=need).values_list("points", flat=True))
    assert total == 0
    html = Client().get(response["Location"]).content.decode()
    assert 'value="helped"' not in html  # nothing new to judge yet


def test_posting_with_an_unknown_code_changes_nothing(needs: NeedsWorld) -> None:
    response = Client().post(
        follow_up_url(), {"code": "AAA-AAA-AAA", "action": "add", "text": "hello there"}
    )
    assert "We cannot find a need with this code" in response.content.decode()
    assert not NeedAddition.objects.exists()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (NeedStatus.RECEIVED, "Your need has arrived"),
        (NeedStatus.IN_PROGRESS, "Someone is working on your need"),
        (NeedStatus.ANSWERED, "You have an answer"),
        (NeedStatus.REOPENED, "We are looking at your need again"),
        (NeedStatus.CLOSED, "Your need is closed"),
    ],
)
def test_every_status_is_told_kindly_with_what_happens_next(
    needs: NeedsWorld, status: str, words: str
) -> None:
    need, code = need_make(category=needs.work)
    Need.objects.filter(pk=need.pk).update(status=status)
    html = Client().get(follow_up_url(), {"code": code}).content.decode()
    assert words in html
