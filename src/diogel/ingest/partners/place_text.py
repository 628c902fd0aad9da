"""Clean free-text place descriptions so that they can be compared: abbreviations, house
numbers, postcodes, and the words around a place name ("outside", "nr", "j/w")."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

ABBREVIATIONS: Final = {
    "street": "st",
    "saint": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "lane": "ln",
    "place": "pl",
    "crescent": "cres",
    "terrace": "ter",
    "tce": "ter",
    "close": "cl",
    "drive": "dr",
    "gardens": "gdns",
    "square": "sq",
    "court": "ct",
    "parade": "pde",
    "east": "e",
    "west": "w",
    "north": "n",
    "south": "s",
    "mount": "mt",
    "hill": "hl",
    "grove": "gr",
    "park": "pk",
    "way": "wy",
    "arcade": "arc",
    "centre": "ctr",
    "center": "ctr",
    "station": "stn",
    "bridge": "br",
}
#: Words that separate the parts of a text and carry no place name themselves.
SEPARATOR_WORDS: Final = (
    "outside",
    "os",
    "near",
    "nr",
    "opposite",
    "opp",
    "by",
    "behind",
    "junction",
    "jct",
    "jnct",
    "jw",
    "jo",
    "corner",
    "adjacent",
    "adj",
    "next",
    "beside",
    "outsde",
    "outisde",
    "inside",
    "in",
    "at",
    "on",
    "off",
    "of",
    "to",
    "with",
    "and",
    "the",
    "front",
    "rear",
    "entrance",
    "top",
    "bottom",
    "end",
    "area",
    "vicinity",
    "just",
    "along",
    "between",
)
#: Texts that say there is no usable place.
NO_PLACE_WORDS: Final = frozenset(
    {
        "home",
        "house",
        "address",
        "residence",
        "own",
        "flat",
        "property",
        "unknown",
        "known",
        "nk",
        "refused",
        "stated",
        "given",
        "declined",
        "taxi",
        "car",
        "vehicle",
        "private",
        "patient",
        "friends",
        "friend",
        "partners",
        "partner",
        "prison",
    }
)
#: Tokens too common to identify a place alone.
GENERIC_TOKENS: Final = frozenset(set(ABBREVIATIONS.values()) | {"y", "yr", "heol", "stryd"})
#: Welsh street words: "Stryd Herbert" is also found as "Herbert Street".
WELSH_STREET: Final = {"stryd": "st", "heol": "rd", "ffordd": "rd", "lon": "ln", "plas": "pl"}
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b", re.IGNORECASE)
_HOUSE = re.compile(
    r"\b(flat|apartment|apt|unit|room|no)\.?\s*\d+[a-z]?\b|\b\d+[a-z]?\b(\s*-\s*\d+[a-z]?\b)?",
    re.IGNORECASE,
)


def normalise_place(text: str) -> str:
    """Fold a place text to compare it: lower case, no accents or punctuation, street words
    abbreviated ("Street" and "Saint" both "st"), house numbers and postcodes removed.

    Examples
    --------
    >>> normalise_place("St. Mary's Street")
    'st marys st'
    >>> normalise_place("O/S 24 Cowbridge Road East, CF11 9AB")
    'outside cowbridge rd e'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"\bo\s*/\s*s\b", " outside ", text)
    text = re.sub(r"\bj\s*/\s*[wo]\b", " junction ", text)
    text = _POSTCODE.sub(" ", text)
    text = _HOUSE.sub(" ", text)
    text = text.replace("'", "").replace("\u2019", "")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def street_level(text: str) -> str:
    """An address reduced to what is safe to keep: no house or flat numbers, no postcode.

    Examples
    --------
    >>> street_level("Flat 3, 12a Clifton Street, Cardiff CF24 1LR")
    'Clifton Street, Cardiff'
    """
    cleaned = _HOUSE.sub(" ", _POSTCODE.sub(" ", str(text)))
    parts = [re.sub(r"\s+", " ", p).strip(" .") for p in cleaned.split(",")]
    return ", ".join(p for p in parts if p)


def place_parts(normalised: str, drop: frozenset[str]) -> list[str]:
    """The parts of a cleaned text that may name a place, the whole text first."""
    words = [w for w in normalised.split() if w not in drop]
    pieces: list[list[str]] = [[]]
    for w in words:
        if w in SEPARATOR_WORDS:
            pieces.append([])
        else:
            pieces[-1].append(w)
    parts = [" ".join(p) for p in pieces if p]
    whole = " ".join(w for w in words if w not in SEPARATOR_WORDS)
    return list(dict.fromkeys([whole, *parts]))


def distinctive(part: str) -> bool:
    return any(len(w) > 2 and w not in GENERIC_TOKENS for w in part.split())
