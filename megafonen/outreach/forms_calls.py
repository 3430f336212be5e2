"""Forms of call campaigns, the hotline and the question loop (staff and residents)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from megafonen.core.languages import BY_CODE
from megafonen.core.models import District, User
from megafonen.outreach.forms import ResidentForm
from megafonen.outreach.languages import enabled_codes
from megafonen.outreach.models import Call, Question, Topic


def language_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    return [(code, BY_CODE[code].endonym) for code in (codes or enabled_codes()) if code in BY_CODE]


# --- Campaigns --------------------------------------------------------------------------------
class CampaignForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        error_messages={"required": _("Choose the topic you call about.")},
    )
    title = forms.CharField(
        label=_("Name of the campaign"),
        max_length=200,
        help_text=_("For example “1 500 calls about the heat wave”."),
        error_messages={"required": _("Name the campaign.")},
    )
    goal = forms.IntegerField(
        label=_("Goal: completed calls"),
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "required": _("Write how many residents you want to reach."),
            "min_value": _("The goal is at least one call."),
            "invalid": _("Write a whole number, like 1500."),
        },
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to call in every district."),
    )
    starts_on = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose the first day."), "invalid": _("Write a date.")},
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose the last day."), "invalid": _("Write a date.")},
    )
    retention_days = forms.IntegerField(
        label=_("Days the numbers are kept after the last day"),
        min_value=1,
        max_value=365,
        help_text=_("Then every number on the list is erased; the figures stay."),
        error_messages={"invalid": _("Write a number of days.")},
    )

    def __init__(self, *args: Any, topics: list[Topic] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("retention_days", settings.OUTREACH_CALL_RETENTION_DAYS)
        kwargs["initial"].setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["languages"]).choices = language_choices()
        if topics is None:
            del self.fields["topic"]
            del self.fields["starts_on"]
        else:
            field = cast(forms.ModelChoiceField[Topic], self.fields["topic"])
            field.queryset = Topic.objects.filter(pk__in=[topic.pk for topic in topics])


class ScriptForm(forms.Form):
    opening = forms.CharField(
        label=_("Opening"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty for the standard greeting in this language."),
    )
    closing = forms.CharField(
        label=_("Closing"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        direction = BY_CODE[language].direction if language in BY_CODE else "auto"
        for field in self.fields.values():
            field.widget.attrs.update({"lang": language, "dir": direction})


PHONE_FIELD = {
    "label": _("Phone number"),
    "max_length": 40,
    "help_text": _("For example 070-123 45 67, or +44 … for a number abroad."),
    "error_messages": {"required": _("Write the phone number.")},
}


class ContactForm(forms.Form):
    phone = forms.CharField(
        **PHONE_FIELD,  # type: ignore[arg-type]
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(label=_("Language"))
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False
    )
    consent_note = forms.CharField(
        label=_("How she agreed to be called"),
        max_length=300,
        help_text=_("For example “Signed up at the library meeting on 12 May”."),
        error_messages={"required": _("Say how the resident agreed to be called.")},
    )

    def __init__(self, *args: Any, languages: list[str], districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = language_choices(languages)
        cast(forms.ModelChoiceField[District], self.fields["district"]).queryset = districts


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Call list (CSV file)"),
        help_text=_(
            "The first row names the columns: phone and language, and if you want district and "
            "consent. Save from Excel as “CSV UTF-8”."
        ),
        error_messages={"required": _("Choose the file."), "empty": _("The file is empty.")},
    )
    consent_note = forms.CharField(
        label=_("How the residents agreed to be called"),
        max_length=300,
        error_messages={"required": _("Say how the residents agreed to be called.")},
    )
    everyone_agreed = forms.BooleanField(
        label=_("Everyone on this list has agreed to be called by us about this topic."),
        error_messages={"required": _("Only residents who agreed may be on a call list.")},
    )


class RemoveForm(forms.Form):
    phone = forms.CharField(
        **PHONE_FIELD,  # type: ignore[arg-type]
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    never_call = forms.BooleanField(
        label=_("She never wants to be called again (by anyone)"), required=False
    )


class DoNotCallForm(forms.Form):
    phone = forms.CharField(
        **PHONE_FIELD,  # type: ignore[arg-type]
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class CorrectionForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose the last day."), "invalid": _("Write a date.")},
    )


# --- Logging a call ---------------------------------------------------------------------------
OPENED_SALT = "megafonen.outreach.call-opened"

CALL_BACK_CHOICES = [
    ("1h", pgettext_lazy("call back", "In an hour")),
    ("3h", pgettext_lazy("call back", "In three hours")),
    ("evening", pgettext_lazy("call back", "This evening, 18:00")),
    ("tomorrow", pgettext_lazy("call back", "Tomorrow, 10:00")),
]


def call_back_at(choice: str, now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    if choice == "3h":
        return now + timedelta(hours=3)
    if choice == "evening":
        evening = now.replace(hour=18, minute=0, second=0, microsecond=0)
        return evening if evening > now else evening + timedelta(days=1)
    if choice == "tomorrow":
        day = (now + timedelta(days=1)).date()
        return timezone.make_aware(datetime.combine(day, time(10, 0)))
    return now + timedelta(hours=1)


def opened_stamp() -> str:
    """When the call page was shown, signed: the call's length unless she writes another."""
    return signing.dumps(timezone.now().timestamp(), salt=OPENED_SALT)


