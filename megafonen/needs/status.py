"""What a resident reads about her need: kind words that say what happens next."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from megafonen.needs.models import Need, NeedStatus


@dataclass(frozen=True)
class ResidentStatus:
    title: str
    text: str
    tone: str  # "", "success" or "important": the notice's colour


def resident_status(need: Need) -> ResidentStatus:
    if need.is_hidden:
        return ResidentStatus(
            _("This need is no longer shown"),
            _(
                "It was removed because it did not follow the rules of the needs box. If you "
                "need help, you are welcome to send a new need."
            ),
            "important",
        )
    if need.status == NeedStatus.RECEIVED:
        return ResidentStatus(
            _("Your need has arrived"),
            _(
                "Thank you for telling us. The organisations that help with this have been told "
                "and will read it soon. Come back in a few days to read their answers."
            ),
            "",
        )
    if need.status == NeedStatus.IN_PROGRESS:
        return ResidentStatus(
            _("Someone is working on your need"),
            _(
                "A receiver has taken on your need and is finding out how to help. Their answer "
                "will appear here."
            ),
            "",
        )
    if need.status == NeedStatus.ANSWERED:
        return ResidentStatus(
            _("You have an answer"),
            _(
                "Read the answer below. Then tell us whether it helped: that helps us and the "
                "people who answered."
            ),
            "success",
        )
    if need.status == NeedStatus.REOPENED:
        return ResidentStatus(
            _("We are looking at your need again"),
            _(
                "You told us that the answer did not help, or you added something. The receivers "
                "will read your need again and answer here."
            ),
            "",
        )
    if need.helped:
        return ResidentStatus(
            _("Good that it helped"),
            _(
                "Thank you for telling us. Your need is closed. If you need help with something "
                "else, you are welcome to send a new need."
            ),
            "success",
        )
    return ResidentStatus(
        _("Your need is closed"),
        _(
            "Read why below. If you still need help, add information and the need opens again, "
            "or send a new need."
        ),
        "",
    )
