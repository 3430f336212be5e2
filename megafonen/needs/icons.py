"""Icons for need categories: small inline SVG paths (24×24), drawn for this app, so the form
needs no extra request and no image library. Administrators choose one per category."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ICON_PATHS: dict[str, str] = {
    "work": "M9 3h6a2 2 0 0 1 2 2v2h3a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V9a2 2 0 0 "
    "1 2-2h3V5a2 2 0 0 1 2-2zm0 4h6V5H9v2zm-5 4v8h16v-8H4z",
    "leisure": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 0 1 6.9 4H15l-3-2-3 2H5.1A8 "
    "8 0 0 1 12 4zm-8 8c0-.7.1-1.3.2-2h3.6l1.2 4-2 3A8 8 0 0 1 4 12zm8 8a8 8 0 0 1-3.6-.9l2-3h3.2"
    "l2 3A8 8 0 0 1 12 20zm5-2.1-2-3 1.2-4.9h3.6a8 8 0 0 1-2.8 7.9z",
    "housing": "M12 3 2 11h3v10h6v-6h2v6h6V11h3L12 3zm0 2.6 5 4V19h-2v-6H9v6H7V9.6l5-4z",
    "other": "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 "
    "2v11h2v2l2.5-2H20V5H4zm3 4h2v2H7V9zm4 0h2v2h-2V9zm4 0h2v2h-2V9z",
    "school": "M12 3 1 9l11 6 9-4.9V17h2V9L12 3zm0 2.3L18.8 9 12 12.7 5.2 9 12 5.3zM5 13.2V17"
    "c0 1.7 3.1 4 7 4s7-2.3 7-4v-3.8l-2 1.1V17c-.3.6-2.2 2-5 2s-4.7-1.4-5-2v-2.7l-2-1.1z",
    "health": "M12 21s-8-5.2-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 5.8-8 11-8 11zm0-2.5"
    "c2.6-1.9 6-5.1 6-8.5a2.5 2.5 0 0 0-5-.3h-2A2.5 2.5 0 0 0 6 10c0 3.4 3.4 6.6 6 8.5z",
    "money": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm-1 2v1.1"
    "C9.3 7.5 8 8.6 8 10c0 1.9 1.8 2.5 3.4 2.9 1.5.4 2.6.7 2.6 1.6 0 .8-1 1.5-2 1.5s-2-.6-2-1.5H8"
    "c0 1.5 1.3 2.7 3 3.1V19h2v-1.4c1.7-.4 3-1.6 3-3.1 0-2-1.8-2.6-3.4-3-1.5-.4-2.6-.7-2.6-1.5 "
    "0-.8 1-1.5 2-1.5s2 .7 2 1.5h2c0-1.5-1.3-2.7-3-3.1V6h-2z",
    "family": "M8 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6zm8 1a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM8 12c3 "
    "0 6 1.5 6 4v4H2v-4c0-2.5 3-4 6-4zm8 1c2.5 0 6 1.2 6 3.5V20h-6v-4c0-1.1-.4-2.1-1.1-2.9.4 0 "
    ".7-.1 1.1-.1zM8 14c-2 0-4 1-4 2v2h8v-2c0-1-2-2-4-2z",
}

ICON_CHOICES = [
    ("work", _("Briefcase (work)")),
    ("leisure", _("Ball (leisure)")),
    ("housing", _("House (housing)")),
    ("other", _("Speech bubble (other)")),
    ("school", _("Graduation cap (school)")),
    ("health", _("Heart (health)")),
    ("money", _("Coin (money)")),
    ("family", _("People (family)")),
]
