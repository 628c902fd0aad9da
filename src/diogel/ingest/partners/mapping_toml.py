"""Read mapping TOML into a checked :class:`PartnerMapping`, reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import Any

from diogel.errors import InputError, NotFoundError
from diogel.ingest.partners.mapping import (
    BUILT_IN,
    DEDUPE_MODES,
    IDENTIFIER_ROLES,
    AttributeSpec,
    CategorySpec,
    DateSpec,
    LocationSpec,
    PartnerMapping,
    Problem,
    TimeSpec,
    mapping_path,
    normalise_value,
)
from diogel.ingest.partners.vocab import AGENCIES, ATTRIBUTES, THEMES

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")

_TOP_KEYS = {
    "name",
    "title",
    "agency",
    "dedupe",
    "sheet",
    "synthetic",
    "drop",
    "date",
    "time",
    "reported",
    "category",
    "location",
    "identifiers",
    "attributes",
    "description",
}
_SECTION_KEYS = {
    "date": {"column", "formats", "fallback"},
    "time": {"column", "formats", "required"},
    "reported": {"column", "formats", "time", "time_formats"},
    "category": {"column", "theme", "map", "unmapped"},
    "location": {"lon", "lat", "easting", "northing", "text", "required", "keep_text"},
    "identifiers": set(IDENTIFIER_ROLES),
}
_ATTRIBUTE_KEYS = {"column", "map", "unmapped", "optional"}


def load_mapping(name_or_path: str | Path) -> PartnerMapping:
    """Read a mapping from a TOML file, or a built-in one by name (``istv``, ``asb``, ``fire``).

    Raises
    ------
    NotFoundError
        The file does not exist.
    InputError
        The mapping has errors; the message gives the first and the hint says how many.

    Examples
    --------
    >>> m = load_mapping("istv")
    >>> m.dataset, m.agency, m.identifiers["record"]
    ('partner:istv', 'health', 'Attendance Identifier')
    """
    text, source = _read(name_or_path)
    mapping, problems = parse_mapping(text, source)
    errors = [p for p in problems if p.severity == "error"]
    if errors or mapping is None:
        first = errors[0] if errors else Problem("error", source, "could not be read")
        more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
        raise InputError(
            f"mapping '{source}': {first.where} {first.message}{more}",
            hint=f"run 'diogel mapping check {source} SAMPLE.csv' to see every problem",
        )
    return mapping


def _read(name_or_path: str | Path) -> tuple[str, str]:
    if isinstance(name_or_path, str) and name_or_path in BUILT_IN:
        return mapping_path(name_or_path).read_text(encoding="utf-8"), name_or_path
    path = Path(name_or_path)
    if not path.is_file():
        raise NotFoundError(
            f"mapping file '{path}' does not exist",
            hint=f"give a TOML mapping file or a built-in mapping: {', '.join(BUILT_IN)}",
        )
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except UnicodeDecodeError:
        raise InputError(
            f"mapping file '{path}' is not UTF-8 text", hint="save it as UTF-8"
        ) from None


def read_mapping_text(name_or_path: str | Path) -> tuple[str, str]:
    """The TOML text and display name of a mapping file or built-in mapping."""
    return _read(name_or_path)


class _Checker:
    """Collects problems while reading the TOML tables into specs."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, where: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem("error", where, message, hint))

    def warn(self, where: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem("warning", where, message, hint))

    def keys(self, table: MappingABC[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "allowed: " + ", ".join(sorted(allowed))
                )
                self.error(f"{where}{key}", "is not a setting Diogel knows", hint)

    def text(self, table: MappingABC[str, Any], key: str, where: str, *, need: bool) -> str | None:
        value = table.get(key)
        if value is None:
            if need:
                self.error(f"{where}{key}", "is missing", f'add {key} = "..."')
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(f"{where}{key}", f"must be a non-empty text, got {value!r}")
            return None
        return value.strip()

    def flag(self, table: MappingABC[str, Any], key: str, where: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{where}{key}", f"must be true or false, got {value!r}")
            return default
        return value

    def table(self, data: MappingABC[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.error(where, f"must be a table ([{key}]), got {value!r}")
            return {}
        return value

    def formats(self, value: Any, where: str, *, kind: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(f, str) for f in items):
            example = '["%d/%m/%Y"]' if kind == "date" else '["%H:%M"]'
            self.error(
                where,
                f"must be a format or a list of formats, got {value!r}",
                f"e.g. formats = {example}",
            )
            return ()
        for fmt in items:
            problem = format_problem(fmt, kind)
            if problem:
                self.error(
                    where,
                    f"format '{fmt}' {problem}",
                    "use strftime codes such as %d/%m/%Y or %H:%M",
                )
        return tuple(items)


def format_problem(fmt: str, kind: str) -> str | None:
    """Why a strftime format cannot read a date (or a time); None when it can.

    Examples
    --------
    >>> format_problem("%d/%m/%Y", "date") is None
    True
    >>> format_problem("%d/%m", "date")
    'does not give the year (%Y or %y)'
    >>> format_problem("%H:%Q", "time")
    'cannot be used: bad directive or stray % sign'
    """
    sample = dt.datetime(2031, 11, 27, 21, 47, 13)
    try:
        back = dt.datetime.strptime(sample.strftime(fmt), fmt)
    except ValueError:
        return "cannot be used: bad directive or stray % sign"
    if kind == "date":
        if back.year != sample.year:
            return "does not give the year (%Y or %y)"
        if (back.month, back.day) != (sample.month, sample.day):
            return "does not give the day and month"
    elif (back.hour, back.minute) != (sample.hour, sample.minute):
        return "does not give the hour and minute"
    return None


def parse_mapping(
    text: str, source: str = "mapping"
) -> tuple[PartnerMapping | None, list[Problem]]:
    """Read mapping TOML; return the mapping (None when it has errors) and every problem.

    Examples
    --------
    >>> toml = '''
    ... name = "asb-log"
    ... title = "ASB log"
    ... agency = "council"
    ... [date]
    ... column = "Date"
    ... formats = ["%d/%m/%Y"]
    ... [category]
    ... column = "Type"
    ... map = { "Noise" = "anti-social-behaviour", "Fly tipping" = "rubbish" }
    ... '''
    >>> mapping, problems = parse_mapping(toml)
    >>> mapping is None, [str(p) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    (True, ["error: [category] map 'Fly tipping' maps to 'rubbish', which is not a theme
    (themes: anti-social-behaviour, criminal-damage, deliberate-fire, domestic-abuse,
    drugs, other, public-order, violence, weapons)"])
    """
    c = _Checker()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        c.error(source, f"is not valid TOML: {exc}", "check quotes, brackets and = signs")
        return None, c.problems
    c.keys(data, _TOP_KEYS, "")
    for section, allowed in _SECTION_KEYS.items():
        if isinstance(data.get(section), dict):
            c.keys(data[section], allowed, f"[{section}] ")
    name = c.text(data, "name", "", need=True)
    if name and not _NAME.match(name):
        c.error(
            "name",
            f"'{name}' must be lower-case letters, digits and hyphens",
            'e.g. name = "asb-newport"',
        )
    title = c.text(data, "title", "", need=False) or (name or "")
    agency = c.text(data, "agency", "", need=True)
    if agency and agency not in AGENCIES:
        c.error(
            "agency", f"'{agency}' is not a kind of agency", "use one of: " + ", ".join(AGENCIES)
        )
    date = _date(c, data)
    time = _time(c, c.table(data, "time", "[time]"), "[time] ") if "time" in data else None
    reported, reported_time = _reported(c, data)
    category = _category(c, c.table(data, "category", "[category]"))
    location = _location(c, c.table(data, "location", "[location]"))
    identifiers = _identifiers(c, c.table(data, "identifiers", "[identifiers]"))
    dedupe = c.text(data, "dedupe", "", need=False) or (
        "record" if "record" in identifiers else "months"
    )
    if dedupe not in DEDUPE_MODES:
        c.error(
            "dedupe",
            f"'{dedupe}' is not a way to replace re-sent rows",
            'use "record" (needs [identifiers] record) or "months"',
        )
    elif dedupe == "record" and "record" not in identifiers:
        c.error(
            "dedupe",
            'is "record" but [identifiers] names no record column',
            'add [identifiers] record = "..." or use dedupe = "months"',
        )
    attributes = _attributes(c, c.table(data, "attributes", "[attributes]"))
    drop = data.get("drop", [])
    if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
        c.error("drop", f"must be a list of column names, got {drop!r}")
        drop = []
    synthetic = c.text(data, "synthetic", "", need=False)
    sheet = c.text(data, "sheet", "", need=False)
    used = [x for x in [date, category, location] if x is not None]
    if any(p.severity == "error" for p in c.problems) or len(used) < 3 or not name or not agency:
        return None, c.problems
    assert date is not None and category is not None and location is not None
    mapping = PartnerMapping(
        name=name,
        title=title,
        agency=agency,
        dedupe=dedupe,
        date=date,
        category=category,
        location=location,
        time=time,
        reported=reported,
        reported_time=reported_time,
        identifiers=identifiers,
        attributes=attributes,
        drop=tuple(drop),
        synthetic=synthetic,
        sheet=sheet,
        source=source,
        text=text,
    )
    clash = set(mapping.used_columns()) & set(drop)
    for column in sorted(clash):
        c.error(
            "drop",
            f"lists '{column}', which the mapping also reads",
            "a column is either used or dropped",
        )
    return (None if clash else mapping), c.problems


def _date(c: _Checker, data: MappingABC[str, Any]) -> DateSpec | None:
    if "date" not in data:
        c.error("[date]", "is missing", 'every row needs a date: add [date] column = "..."')
        return None
    table = c.table(data, "date", "[date]")
    column = c.text(table, "column", "[date] ", need=True)
    formats = c.formats(table.get("formats", ["%Y-%m-%d"]), "[date] formats", kind="date")
    fallback = c.text(table, "fallback", "[date] ", need=False)
    return DateSpec(column, formats, fallback) if column and formats else None


def _time(c: _Checker, table: MappingABC[str, Any], where: str) -> TimeSpec | None:
    column = c.text(table, "column", where, need=True)
    formats = c.formats(table.get("formats", ["%H:%M"]), f"{where}formats", kind="time")
    required = c.flag(table, "required", where, False)
    return TimeSpec(column, formats, required) if column and formats else None


def _reported(c: _Checker, data: MappingABC[str, Any]) -> tuple[DateSpec | None, TimeSpec | None]:
    if "reported" not in data:
        return None, None
    table = c.table(data, "reported", "[reported]")
    column = c.text(table, "column", "[reported] ", need=True)
    formats = c.formats(table.get("formats", ["%Y-%m-%d"]), "[reported] formats", kind="date")
    date = DateSpec(column, formats) if column and formats else None
    time_column = c.text(table, "time", "[reported] ", need=False)
    time = None
    if time_column:
        tf = c.formats(table.get("time_formats", ["%H:%M"]), "[reported] time_formats", kind="time")
        time = TimeSpec(time_column, tf) if tf else None
    return date, time


def _theme_hint() -> str:
    return "themes: " + ", ".join(sorted(THEMES))


def _category(c: _Checker, table: MappingABC[str, Any]) -> CategorySpec | None:
    column = c.text(table, "column", "[category] ", need=False)
    theme = c.text(table, "theme", "[category] ", need=False)
    if (column is None) == (theme is None):
        c.error(
            "[category]",
            "needs either column (with a map) or one theme for every row",
            'e.g. [category] theme = "violence"',
        )
        return None
    if theme is not None:
        if theme not in THEMES:
            c.error("[category] theme", f"'{theme}' is not a theme", _theme_hint())
        return CategorySpec(None, theme)
    raw_map = table.get("map")
    if not isinstance(raw_map, dict) or not raw_map:
        c.error(
            "[category] map",
            "is missing or empty",
            'list each category value the file uses: map = { "Noise" = "anti-social-behaviour" }',
        )
        return None
    values: dict[str, str] = {}
    for raw, target in raw_map.items():
        if not isinstance(target, str) or target not in THEMES:
            c.error(
                "[category] map", f"'{raw}' maps to '{target}', which is not a theme", _theme_hint()
            )
            continue
        key = normalise_value(raw)
        if key in values and values[key] != target:
            c.error("[category] map", f"'{raw}' is listed twice with different themes")
        values[key] = target
    unmapped = c.text(table, "unmapped", "[category] ", need=False) or "reject"
    if unmapped != "reject" and unmapped not in THEMES:
        c.error("[category] unmapped", f"'{unmapped}' must be \"reject\" or a theme", _theme_hint())
    return CategorySpec(column, None, values, unmapped)


def _location(c: _Checker, table: MappingABC[str, Any]) -> LocationSpec:
    get = {
        k: c.text(table, k, "[location] ", need=False)
        for k in ("lon", "lat", "easting", "northing", "text")
    }
    for a, b in (("lon", "lat"), ("easting", "northing")):
        if (get[a] is None) != (get[b] is None):
            c.error(
                "[location]",
                f"names {a if get[a] else b} without {b if get[a] else a}",
                "coordinates come in pairs",
            )
    required = c.flag(table, "required", "[location] ", False)
    if required and not any(get.values()):
        c.error(
            "[location] required",
            "is true but no location column is named",
            "name lon/lat, easting/northing or text columns",
        )
    keep_text = c.flag(table, "keep_text", "[location] ", True)
    return LocationSpec(**get, required=required, keep_text=keep_text)


def _identifiers(c: _Checker, table: MappingABC[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for role in IDENTIFIER_ROLES:
        column = c.text(table, role, "[identifiers] ", need=False)
        if column:
            out[role] = column
    return out


def _attributes(c: _Checker, table: MappingABC[str, Any]) -> tuple[AttributeSpec, ...]:
    specs: list[AttributeSpec] = []
    for name, spec in table.items():
        where = f"[attributes.{name}]"
        if name not in ATTRIBUTES:
            close = difflib.get_close_matches(name, list(ATTRIBUTES), n=1)
            c.error(
                where,
                "is not an attribute Diogel knows",
                f"did you mean '{close[0]}'?" if close else "attributes: " + ", ".join(ATTRIBUTES),
            )
            continue
        if isinstance(spec, str):
            spec = {"column": spec}
        if not isinstance(spec, dict):
            c.error(where, f"must be a column name or a table, got {spec!r}")
            continue
        c.keys(spec, _ATTRIBUTE_KEYS, f"{where} ")
        column = c.text(spec, "column", f"{where} ", need=True)
        allowed = ATTRIBUTES[name]
        raw_map = spec.get("map")
        values: dict[str, str] | None = None
        if raw_map is not None:
            if not isinstance(raw_map, dict):
                c.error(f"{where} map", f"must be a table, got {raw_map!r}")
                continue
            values = {}
            for raw, target in raw_map.items():
                if allowed is not None and target not in allowed:
                    c.error(
                        f"{where} map",
                        f"'{raw}' maps to '{target}', which is not a {name}",
                        "choose from: " + ", ".join(allowed),
                    )
                    continue
                values[normalise_value(raw)] = str(target)
        elif allowed is not None:
            c.warn(
                where,
                "has no map, so values must already be canonical",
                "values allowed: " + ", ".join(allowed),
            )
        unmapped = c.text(spec, "unmapped", f"{where} ", need=False) or "reject"
        if unmapped not in {"reject", "keep"} and (allowed is None or unmapped not in allowed):
            c.error(f"{where} unmapped", f'\'{unmapped}\' must be "reject", "keep" or a {name}')
        if unmapped == "keep" and allowed is not None:
            c.error(
                f"{where} unmapped",
                f'cannot be "keep": a {name} must be one of ' + ", ".join(allowed),
            )
        optional = c.flag(spec, "optional", f"{where} ", False)
        if column:
            specs.append(AttributeSpec(name, column, values, unmapped, optional))
    return tuple(specs)
