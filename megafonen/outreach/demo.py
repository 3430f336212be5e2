"""Outreach demo data on top of the core demo (``load_demo``): a heat wave with two versions,
translations by the District Mothers and Rädda Barnen, a water outage still only in Swedish,
partner levels, a glossary and subscribers with fictional numbers; a call campaign, hotline
shifts, residents' questions and an answer (``demo_calls``)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from megafonen.core.demo import DEMO_EMAIL_DOMAIN
from megafonen.core.models import Organisation, User
from megafonen.messaging.services import recipient_hash
from megafonen.outreach import demo_calls, services
from megafonen.outreach.models import Subscription, Topic
from megafonen.outreach.testing import HEAT_WAVE, levels_ensure, version_publish

# (language, translator, reviewer, title, lead, body, instruction) for version 1.
TRANSLATIONS_V1: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "so",
        "amina.yusuf",
        "leyla.karimi",
        "Kulayl xad dhaaf ah oo Helsingborg ka jira",
        "SMHI waxay ka digaysaa kulayl badan maalmaha soo socda. Cab biyo badan oo hooska joog.",
        "Heerkulka waxaa la filayaa inuu ka badnaado 30 darajo Arbacada ilaa Axadda.\n\n"
        "Dadka waayeelka ah, carruurta yaryar iyo dadka qaba cudurrada daba-dheeraada ayaa "
        "ugu khatarsan. La xiriir deriskaaga iyo qaraabadaada u baahan kara caawimaad.\n\n"
        "Maktabadaha Drottninghög iyo Dalhem waxay u furan yihiin sidii qolal qabow 10–20.",
        "Cab biyo marar badan, xitaa haddii aadan harraadsanayn. Wac 1177 haddii kulaylku "
        "kuu xumaado. Wac 112 xaalad degdeg ah.",
    ),
    (
        "fa",
        "leyla.karimi",
        "amina.yusuf",
        "موج گرما در هلسینگبوری",
        "اداره هواشناسی سوئد (SMHI) درباره دمای بالا در روزهای آینده هشدار می‌دهد. زیاد آب "
        "بنوشید و در سایه بمانید.",
        "انتظار می‌رود دما از چهارشنبه تا یکشنبه از ۳۰ درجه بالاتر برود.\n\n"
        "سالمندان، کودکان خردسال و افراد دارای بیماری مزمن بیشتر در خطر هستند. به همسایگان و "
        "بستگانی که ممکن است به کمک نیاز داشته باشند سر بزنید.\n\n"
        "کتابخانه‌های دروتنینگهوگ و دالهم از ساعت ۱۰ تا ۲۰ به عنوان اتاق خنک باز هستند.",
        "مرتب آب بنوشید، حتی اگر تشنه نیستید. اگر از گرما حالتان بد شد با ۱۱۷۷ تماس بگیرید. "
        "در شرایط اضطراری با ۱۱۲ تماس بگیرید.",
    ),
    (
        "ti",
        "selam.tesfay",
        "amina.yusuf",
        "ኣብ ሄልሲንግቦሪ ዓቢ ውዕዮ",
        "SMHI ኣብ ዝመጽእ መዓልታት ብዛዕባ ልዑል ሙቐት የጠንቅቕ። ብዙሕ ማይ ስተ፡ ኣብ ጽላል ጽናሕ።",
        "ካብ ረቡዕ ክሳብ ሰንበት ሙቐት ካብ 30 ዲግሪ ክበዝሕ ይጽበ።\n\n"
        "ኣረገውቲ፡ ንኣሽቱ ቆልዑን ነዊሕ ሕማም ዘለዎምን ዝያዳ ኣብ ሓደጋ እዮም። ሓገዝ ዘድልዮም "
        "ጎረባብትኹምን ቤተሰብኩምን ርኸብዎም።\n\n"
        "ቤተ-መጻሕፍቲ ድሮትኒንግሆግን ዳልሄምን ካብ 10 ክሳብ 20 ከም ዝሑል ክፍሊ ክፉታት እዮም።",
        "ጽምኢ እንተ ዘይተሰምዓካ እውን ብተደጋጋሚ ማይ ስተ። ውዕዮ እንተ ኣሕመመካ ናብ 1177 ደውል። ህጹጽ እንተኾይኑ ናብ 112 ደውል።",
    ),
    (
        "sv-x-easy",
        "leyla.karimi",
        "selam.tesfay",
        "Det blir mycket varmt i Helsingborg",
        "Det blir mycket varmt de närmaste dagarna. Drick mycket vatten. Var i skuggan.",
        "Det blir mer än 30 grader varmt. Det blir varmt från onsdag till söndag.\n\n"
        "Värmen är farlig för gamla, för små barn och för den som är sjuk. Fråga dina grannar "
        "om de behöver hjälp.\n\n"
        "Du kan gå till biblioteket i Drottninghög eller i Dalhem. Där är det svalt. Biblioteken "
        "är öppna klockan 10 till 20.",
        "Drick vatten ofta. Ring 1177 om du mår dåligt. Ring 112 om det är akut.",
    ),
]
ARABIC_V2 = (
    "ar",
    "amina.yusuf",
    "nadia.haddad",
    "موجة حر في هلسينغبوري",
    "تحذّر هيئة الأرصاد الجوية السويدية (SMHI) من درجات حرارة مرتفعة حتى يوم الاثنين. اشرب "
    "الكثير من الماء وابقَ في الظل.",
    "يُتوقع أن تتجاوز درجة الحرارة 30 درجة من الأربعاء حتى الاثنين.\n\n"
    "كبار السن والأطفال الصغار والمصابون بأمراض مزمنة هم الأكثر عرضة للخطر. تواصل مع جيرانك "
    "وأقاربك الذين قد يحتاجون إلى المساعدة.\n\n"
    "مكتبتا دروتنينغهوغ ودالهم مفتوحتان كغرف باردة من الساعة 10 حتى 22.",
    "اشرب الماء كثيرًا حتى لو لم تشعر بالعطش. اتصل بالرقم 1177 إذا شعرت بتوعك بسبب الحر. "
    "اتصل بالرقم 112 في حالات الطوارئ.",
)
GLOSSARY = [
    ("so", "svala rum", "qolal qabow", "amina.yusuf"),
    ("so", "värmebölja", "kulayl xad dhaaf ah", "amina.yusuf"),
    ("ar", "värmebölja", "موجة حر", "amina.yusuf"),
    ("ar", "svala rum", "غرف باردة", "amina.yusuf"),
    ("fa", "värmebölja", "موج گرما", "leyla.karimi"),
    ("ti", "värmebölja", "ዓቢ ውዕዮ", "selam.tesfay"),
]


def _person(local_part: str) -> User:
    return User.objects.get(email=f"{local_part}@{DEMO_EMAIL_DOMAIN}")


def _translate(bulletin: Any, partner: Organisation, row: tuple[str, ...], city: User) -> None:
    language, translator, reviewer, title, lead, body, instruction = row
    translation = services.translation_start(
        actor=_person(translator), bulletin=bulletin, language=language, partner=partner
    )
    services.translation_save(
        actor=_person(translator),
        translation=translation,
        title=title,
        lead=lead,
        body=body,
        instruction=instruction,
    )
    services.translation_submit(actor=_person(translator), translation=translation)
    services.translation_peer_review(actor=_person(reviewer), translation=translation, approve=True)
    translation.refresh_from_db()
    if translation.status == translation.Status.PEER_APPROVED:
        services.translation_city_review(actor=city, translation=translation, approve=True)


def _subscribe(topic: Topic, channel: str, contact: str, language: str) -> None:
    Subscription.objects.get_or_create(
        topic=topic,
        channel=channel,
        contact_hash=recipient_hash(channel, contact),
        defaults={
            "contact": contact,
            "language": language,
            "status": Subscription.Status.CONFIRMED,
            "public_id": secrets.token_urlsafe(18),
        },
    )


@transaction.atomic
def outreach_demo_load() -> list[str]:
    """Load the outreach demo once; returns what was done, line by line."""
    if Topic.objects.filter(slug="varmebolja").exists():
        return ["The outreach demo is already loaded."]
    levels = levels_ensure()
    johan, maria = _person("johan.berg"), _person("maria.ek")
    district_mothers = Organisation.objects.get(slug="stadsdelsmammor-hbg")
    save_the_children = Organisation.objects.get(slug="radda-barnen-helsingborg")

    heat = services.topic_open(
        actor=johan,
        title="Värmebölja",
        slug="varmebolja",
        area_description="Helsingborg",
        cap_category="Met",
        cap_urgency="Expected",
        cap_severity="Moderate",
        cap_certainty="Likely",
    )
    services.partner_level_set(
        actor=johan,
        topic=heat,
        organisation=district_mothers,
        level=levels[2],
        reason="Har granskat översättningar sedan pandemin.",
    )
    services.partner_level_set(
        actor=johan,
        topic=heat,
        organisation=save_the_children,
        level=levels[1],
        reason="Ny partner i värmeberedskapen.",
    )
    for language, term, translation, person in GLOSSARY:
        services.glossary_term_save(
            actor=_person(person),
            language=language,
            term=term,
            translation=translation,
            organisation=district_mothers,
        )
    for index, (language, channel) in enumerate(
        [
            ("so", "sms"),
            ("ar", "sms"),
            ("fa", "sms"),
            ("ti", "sms"),
            ("sv", "sms"),
            ("sv-x-easy", "sms"),
        ]
    ):
        _subscribe(heat, channel, f"+4670174{600 + index:04d}", language)
    _subscribe(heat, "email", "familjen.demo@example.org", "ar")

    first = version_publish(author=johan, approver=maria, topic=heat)
    for row in TRANSLATIONS_V1:
        _translate(first, district_mothers, row, city=maria)
    # Calls with version 1: after version 2 these residents need a correction.
    campaign = demo_calls.campaign_before_update(
        heat=heat, levels=levels, district_mothers=district_mothers
    )
    second = version_publish(
        author=maria,
        approver=johan,
        topic=heat,
        title=HEAT_WAVE["title"],
        lead="SMHI varnar för höga temperaturer till och med måndag. Drick mycket vatten och "
        "håll dig i skuggan.",
        body=HEAT_WAVE["body"]
        .replace("från onsdag till söndag", "från onsdag till måndag")
        .replace("klockan 10–20", "klockan 10–22"),
        instruction=HEAT_WAVE["instruction"],
    )
    _translate(second, district_mothers, ARABIC_V2, city=maria)
    demo_calls.calls_after_update(campaign=campaign)
    shifts = demo_calls.hotline_shifts(heat=heat, levels=levels)
    demo_calls.questions_and_an_answer(heat=heat, district_mothers=district_mothers)

    water = services.topic_open(
        actor=maria,
        title="Vattenavstängning i Söder",
        slug="vattenavstangning-i-soder",
        area_description="Söder, Helsingborg",
        cap_category="Infra",
        cap_urgency="Future",
        cap_severity="Minor",
        cap_certainty="Likely",
    )
    services.partner_level_set(
        actor=maria, topic=water, organisation=district_mothers, level=levels[1]
    )
    version_publish(
        author=maria,
        approver=johan,
        topic=water,
        title="Inget kranvatten i Söder på tisdag",
        lead="NSVA byter en huvudledning. Vattnet är avstängt tisdag klockan 8–16 på gatorna "
        "kring Söderpark.",
        body="Fyll kannor och flaskor med vatten kvällen innan.\n\nEn tankbil står vid "
        "Söderparks entré under hela avstängningen.",
        instruction="Spola inte i onödan. Kontakta NSVA om du behöver hjälp att bära vatten.",
    )
    return [
        "Topic “Värmebölja”: versions 1 and 2, Somali, Persian, Tigrinya and easy-read "
        "translations of version 1 (now stale), Arabic of version 2, 7 subscribers.",
        "Topic “Vattenavstängning i Söder”: version 1, Swedish only.",
        "Levels 1–4; Stadsdelsmammor-HBG and Rädda Barnen Helsingborg at level 3 on the heat "
        "wave, Stadsdelsmammor-HBG at level 1 on the water outage.",
        f"Call campaign “1 500 samtal om värmen” with {campaign.contacts.count()} residents on "
        "its list and calls before and after version 2 (some residents need a correction).",
        f"{shifts} hotline shifts this week (Somali, Arabic, Persian, Dari, Tigrinya, "
        "Ukrainian, Polish); questions sorted by theme, one answer translated into Somali.",
    ]
