"""Loaded by pytest (``-p megafonen.core.testing_env``) before Django reads its settings.

Tasks run at once, inside the test, so a test sees their effects, and static files are read
from the apps (no `collectstatic`); everything else keeps the defaults an operator would get.
"""

from __future__ import annotations

import os

os.environ.setdefault("TASK_BACKEND", "immediate")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("STATIC_MANIFEST", "0")
