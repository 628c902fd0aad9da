"""Words in English and Welsh: gettext catalogues, and numbers and months in either language.

Every fixed word Diogel shows is a gettext message. Catalogues are plain ``.po`` files in
``diogel/locale/<lang>/LC_MESSAGES/<domain>.po`` (one domain per part of Diogel, so
that parts can be translated independently), read with Babel when first needed.
English is the source language, so English needs no catalogue.

Examples
--------
>>> t = translator("cy")
>>> t.format_int(20961)
'20,961'
>>> t.month_name(3)
'Mawrth'
>>> translator("en").month_year(2024, 3)
'March 2024'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from diogel.errors import InputError

LANGUAGES: Final = ("en", "cy")


@dataclass(frozen=True)
class Translator:
    """Translations and number formats for one language."""

    lang: str
    messages: dict[str, str] = field(default_factory=dict)
    #: Messages asked for that have no translation (always empty for English).
    misses: set[str] = field(default_factory=set)

    def gettext(self, message: str, **values: Any) -> str:
        """The message in this language, with ``{name}`` placeholders filled in.

        A message with no translation falls back to English (tests fail on any such
        gap, see ``missing``).
        """
        text = message
        if self.lang != "en":
            if message in self.messages:
                text = self.messages[message]
            else:
                self.misses.add(message)
        return text.format(**values) if values else text

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Singular or plural; Welsh counting is written into each message's wording."""
        return self.gettext(singular if n == 1 else plural, n=n, **values)

    def format_int(self, value: float) -> str:
        return format_decimal(round(value), format="#,##0", locale=self.lang)

    def format_number(self, value: float, digits: int = 1) -> str:
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.lang)

    def format_percent(self, fraction: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(fraction, format=pattern, locale=self.lang)

    def month_name(self, month: int) -> str:
        return format_date(dt.date(2000, month, 1), "LLLL", locale=self.lang)

    def month_year(self, year: int, month: int) -> str:
        return format_date(dt.date(year, month, 1), "LLLL yyyy", locale=self.lang)

    def date(self, day: dt.date) -> str:
        return format_date(day, "d MMMM yyyy", locale=self.lang)


@cache
def _catalogue(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    folder = resources.files("diogel") / "locale" / lang / "LC_MESSAGES"
    if not folder.is_dir():
        return messages
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".po"):
            continue
        with item.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                key = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else message.string[0]
                messages[key] = text
    return messages


def translator(lang: str = "en") -> Translator:
    """The translator for ``lang`` ("en" or "cy")."""
    if lang not in LANGUAGES:
        raise InputError(
            f"language '{lang}' is not available", hint="choose en (English) or cy (Cymraeg)"
        )
    return Translator(lang, _catalogue(lang))


def catalogue_messages(lang: str) -> dict[str, str]:
    """Every translated message of a language (used by tests to find gaps)."""
    return dict(_catalogue(lang))
