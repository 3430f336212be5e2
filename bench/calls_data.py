"""Data for bench_calls.py, run inside a served database by ``Server.python``."""

from __future__ import annotations

import json
import random
import secrets
import time
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.test import Client
from django.utils import timezone

from megafonen.core.models import District, User
from megafonen.core.roles import Role
from megafonen.core.services import membership_grant, user_create
from megafonen.core.testing import TEST_PASSWORD, world_build
from megafonen.outreach import services
from megafonen.outreach.models import Call, CallCampaign, CallContact, Topic
from megafonen.outreach.phones import phone_hash
from megafonen.outreach.testing import levels_ensure, topic_with_version
from megafonen.outreach.testing_calls import campaign_open

LANGUAGES = ["so", "ar", "fa", "ti"]
OUTCOMES = ["reached"] * 6 + ["no_answer"] * 3 + ["call_back", "declined", "wrong_number"]
QUESTION = "Kan min mamma ha sin medicin i kylen när det är så varmt?"


def _session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def prepare(ambassadors: int, calls_each: int) -> None:
    """The test world, a published topic, a campaign of the District Mothers at level 3 in four
    languages, ``ambassadors`` ambassadors with ``calls_each`` residents assigned to each (as
    if each had pressed "Next call"), and one line per call to log for wrk: the ambassador's
    session cookie, the call's address and the form as her phone sends it."""
    started = time.monotonic()
    world = world_build()
    levels = levels_ensure()
    topic, _version = topic_with_version(
        author=world.communicator, approver=world.second_communicator
    )
    services.partner_level_set(
        actor=world.communicator, topic=topic, organisation=world.partner, level=levels[3]
    )
    campaign = campaign_open(
        actor=world.coordinator,
        topic=topic,
        partner=world.partner,
        languages=LANGUAGES,
        districts=[world.drottninghog, world.fredriksdal],
        goal=ambassadors * calls_each,
    )
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    lines = []
    now = timezone.now()
    for index in range(ambassadors):
        ambassador = user_create(
            email=f"ambassador{index}@test.example.org",
            full_name=f"Ambassador {index}",
            password=TEST_PASSWORD,
            languages=LANGUAGES,
        )
        membership_grant(user=ambassador, organisation=world.partner, role=Role.AMBASSADOR)
        cookie = f"sessionid={_session_cookie(ambassador)}; csrftoken={csrf}"
        contacts = []
        for number in range(calls_each):
            e164 = f"+4670{index:03d}{number:05d}"
            contacts.append(
                CallContact(
                    campaign=campaign,
                    partner=world.partner,
                    phone=e164,
                    phone_hash=phone_hash(e164),
                    language=LANGUAGES[number % len(LANGUAGES)],
                    district=world.drottninghog if number % 2 else world.fredriksdal,
                    consent_note="Anmälde sig på mötet i biblioteket",
                    added_by=world.coordinator,
                    status=CallContact.Status.ASSIGNED,
                    assigned_to=ambassador,
                    assigned_at=now,
                )
            )
        for contact in CallContact.objects.bulk_create(contacts, batch_size=1000):
            form = {
                "csrfmiddlewaretoken": csrf,
                "log_key": str(uuid.uuid4()),
                "outcome": "reached",
                "minutes": "5",
                "questions_language": contact.language,
            }
            if contact.pk % 3 == 0:
                form["questions"] = QUESTION
            lines.append(
                "\t".join([cookie, f"/sv/topics/staff/calls/call/{contact.pk}/", urlencode(form)])
            )
    random.Random(5).shuffle(lines)
    print(
        json.dumps(
            {
                "campaign": campaign.pk,
                "lines": lines,
                "seconds": time.monotonic() - started,
            }
        )
    )


def million(count: int) -> None:
    """``count`` logged calls over twelve weeks, two partners, four languages and two
    districts, written straight into the call log, then the tallies rebuilt from it as
    ``manage.py rebuild_call_tallies`` does."""
    from megafonen.outreach.tallies import tallies_rebuild

    started = time.monotonic()
    campaign = CallCampaign.objects.get()
    ambassadors = list(User.objects.filter(email__startswith="ambassador"))
    districts = list(District.objects.all()[:2])
    topic = Topic.objects.get()
    now = timezone.now()
    randomly = random.Random(7)
    batch = []
    for index in range(count):
        batch.append(
            Call(
                log_key=uuid.uuid4(),
                direction=Call.Direction.OUTBOUND,
                campaign=campaign,
                topic=topic,
                partner_id=campaign.partner_id,
                ambassador=ambassadors[index % len(ambassadors)],
                outcome=OUTCOMES[index % len(OUTCOMES)],
                language=LANGUAGES[index % len(LANGUAGES)],
                district=districts[index % len(districts)],
                duration_seconds=randomly.randint(30, 900),
                called_at=now - timedelta(minutes=randomly.randint(0, 12 * 7 * 24 * 60)),
            )
        )
        if len(batch) == 10_000:
            Call.objects.bulk_create(batch)
            batch = []
    Call.objects.bulk_create(batch)
    inserted = time.monotonic()
    rows = tallies_rebuild()
    print(
        json.dumps(
            {
                "calls": Call.objects.count(),
                "tally_rows": rows,
                "insert_seconds": inserted - started,
                "rebuild_seconds": time.monotonic() - inserted,
            }
        )
    )


def figures_cookies() -> None:
    """Session cookies of a city communicator and of the campaign's partner coordinator."""
    communicator = User.objects.get(email="carl.communicator@test.example.org")
    coordinator = CallCampaign.objects.get().created_by
    print(
        json.dumps(
            {
                "city": f"sessionid={_session_cookie(communicator)}",
                "partner": f"sessionid={_session_cookie(coordinator)}",
            }
        )
    )


def queries(path: str, who: str) -> None:
    """How many SQL statements one request to ``path`` takes, signed in as ``who``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    email = {
        "city": "carl.communicator@test.example.org",
        "partner": CallCampaign.objects.get().created_by.email,
    }.get(who, who)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    client.get(path)  # the first request fills the per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    print(json.dumps({"status": response.status_code, "queries": len(captured)}))


def log_queries() -> None:
    """SQL statements of logging one reached call with a question, through the real view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contact = CallContact.objects.filter(status=CallContact.Status.ASSIGNED).first()
    assert contact is not None and contact.assigned_to is not None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(contact.assigned_to)
    path = f"/sv/topics/staff/calls/call/{contact.pk}/"
    form = {
        "log_key": str(uuid.uuid4()),
        "outcome": "reached",
        "minutes": "5",
        "questions": QUESTION,
        "questions_language": contact.language,
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, form)
    print(json.dumps({"status": response.status_code, "queries": len(captured)}))
