from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from megafonen.outreach import selectors
from megafonen.outreach.models import Topic, Translation


@pytest.mark.django_db
def test_the_outreach_demo_loads_once_and_tells_its_story(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_outreach_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_outreach_demo", stdout=out)
    assert "Värmebölja" in out.getvalue()
    heat = Topic.objects.get(slug="varmebolja")
    current = selectors.current_version(heat)
    assert current is not None and current.number == 2
    assert selectors.approved_translation(current, "ar") is not None
    stale = Translation.objects.get(language="so", bulletin__isnull=False)
    assert selectors.translation_is_stale(stale)
    assert "Inget kranvatten i Söder på tisdag" in client.get("/sv/topics/").content.decode()
    somali = client.get("/so/topics/varmebolja/").content.decode()
    article = somali[somali.index("<article") : somali.index("</article>")]
    assert "kulayl" not in article.lower()  # stale: the bulletin is shown in Swedish
    again = StringIO()
    call_command("load_outreach_demo", stdout=again)
    assert "already loaded" in again.getvalue()


@pytest.mark.django_db
def test_the_demo_has_a_call_campaign_hotline_shifts_questions_and_an_answer(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    from megafonen.outreach import selectors_calls
    from megafonen.outreach.models import (
        Answer,
        Call,
        CallCampaign,
        HotlineShift,
        Question,
        Translation,
    )

    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_outreach_demo", stdout=out)
    assert "1 500 samtal om värmen" in out.getvalue()
    campaign = CallCampaign.objects.get(title="1 500 samtal om värmen")
    assert campaign.goal == 1500 and campaign.partner.slug == "stadsdelsmammor-hbg"
    progress = selectors_calls.campaign_progress(campaign)
    assert progress.reached >= 10 and Call.objects.filter(outcome="no_answer").exists()
    # Residents called with version 1 need a correction now that version 2 is out.
    assert selectors_calls.correction_candidates(campaign.topic, None).exists()
    languages = set(HotlineShift.objects.values_list("language", flat=True))
    assert {"so", "ar", "fa", "prs", "ti"} <= languages and {"uk", "pl"} & languages
    assert HotlineShift.objects.filter(ambassador__email__startswith="olena.").exists()
    assert Question.objects.filter(status="open").exists()
    answer = Answer.objects.get()
    assert Translation.objects.get(answer=answer).status == "approved"
    hotline = client.get("/so/topics/hotline/").content.decode()
    assert 'lang="ti" dir="ltr">ትግርኛ</span>' in hotline
