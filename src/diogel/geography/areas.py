"""Named areas (councils, LSOAs, police forces) and forgiving look-up of an area by text."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from diogel.errors import InputError, NotFoundError

#: Languages an area name can be asked for in.
LANGUAGES = ("en", "cy")

#: Words dropped when matching loosely, so "Newport City Council", "Cyngor Caerdydd",
#: "Gwent Police" and "Heddlu Gwent" still find their area. The Welsh "sir" (county) is
#: kept because it is part of names such as "Sir Benfro".
_FILLER_WORDS = frozenset(
    {"the", "of", "and", "city", "county", "borough", "council", "cyngor", "police", "heddlu"}
)


@dataclass(frozen=True)
class Area:
    """One area Diogel knows by code and name.

    Parameters
    ----------
    code : str
        The official code (``W06…`` for a council, ``W01…`` for an LSOA 2021) or, for a
        police force, its data.police.uk slug (``"gwent"``).
    name_en, name_cy : str
        English and Welsh names; ``name_cy`` is None when no Welsh name is published.
    kind : str
        ``"council"``, ``"lsoa"``, ``"force"`` or the name of a custom layer.

    Examples
    --------
    >>> a = Area("W06000022", "Newport", "Casnewydd", "council")
    >>> a.name(), a.name("cy")
    ('Newport', 'Casnewydd')
    >>> Area("W01000001", "Isle of Anglesey 007A", None, "lsoa").name("cy")
    'Isle of Anglesey 007A'
    """

    code: str
    name_en: str
    name_cy: str | None
    kind: str

    def name(self, lang: str = "en") -> str:
        """The name in ``lang`` (``"en"`` or ``"cy"``), falling back to English.

        Raises
        ------
        InputError
            If ``lang`` is not ``"en"`` or ``"cy"``.
        """
        if lang not in LANGUAGES:
            raise InputError(
                f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}",
                hint="use 'en' for English or 'cy' for Welsh",
            )
        if lang == "cy" and self.name_cy:
            return self.name_cy
        return self.name_en


def normalise_name(text: str) -> str:
    """Fold case, accents, punctuation and spacing so names compare as people mean them.

    Examples
    --------
    >>> normalise_name("  Ynys  Môn ")
    'ynys mon'
    >>> normalise_name("Dyfed-Powys Police")
    'dyfed powys police'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare.casefold()).split())


def _loose(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _FILLER_WORDS)


class AreaIndex:
    """Resolve free text to an :class:`Area` by code or by English or Welsh name.

    Areas earlier in ``areas`` win when two share a name, so pass councils before
    police forces before LSOAs.

    Parameters
    ----------
    areas : iterable of Area
        Every area that can be named.
    aliases : mapping of str to str, optional
        Extra names (any spelling) mapped to an area code, e.g. ``{"Anglesey":
        "W06000001"}``.

    Examples
    --------
    >>> index = AreaIndex([Area("W06000022", "Newport", "Casnewydd", "council")])
    >>> index.resolve("CASNEWYDD").code
    'W06000022'
    """

    def __init__(self, areas: Iterable[Area], aliases: Mapping[str, str] | None = None) -> None:
        self._areas: list[Area] = list(areas)
        self._exact: dict[str, Area] = {}
        self._loose: dict[str, Area] = {}
        by_code = {a.code: a for a in self._areas}
        for area in self._areas:
            for label in (area.code, area.name_en, area.name_cy):
                if label:
                    key = normalise_name(label)
                    self._exact.setdefault(key, area)
                    self._loose.setdefault(_loose(key), area)
        for alias, code in (aliases or {}).items():
            self._exact.setdefault(normalise_name(alias), by_code[code])
        self._loose.pop("", None)

    def __len__(self) -> int:
        return len(self._areas)

    def resolve(self, text: str, *, kinds: Iterable[str] | None = None) -> Area:
        """Find the area ``text`` names.

        Parameters
        ----------
        text : str
            A code or a name; case, accents, punctuation and extra spaces are ignored.
        kinds : iterable of str, optional
            Only accept areas of these kinds.

        Raises
        ------
        InputError
            If ``text`` is not a non-empty string.
        NotFoundError
            If nothing matches; the hint lists the closest names.
        """
        if not isinstance(text, str) or not text.strip():
            raise InputError(
                f"an area must be named by a non-empty string, got {text!r}",
                hint="give a code such as W06000022 or a name such as 'Newport'",
            )
        allowed = set(kinds) if kinds is not None else None
        key = normalise_name(text)
        for candidate in (self._exact.get(key), self._loose.get(_loose(key))):
            if candidate is not None and (allowed is None or candidate.kind in allowed):
                return candidate
        raise NotFoundError(f"no area called {text!r}", hint=self._hint(key, allowed))

    def _hint(self, key: str, allowed: set[str] | None) -> str:
        # Suggest councils and forces first: they are what people usually mean.
        labels: dict[str, Area] = {}
        for area in self._areas:
            if allowed is None or area.kind in allowed:
                for label in (area.name_en, area.name_cy, area.code):
                    if label:
                        labels.setdefault(normalise_name(label), area)
        big = {k: a for k, a in labels.items() if a.kind != "lsoa"}
        found = difflib.get_close_matches(key, list(big), n=5, cutoff=0.6)
        if not found:
            found = difflib.get_close_matches(key, list(labels), n=5, cutoff=0.6)
        shown: list[str] = []
        for k in found:
            area = labels[k]
            text = f"{area.name_en} ({area.code})"
            if text not in shown:
                shown.append(text)
        if shown:
            return "did you mean " + ", ".join(shown) + "?"
        return (
            "use a council or LSOA code (W06…, W01…), an English or Welsh council name "
            "such as 'Newport' or 'Casnewydd', or a police force such as 'gwent'"
        )
