"""The audit log: verify its hash chain, name any altered or missing entry, export it."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diogel.errors import InputError
from diogel.storage import sharing as db
from diogel.storage.base import Store
from diogel.storage.migrations.m400_sharing import GENESIS

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Problem:
    """One break in the chain: the entry number and what is wrong with it."""

    seq: int
    kind: str  # "altered" | "missing" | "head"
    message: str


@dataclass(frozen=True)
class AuditReport:
    """The result of checking the chain."""

    entries: int
    head_seq: int
    head_hash: str
    problems: tuple[Problem, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact, "entries": self.entries, "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in self.problems],
        }  # fmt: skip


def verify_audit(store: Store, *, anchor: tuple[int, str] | None = None) -> AuditReport:
    """Recompute every entry's hash and its link to the one before.

    An entry whose fields no longer give its hash, or whose hash was recomputed so that the
    next entry no longer follows it, is *altered*; a number that is absent is *missing*
    (the head row also catches removed last entries). ``anchor`` is a (number, hash) pair
    from an earlier export: it catches a log rewritten from that entry on.

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> verify_audit(open_store(":memory:")).intact
    True
    """
    rows = db.audit_entries(store)
    problems: list[Problem] = []
    prev_hash, expected = GENESIS, 1
    hashes: dict[int, str] = {}
    for row in rows:
        seq, stored_prev, digest = int(row[0]), str(row[7]), str(row[8])
        if seq > expected:
            gap = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            problems.append(Problem(expected, "missing", f"audit entry {gap} is missing"))
        elif stored_prev != prev_hash and expected > 1:
            problems.append(
                Problem(expected - 1, "altered",
                        f"audit entry {expected - 1} was altered (entry {seq} no longer follows it)")
            )  # fmt: skip
        if db.entry_hash(stored_prev, row[:7]) != digest:
            problems.append(Problem(seq, "altered", f"audit entry {seq} was altered"))
        hashes[seq] = digest
        prev_hash, expected = digest, seq + 1
    head_seq, head_hash = db.audit_head(store)
    if head_seq >= expected:
        gap = f"{expected}" if head_seq == expected else f"{expected} to {head_seq}"
        problems.append(Problem(expected, "missing", f"audit entry {gap} is missing"))
    elif head_seq == expected - 1 and head_hash != prev_hash:
        problems.append(Problem(head_seq, "altered", f"audit entry {head_seq} was altered"))
    if (
        anchor is not None
        and hashes.get(anchor[0], GENESIS if anchor[0] == 0 else None) != anchor[1]
    ):
        problems.append(
            Problem(anchor[0], "head", f"audit entry {anchor[0]} does not match the exported hash")
        )
    return AuditReport(len(rows), head_seq, head_hash, tuple(_unique(problems)))


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int, str]] = set()
    out = []
    for p in problems:
        if (p.seq, p.kind) not in seen:
            seen.add((p.seq, p.kind))
            out.append(p)
    return out


#: Columns of an exported entry, in order.
EXPORT_COLUMNS = (*db.AUDIT_COLUMNS, "prev_hash", "hash")
#: Export formats: the file suffix without its dot.
EXPORT_FORMATS = ("jsonl", "csv")


@dataclass(frozen=True)
class AuditExport:
    """The audit log written out: its text, the entries in it and the anchor to keep."""

    text: str
    entries: int
    head_seq: int
    head_hash: str

    @property
    def anchor(self) -> str:
        """``SEQ:HASH``, for ``verify_audit(anchor=...)`` or ``diogel audit verify --anchor``."""
        return f"{self.head_seq}:{self.head_hash}"


def export_text(store: Store, fmt: str = "jsonl", *, after: int = 0) -> AuditExport:
    """Entries after number ``after`` as JSON lines or CSV text (the same text
    :func:`export_audit` writes to a file).

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> done = export_text(open_store(":memory:"), "csv")
    >>> done.text.splitlines()[0], done.entries, done.anchor[:4]
    ('seq,logged_at,actor,action,dataset,query,row_count,prev_hash,hash', 0, '0:00')
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError("cannot export the audit log as '{fmt}'", hint="use jsonl or csv",
                         fmt=fmt)  # fmt: skip
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise InputError("'after' must be an entry number, 0 or more; received {after!r}",
                         hint="0 exports every entry", after=after)  # fmt: skip
    rows = [dict(zip(EXPORT_COLUMNS, r, strict=True)) for r in db.audit_entries(store, after)]
    head = db.audit_head(store)
    out = io.StringIO(newline="")
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            out.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
    return AuditExport(out.getvalue(), len(rows), head[0], head[1])


def export_audit(store: Store, path: str | Path, *, after: int = 0) -> tuple[int, int, str]:
    """Write entries after number ``after`` to a ``.jsonl`` or ``.csv`` file; returns
    (entries written, head number, head hash) — keep the last two to check later."""
    p = Path(path)
    if p.suffix not in {".jsonl", ".csv"}:
        raise InputError("cannot export the audit log as '{fmt}'", hint="use .jsonl or .csv",
                         fmt=p.suffix)  # fmt: skip
    done = export_text(store, p.suffix[1:], after=after)
    with p.open("w", encoding="utf-8", newline="") as fh:
        fh.write(done.text)
    return done.entries, done.head_seq, done.head_hash


def recent_entries(store: Store, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Up to ``limit`` entries, newest first, after skipping the ``offset`` newest; each a
    mapping of :data:`EXPORT_COLUMNS`.

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> recent_entries(open_store(":memory:"))
    []
    """
    for value, what, low in ((limit, "limit", 1), (offset, "offset", 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InputError("{what} must be a whole number of at least {low}; received {value!r}",
                             hint="e.g. limit=50, offset=0", what=what, low=low, value=value)  # fmt: skip
    return [
        dict(zip(EXPORT_COLUMNS, r, strict=True)) for r in db.audit_newest(store, limit, offset)
    ]


def count_entries(store: Store) -> int:
    """Entries stored in the audit log."""
    return db.audit_count(store)


def parse_anchor(text: str) -> tuple[int, str]:
    """An anchor ``SEQ:HASH`` (as an export gives it) as a (number, hash) pair.

    Examples
    --------
    >>> parse_anchor("12:" + "ab" * 32)[0]
    12
    """
    seq, _, digest = text.strip().partition(":")
    if not seq.isdigit() or len(seq) > 18 or not _HEX64.fullmatch(digest):
        raise InputError(
            "anchor {text!r} is not SEQ:HASH",
            hint="copy it as an export gave it: the entry number, a colon, 64 hex digits",
            text=text,
        )
    return int(seq), digest


def current_anchor(store: Store) -> str:
    """The anchor (``SEQ:HASH``) of the last entry appended: keep it outside the database."""
    seq, digest = db.audit_head(store)
    return f"{seq}:{digest}"