def seconds_since(stamp: str) -> int | None:
    try:
        opened = float(signing.loads(stamp, salt=OPENED_SALT, max_age=6 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return max(0, int(timezone.now().timestamp() - opened))


def _minutes_label(minutes: int) -> str:
    return pgettext("call length", "%(minutes)s min") % {"minutes": minutes}


_minutes_label_lazy = lazy(_minutes_label, str)

MINUTE_CHOICES = [
    ("", pgettext_lazy("call length", "Time since you opened this page")),
    *[
        (str(minutes), _minutes_label_lazy(minutes))
        for minutes in (1, 2, 3, 5, 10, 15, 20, 30, 45, 60)
    ],
]


class CallDetailsForm(forms.Form):
    """What happened, and for a reached call what she asked and needs. Every field but the
    outcome (the button she presses) is optional, so an unanswered call is one tap."""

    log_key = forms.UUIDField(widget=forms.HiddenInput)
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(
        choices=Call.Outcome.choices,
        error_messages={"required": _("Choose what happened.")},
    )
    # A list, not a number field: one tap on a phone, and Enter cannot send the form.
    minutes = forms.TypedChoiceField(
        label=_("How long you talked"),
        choices=MINUTE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    questions = forms.CharField(
        label=_("Her questions (one per line, any language)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    questions_language = forms.ChoiceField(label=_("Questions written in"), required=False)
    wants_answer = forms.BooleanField(
        label=_("She wants the answer by text message"), required=False
    )
    need_text = forms.CharField(
        label=_("A need you heard"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    need_category = forms.ChoiceField(label=_("Kind of need"), required=False)
    need_consent = forms.BooleanField(
        label=_("She agrees that we pass the need on to the needs box (without her name)"),
        required=False,
    )
    follow_up = forms.BooleanField(label=_("She wants someone to follow up"), required=False)
    send_sms = forms.BooleanField(
        label=_("Text her the same message in her language"), required=False
    )
    call_back = forms.ChoiceField(
        label=_("Call back"), choices=CALL_BACK_CHOICES, required=False, initial="1h"
    )
    never_call_again = forms.BooleanField(
        label=_("She never wants to be called again"), required=False
    )

    def __init__(
        self,
        *args: Any,
        language: str = "sv",
        categories: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("log_key", uuid.uuid4())
        kwargs["initial"].setdefault("opened", opened_stamp())
        kwargs["initial"].setdefault("questions_language", language)
        super().__init__(*args, **kwargs)
        codes = list(dict.fromkeys([language, "sv"]))
        cast(forms.ChoiceField, self.fields["questions_language"]).choices = language_choices(codes)
        if categories:
            cast(forms.ChoiceField, self.fields["need_category"]).choices = [
                ("", pgettext_lazy("need category", "Choose…")),
                *categories,
            ]
        else:
            del self.fields["need_category"]

    def duration_seconds(self) -> int | None:
        minutes = self.cleaned_data.get("minutes")
        if minutes is not None:
            return int(minutes) * 60
        return seconds_since(self.cleaned_data.get("opened") or "")

    def question_lines(self) -> list[tuple[str, str]]:
        language = self.cleaned_data.get("questions_language") or "sv"
        return [
            (line.strip(), language)
            for line in (self.cleaned_data.get("questions") or "").splitlines()
            if line.strip()
        ]


class InboundCallForm(CallDetailsForm):
    """A hotline call: always reached; which topic, which language, where."""

    topic = forms.ModelChoiceField(
        label=_("What the call was about"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=pgettext_lazy("hotline topic", "Something else"),
    )
    language = forms.ChoiceField(
        label=_("Language of the call"), error_messages={"required": _("Choose a language.")}
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args: Any, topics: list[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("outcome", "call_back", "never_call_again", "send_sms", "wants_answer"):
            del self.fields[name]
        cast(forms.ModelChoiceField[Topic], self.fields["topic"]).queryset = Topic.objects.filter(
            pk__in=[topic.pk for topic in topics]
        )
        cast(forms.ChoiceField, self.fields["language"]).choices = language_choices()
        cast(forms.ChoiceField, self.fields["questions_language"]).choices = language_choices()
        self.order_fields(["topic", "language", "district", "minutes"])


# --- The hotline ------------------------------------------------------------------------------
class ShiftForm(forms.Form):
    ambassador = forms.ModelChoiceField(
        label=_("Ambassador"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose who answers.")},
    )
    language = forms.ChoiceField(
        label=_("Language"), error_messages={"required": _("Choose a language.")}
    )
    day = forms.DateField(
        label=_("Day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose the day."), "invalid": _("Write a date.")},
    )
    starts = forms.TimeField(
        label=_("From"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("Write when the shift starts."),
            "invalid": _("Write a time, like 10:00."),
        },
    )
    ends = forms.TimeField(
        label=_("Until"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("Write when the shift ends."),
            "invalid": _("Write a time, like 14:00."),
        },
    )

    def __init__(self, *args: Any, ambassadors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[User], self.fields["ambassador"]).queryset = ambassadors
        cast(forms.ChoiceField, self.fields["language"]).choices = language_choices()

    def period(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        return (
            timezone.make_aware(datetime.combine(day, self.cleaned_data["starts"])),
            timezone.make_aware(datetime.combine(day, self.cleaned_data["ends"])),
        )


# --- Questions --------------------------------------------------------------------------------
class PartnerQuestionForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        error_messages={"required": _("Choose the topic.")},
    )
    text = forms.CharField(
        label=_("The question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        error_messages={"required": _("Write the question.")},
    )
    text_language = forms.ChoiceField(label=_("Written in"))
    language = forms.ChoiceField(label=_("The resident's language"))

    def __init__(self, *args: Any, topics: list[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Topic], self.fields["topic"]).queryset = Topic.objects.filter(
            pk__in=[topic.pk for topic in topics]
        )
        for name in ("text_language", "language"):
            cast(forms.ChoiceField, self.fields[name]).choices = language_choices()


class AnswerForm(forms.Form):
    title = forms.CharField(
        label=_("The question, as the city words it (Swedish)"),
        max_length=300,
        error_messages={"required": _("Write the question.")},
    )
    lead = forms.CharField(
        label=_("The answer (Swedish)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Short and plain: it is what text messages carry."),
        error_messages={"required": _("Write the answer.")},
    )
    body = forms.CharField(
        label=_("More about it"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    send_to_subscribers = forms.BooleanField(
        label=_("Also send it to the topic's subscribers"), required=False
    )


class AskForm(ResidentForm):
    """A resident's question on the topic page: anonymous unless she wants the answer."""

    text = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("In any language. Do not write your name or other personal details."),
        error_messages={
            "required": _("Write your question."),
            "max_length": _("Keep the question under %(limit_value)s characters."),
        },
    )
    reply_channel = forms.ChoiceField(
        label=_("Do you want the answer sent to you?"),
        choices=Question.Reply.choices,
        widget=forms.RadioSelect,
        initial=Question.Reply.NONE,
        error_messages={"required": _("Choose whether you want the answer sent to you.")},
    )
    reply_to = forms.CharField(
        label=_("Your mobile number or e-mail address"),
        max_length=254,
        required=False,
        help_text=_("Only if you want the answer sent. We erase it when the answer is sent."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["text", "reply_channel", "reply_to", "website", "form_key"])
