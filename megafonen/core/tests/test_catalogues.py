from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command


def test_makemessages_would_not_change_any_catalogue() -> None:
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    call_command("updatecatalogues", check=True)
