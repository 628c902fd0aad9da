"""Turn a partner file into partner events with a declared mapping; every row stored or rejected.

Identifiers are pseudonymised here, before anything leaves the reader; rejected rows
keep only the mapped columns, with identifiers shown as ``[pseudonymised]`` and place
texts reduced to street level, so no raw identifier, house number, dropped column or
undeclared column reaches the database.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from diogel.errors import ConfigError, InputError
from diogel.geography import Geography
from diogel.ingest.csvfile import normalise_header
from diogel.ingest.partners.mapping import PartnerMapping, Problem, normalise_value
from diogel.ingest.partners.place_text import street_level
from diogel.ingest.partners.places import Gazetteer
from diogel.ingest.partners.pseudonym import PseudonymKey
from diogel.ingest.partners.tables import PartnerTable
from diogel.ingest.partners.values import (
    EARLIEST,
    blank,
    grid_points,
    lon_lat_points,
    parse_dates,
    parse_times,
)
from diogel.ingest.partners.values import Problem as RowProblem

#: Columns of the events frame a reader returns (``file_id`` is added on load).
EVENT_COLUMNS = (
    "theme",
    "category",
    "occurred_on",
    "occurred_at",
    "has_time",
    "month",
    "reported_on",
    "reported_at",
    "record_key",
    "person_key",
    "location",
    "place",
    "location_method",
    "match_score",
    "x",
    "y",
    "has_location",
    "lsoa_code",
    "council_code",
    "weapon",
    "location_type",
    "property_type",
    "site",
    "repeat_flag",
    "synthetic",
    "line",
)
_TRUE = frozenset({"y", "yes", "true", "1", "t"})
_WITHHELD = "[row withheld: it could not be split into columns]"


@dataclass(frozen=True)
class PartnerRead:
    """One partner file read with a mapping: events, rejects and places to review."""

    name: str
    sha256: str
    rows: pd.DataFrame
    rejects: pd.DataFrame
    reviews: pd.DataFrame
    rows_in: int
    places: dict[str, int] = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        return len(self.rows)

    @property
    def rejected(self) -> int:
        return len(self.rejects)


def check_header(header: list[str], mapping: PartnerMapping, name: str) -> list[Problem]:
    """Problems between a file's header and a mapping: missing columns (errors) and
    columns neither used nor dropped (warnings: they are not stored)."""
    problems: list[Problem] = []
    present = set(header)
    for column in mapping.required_columns():
        if normalise_header(column) not in present:
            close = difflib.get_close_matches(normalise_header(column), header, n=1)
            hint = f"the file has '{close[0]}'" if close else "columns: " + ", ".join(header)
            problems.append(Problem("error", f"column '{column}'", f"is not in '{name}'", hint))
    used = {normalise_header(c) for c in mapping.used_columns()}
    dropped = {normalise_header(c) for c in mapping.drop}
    for h in header:
        if h and h not in used and h not in dropped:
            problems.append(
                Problem(
                    "warning",
                    f"column '{h}'",
                    f"of '{name}' is neither used nor dropped",
                    "it will not be stored; list it under drop = [...] to say so",
                )
            )
    return problems


def read_partner(
    table: PartnerTable,
    mapping: PartnerMapping,
    *,
    key: PseudonymKey | None,
    geography: Geography,
    gazetteer: Gazetteer | None = None,
    today: dt.date | None = None,
) -> PartnerRead:
    """Read a partner file's rows into events.

    Parameters
    ----------
    table : PartnerTable
        The file, from :func:`diogel.ingest.partners.tables.read_partner_file`.
    mapping : PartnerMapping
        How its columns map to events.
    key : PseudonymKey or None
        Needed when the mapping names identifiers.
    geography : Geography
        Places points in LSOAs and councils.
    gazetteer : Gazetteer, optional
        Where free-text places are looked up; without one they stay unplaced.
    today : datetime.date, optional
        Dates after it are rejected (default: the real today).

    Raises
    ------
    InputError
        A column the mapping needs is missing.
    ConfigError
        The mapping names identifiers but no key was given.
    """
    errors = [p for p in check_header(table.header, mapping, table.name) if p.severity == "error"]
    if errors:
        raise InputError(
            f"{errors[0].where} {errors[0].message}"
            + (f" ({errors[0].hint})" if errors[0].hint else ""),
            hint=f"fix the mapping or the file; 'diogel mapping check {mapping.source} "
            f"{table.name}' lists every problem",
        )
    if mapping.identifiers and key is None:
        raise ConfigError(
            f"mapping '{mapping.name}' has identifiers, which need a pseudonym key",
            hint="pass --key-file KEYFILE or set DIOGEL_PSEUDONYM_KEY_FILE",
        )
    return _Rows(table, mapping, key, geography, gazetteer, today or dt.date.today()).read()


class _Rows:
    def __init__(
        self,
        table: PartnerTable,
        mapping: PartnerMapping,
        key: PseudonymKey | None,
        geography: Geography,
        gazetteer: Gazetteer | None,
        today: dt.date,
    ) -> None:
        self.t, self.m, self.key, self.geo, self.gaz, self.today = (
            table,
            mapping,
            key,
            geography,
            gazetteer,
            today,
        )
        self.n = len(table.frame)
        self.problems: list[RowProblem] = []
        self.out: dict[str, object] = {}

    def col(self, column: str) -> pd.Series:
        name = normalise_header(column)
        if name in self.t.frame:
            return self.t.frame[name].astype(str).reset_index(drop=True)
        return pd.Series([""] * self.n, dtype=object)

    def add(self, mask: np.ndarray, reason: object) -> None:
        self.problems.append((np.asarray(mask, dtype=bool), reason))  # type: ignore[arg-type]

    def read(self) -> PartnerRead:
        self._dates()
        self._category()
        self._attributes()
        self._identifiers()
        reviews = self._location()
        flag = self.col(self.m.synthetic) if self.m.synthetic else pd.Series([""] * self.n)
        self.out["synthetic"] = flag.str.strip().str.casefold().isin(_TRUE).to_numpy()
        self.out["line"] = self.t.lines.astype(np.int64)
        bad = np.zeros(self.n, dtype=bool)
        for mask, _ in self.problems:
            bad |= mask
        keep = ~bad
        rows = pd.DataFrame({c: self._column(c)[keep] for c in EVENT_COLUMNS})
        rejects = pd.concat([self._broken(), self._rejects(bad)], ignore_index=True)
        rejects = rejects.sort_values("line", kind="stable", ignore_index=True)
        if len(rows) + len(rejects) != self.t.rows_in:  # pragma: no cover - a bug, not bad input
            raise RuntimeError(f"row accounting failed for {self.t.name}")
        methods = pd.Series(self.out["location_method"])[keep]
        places = {str(k): int(v) for k, v in methods.value_counts().items()}
        reviews = reviews[keep[reviews.index.to_numpy()]] if len(reviews) else reviews
        return PartnerRead(
            self.t.name,
            self.t.sha256,
            rows.reset_index(drop=True),
            rejects,
            reviews.reset_index(drop=True),
            self.t.rows_in,
            places,
        )

    def _column(self, name: str) -> np.ndarray:
        value = self.out.get(name)
        if value is None:
            return np.full(self.n, None, dtype=object)
        return np.asarray(value)

    # -- when -------------------------------------------------------------------------

    def _dates(self) -> None:
        spec = self.m.date
        text = self.col(spec.column)
        use = text.copy()
        if spec.fallback:
            fallback = self.col(spec.fallback)
            use = use.where(~pd.Series(blank(text)), fallback)
        when, timed = parse_dates(use, spec.formats)
        missing = blank(use)
        unread = ~missing & when.isna().to_numpy()
        fmts = " or ".join(spec.formats)
        without = f"no date in '{spec.column}'" + (
            f" or '{spec.fallback}'" if spec.fallback else ""
        )
        self.add(missing, lambda i: without)
        self.add(unread, lambda i: f"date '{use.iloc[i]}' is not a date in the form {fmts}")
        day = when.dt.normalize()
        future = (day > pd.Timestamp(self.today)).to_numpy()
        ancient = (day < pd.Timestamp(EARLIEST)).to_numpy()
        self.add(future, lambda i: f"date '{use.iloc[i]}' is in the future")
        self.add(
            ancient, lambda i: f"date '{use.iloc[i]}' is before {EARLIEST:%Y}: a typing error?"
        )
        at = when.where(pd.Series(timed), pd.NaT)
        if self.m.time is not None:
            t_text = self.col(self.m.time.column)
            clock = parse_times(t_text, self.m.time.formats)
            unread_t = ~blank(t_text) & clock.isna().to_numpy()
            tf = " or ".join(self.m.time.formats)
            self.add(unread_t, lambda i: f"time '{t_text.iloc[i]}' is not a time in the form {tf}")
            if self.m.time.required:
                self.add(blank(t_text), lambda i: f"no time in '{self.m.time.column}'")
            at = at.where(at.notna(), day + clock)
        self.out["occurred_on"] = day.dt.date.to_numpy()
        self.out["occurred_at"] = at.to_numpy()
        self.out["has_time"] = at.notna().to_numpy()
        self.out["month"] = when.dt.to_period("M").dt.start_time.dt.date.to_numpy()
        if self.m.reported is not None:
            self._reported(day)

    def _reported(self, day: pd.Series) -> None:
        assert self.m.reported is not None
        spec = self.m.reported
        text = self.col(spec.column)
        when, _ = parse_dates(text, spec.formats)
        fmts = " or ".join(spec.formats)
        unread = ~blank(text) & when.isna().to_numpy()
        self.add(
            unread,
            lambda i: f"date '{text.iloc[i]}' in '{spec.column}' is not a date in the form {fmts}",
        )
        rday = when.dt.normalize()
        before = (rday < day).to_numpy()
        self.add(
            before, lambda i: f"'{spec.column}' {text.iloc[i]} is before the date of the incident"
        )
        at = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
        if self.m.reported_time is not None:
            rt = self.m.reported_time
            t_text = self.col(rt.column)
            clock = parse_times(t_text, rt.formats)
            bad = ~blank(t_text) & clock.isna().to_numpy()
            tf = " or ".join(rt.formats)
            self.add(
                bad,
                lambda i: (
                    f"time '{t_text.iloc[i]}' in '{rt.column}' is not a time in the form {tf}"
                ),
            )
            at = rday + clock
        self.out["reported_on"] = rday.dt.date.to_numpy()
        self.out["reported_at"] = at.to_numpy()

    # -- what -------------------------------------------------------------------------

    def _category(self) -> None:
        spec = self.m.category
        if spec.column is None:
            self.out["theme"] = np.full(self.n, spec.theme, dtype=object)
            return
        raw = self.col(spec.column).str.strip()
        themes = raw.map(lambda v: spec.theme_of(v) if v else None)
        self.add(blank(raw), lambda i: f"no category in '{spec.column}'")
        unknown = ~blank(raw) & themes.isna().to_numpy()
        self.add(
            unknown, lambda i: f"category '{raw.iloc[i]}' is not in the mapping's [category] map"
        )
        self.out["theme"] = themes.to_numpy(dtype=object)
        self.out["category"] = raw.to_numpy(dtype=object)

    def _attributes(self) -> None:
        for spec in self.m.attributes:
            raw = self.col(spec.column).str.strip()
            if spec.values is None:
                values = raw.where(raw != "", None)
            else:
                mapped = raw.map(lambda v, s=spec: s.values.get(normalise_value(v)))
                if spec.unmapped == "keep":
                    mapped = mapped.where(mapped.notna() | (raw == ""), raw)
                elif spec.unmapped != "reject":
                    mapped = mapped.where(mapped.notna() | (raw == ""), spec.unmapped)
                unknown = mapped.isna().to_numpy() & ~blank(raw)
                where = f"[attributes.{spec.name}] map"
                self.add(
                    unknown,
                    lambda i, r=raw, n=spec.name, w=where: (
                        f"{n.replace('_', ' ')} '{r.iloc[i]}' is not in the mapping's {w}"
                    ),
                )
                values = mapped
            if spec.name == "repeat":
                self.out["repeat_flag"] = values.map({"yes": True, "no": False}).to_numpy(
                    dtype=object
                )
            else:
                self.out[spec.name] = values.to_numpy(dtype=object)

    def _identifiers(self) -> None:
        for role, column in self.m.identifiers.items():
            assert self.key is not None
            keys = pd.Series(self.key.pseudonyms(self.col(column).tolist(), role), dtype=object)
            self.out[f"{role}_key"] = keys.to_numpy(dtype=object)
            if role != "record" or self.m.dedupe != "record":
                continue
            self.add(keys.isna().to_numpy(), lambda i, c=column: f"no record identifier in '{c}'")
            dup = keys.notna() & keys.duplicated(keep="first")
            first_line = {
                k: int(line) for k, line in zip(keys[::-1], self.t.lines[::-1], strict=True)
            }
            self.add(
                dup.to_numpy(),
                lambda i, k=keys, f=first_line: (
                    "the same record identifier "
                    f"as line {f[k.iloc[i]]} (a row cannot be sent twice in one file)"
                ),
            )

    # -- where ------------------------------------------------------------------------

    def _location(self) -> pd.DataFrame:
        loc = self.m.location
        x = np.full(self.n, np.nan)
        y = np.full(self.n, np.nan)
        method = np.full(self.n, "none", dtype=object)
        score = np.full(self.n, np.nan)
        given_any = np.zeros(self.n, dtype=bool)
        for cols, reader, label in (
            ((loc.lon, loc.lat), lon_lat_points, "coordinates"),
            ((loc.easting, loc.northing), grid_points, "grid"),
        ):
            if cols[0] is None or cols[1] is None:
                continue
            px, py, given, problems = reader(
                self.col(cols[0]), self.col(cols[1]), (cols[0], cols[1])
            )
            for mask, reason in problems:
                self.add(mask, reason)
            use = given & np.isnan(x) & ~np.isnan(px)
            x[use], y[use], method[use] = px[use], py[use], label
            given_any |= given
        text = self.col(loc.text).str.strip() if loc.text else pd.Series([""] * self.n)
        stored = np.full(self.n, None, dtype=object)
        place = np.full(self.n, None, dtype=object)
        reviews = pd.DataFrame(columns=["line", "text", "candidate", "score", "reason"])
        needs = np.isnan(x) & ~blank(text) & ~given_any
        if loc.text and needs.any():
            safe = text[needs].map(street_level)
            if self.gaz is None:
                method[needs] = "unmatched"
            else:
                found = self.gaz.match(safe.tolist())
                idx = np.flatnonzero(needs)
                status = found["status"].to_numpy()
                hit = status == "matched"
                x[idx[hit]] = found["x"].to_numpy()[hit]
                y[idx[hit]] = found["y"].to_numpy()[hit]
                method[idx] = np.where(
                    hit, "gazetteer", np.where(status == "review", "review", "unmatched")
                )
                score[idx] = found["score"].to_numpy()
                place[idx[hit]] = found["place"].to_numpy()[hit]
                rev = status == "review"
                reviews = pd.DataFrame(
                    {
                        "line": self.t.lines[idx[rev]],
                        "text": safe.to_numpy()[rev],
                        "candidate": found["candidate"].to_numpy()[rev],
                        "score": found["score"].to_numpy()[rev],
                        "reason": found["reason"].to_numpy()[rev],
                    },
                    index=idx[rev],
                )
            if loc.keep_text:
                stored[needs] = safe.to_numpy()
        if loc.keep_text and loc.text:
            other = ~needs & ~blank(text)
            stored[other] = text[other].map(street_level).to_numpy()
        if loc.required:
            nothing = ~given_any & blank(text)
            quoted = [f"'{c}'" for c in loc.columns]
            named = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
            self.add(nothing, lambda i: f"no location: {named} are all blank")
        has = ~np.isnan(x)
        lsoa = np.full(self.n, None, dtype=object)
        council = np.full(self.n, None, dtype=object)
        if has.any():
            lsoa[has] = self.geo.lsoa_at(x[has], y[has])
            council[has] = self.geo.council_of_lsoa(lsoa[has])
        self.out.update(
            x=x,
            y=y,
            has_location=has,
            location_method=method,
            match_score=score,
            location=stored,
            place=place,
            lsoa_code=lsoa,
            council_code=council,
        )
        return reviews

    # -- rejects ----------------------------------------------------------------------

    def _rejects(self, bad: np.ndarray) -> pd.DataFrame:
        idx = np.flatnonzero(bad)
        reasons = [
            "; ".join(str(reason(int(i))) for mask, reason in self.problems if mask[i]) for i in idx
        ]
        secret = {normalise_header(c) for c in self.m.identifiers.values()}
        place_text = normalise_header(self.m.location.text) if self.m.location.text else None
        shown = [c for c in self.m.used_columns() if normalise_header(c) in self.t.frame]
        frame = self.t.frame.reset_index(drop=True)
        raw = [
            "; ".join(
                f"{c}=[pseudonymised]"
                if normalise_header(c) in secret
                else f"{c}={street_level(frame[place_text].iloc[i])}"
                if normalise_header(c) == place_text
                else f"{c}={frame[normalise_header(c)].iloc[i]}"
                for c in shown
            )
            for i in idx
        ]
        return pd.DataFrame(
            {"line": self.t.lines[idx].astype("int64"), "reason": reasons, "raw": raw}
        )

    def _broken(self) -> pd.DataFrame:
        broken = self.t.broken.copy()
        broken["raw"] = _WITHHELD
        return broken.astype({"line": "int64"})
