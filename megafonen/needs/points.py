"""The points rules, published on the rules page from this very table.

Receivers earn points for helping, so that answering needs becomes a friendly contest between
organisations; what counts most is help the resident herself confirmed. Points are organisation
points, never a person's, so no one is ranked as an individual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from megafonen.needs.models import PointsRule

FAST_ANSWER_WITHIN = timedelta(hours=48)


@dataclass(frozen=True)
class Rule:
    rule: PointsRule
    points: int
    explanation: str | Promise


RULES: tuple[Rule, ...] = (
    Rule(
        PointsRule.FIRST_ANSWER,
        10,
        _("Your organisation's first answer to a need: a tip or an offer of help."),
    ),
    Rule(
        PointsRule.FAST_ANSWER,
        5,
        _("Extra, when that first answer comes within two days of the need being sent."),
    ),
    Rule(
        PointsRule.CONFIRMED_HELP,
        25,
        _(
            "For every organisation that answered, when the resident tells us that the help "
            "helped. This counts the most."
        ),
    ),
)
POINTS = {rule.rule: rule.points for rule in RULES}
REOPEN_EXPLANATION = _(
    "When the resident says that the answer did not help, the need opens again and the points it "
    "had earned are taken back. A new answer can earn them again."
)
