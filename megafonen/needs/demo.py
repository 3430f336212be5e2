"""Demo data for the needs box, loaded by ``manage.py load_needs_demo`` after the core demo
(``make demo`` runs both): placements, subscriptions, answer templates, a triage receiver and a
few needs with answers, so every page has something to show."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from megafonen.core.models import District, Membership, Organisation, User
from megafonen.core.roles import Role
from megafonen.core.services import membership_grant, user_create
from megafonen.needs import codes, services
from megafonen.needs.models import (
    AnswerTemplate,
    Category,
    ContactChannel,
    Need,
    Placement,
    Subscription,
)

TRIAGE_EMAIL = "fatima.ali@demo.example.org"

PLACEMENTS = [
    ("Drottninghög bibliotek", "screen", "Drottninghög", "Biblioteket, entrén", ["sv", "ar", "so"]),
    (
        "Planteringen centrum",
        "poster",
        "Planteringen",
        "Anslagstavlan vid torget",
        ["sv", "ar", "bs"],
    ),
    ("Dalhem fritidsgård", "poster", "Dalhem", "Fritidsgården", ["sv", "so", "ti"]),
]

# organisation, categories (empty: all), districts (empty: all), triage
SUBSCRIPTIONS: list[tuple[str, list[str], list[str], bool]] = [
    ("Arbetsmarknadsförvaltningen", ["work"], [], False),
    ("Helsingborgshem", ["housing"], ["Drottninghög", "Dalhem", "Planteringen"], False),
    ("IdeA Drottninghög", ["leisure", "other"], ["Drottninghög"], False),
    ("Socialförvaltningen", [], [], True),
]

TEMPLATES: list[tuple[str | None, str, str, dict[str, str]]] = [
    (
        "Arbetsmarknadsförvaltningen",
        "Sommarjobb för unga",
        "tip",
        {
            "sv": "Hej! Staden erbjuder sommarjobb för unga mellan 16 och 19 år. Ansökan öppnar "
            "i februari på helsingborg.se/sommarjobb. Välkommen till Jobbtorget på Drottninghög "
            "om ni vill ha hjälp med ansökan.",
            "ar": "مرحباً! تقدم المدينة وظائف صيفية للشباب بين 16 و19 عاماً. يفتح التقديم في فبراير "
            "على helsingborg.se/sommarjobb. أهلاً بكم في Jobbtorget في دروتنينغهوغ إذا أردتم "
            "المساعدة في التقديم.",
            "so": "Haye! Magaaladu waxay bixisaa shaqooyin xagaa oo loogu talagalay dhallinyarada "
            "16 ilaa 19 jir ah. Codsiga wuxuu furmaa bisha Febraayo: helsingborg.se/sommarjobb.",
            "en": "Hello! The city offers summer jobs for young people aged 16 to 19. Applications "
            "open in February at helsingborg.se/sommarjobb.",
        },
    ),
    (
        None,
        "Läxhjälp på biblioteket",
        "tip",
        {
            "sv": "Biblioteket på Drottninghög har gratis läxhjälp måndag till torsdag kl 15–18.",
            "ar": "تقدم مكتبة دروتنينغهوغ مساعدة مجانية في الواجبات المدرسية من الاثنين إلى الخميس "
            "من الساعة 15 إلى 18.",
        },
    ),
]

NEEDS: list[tuple[str, str, str, str, str]] = [
    (
        "work",
        "Drottninghög",
        "ar",
        "أحتاج مساعدة في إيجاد عمل صيفي لابني البالغ من العمر 16 عاماً. لا نعرف أين نبحث.",
        "Drottninghög bibliotek",
    ),
    (
        "housing",
        "Dalhem",
        "so",
        "Gurigayaga waa yar yahay, waxaan nahay lix qof. Sideen u heli karnaa guri weyn?",
        "Dalhem fritidsgård",
    ),
    (
        "leisure",
        "Drottninghög",
        "sv",
        "Finns det någon fotbollsträning för tjejer på Drottninghög? Min dotter är 11 år.",
        "Drottninghög bibliotek",
    ),
]


@dataclass(frozen=True)
class DemoNeed:
    category: str
    language: str
    receipt_code: str


@dataclass(frozen=True)
class DemoResult:
    triage_login: tuple[str, str]
    needs: list[DemoNeed]


def _password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(3))


@transaction.atomic
def needs_demo_load() -> DemoResult:
    """Create what is missing; the needs are created once, the triage password every run."""
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    districts = {district.name: district for district in District.objects.all()}
    categories = {category.code: category for category in Category.objects.all()}
    missing = [name for name, *_rest in SUBSCRIPTIONS if name not in organisations]
    if missing:
        raise RuntimeError(f"Load the core demo first (missing: {', '.join(missing)})")

    for name, kind, district, place, languages in PLACEMENTS:
        if not Placement.objects.filter(name=name).exists():
            services.placement_create(
                name=name,
                kind=kind,
                district=districts[district],
                place=place,
                languages=languages,
            )
    for organisation_name, category_codes, district_names, triage in SUBSCRIPTIONS:
        organisation = organisations[organisation_name]
        subscription, _created = Subscription.objects.get_or_create(
            organisation=organisation, defaults={"is_triage": triage}
        )
        subscription.categories.set([categories[code] for code in category_codes])
        subscription.districts.set([districts[name] for name in district_names])
    for owner, title, kind, texts in TEMPLATES:
        AnswerTemplate.objects.update_or_create(
            title=title,
            defaults={
                "organisation": organisations[owner] if owner else None,
                "kind": kind,
                "texts": texts,
            },
        )

    password = _password()
    triage_user = User.objects.filter(email=TRIAGE_EMAIL).first()
    if triage_user is None:
        triage_user = user_create(
            email=TRIAGE_EMAIL,
            full_name="Fatima Ali",
            password=password,
            languages=["sv", "ar", "so"],
        )
    else:
        triage_user.set_password(password)
        triage_user.save(update_fields=["password"])
    social = organisations["Socialförvaltningen"]
    if not Membership.objects.filter(user=triage_user, organisation=social).exists():
        membership_grant(user=triage_user, organisation=social, role=Role.RECEIVER)

    made: list[DemoNeed] = []
    if not Need.objects.exists():
        placements = {placement.name: placement for placement in Placement.objects.all()}
        for code, district, language, text, placement in NEEDS:
            submitted = services.need_submit(
                category=categories[code],
                text=text,
                page_language=language,
                submission_key=codes.submission_key_mint(),
                district=districts[district],
                placement=placements[placement],
                contact_channel=ContactChannel.NONE,
            )
            services.need_language_detect(need_id=submitted.need.pk)
            made.append(DemoNeed(code, language, codes.receipt_format(submitted.receipt_code)))
        _answer_the_first(categories["work"])
    return DemoResult((TRIAGE_EMAIL, password), made)


def _answer_the_first(work: Category) -> None:
    need = Need.objects.filter(category=work).prefetch_related("routings").first()
    receiver = User.objects.filter(email="erik.holm@demo.example.org").first()
    template = AnswerTemplate.objects.filter(title="Sommarjobb för unga").first()
    if need is None or receiver is None or template is None:
        return
    routing = need.routings.first()
    if routing is None:
        return
    services.need_claim(need=need, routing=routing, user=receiver)
    services.need_answer(
        need=need,
        routing=routing,
        author=receiver,
        kind=template.kind,
        text=template.texts["ar"],
        language="ar",
        template=template,
    )
    Need.objects.filter(pk=need.pk).update(updated_at=timezone.now())
