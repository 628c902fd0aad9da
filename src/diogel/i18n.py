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

Errors raised with a template and values (see ``diogel.errors.DiogelError``) are shown in
either language by :meth:`Translator.error`; the library itself only ever writes English.
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

from diogel.errors import DiogelError, InputError, Term

LANGUAGES: Final = ("en", "cy")


@dataclass(frozen=True)
class ErrorText:
    """An error's message and hint as shown in one language."""

    message: str
    hint: str | None = None
    #: True when the error has no translation and is shown in English on a page in
    #: another language (the page should say so).
    english: bool = False


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

    def error(self, error: DiogelError) -> ErrorText:
        """An error's message and hint in this language: its templates translated and
        filled in with its values, translating the words marked with ``N_`` (a Welsh
        message writes ``{what_soft}`` for the word ``{what}`` with its soft mutation).

        An error with no translation is shown in English (``english`` is true); its
        messages are added to ``misses`` when they are templates (an error with values),
        not when the message was written out in English where it was raised.

        Examples
        --------
        >>> from diogel.errors import N_, InputError
        >>> err = InputError("{what} {value!r} is not a date", hint="write YYYY-MM-DD",
        ...                  what=N_("starts"), value="soon")
        >>> translator("cy").error(err).message
        "dyddiad dechrau: nid yw 'soon' yn ddyddiad"
        >>> translator("en").error(err).hint
        'write YYYY-MM-DD'
        >>> Translator("cy").error(InputError("a message with no translation")).english
        True
        """
        if self.lang == "en":
            return ErrorText(error.message, error.hint)
        wanted = [m for m in (error.template, error.hint_template) if m]
        gaps = [m for m in wanted if m not in self.messages]
        if gaps:
            if error.values:  # a message written out at run time is English by design
                self.misses.update(gaps)
            return ErrorText(error.message, error.hint, english=True)
        values: dict[str, Any] = {}
        for key, value in error.values.items():
            values[key] = self.gettext(value) if isinstance(value, Term) else value
            if isinstance(values[key], str):
                values[f"{key}_soft"] = self.soft(values[key])
        message = self.messages[error.template]
        hint = self.messages[error.hint_template] if error.hint_template else None
        if not error.values:  # as the error filled its English: no values, no placeholders
            return ErrorText(message, hint)
        try:
            return ErrorText(message.format(**values), hint.format(**values) if hint else None)
        except (KeyError, IndexError, ValueError):  # a translation that does not fit its values
            self.misses.update(wanted)
            return ErrorText(error.message, error.hint, english=True)

    def soft(self, text: str) -> str:
        """Welsh soft mutation of the first word (after "o", "i", "am", "gan", ...);
        English text is returned as it is.

        Examples
        --------
        >>> cy = translator("cy")
        >>> cy.soft("Casnewydd"), cy.soft("Mehefin 2024"), cy.soft("trais"), cy.soft("Llanelli")
        ('Gasnewydd', 'Fehefin 2024', 'drais', 'Lanelli')
        >>> translator("en").soft("Newport")
        'Newport'
        """
        return _mutate(text, _SOFT) if self.lang == "cy" else text

    def in_place(self, name: str) -> str:
        """ "in Newport" / "yng Nghasnewydd" (Welsh "yn" with its nasal mutation).

        Examples
        --------
        >>> cy = translator("cy")
        >>> cy.in_place("Casnewydd"), cy.in_place("Blaenau Gwent"), cy.in_place("Torfaen")
        ('yng Nghasnewydd', 'ym Mlaenau Gwent', 'yn Nhorfaen')
        >>> cy.in_place("Sir Fynwy"), translator("en").in_place("Newport")
        ('yn Sir Fynwy', 'in Newport')
        """
        if self.lang != "cy":
            return f"in {name}"
        mutated = _mutate(name, _NASAL)
        first = name[:1].lower()
        if name[:2].lower() in {"ch", "ph", "th"}:
            return f"yn {name}"
        if first in {"c", "g"}:
            return f"yng {mutated}"
        if first in {"p", "b", "m"}:
            return f"ym {mutated}"
        return f"yn {mutated}"

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


_SOFT: Final = (("ll", "l"), ("rh", "r"), ("c", "g"), ("p", "b"), ("t", "d"), ("g", ""),
                ("b", "f"), ("d", "dd"), ("m", "f"))  # fmt: skip
_NASAL: Final = (("c", "ngh"), ("p", "mh"), ("t", "nh"), ("g", "ng"), ("b", "m"), ("d", "n"))
_NEVER: Final = ("ch", "ph", "th", "ts")


def _mutate(text: str, rules: tuple[tuple[str, str], ...]) -> str:
    lower = text.lower()
    if not text or lower.startswith(_NEVER):
        return text
    for old, new in rules:
        if lower.startswith(old):
            rest = text[len(old) :]
            out = new + rest
            if text[0].isupper():
                out = out[:1].upper() + out[1:]
            return out
    return text


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
    """The translator for ``lang`` ("en" or "cy"): one per language per process, so that
    ``misses`` gathers every untranslated message asked for."""
    if lang not in LANGUAGES:
        raise InputError(
            f"language '{lang}' is not available", hint="choose en (English) or cy (Cymraeg)"
        )
    return _translator(lang)


@cache
def _translator(lang: str) -> Translator:
    return Translator(lang, _catalogue(lang))


def catalogue_messages(lang: str) -> dict[str, str]:
    """Every translated message of a language (used by tests to find gaps)."""
    return dict(_catalogue(lang))
