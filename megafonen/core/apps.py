from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "megafonen.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf.locale import LANG_INFO
        from django.db.models.signals import post_migrate

        from megafonen.core import checks, rules  # noqa: F401  (registers checks and actions)
        from megafonen.core.languages import EXTRA_LANG_INFO
        from megafonen.core.services import cache_table_ensure, languages_sync

        for code, info in EXTRA_LANG_INFO.items():
            LANG_INFO.setdefault(code, info)
        # The default cache lives in the database; creating its table with the schema means
        # `migrate` is the only set-up step an operator needs.
        post_migrate.connect(cache_table_ensure, sender=self)
        post_migrate.connect(languages_sync, sender=self)
