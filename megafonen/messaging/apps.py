from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "megafonen.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from megafonen.messaging import rules  # noqa: F401  (registers permission actions)
