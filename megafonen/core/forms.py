from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from megafonen.core import lockout


class SignInForm(AuthenticationForm):
    """E-mail and password, refused with a clear message while locked out."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={
            "required": _("Write your e-mail address."),
            "invalid": _("Write a whole e-mail address, like name@example.org."),
        },
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Write your password.")},
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is wrong. Check both and try again."
        ),
        "inactive": _("This account is closed. Ask a city administrator for help."),
        "locked": _(
            "Too many failed attempts. For your security, signing in with this account is "
            "blocked for %(minutes)s minutes."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            if lockout.is_locked(username, self.request):
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                )
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                if lockout.is_locked(username, self.request):
                    raise forms.ValidationError(
                        self.error_messages["locked"],
                        code="locked",
                        params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                    )
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
