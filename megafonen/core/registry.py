"""What the modules put on the shared pages: cards on the residents' home page and links in the
staff area. Apps register in ``AppConfig.ready()``; core never imports a module's internals."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class HomeCard:
    title: str | Promise
    text: str | Promise
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class StaffLink:
    title: str | Promise
    text: str | Promise
    url_name: str
    action: str  # shown only to people whose roles grant this action
    order: int = 100


_HOME_CARDS: list[HomeCard] = []
_STAFF_LINKS: list[StaffLink] = []


def home_card_register(card: HomeCard) -> None:
    if card not in _HOME_CARDS:
        _HOME_CARDS.append(card)


def staff_link_register(link: StaffLink) -> None:
    if link not in _STAFF_LINKS:
        _STAFF_LINKS.append(link)


def home_cards() -> list[HomeCard]:
    return sorted(_HOME_CARDS, key=lambda card: card.order)


def staff_links() -> list[StaffLink]:
    return sorted(_STAFF_LINKS, key=lambda link: link.order)
