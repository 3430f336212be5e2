"""Forms of the needs box. Every field has its own messages in plain words; a form with errors
keeps everything the person typed."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from megafonen.core.languages import BY_CODE
from megafonen.core.models import District, Organisation
from megafonen.messaging.phone import phone_normalise
from megafonen.needs.icons import ICON_CHOICES
from megafonen.needs.models import (
    ANSWER_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    AnswerTemplate,
    Category,
    ContactChannel,
    NeedStatus,
    Placement,
)
from megafonen.needs.translations import enabled_codes

TEXT_MIN_LENGTH = 10
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|javascript\s*:", re.IGNORECASE)
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _language_choices() -> list[tuple[str, str]]:
    return [(code, BY_CODE[code].endonym) for code in enabled_codes()]


def plain_text_validate(value: str) -> None:
    """Text from a person: no binary data, no markup (it would be shown as text anyway, but a
    resident who pasted code deserves to know it will not work as code)."""
    if any(
        (unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"} and char not in _ALLOWED_CONTROLS)
        or char == "\ufffd"
        for char in value
    ):
        raise ValidationError(
            _(
                "The text has characters that are not letters, numbers or punctuation, perhaps "
                "from a file. Write or paste plain text only."
            ),
            code="binary",
        )
    if _MARKUP.search(value):
        raise ValidationError(
            _(
                "Write your need as ordinary text, without code or web page markup such as "
                "<script>."
            ),
            code="markup",
        )


class DescribedFieldsMixin:
    """Points each input at its hint and errors (aria-describedby), for screen readers."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._describe()

    def _describe(self) -> None:
        form: Any = self
        for name, field in form.fields.items():
            bound = form[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if form.is_bound and name in form.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


# --- The resident's form -----------------------------------------------------------------------
class NeedForm(DescribedFieldsMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("What is your need about?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what your need is about."),
            "invalid_choice": _("Choose one of the subjects in the list."),
        },
    )
    text = forms.CharField(
        label=_("Your need, in your own words"),
        help_text=_("Write in the language you know best. At most 5,000 characters."),
        min_length=TEXT_MIN_LENGTH,
        max_length=TEXT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": TEXT_MAX_LENGTH}),
        validators=[plain_text_validate],
        error_messages={
            "required": _("Write your need in the box, in your own words."),
            "min_length": _("Tell us a little more: write at least a few words."),
            "max_length": _(
                "Your text is too long: %(show_value)d characters. The box holds at most "
                "%(limit_value)d. Shorten it a little; nothing else you wrote is lost."
            ),
            "null_characters_not_allowed": _(
                "The text has characters that are not letters, numbers or punctuation, "
                "perhaps from a file. Write or paste plain text only."
            ),
        },
    )
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        help_text=_("Where you live or where the need is. You can leave it empty."),
        error_messages={"invalid_choice": _("Choose a district from the list, or none.")},
    )
    contact = forms.ChoiceField(
        label=_("Do you want us to contact you?"),
        choices=[
            (ContactChannel.NONE.value, _("No, I stay anonymous")),
            (ContactChannel.SMS.value, _("Yes, by text message")),
            (ContactChannel.EMAIL.value, _("Yes, by e-mail")),
        ],
        initial=ContactChannel.NONE.value,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether you want us to contact you."),
            "invalid_choice": _("Choose one of the ways in the list."),
        },
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": _("A phone number has at most 32 characters.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Write a whole e-mail address, like name@example.org."),
            "max_length": _("An e-mail address has at most 254 characters."),
        },
    )
    contact_language = forms.ChoiceField(
        label=_("Language we should contact you in"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the languages in the list.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the city keeps my phone number or e-mail address to answer me, and "
            "deletes it afterwards."
        ),
        required=False,
    )
    # A honeypot: people never see it (hidden by CSS and from screen readers); simple robots
    # fill in every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)
    placement = forms.CharField(widget=forms.HiddenInput, required=False, max_length=12)

    def __init__(
        self,
        *args: Any,
        categories: list[Category],
        districts: list[District],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {category.code: category for category in categories}
        self.districts = {district.slug: district for district in districts}
        choice_field(self, "category").choices = [
            (category.code, category.name(language)) for category in categories
        ]
        choice_field(self, "district").choices = [("", pgettext_lazy("district", "Not given"))] + [
            (district.slug, district.name) for district in districts
        ]
        choice_field(self, "contact_language").choices = _language_choices()
        self.fields["contact_language"].initial = language

    @property
    def category_choices(self) -> list[tuple[str, str]]:
        return list(cast(Any, choice_field(self, "category").choices))

    @property
    def contact_choices(self) -> list[tuple[str, str]]:
        return list(cast(Any, choice_field(self, "contact").choices))

    def clean_phone(self) -> str:
        raw: str = self.cleaned_data.get("phone", "")
        if not raw or self.data.get("contact") != ContactChannel.SMS:
            return raw
        return phone_normalise(raw, mobile_only=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise ValidationError(
                _(
                    "We could not accept the form. If you are a person, empty the field "
                    "“Leave this field empty” and send again."
                ),
                code="honeypot",
            )
        contact = data.get("contact")
        if contact == ContactChannel.SMS and not self.errors.get("phone") and not data.get("phone"):
            self.add_error("phone", _("Write your mobile number, or choose to stay anonymous."))
        if contact == ContactChannel.EMAIL and not self.errors.get("email"):
            if not data.get("email"):
                self.add_error(
                    "email", _("Write your e-mail address, or choose to stay anonymous.")
                )
        if contact in {ContactChannel.SMS, ContactChannel.EMAIL} and not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "To be contacted, tick that you agree that we keep your contact details. "
                    "Or choose to stay anonymous."
                ),
            )
        return data

    @property
    def category_object(self) -> Category:
        return self.categories[self.cleaned_data["category"]]

    @property
    def district_object(self) -> District | None:
        return self.districts.get(self.cleaned_data.get("district") or "")

    @property
    def contact_address(self) -> str:
        contact = self.cleaned_data.get("contact")
        if contact == ContactChannel.SMS:
            return str(self.cleaned_data["phone"])
        if contact == ContactChannel.EMAIL:
            return str(self.cleaned_data["email"]).strip().lower()
        return ""


