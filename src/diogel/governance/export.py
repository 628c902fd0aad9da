"""Write a register as YAML, or as a folder of CSV files a region can keep in a spreadsheet.

Both are read back by :func:`diogel.governance.read_register_file` into an equal
register. Councils are written by English name (``all`` when a body covers every
council of the register), dates as YYYY-MM-DD, and empty fields are left out of YAML.

Examples
--------
>>> from diogel.governance.model import Body, Register
>>> reg = Register("demo", "Demo", ("W06000022",),
...                bodies=(Body("psb", "PSB", "psb", ("W06000022",)),),
...                council_names={"W06000022": ("Newport", "Casnewydd")})
>>> print(to_yaml(reg))  # doctest: +NORMALIZE_WHITESPACE
format: diogel-governance/1
region: demo
name: Demo
councils: [Newport]
bodies:
- id: psb
  name: PSB
  kind: psb
  areas: all
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

import yaml

from diogel.governance.fields import AREAS, FORMAT, SPECS
from diogel.governance.model import Register, Review
from diogel.governance.sources import LIST_FIELDS, REVIEW_PARTS, SECTIONS, csv_name


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _row(item: Any, section: str, register: Register, footprint: tuple[str, ...] | None) -> dict:
    """An item's fields in spec order, areas by name, empty values dropped."""
    values = {f.name: getattr(item, f.name) for f in dataclass_fields(item)}
    row: dict[str, Any] = {}
    for name, (convert, _required) in SPECS[section].items():
        value = values.get(name)
        if convert == AREAS and value is not None:
            if section == "discharges" and footprint is not None and tuple(value) == footprint:
                continue  # the body's own footprint is the default
            if tuple(value) == register.councils and section != "register":
                value = "all"
            else:
                value = [register.council_label(code) for code in value]
        if value is None or value is False or value == ():
            continue
        row[name] = _plain(value)
    return row


def _header(register: Register) -> dict[str, Any]:
    head: dict[str, Any] = {"format": FORMAT, "region": register.region, "name": register.name}
    if register.name_cy:
        head["name_cy"] = register.name_cy
    head["councils"] = [register.council_label(c) for c in register.councils]
    for key in ("source", "note"):
        if getattr(register, key):
            head[key] = getattr(register, key)
    return head


def _sections(register: Register) -> Iterator[tuple[str, list[dict]]]:
    footprints = {b.id: b.areas for b in register.bodies}
    for section in SECTIONS[:-1]:
        rows = [
            _row(item, section, register, footprints.get(getattr(item, "body", "")))
            for item in getattr(register, section)
        ]
        yield section, rows


def _review_parts(register: Register, review: Review) -> Iterator[tuple[str, list[dict]]]:
    yield "meetings", [{"date": d} for d in review.meetings]
    for part in REVIEW_PARTS[1:]:
        yield part, [_row(item, part, register, None) for item in getattr(review, part)]


def to_document(register: Register) -> dict[str, Any]:
    """The register as nested plain data, in the order the YAML file is written."""
    doc = _header(register)
    for section, rows in _sections(register):
        if rows:
            doc[section] = rows
    reviews = []
    for review in register.reviews:
        entry = _row(review, "reviews", register, None)
        for part, rows in _review_parts(register, review):
            if rows:
                entry[part] = [r["date"] for r in rows] if part == "meetings" else rows
        reviews.append(entry)
    if reviews:
        doc["reviews"] = reviews
    return doc


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, and writes long text as folded blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _mapping(dumper: yaml.SafeDumper, value: dict) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False)


def _sequence(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    flat = all(not isinstance(v, dict | list) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(list, _sequence)


def to_yaml(register: Register) -> str:
    """The register as YAML text (lists of plain values on one line)."""
    return yaml.dump(
        to_document(register),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )


def write_yaml(register: Register, path: str | Path) -> Path:
    """Write the register as a YAML file; returns its path."""
    target = Path(path)
    target.write_text(to_yaml(register), encoding="utf-8")
    return target


def _cell(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "true"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(_plain(value))


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def csv_files(register: Register) -> dict[str, str]:
    """The register as CSV texts by file name: ``register.csv`` and one per section
    (lists such as areas, themes and dependencies ``;``-separated in one cell).

    >>> from diogel.governance import example_register
    >>> files = csv_files(example_register("gwent"))
    >>> list(files)[:3], files["register.csv"].splitlines()[0]
    (['register.csv', 'organisations.csv', 'people.csv'], 'format,region,name,name_cy,councils,source,note')
    """
    files: dict[str, str] = {}
    head = _header(register)
    columns = [c for c in SPECS["register"] if c in head or c in LIST_FIELDS]
    files[csv_name("register")] = _csv_text(columns, [head])
    parts: dict[str, list[dict]] = {p: [] for p in ("reviews", *REVIEW_PARTS)}
    for review in register.reviews:
        parts["reviews"].append(_row(review, "reviews", register, None))
        for part, rows in _review_parts(register, review):
            parts[part].extend({"review": review.id, **r} for r in rows)
    for section, rows in _sections(register):
        files[csv_name(section)] = _csv_text(list(SPECS[section]), rows)
    for section, rows in parts.items():
        files[csv_name(section)] = _csv_text(list(SPECS[section]), rows)
    return files


def csv_zip(register: Register) -> bytes:
    """The CSV files of :func:`csv_files` in one zip archive (a folder ``<region>/``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_files(register).items():
            archive.writestr(f"{register.region}/{name}", text)
    return out.getvalue()


def write_csv(register: Register, folder: str | Path) -> list[Path]:
    """Write the register as a folder of CSV files (``register.csv`` and one per section).

    Lists (areas, themes, dependencies) are ``;``-separated in one cell. Returns the
    files written.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in csv_files(register).items():
        path = target / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        written.append(path)
    return written
