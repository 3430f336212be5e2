"""The question loop: questions from the topic page (anonymous), calls and partners; one queue
per topic grouped by theme; one answer in Swedish that becomes a question-and-answer entry,
is translated by partners through the same review as bulletins, and goes back to the residents
who asked and to subscribers, in their languages; and how long it all takes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from megafonen.core.models import AccessLogEntry, User
from megafonen.core.testing import World, translated
from megafonen.outreach import selectors_questions, services, services_questions
from megafonen.outreach.models import Answer, Broadcast, Question, Subscription, Translation
from megafonen.outreach.testing_calls import call_made
from megafonen.outreach.tests.conftest import Calls

SignedIn = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    cache.clear()


def _key(page: str) -> str:
    match = re.search(r'name="form_key" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def _ask(client: Client, calls: Calls, language: str = "so", **data: str) -> Any:
    url = f"/{language}/topics/{calls.outreach.topic.slug}/ask/"
    page = client.get(url).content.decode()
    return client.post(
        url, {"form_key": _key(page), "reply_channel": "none", "website": "", **data}
    )


def _answer(world: World, calls: Calls, questions: list[Question], **extra: Any) -> Answer:
    return services_questions.answer_publish(
        actor=world.communicator,
        topic=calls.outreach.topic,
        title="Finns det svala rum i Dalhem?",
        lead="Ja, biblioteket i Dalhem är öppet som svalt rum klockan 10–20.",
        questions=questions,
        **extra,
    )


def _translate(world: World, calls: Calls, answer: Answer, language: str) -> Translation:
    translation = services_questions.answer_translation_start(
        actor=world.ambassador, answer=answer, language=language, partner=world.partner
    )
    services.translation_save(
        actor=world.ambassador,
        translation=translation,
        title="Ma jiraan qolal qabow oo Dalhem ah?",
        lead="Haa, maktabadda Dalhem waa u furan tahay sidii qol qabow 10–20.",
    )
    services.translation_submit(actor=world.ambassador, translation=translation)
    # Level 3 allows self-approval after a colleague's review, as for bulletins.
    services.translation_peer_review(
        actor=calls.outreach.peer, translation=translation, approve=True
    )
    translation.refresh_from_db()
    return translation


# --- Questions in -----------------------------------------------------------------------------
def test_a_resident_asks_anonymously_without_a_cookie(
    world: World, calls: Calls, client: Client
) -> None:
    response = _ask(client, calls, text="Ma jiraan qolal qabow oo Dalhem ah?")
    assert response.status_code == 200 and response.cookies == {}
    assert "<script" not in response.content.decode()
    question = Question.objects.get()
    assert question.source == "web" and question.language == "so"
    assert question.reply_channel == "none" and question.reply_to == ""
    assert question.created_by is None
    assert not AccessLogEntry.objects.filter(subject_type="outreach.question").exists()


def test_a_form_key_is_good_once_and_a_bot_gets_nothing(
    world: World, calls: Calls, client: Client
) -> None:
    url = f"/sv/topics/{calls.outreach.topic.slug}/ask/"
    key = _key(client.get(url).content.decode())
    data = {"form_key": key, "reply_channel": "none", "text": "Hur länge?", "website": ""}
    assert client.post(url, data).status_code == 200
    again = client.post(url, data)
    spent = "This form was open too long or was already sent. Check your details and send it again."
    assert translated("sv", spent) in again.content.decode()
    assert Question.objects.count() == 1
    bot = {**data, "form_key": _key(client.get(url).content.decode()), "website": "spam"}
    assert client.post(url, bot).status_code == 200
    assert Question.objects.count() == 1


def test_questions_are_rate_limited_per_client(
    world: World, calls: Calls, client: Client, settings: Any
) -> None:
    settings.OUTREACH_QUESTIONS_PER_HOUR = 2
    for _index in range(2):
        assert _ask(client, calls, text="Fråga").status_code == 200
    response = _ask(client, calls, text="En fråga för mycket")
    assert response.status_code == 429
    assert "En fråga för mycket" in response.content.decode()  # nothing she wrote is lost
    assert Question.objects.count() == 2


def test_a_contact_for_the_answer_is_checked_and_encrypted(
    world: World, calls: Calls, client: Client
) -> None:
    bad = _ask(client, calls, text="Fråga", reply_channel="sms", reply_to="12")
    assert bad.status_code == 200 and not Question.objects.exists()
    assert "id_reply_to_error" in bad.content.decode()  # the error, next to the field
    _ask(client, calls, text="Fråga", reply_channel="sms", reply_to="070-174 06 70")
    question = Question.objects.get()
    assert question.reply_to == "+46701740670"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reply_to FROM outreach_question")
        assert "1740670" not in cursor.fetchone()[0]


def test_questions_from_calls_and_partners_land_in_the_same_queue(
    world: World, calls: Calls, client: Client
) -> None:
    _ask(client, calls, text="Från webben")
    call_made(
        ambassador=world.ambassador,
        campaign=calls.campaign,
        questions=[("Från ett samtal", "sv")],
    )
    services_questions.question_from_partner(
        actor=world.coordinator,
        partner=world.partner,
        topic=calls.outreach.topic,
        text="Från ett möte",
        text_language="sv",
        language="ar",
    )
    [group] = selectors_questions.question_queue(calls.outreach.topic)
    assert group.theme is None
    assert {question.source for question in group.questions} == {"web", "call", "partner"}


def test_the_city_sorts_questions_by_theme(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    for text in ("Svala rum?", "Mediciner i värmen?", "Fler svala rum?"):
        services_questions.question_from_partner(
            actor=world.ambassador,
            partner=world.partner,
            topic=calls.outreach.topic,
            text=text,
            text_language="sv",
            language="so",
        )
    client = client_for(world.communicator)
    url = reverse("outreach:question_queue", args=[calls.outreach.topic.slug])
    client.post(url, {"action": "theme_new", "name": "Svala rum"})
    theme = calls.outreach.topic.question_themes.get()
    rooms = Question.objects.filter(text__contains="vala rum")
    client.post(url, {"action": "sort", "theme": theme.pk, "question": [q.pk for q in rooms]})
    groups = {
        (group.theme.name if group.theme else None): len(group.questions)
        for group in selectors_questions.question_queue(calls.outreach.topic)
    }
    assert groups == {None: 1, "Svala rum": 2}
    page = client.get(url).content.decode()
    assert page.index("Not sorted yet") < page.index("Svala rum")


def test_only_communicators_answer_and_partners_reach_nothing_of_the_queue(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    url = reverse("outreach:question_queue", args=[calls.outreach.topic.slug])
    for person in (world.ambassador, world.coordinator, world.administrator, world.receiver):
        assert client_for(person).get(url).status_code == 403
    assert client_for(world.communicator).get(url).status_code == 200


# --- Answers out ------------------------------------------------------------------------------
def test_an_answer_becomes_an_entry_of_the_topic_page(
    world: World, calls: Calls, client: Client
) -> None:
    _ask(client, calls, language="sv", text="Finns det svala rum?")
    answer = _answer(world, calls, list(Question.objects.all()))
    page = client.get(f"/sv/topics/{calls.outreach.topic.slug}/").content.decode()
    assert "Questions and answers" in page or 'id="answers-heading"' in page
    assert f'id="answer-{answer.pk}"' in page and "biblioteket i Dalhem" in page
    # In Somali, until it is translated, the Swedish answer with a note.
    somali = client.get(f"/so/topics/{calls.outreach.topic.slug}/").content.decode()
    not_yet = translated("so", "Not translated into your language yet.")
    assert "biblioteket i Dalhem" in somali and not_yet in somali
    _translate(world, calls, answer, "so")
    somali = client.get(f"/so/topics/{calls.outreach.topic.slug}/").content.decode()
    assert "maktabadda Dalhem" in somali and not_yet not in somali


def test_the_answer_goes_back_in_each_askers_language_when_it_exists(
    world: World,
    calls: Calls,
    client: Client,
    sms_provider: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _ask(
        client, calls, language="sv", text="Svala rum?", reply_channel="sms", reply_to="0701740671"
    )
    _ask(
        client,
        calls,
        language="so",
        text="Qolal qabow?",
        reply_channel="sms",
        reply_to="0701740672",
    )
    swedish, somali = Question.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        answer = _answer(world, calls, [swedish, somali])
    [text] = sms_provider.sent_to("+46701740671")
    assert "biblioteket i Dalhem" in text.message
    assert sms_provider.sent_to("+46701740672") == []  # waits for the Somali translation
    swedish.refresh_from_db()
    assert swedish.reply_to == "" and swedish.replied_at is not None  # used once, erased
    assert swedish.translated_at == swedish.answered_at
    with django_capture_on_commit_callbacks(execute=True):
        _translate(world, calls, answer, "so")
    [text] = sms_provider.sent_to("+46701740672")
    assert "maktabadda Dalhem" in text.message
    somali.refresh_from_db()
    assert somali.translated_at is not None and somali.answered_at is not None
    assert somali.translated_at > somali.answered_at
    assert somali.reply_to == ""


def test_a_resident_called_gets_the_answer_on_the_number_she_was_called_on(
    world: World,
    calls: Calls,
    sms_provider: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    call = call_made(
        ambassador=world.ambassador,
        campaign=calls.campaign,
        questions=[("Goorma ayuu dhammaanayaa kulaylku?", "so")],
        wants_answer=True,
    )
    question = Question.objects.get()
    assert question.contact_id == call.contact_id
    with django_capture_on_commit_callbacks(execute=True):
        answer = _answer(world, calls, [question])
        services_questions.replies_send(answer=answer, languages=None)  # "send now in Swedish"
    phone = question.contact.phone  # type: ignore[union-attr]
    [text] = sms_provider.sent_to(phone)
    assert "biblioteket i Dalhem" in text.message


def test_the_answer_can_go_to_the_topics_subscribers(
    world: World, calls: Calls, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from megafonen.messaging.services import recipient_hash

    settings.TASK_BACKEND = "immediate"
    Subscription.objects.create(
        topic=calls.outreach.topic,
        channel="sms",
        contact="+46701740680",
        contact_hash=recipient_hash("sms", "+46701740680"),
        language="so",
        status=Subscription.Status.CONFIRMED,
        public_id="sub-so",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = _answer(world, calls, [], send_to_subscribers=True)
    broadcast = Broadcast.objects.get(answer=answer, language="")
    assert broadcast.status == Broadcast.Status.DONE and broadcast.fallbacks == 1
    with django_capture_on_commit_callbacks(execute=True):
        _translate(world, calls, answer, "so")
    assert Broadcast.objects.get(answer=answer, language="so").recipients == 1


def test_answers_are_translated_only_by_partners_of_the_topic(
    world: World, calls: Calls, client_for: SignedIn
) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    answer = _answer(world, calls, [])
    with pytest.raises(PermissionDenied):
        services_questions.answer_translation_start(
            actor=world.other_ambassador, answer=answer, language="so", partner=world.partner
        )
    services.partner_level_set(
        actor=world.communicator,
        topic=calls.outreach.topic,
        organisation=world.other_partner,
        level=None,
    )
    with pytest.raises(ValidationError, match="does not take part"):
        services_questions.answer_translation_start(
            actor=world.other_ambassador, answer=answer, language="uk", partner=world.other_partner
        )
    translation = _translate(world, calls, answer, "so")
    assert translation.status == Translation.Status.APPROVED and translation.answer == answer
    page = client_for(world.ambassador).get(
        reverse("outreach:translation_review", args=[translation.pk])
    )
    assert page.status_code == 200 and "of an answer" in page.content.decode()


def test_a_withdrawn_answer_leaves_the_page_and_its_translations_go_stale(
    world: World, calls: Calls, client: Client
) -> None:
    from megafonen.outreach import selectors

    answer = _answer(world, calls, [])
    translation = _translate(world, calls, answer, "so")
    services_questions.answer_withdraw(actor=world.communicator, answer=answer)
    page = client.get(f"/sv/topics/{calls.outreach.topic.slug}/").content.decode()
    assert "biblioteket i Dalhem" not in page
    assert selectors.translation_is_stale(translation)


# --- How long it takes ------------------------------------------------------------------------
def test_the_loop_is_measured_from_question_to_answer_to_translation(
    world: World, calls: Calls
) -> None:
    asked = timezone.now() - timedelta(hours=5)
    for language in ("sv", "so", "ar"):
        services_questions.question_from_partner(
            actor=world.ambassador,
            partner=world.partner,
            topic=calls.outreach.topic,
            text="Fråga",
            text_language="sv",
            language=language,
        )
    Question.objects.update(asked_at=asked)
    answer = _answer(world, calls, list(Question.objects.all()))
    Question.objects.filter(language="sv").update(
        answered_at=asked + timedelta(hours=2), translated_at=asked + timedelta(hours=2)
    )
    _translate(world, calls, answer, "so")
    times = selectors_questions.loop_times([calls.outreach.topic])
    assert times.answered == 3 and times.translated == 2 and times.waiting_translation == 1
    by_language = {row[0]: row for row in times.by_language}
    assert by_language["ar"][3] == 1  # still waiting for Arabic
    assert by_language["sv"][2] == timedelta(hours=2)
    assert selectors_questions.open_per_language([calls.outreach.topic]) == []