class ReceiptLookupForm(DescribedFieldsMixin, forms.Form):
    """The follow-up page's GET form: a receipt code in the query string."""

    code = forms.CharField(
        label=_("Receipt code"),
        help_text=_("Nine letters and numbers, for example K7M-29Q-XT4."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Write the receipt code you got when you sent your need."),
            "max_length": _("A receipt code has nine letters and numbers, like K7M-29Q-XT4."),
        },
    )


class AdditionForm(DescribedFieldsMixin, forms.Form):
    text = forms.CharField(
        label=_("Add information to your need"),
        min_length=2,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX_LENGTH}),
        validators=[plain_text_validate],
        error_messages={
            "required": _("Write what you want to add."),
            "min_length": _("Write what you want to add."),
            "max_length": _(
                "Your text is too long: %(show_value)d characters. At most %(limit_value)d."
            ),
        },
    )


# --- Staff forms -------------------------------------------------------------------------------
class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    language = forms.ChoiceField(label=_("Language of the need"), required=False)
    claimed = forms.ChoiceField(
        label=_("Taken by"),
        required=False,
        choices=[
            ("", _("Anyone or no one")),
            ("mine", _("Me")),
            ("unclaimed", _("No one yet")),
        ],
    )
    closed = forms.BooleanField(label=_("Show closed needs too"), required=False)

    def __init__(
        self, *args: Any, categories: list[Category], districts: list[District], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("All"))]
        choice_field(self, "status").choices = everything + list(NeedStatus.choices)
        choice_field(self, "category").choices = everything + [
            (category.code, category.name()) for category in categories
        ]
        choice_field(self, "district").choices = everything + [
            (district.slug, district.name) for district in districts
        ]
        choice_field(self, "language").choices = everything + _language_choices()


class AnswerForm(DescribedFieldsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of answer"),
        choices=AnswerTemplate.Kind.choices,
        widget=forms.RadioSelect,
        initial=AnswerTemplate.Kind.TIP,
        error_messages={"required": _("Choose whether this is a tip or an offer of help.")},
    )
    language = forms.ChoiceField(
        label=_("Language of your answer"),
        help_text=_("Answer in the resident's language if you can: a template may have it."),
        error_messages={"required": _("Choose the language you write in.")},
    )
    text = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[plain_text_validate],
        error_messages={
            "required": _("Write your answer."),
            "max_length": _("The answer is too long: at most %(limit_value)d characters."),
        },
    )
    template = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "language").choices = _language_choices()


