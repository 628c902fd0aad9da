"""Match free-text places ("o/s Walkabout, St Mary St") to a gazetteer, with a confidence.

The gazetteer holds streets (from the police.uk "On or near ..." locations already
loaded) and venues a partner supplies. A text is cleaned (case, accents, "o/s",
"nr", house numbers, "Street"/"St" and other abbreviations), split into parts at commas,
brackets and words such as "outside" or "near", and each part is scored against every
name with RapidFuzz (``token_sort_ratio``: typos and word order), or found whole inside
the text. The result is one of:

* ``matched``: one place scored at least ``ACCEPT`` and no different place came close;
* ``review``: the best candidate is plausible but not certain (score between ``REVIEW``
  and ``ACCEPT``, two places nearly tied, a name found at several places, or a venue and
  a street that are far apart). It is reported for a person to check and **not** used;
* ``unmatched``: nothing plausible; ``blank``: no text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.cluster.hierarchy import fcluster, linkage

from diogel.ingest.partners.place_text import (
    NO_PLACE_WORDS,
    SEPARATOR_WORDS,
    WELSH_STREET,
    distinctive,
    normalise_place,
    place_parts,
)
from diogel.ingest.partners.vocab import POLICE_UK_GENERIC_PLACES

#: Scores (0-100) at or above which a match is used, and at or above which it is reviewed.
ACCEPT: Final = 90.0
REVIEW: Final = 75.0
#: A different place scoring within this many points of the best makes the match uncertain.
MARGIN: Final = 4.0
#: Points of one street name further apart than this (metres) are different streets.
CLUSTER_DISTANCE: Final = 1000.0
#: A venue and a street named in one text further apart than this (metres) conflict.
CONFLICT_DISTANCE: Final = 500.0


@dataclass(frozen=True)
class PlaceMatch:
    """How one text was matched."""

    status: str  # matched | review | unmatched | blank
    place: str | None = None
    kind: str | None = None
    x: float = float("nan")
    y: float = float("nan")
    score: float = 0.0
    candidate: str | None = None
    reason: str = ""


class Gazetteer:
    """Named places with British National Grid points, searched by :meth:`match`.

    Parameters
    ----------
    places : pandas.DataFrame
        Columns ``name``, ``kind`` (``"venue"`` or ``"street"``), ``x``, ``y``; optional
        ``aliases`` (text, names separated by ``|``).
    drop_words : iterable of str, optional
        Words ignored in texts, such as the town's name ("Cardiff").

    Examples
    --------
    >>> g = Gazetteer(pd.DataFrame({
    ...     "name": ["St Mary Street", "Queen Street", "Walkabout"],
    ...     "kind": ["street", "street", "venue"],
    ...     "x": [318100.0, 318400.0, 318120.0], "y": [176200.0, 176600.0, 176210.0]}),
    ...     drop_words=["Cardiff"])
    >>> m = g.match(["o/s Walkabout, St Marys St", "QUEEN ST CARDIFF", "Quen Stret", "home"])
    >>> m[["status", "place", "kind"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['matched', 'Walkabout', 'venue'], ['matched', 'Queen Street', 'street'],
     ['review', None, None], ['unmatched', None, None]]
    """

    def __init__(
        self,
        places: pd.DataFrame,
        *,
        drop_words: Iterable[str] = (),
        elsewhere: Iterable[str] = (),
    ) -> None:
        frame = places.reset_index(drop=True)
        self.places = frame[["name", "kind", "x", "y"]].copy()
        self._drop = frozenset(w for d in drop_words for w in normalise_place(d).split())
        self._elsewhere = sorted({normalise_place(e) for e in elsewhere} - {""})
        keys: dict[str, set[int]] = {}
        for i, (name, kind) in enumerate(zip(frame["name"], frame["kind"], strict=True)):
            aliases = str(frame["aliases"].iloc[i]) if "aliases" in frame else ""
            for label in [str(name), *[a for a in aliases.split("|") if a.strip()]]:
                key = self._key(label)
                if key:
                    keys.setdefault(key, set()).add(i)
                words = normalise_place(label).split()
                if kind == "street" and len(words) > 1 and words[0] in WELSH_STREET:
                    keys.setdefault(" ".join([*words[1:], WELSH_STREET[words[0]]]), set()).add(i)
        self._keys = list(keys)
        self._ids = [sorted(keys[k]) for k in self._keys]
        self._index = {k: i for i, k in enumerate(self._keys)}

    def _key(self, label: str) -> str:
        """A name as texts are cleaned: without "the", "of" and the area's own name."""
        normalised = normalise_place(label)
        plain = [w for w in normalised.split() if w not in SEPARATOR_WORDS]
        local = [w for w in plain if w not in self._drop]
        # "Cardiff Castle" keeps its town: "the castle" alone may be another one.
        for words in (local, plain) if len(local) > 1 else (plain,):
            if distinctive(" ".join(words)):
                return " ".join(words)
        return normalised

    def __len__(self) -> int:
        return len(self.places)

    @classmethod
    def from_police_locations(
        cls,
        locations: pd.DataFrame,
        *,
        venues: pd.DataFrame | None = None,
        drop_words: Iterable[str] = (),
        elsewhere: Iterable[str] = (),
        cluster_distance: float = CLUSTER_DISTANCE,
    ) -> Gazetteer:
        """Streets from police.uk locations (``location``, ``x``, ``y``, optional ``count``).

        "On or near" is removed; police.uk's generic place types ("Parking Area",
        "Nightclub"...) are left out; points of one name within ``cluster_distance`` metres
        become one street at the point nearest their weighted middle, and a name found in
        several far-apart clusters becomes several streets (a match to it is reviewed).

        Examples
        --------
        >>> locs = pd.DataFrame({"location": ["On or near High Street"] * 3
        ...                      + ["On or near Parking Area"],
        ...                      "x": [0.0, 100.0, 9000.0, 50.0], "y": [0.0, 0.0, 0.0, 0.0]})
        >>> Gazetteer.from_police_locations(locs).places.values.tolist()
        [['High Street', 'street', 0.0, 0.0], ['High Street', 'street', 9000.0, 0.0]]
        """
        frame = locations.dropna(subset=["x", "y"]).copy()
        frame["name"] = (
            frame["location"]
            .astype(str)
            .str.replace(r"^\s*on or near\s+", "", case=False, regex=True)
            .str.strip()
        )
        generic = frame["name"].str.casefold().isin(POLICE_UK_GENERIC_PLACES)
        frame = frame[
            ~generic & (frame["name"] != "") & (frame["name"].str.casefold() != "no location")
        ]
        if "count" not in frame:
            frame["count"] = 1
        frame = frame.sort_values(["name", "x", "y"], ignore_index=True)
        names = frame["name"].to_numpy(dtype=object)
        xy = frame[["x", "y"]].to_numpy(float)
        w = frame["count"].to_numpy(float)
        starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
        ends = np.r_[starts[1:], len(names)]
        single = ends - starts == 1
        rows: list[tuple[str, str, float, float]] = [
            (str(names[i]), "street", float(xy[i, 0]), float(xy[i, 1])) for i in starts[single]
        ]
        # Only names found at several points need clustering (a few hundred in a city).
        for a, b in zip(starts[~single], ends[~single], strict=True):
            pts, wts = xy[a:b], w[a:b]
            labels = fcluster(linkage(pts, "single"), cluster_distance, "distance")
            for label in np.unique(labels):
                p, q = pts[labels == label], wts[labels == label]
                middle = (p * q[:, None]).sum(axis=0) / q.sum()
                best = p[np.argmin(np.hypot(*(p - middle).T))]
                rows.append((str(names[a]), "street", float(best[0]), float(best[1])))
        rows.sort(key=lambda r: (r[0], r[2], r[3]))
        streets = pd.DataFrame(rows, columns=["name", "kind", "x", "y"])
        if venues is not None and len(venues):
            v = venues.assign(kind="venue")
            cols = ["name", "kind", "x", "y", *(["aliases"] if "aliases" in v else [])]
            streets = pd.concat([v[cols], streets], ignore_index=True)
        return cls(streets, drop_words=drop_words, elsewhere=elsewhere)

    def match(self, texts: Sequence[str | None]) -> pd.DataFrame:
        """Match each text; one row per text with ``status``, ``place``, ``kind``, ``x``,
        ``y``, ``score`` (0-1), ``candidate`` and ``reason``."""
        values = [
            "" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts
        ]
        cache: dict[str, PlaceMatch] = {}
        for v in dict.fromkeys(values):
            cache[v] = self.match_one(v)
        rows = [cache[v] for v in values]
        return pd.DataFrame(
            {
                "status": [r.status for r in rows],
                "place": pd.Series([r.place for r in rows], dtype=object),
                "kind": pd.Series([r.kind for r in rows], dtype=object),
                "x": np.array([r.x for r in rows], dtype=float),
                "y": np.array([r.y for r in rows], dtype=float),
                "score": np.array([r.score for r in rows], dtype=float),
                "candidate": pd.Series([r.candidate for r in rows], dtype=object),
                "reason": [r.reason for r in rows],
            }
        )

    def match_one(self, text: str) -> PlaceMatch:
        """Match one text (see :meth:`match`)."""
        if not text.strip():
            return PlaceMatch("blank", reason="no place given")
        normalised = normalise_place(text)
        parts = self._query_parts(normalised)
        if not parts:
            return PlaceMatch("unmatched", reason="no place name in the text")
        scores, tied = self._candidates(parts)
        if not scores:
            return PlaceMatch("unmatched", reason="no similar name in the gazetteer")
        ranked = sorted(scores, key=lambda k: (-scores[k], self._kind(k) != "venue", -len(k)))
        key = ranked[0]
        best = scores[key]
        ids = self._ids[self._index[key]]
        candidate = str(self.places["name"].iloc[ids[0]])
        if best < REVIEW:
            return PlaceMatch(
                "unmatched",
                score=best / 100,
                candidate=candidate,
                reason=f"closest name '{candidate}' is not similar enough",
            )
        if best < 100 and set(normalised.split()) & NO_PLACE_WORDS:
            return PlaceMatch(
                "unmatched",
                score=best / 100,
                candidate=candidate,
                reason="the text says there is no place to match",
            )
        strong = " ".join(k for k in ranked if scores[k] >= ACCEPT)
        away = [e for e in self._elsewhere if f" {e} " in f" {normalised} " and e not in strong]
        if away:
            return self._review(candidate, best, f"the text names another area ({away[0]})")
        if len(ids) > 1:
            return self._review(candidate, best, f"'{candidate}' names {len(ids)} places")
        if key in tied:
            return self._review(candidate, best, f"'{tied[key]}' is as close a match")
        place = self.places.iloc[ids[0]]
        for other_key in ranked[1:]:
            if scores[other_key] < 100:  # only names certainly in the text can conflict
                break
            others = self.places.iloc[self._ids[self._index[other_key]]]
            gaps = np.hypot(others["x"] - place["x"], others["y"] - place["y"])
            if float(gaps.min()) > CONFLICT_DISTANCE:
                return self._review(
                    candidate,
                    best,
                    f"'{candidate}' and '{others['name'].iloc[0]}' are "
                    f"{float(gaps.min()):,.0f} m apart",
                )
        if best < ACCEPT:
            return self._review(candidate, best, f"'{candidate}' is similar but not certain")
        return PlaceMatch(
            "matched",
            candidate,
            str(place["kind"]),
            float(place["x"]),
            float(place["y"]),
            best / 100,
            candidate,
        )

    def _review(self, candidate: str, score: float, reason: str) -> PlaceMatch:
        return PlaceMatch("review", score=score / 100, candidate=candidate, reason=reason)

    def _kind(self, key: str) -> str:
        return str(self.places["kind"].iloc[self._ids[self._index[key]][0]])

    def _query_parts(self, normalised: str) -> list[str]:
        """Parts of a text to score: without the area's own name, and the whole text with it."""
        parts = place_parts(normalised, self._drop) + place_parts(normalised, frozenset())[:1]
        return [p for p in dict.fromkeys(parts) if distinctive(p)]

    def _candidates(self, parts: list[str]) -> tuple[dict[str, float], dict[str, str]]:
        """The best name for each part, and names found whole in the text (score 100).

        Returns the scores, and the names whose part had a different place nearly as
        good (with that place's name). A name inside a longer name that also scored 100
        ("Cathedral Road" in "Lower Cathedral Road") is dropped.
        """
        scores: dict[str, float] = {}
        tied: dict[str, str] = {}
        for part in parts:
            ranked = self._rank(part)
            if not ranked:
                continue
            key, score = ranked[0]
            if score >= scores.get(key, -1):
                scores[key] = score
            rival = next(
                (
                    r
                    for r in ranked[1:]
                    if self._ids[self._index[r[0]]] != self._ids[self._index[key]]
                ),
                None,
            )
            if score < 100 and rival is not None and score - rival[1] < MARGIN:
                tied[key] = str(self.places["name"].iloc[self._ids[self._index[rival[0]]][0]])
        text = f" {' '.join(parts)} "
        for key in self._keys:
            if f" {key} " in text and self._whole_ok(key):
                scores[key] = 100.0
                tied.pop(key, None)
        full = [k for k, v in scores.items() if v >= 100]
        for k in list(scores):
            if any(k != f and f" {k} " in f" {f} " for f in full):
                del scores[k]
        return scores, tied

    def _rank(self, part: str) -> list[tuple[str, float]]:
        found = [(part, 100.0)] if part in self._index else []
        for key, score, _ in process.extract(
            part, self._keys, scorer=fuzz.token_sort_ratio, limit=6, score_cutoff=REVIEW - 15
        ):
            if key != part:
                found.append((key, float(score)))
        return found

    def _whole_ok(self, key: str) -> bool:
        """Whether a name may be found inside a longer text: two or more words, or a venue."""
        return distinctive(key) and (len(key.split()) > 1 or self._kind(key) == "venue")
