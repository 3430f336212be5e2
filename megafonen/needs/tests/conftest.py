from __future__ import annotations

import pytest

from megafonen.core.testing import World
from megafonen.needs.testing import NeedsWorld, needs_world_build
from megafonen.needs.views import form_cache_clear


@pytest.fixture
def needs(world: World) -> NeedsWorld:
    return needs_world_build(world)


@pytest.fixture(autouse=True)
def _fresh_form_cache() -> None:
    # The form page is kept per process; each test sees its own categories and placements.
    form_cache_clear()
