"""The calls part of the outreach demo: the District Mothers' "1 500 samtal" campaign about the
heat wave with calls logged before and after version 2 (so some residents need a correction),
hotline shifts for the week, residents' questions and one answer on its way back.

Numbers are the ones PTS sets aside for fiction (070-174 06 05 … 06 99)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from megafonen.core.demo import DEMO_EMAIL_DOMAIN
from megafonen.core.models import District, Organisation, User
from megafonen.core.roles import Role
from megafonen.core.services import membership_grant
from megafonen.outreach import (
    selectors,
    services,
    services_calls,
    services_hotline,
    services_questions,
    tallies,
)
from megafonen.outreach.models import Call, CallCampaign, Question, SupportLevel, Topic
from megafonen.outreach.services_calls import CallDetails
from megafonen.outreach.testing_calls import FICTIONAL_MOBILES, contacts_add


def _person(local_part: str) -> User:
    return User.objects.get(email=f"{local_part}@{DEMO_EMAIL_DOMAIN}")


def _district(name: str) -> District:
    return District.objects.get(name=name)


def _call(ambassador: User, campaign: CallCampaign, outcome: str, **details: Any) -> Call | None:
    contact = services_calls.contact_claim_next(actor=ambassador, campaign=campaign)
    if contact is None:
        return None
    current = selectors.current_version(campaign.topic)
    assert current is not None  # noqa: S101  (the demo publishes first)
    translation = selectors.approved_translation(current, contact.language)
    return services_calls.call_log(
        actor=ambassador,
        contact=contact,
        log_key=uuid.uuid4(),
        details=CallDetails(outcome=outcome, **details),
        bulletin_id=current.pk,
        translation_id=translation.pk if translation else None,
    )


def campaign_before_update(
    *, heat: Topic, levels: dict[int, SupportLevel], district_mothers: Organisation
) -> CallCampaign:
    """Level 3 for the District Mothers, the campaign, its list, and the first calls (which
    hear version 1)."""
    johan = _person("johan.berg")
    services.partner_level_set(
        actor=johan,
        topic=heat,
        organisation=district_mothers,
        level=levels[3],
        reason="Ringer och driver jourlinje i värmen, som under pandemin.",
    )
    nadia = _person("nadia.haddad")
    today = timezone.localdate()
    campaign = services_calls.campaign_open(
        actor=nadia,
        topic=heat,
        partner=district_mothers,
        title="1 500 samtal om värmen",
        goal=1500,
        languages=["so", "ar", "fa", "prs", "ti"],
        districts=[
            _district(name)
            for name in ("Drottninghög", "Dalhem", "Planteringen", "Fredriksdal", "Söder")
        ],
        starts_on=today,
        ends_on=today + timedelta(days=28),
    )
    languages = ["so", "ar", "fa", "ti", "prs", "so", "ar", "so"]
    districts = ["Drottninghög", "Dalhem", "Planteringen", "Fredriksdal", "Söder"]
    for index, number in enumerate(FICTIONAL_MOBILES[5:45]):
        contacts_add(
            actor=nadia,
            campaign=campaign,
            rows=[(number, languages[index % len(languages)])],
            district=_district(districts[index % len(districts)]),
        )
    amina, leyla, selam = _person("amina.yusuf"), _person("leyla.karimi"), _person("selam.tesfay")
    _call(amina, campaign, Call.Outcome.REACHED, duration_seconds=420, send_sms=True)
    _call(
        amina,
        campaign,
        Call.Outcome.REACHED,
        duration_seconds=300,
        questions=[("Finns det svala rum i Dalhem på kvällen?", "sv")],
        wants_answer=True,
        follow_up_wanted=True,
    )
    _call(leyla, campaign, Call.Outcome.REACHED, duration_seconds=360)
    _call(selam, campaign, Call.Outcome.NO_ANSWER)
    _call(selam, campaign, Call.Outcome.REACHED, duration_seconds=540)
    _call(amina, campaign, Call.Outcome.WRONG_NUMBER)
    return campaign


def calls_after_update(*, campaign: CallCampaign) -> None:
    """Calls with version 2, questions, needs, and a spread over the last weeks."""
    amina, leyla = _person("amina.yusuf"), _person("leyla.karimi")
    _call(
        amina,
        campaign,
        Call.Outcome.REACHED,
        duration_seconds=240,
        questions=[("هل يمكن أن آخذ أطفالي إلى الغرف الباردة؟", "ar")],
        wants_answer=True,
        need_text="Behöver hjälp att hitta sommarjobb till sin son.",
        need_category="work",
        need_consent=True,
    )
    _call(amina, campaign, Call.Outcome.CALL_BACK)
    _call(leyla, campaign, Call.Outcome.REACHED, duration_seconds=180, follow_up_wanted=True)
    _call(leyla, campaign, Call.Outcome.DECLINED)
    for _index in range(6):
        _call(amina, campaign, Call.Outcome.REACHED, duration_seconds=200)
    # Spread the calls over the last three weeks, as a campaign that has been running.
    now = timezone.now()
    for index, call in enumerate(Call.objects.filter(campaign=campaign).order_by("pk")):
        Call.objects.filter(pk=call.pk).update(called_at=now - timedelta(days=(index * 2) % 20))
    tallies.tallies_rebuild()


def hotline_shifts(*, heat: Topic, levels: dict[int, SupportLevel]) -> int:
    """Shifts for today and the coming six days. Rädda Barnen gets level 3 for its Ukrainian
    and Polish line."""
    save_the_children = Organisation.objects.get(slug="radda-barnen-helsingborg")
    services.partner_level_set(
        actor=_person("maria.ek"),
        topic=heat,
        organisation=save_the_children,
        level=levels[3],
        reason="Jourlinje på ukrainska och polska.",
    )
    plan = [
        ("nadia.haddad", "amina.yusuf", "so", time(10), time(14)),
        ("nadia.haddad", "amina.yusuf", "ar", time(16), time(19)),
        ("nadia.haddad", "leyla.karimi", "fa", time(10), time(13)),
        ("nadia.haddad", "leyla.karimi", "prs", time(14), time(17)),
        ("nadia.haddad", "selam.tesfay", "ti", time(12), time(16)),
    ]
    created = 0
    today = timezone.localdate()
    now = timezone.now()
    for offset in range(7):
        day = today + timedelta(days=offset)
        for coordinator, ambassador, language, start, end in plan:
            starts = timezone.make_aware(datetime.combine(day, start))
            ends = timezone.make_aware(datetime.combine(day, end))
            if ends <= now:
                continue
            services_hotline.shift_add(
                actor=_person(coordinator),
                partner=Organisation.objects.get(slug="stadsdelsmammor-hbg"),
                ambassador=_person(ambassador),
                language=language,
                starts_at=starts,
                ends_at=ends,
            )
            created += 1
    # Olena also coordinates Rädda Barnen's line (the core demo has no coordinator there).
    olena = _person("olena.kovalenko")
    membership_grant(user=olena, organisation=save_the_children, role=Role.PARTNER_COORDINATOR)
    for offset in range(7):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        starts = timezone.make_aware(datetime.combine(day, time(9)))
        ends = timezone.make_aware(datetime.combine(day, time(12)))
        if ends <= now:
            continue
        services_hotline.shift_add(
            actor=olena,
            partner=save_the_children,
            ambassador=olena,
            language="uk" if day.weekday() % 2 == 0 else "pl",
            starts_at=starts,
            ends_at=ends,
        )
        created += 1
    return created


def questions_and_an_answer(*, heat: Topic, district_mothers: Organisation) -> None:
    """A question from the topic page, one heard at a meeting, the ones from calls, sorted and
    partly answered; the answer translated into Somali."""
    services_questions.question_from_resident(
        topic=heat,
        text="Maxaa la sameeyaa haddii uu korontadu go'o inta kulaylku jiro?",
        language="so",
        reply_channel="none",
        reply_to="",
    )
    services_questions.question_from_partner(
        actor=_person("nadia.haddad"),
        partner=district_mothers,
        topic=heat,
        text="Får man ta med barnvagn in på biblioteket när det är svalt rum?",
        text_language="sv",
        language="ar",
    )
    maria = _person("maria.ek")
    rooms = services_questions.theme_create(actor=maria, topic=heat, name="Svala rum")
    about_rooms = list(Question.objects.filter(topic=heat, text__icontains="sval"))
    about_rooms += list(Question.objects.filter(topic=heat, language="ar", source="call"))
    services_questions.questions_sort(actor=maria, topic=heat, questions=about_rooms, theme=rooms)
    answer = services_questions.answer_publish(
        actor=maria,
        topic=heat,
        title="Får barn och barnvagnar följa med till de svala rummen?",
        lead="Ja. Biblioteken i Drottninghög och Dalhem tar emot alla, barn och barnvagnar "
        "också, klockan 10–22 så länge värmen varar.",
        questions=about_rooms,
    )
    amina, leyla = _person("amina.yusuf"), _person("leyla.karimi")
    translation = services_questions.answer_translation_start(
        actor=amina, answer=answer, language="so", partner=district_mothers
    )
    services.translation_save(
        actor=amina,
        translation=translation,
        title="Carruurta iyo gaadhiga carruurta ma la keeni karaa qolalka qabow?",
        lead="Haa. Maktabadaha Drottninghög iyo Dalhem waxay soo dhaweeyaan qof walba, "
        "carruur iyo gaadhiga carruurtaba, 10–22 inta kulaylku socdo.",
    )
    services.translation_submit(actor=amina, translation=translation)
    services.translation_peer_review(actor=leyla, translation=translation, approve=True)
