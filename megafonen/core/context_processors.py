from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from megafonen.core.languages import direction_of


def platform(request: HttpRequest) -> dict[str, Any]:
    code = get_language() or settings.LANGUAGE_CODE
    return {
        "CITY_NAME": settings.CITY_NAME,
        "LANGUAGE_DIRECTION": direction_of(code),
    }