class CloseForm(DescribedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the need closed? Written for the resident"),
        help_text=_("She reads this on her follow-up page. Be kind and say what she can do now."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[plain_text_validate],
        error_messages={
            "required": _("Write a reason for the resident."),
            "max_length": _("The reason is too long: at most %(limit_value)d characters."),
        },
    )
    language = forms.ChoiceField(label=_("Language of the reason"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "language").choices = _language_choices()


class ForwardForm(DescribedFieldsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Send the need on to"),
        queryset=Organisation.objects.active(),
        error_messages={
            "required": _("Choose an organisation."),
            "invalid_choice": _("Choose an organisation from the list."),
        },
    )
    reason = forms.CharField(
        label=_("Why (for the staff who receive it)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(DescribedFieldsMixin, forms.Form):
    """Reporting or moderating a need: the reason is kept in the need's history."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write the reason: it is kept in the need's history."),
            "max_length": _("The reason is too long: at most %(limit_value)d characters."),
        },
    )


class PlacementForm(DescribedFieldsMixin, forms.ModelForm[Placement]):
    languages = forms.MultipleChoiceField(
        label=_("Languages on the poster"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The call to action is printed in these languages, in this order."),
        error_messages={
            "required": _("Choose at least one language."),
            "invalid_choice": _("Choose languages from the list."),
        },
    )

    class Meta:
        model = Placement
        fields = ["name", "kind", "district", "place", "languages", "is_active"]
        error_messages = {
            "name": {"required": _("Give the placement a name.")},
            "place": {"required": _("Say where it hangs or stands.")},
            "district": {"required": _("Choose the district.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "languages").choices = _language_choices()
        self.fields["district"].queryset = District.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if not self.instance.pk:
            self.fields["languages"].initial = [
                code for code in ("sv", "ar", "so", "en") if code in enabled_codes()
            ]


class AnswerTemplateForm(DescribedFieldsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give the template a title.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AnswerTemplate.Kind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Empty: shared with every receiver (city administrators only)."),
    )

    def __init__(self, *args: Any, organisations: Any, may_share: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        field.required = not may_share
        field.error_messages["required"] = _("Choose your organisation.")
        for code, name in _language_choices():
            self.fields[f"text_{code}"] = forms.CharField(
                label=name,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                validators=[plain_text_validate],
                widget=forms.Textarea(attrs={"rows": 3, "lang": code, "dir": "auto"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"text_{code}") for code in enabled_codes()):
            raise ValidationError(_("Write the template in at least one language."))
        return data

    @property
    def texts(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"text_{code}"]
            for code in enabled_codes()
            if self.cleaned_data.get(f"text_{code}")
        }


class _CategoryAdminFormBase(forms.ModelForm[Category]):
    """One field per language instead of raw JSON, in the administration site."""

    icon = forms.ChoiceField(label=_("Icon"), choices=ICON_CHOICES)

    class Meta:
        model = Category
        fields = ["code", "icon", "order", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in enabled_codes():
            self.fields[f"name_{code}"].initial = (self.instance.names or {}).get(code, "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = {code: data.get(f"name_{code}", "") for code in enabled_codes()}
        if all(names.values()):  # otherwise the empty field already carries its message
            self.instance.names = {**(self.instance.names or {}), **names}
        return data

    def _post_clean(self) -> None:
        errors = cast(Any, self)._errors
        if any(f"name_{code}" in errors for code in enabled_codes()):
            return  # a missing name has its message already; the model would only repeat it
        super()._post_clean()  # type: ignore[misc]


# The admin site needs the language fields declared on the class, so the class is built from
# the enabled languages when the settings are read.
CategoryAdminForm: type[forms.ModelForm[Category]] = type(
    "CategoryAdminForm",
    (_CategoryAdminFormBase,),
    {
        f"name_{code}": forms.CharField(
            label=f"{BY_CODE[code].endonym} ({BY_CODE[code].english_name})",
            max_length=80,
            error_messages={"required": _("Write the name in this language.")},
        )
        for code in enabled_codes()
    },
)
