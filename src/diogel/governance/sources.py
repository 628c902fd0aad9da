"""Read a register file (YAML, or a folder of CSV files) into records that remember their lines.

Nothing here knows what a body or a duty is: a reader turns the file into
:class:`Record` objects, one per entry, each with the file and line it came from and
the line of every field, so that :mod:`diogel.governance.validate` can say exactly
where a problem is. Values stay as text (``None`` for empty) or lists of text; the
validator converts them.

Examples
--------
>>> records = read_yaml_text("region: x\\nbodies:\\n  - id: psb\\n    name: PSB\\n", "r.yaml")
>>> [(r.section, r.line, r.fields["id"]) for r in records if r.section == "bodies"]
[('bodies', 3, 'psb')]
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import yaml

from diogel.errors import InputError

#: Sections a register has, in file order. Review parts are nested under each review
#: in YAML and are separate CSV files with a ``review`` column.
SECTIONS: Final = (
    "organisations", "people", "bodies", "duties", "discharges", "seats", "reviews",
)  # fmt: skip
REVIEW_PARTS: Final = (
    "meetings", "workstreams", "recommendations", "actions", "milestones", "history",
)  # fmt: skip
#: Fields that hold a list (``;``-separated in CSV).
LIST_FIELDS: Final = frozenset({"councils", "areas", "themes", "requires", "depends_on"})
#: The CSV file holding the register's own fields (region, name, councils, ...).
HEADER_FILE: Final = "register.csv"

RawValue = str | list[str] | None


@dataclass
class Record:
    """One entry of a register file, with where it came from."""

    section: str
    fields: dict[str, RawValue]
    file: str
    line: int
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        """The line of a field (the entry's first line when the field is absent)."""
        return self.lines.get(name, self.line)


class RegisterError(InputError):
    """A register file has a problem; the message names the file and line.

    Examples
    --------
    >>> err = RegisterError("r.yaml", 4, "date '4/3/23' is not YYYY-MM-DD", "write 2023-03-04")
    >>> str(err)
    "r.yaml, line 4: date '4/3/23' is not YYYY-MM-DD. Hint: write 2023-03-04"
    >>> err.file, err.line
    ('r.yaml', 4)
    """

    code = "invalid_register"

    def __init__(
        self, file: str, line: int, detail: str, hint: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(f"{file}, line {line}: {detail}", hint=hint)
        self.file = file
        self.line = line
        #: What is wrong, without the file and line.
        self.detail = detail
        #: The field of the entry the problem is about, when it is about one field.
        self.field = field

    def __reduce__(self) -> tuple[object, ...]:
        return (RegisterError, (self.file, self.line, self.detail, self.hint, self.field))


# --------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------


def read_yaml(path: Path) -> list[Record]:
    """Records from a register YAML file.

    Raises
    ------
    RegisterError
        If the file is not UTF-8, not valid YAML, or not shaped like a register.
    """
    return read_yaml_bytes(path.read_bytes(), path.name)


def read_yaml_bytes(data: bytes, name: str) -> list[Record]:
    """Records from the bytes of a register YAML file (an upload; ``name`` is used in
    messages).

    >>> read_yaml_bytes("region: x\\nname: Ŵ\\n".encode("utf-16"), "r.yaml")
    Traceback (most recent call last):
    ...
    diogel.governance.sources.RegisterError: r.yaml, line 1: the file is not UTF-8 text. Hint: save it as UTF-8 (the YAML default)
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterError(
            name, 1, "the file is not UTF-8 text", "save it as UTF-8 (the YAML default)"
        ) from exc
    return read_yaml_text(text, name)


def read_yaml_text(text: str, name: str) -> list[Record]:
    """Records from register YAML held in a string (``name`` is used in messages)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise RegisterError(
            name,
            line,
            f"this is not valid YAML ({exc.problem})",
            "check the indentation, and put text containing ': ' or '#' in quotes",
        ) from exc
    except yaml.YAMLError as exc:
        raise RegisterError(name, 1, f"this is not valid YAML ({exc})") from exc
    if not isinstance(root, yaml.MappingNode):
        raise RegisterError(
            name, 1, "a register file must be a mapping of names to values",
            "start with 'region: <id>' and 'name: <name>' on their own lines",
        )  # fmt: skip
    records: list[Record] = []
    header = _mapping(root, name)
    head = Record("register", {}, name, 1)
    for key, (value, line) in header.items():
        if key in SECTIONS:
            records.extend(_entries(key, value, name, line))
        else:
            head.fields[key] = _value(value, key, name)
            head.lines[key] = line
    records.insert(0, head)
    return records


def _mapping(node: yaml.MappingNode, name: str) -> dict[str, tuple[yaml.Node, int]]:
    out: dict[str, tuple[yaml.Node, int]] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise RegisterError(name, line, "a key must be a plain name")
        key = str(key_node.value)
        if key in out:
            raise RegisterError(
                name,
                line,
                f"'{key}' is given twice in the same entry (first on line {out[key][1]})",
                "keep one of them",
            )
        out[key] = (value_node, line)
    return out


def _value(node: yaml.Node, key: str, name: str) -> RawValue:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        items: list[str] = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                raise RegisterError(
                    name, item.start_mark.line + 1, f"'{key}' must be a list of plain values"
                )
            value = _scalar(item)
            if value is not None:
                items.append(value)
        return items
    raise RegisterError(name, line, f"'{key}' must be a value or a list, not a mapping")


def _scalar(node: yaml.ScalarNode) -> str | None:
    if node.tag == "tag:yaml.org,2002:null" and not node.style:
        return None
    return str(node.value).strip() if node.style is None else str(node.value)


def _entries(section: str, node: yaml.Node, name: str, line: int) -> list[Record]:
    if isinstance(node, yaml.ScalarNode) and _scalar(node) is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise RegisterError(
            name, line, f"'{section}' must be a list of entries, each starting with '- '"
        )
    out = []
    for item in node.value:
        item_line = item.start_mark.line + 1
        if section == "meetings" and isinstance(item, yaml.ScalarNode):
            out.append(Record(section, {"date": _scalar(item)}, name, item_line,
                              {"date": item_line}))  # fmt: skip
            continue
        if not isinstance(item, yaml.MappingNode):
            raise RegisterError(
                name, item_line, f"each entry under '{section}' must be a mapping of fields",
                "write fields as 'name: value' lines under the '- '",
            )  # fmt: skip
        record = Record(section, {}, name, item_line)
        nested: list[Record] = []
        for key, (value, key_line) in _mapping(item, name).items():
            if section == "reviews" and key in REVIEW_PARTS:
                nested.extend(_entries(key, value, name, key_line))
                continue
            record.fields[key] = _value(value, key, name)
            record.lines[key] = key_line
        review_id = record.fields.get("id")
        for part in nested:  # a review's parts name their review, as CSV rows do
            part.fields["review"] = review_id if isinstance(review_id, str) else None
            part.lines["review"] = record.line
        out.append(record)
        out.extend(nested)
    return out


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


def csv_name(section: str) -> str:
    """The CSV file of a section: ``register.csv``, ``bodies.csv``, ...

    >>> csv_name("register"), csv_name("actions")
    ('register.csv', 'actions.csv')
    """
    return HEADER_FILE if section == "register" else f"{section}.csv"


def read_csv_folder(folder: Path) -> list[Record]:
    """Records from a folder of CSV files written by ``export_csv`` (or by hand).

    ``register.csv`` is required; a missing section file means the section is empty.

    Raises
    ------
    RegisterError
        If ``register.csv`` is missing or has other than one row, or a file is not UTF-8.
    """
    head_path = folder / HEADER_FILE
    if not head_path.is_file():
        raise RegisterError(
            HEADER_FILE, 1, f"the folder '{folder}' has no {HEADER_FILE}",
            "a CSV register is a folder with register.csv (region, name, councils) and one "
            "file per section; write one with: diogel governance export --format csv",
        )  # fmt: skip
    head = _read_csv(head_path, "register")
    if len(head) != 1:
        raise RegisterError(HEADER_FILE, 2, f"expected one row, found {len(head)}")
    records = list(head)
    for section in (*SECTIONS, *REVIEW_PARTS):
        path = folder / csv_name(section)
        if path.is_file():
            records.extend(_read_csv(path, section))
    return records


def _read_csv(path: Path, section: str) -> list[Record]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            rows: list[tuple[int, Sequence[str]]] = []
            start = 1
            for row in reader:
                rows.append((start, row))
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise RegisterError(
            path.name, 1, "the file is not UTF-8 text", "save it as CSV UTF-8"
        ) from exc
    if not rows:
        return []
    header = [h.strip() for h in rows[0][1]]
    out = []
    for line, cells in rows[1:]:
        row = list(cells)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise RegisterError(
                path.name, line, f"this row has {len(row)} cells but the header has {len(header)}",
                "put text containing commas in double quotes",
            )  # fmt: skip
        fields: dict[str, RawValue] = {}
        for key, cell in zip(header, row, strict=False):
            text = cell.strip()
            if key in LIST_FIELDS:
                fields[key] = [p.strip() for p in text.split(";") if p.strip()] if text else None
            else:
                fields[key] = text or None
        out.append(Record(section, fields, path.name, line, {k: line for k in fields}))
    return out
