from __future__ import annotations

import secrets
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from megafonen.core.languages import BY_CODE
from megafonen.core.models import Organisation
from megafonen.core.roles import OrganisationKind
from megafonen.messaging.models import Channel
from megafonen.outreach.languages import target_languages
from megafonen.outreach.models import (
    CapCategory,
    CapCertainty,
    CapSeverity,
    CapUrgency,
    SupportLevel,
)

REQUIRED_TITLE = {"required": _("Write a title.")}
REQUIRED_LEAD = {"required": _("Write a short summary: it is what text messages carry.")}


# --- Staff ------------------------------------------------------------------------------------
class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Title (Swedish)"),
        max_length=200,
        help_text=_("For example “Värmebölja” or “Vattenavstängning i Söder”."),
        error_messages={
            "required": _("Write the topic's title."),
            "max_length": _("Keep the title under %(limit_value)s characters."),
        },
    )
    administration = forms.ModelChoiceField(
        label=_("Responsible administration"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose the administration that answers for the topic.")},
    )
    area_description = forms.CharField(
        label=_("Area"),
        max_length=200,
        initial="Helsingborg",
        error_messages={"required": _("Write where it applies, for example “Helsingborg”.")},
    )
    cap_category = forms.ChoiceField(label=_("Kind of event"), choices=CapCategory.choices)
    cap_urgency = forms.ChoiceField(
        label=_("Urgency"), choices=CapUrgency.choices, initial=CapUrgency.EXPECTED
    )
    cap_severity = forms.ChoiceField(
        label=_("Severity"), choices=CapSeverity.choices, initial=CapSeverity.MODERATE
    )
    cap_certainty = forms.ChoiceField(
        label=_("Certainty"), choices=CapCertainty.choices, initial=CapCertainty.LIKELY
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = Organisation.objects.active().filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.CITY_ADMINISTRATION
        )


class BulletinForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages=REQUIRED_TITLE)
    lead = forms.CharField(
        label=_("Summary"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three plain sentences. Text messages carry the title and this."),
        error_messages={
            **REQUIRED_LEAD,
            "max_length": _("Keep the summary under %(limit_value)s characters."),
        },
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Leave an empty line between paragraphs."),
    )
    instruction = forms.CharField(
        label=_("What residents should do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What needs changing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what needs changing.")},
    )


class PartnerLevelForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose a partner.")},
    )
    level = forms.ModelChoiceField(
        label=_("Level"),
        queryset=SupportLevel.objects.none(),
        required=False,
        empty_label=pgettext_lazy("partner level", "No level: the partner leaves the topic"),
    )
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.active().filter(  # type: ignore[attr-defined]
            kind__in=[OrganisationKind.CIVIL_SOCIETY_PARTNER, OrganisationKind.ASSOCIATION]
        )
        self.fields["level"].queryset = SupportLevel.objects.filter(is_active=True)  # type: ignore[attr-defined]


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, error_messages=REQUIRED_TITLE)
    lead = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=REQUIRED_LEAD,
    )
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    instruction = forms.CharField(
        label=_("What residents should do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        direction = BY_CODE[language].direction if language in BY_CODE else "auto"
        for field in self.fields.values():
            field.widget.attrs.update({"lang": language, "dir": direction})


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("approve", _("Approve")),
            ("changes", _("Send back for changes")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or send back.")},
    )
    note = forms.CharField(
        label=_("Note to the translator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you send it back."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "changes" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what needs changing."))
        return cleaned


class GlossaryTermForm(forms.Form):
    term = forms.CharField(
        label=_("Swedish term"),
        max_length=120,
        error_messages={"required": _("Write the Swedish term.")},
    )
    translation = forms.CharField(
        label=_("Translation"),
        max_length=200,
        error_messages={"required": _("Write how the term is said in this language.")},
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RecordingForm(forms.Form):
    recording = forms.FileField(
        label=_("Recording"),
        help_text=_("An MP3, M4A, OGG, WAV or WebM file of you reading the approved translation."),
        error_messages={
            "required": _("Choose the file with your recording."),
            "empty": _("The file is empty."),
        },
    )


class SourceFetchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to fetch"),
        choices=[("news", _("News")), ("vma", _("Public warnings (VMA)"))],
        widget=forms.RadioSelect,
        initial="vma",
    )


# --- Residents --------------------------------------------------------------------------------
FORM_KEY_SALT = "megafonen.outreach.form-key"
FORM_KEY_MAX_AGE = 2 * 3600
FORM_EXPIRED = _(
    "This form was open too long or was already sent. Check your details and send it again."
)


def form_key_new() -> str:
    """A signed, single-use key for a resident form: instead of a CSRF cookie (resident pages
    set none), it proves the form came from our page and stops the same post twice."""
    return signing.dumps({"nonce": secrets.token_urlsafe(12)}, salt=FORM_KEY_SALT)


def form_key_spend(key: str) -> bool:
    try:
        payload = signing.loads(key, salt=FORM_KEY_SALT, max_age=FORM_KEY_MAX_AGE)
    except signing.BadSignature:
        return False
    nonce = payload.get("nonce") if isinstance(payload, dict) else None
    if not isinstance(nonce, str):
        return False
    return bool(cache.add(f"outreach:form-key:{nonce}", 1, timeout=FORM_KEY_MAX_AGE + 60))


class ResidentForm(forms.Form):
    form_key = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people (and from screen readers), filled in by bots.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Spent even when another field is wrong: the page is shown again with a new key.
        if not form_key_spend(str(cleaned.get("form_key") or "")):
            raise forms.ValidationError(FORM_EXPIRED, code="form_key")
        return cleaned


class SubscribeForm(ResidentForm):
    channel = forms.ChoiceField(
        label=_("How do you want the news?"),
        choices=[(Channel.SMS, _("Text message")), (Channel.EMAIL, _("E-mail"))],
        widget=forms.RadioSelect,
        initial=Channel.SMS,
        error_messages={"required": _("Choose text message or e-mail.")},
    )
    contact = forms.CharField(
        label=_("Your mobile number or e-mail address"),
        max_length=254,
        help_text=_("For example 070-123 45 67 or name@example.org."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Write your mobile number or your e-mail address.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the news"),
        error_messages={"required": _("Choose a language.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            (code, BY_CODE[code].endonym) for code, _name in settings.LANGUAGES
        ]
        self.order_fields(["channel", "contact", "language", "website", "form_key"])


class ConfirmForm(ResidentForm):
    code = forms.CharField(
        label=_("The code you got"),
        max_length=12,
        help_text=_("Six digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Write the code from the message.")},
    )


class UnsubscribeForm(ResidentForm):
    pass


def target_language_choices() -> list[tuple[str, str]]:
    return [(language.code, language.endonym) for language in target_languages()]
