"""Check a mapping, and a sample file against it, before anything is loaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from diogel.errors import DiogelError
from diogel.geography import Geography
from diogel.ingest.partners.mapping import PartnerMapping, Problem
from diogel.ingest.partners.mapping_toml import parse_mapping, read_mapping_text
from diogel.ingest.partners.pseudonym import PseudonymKey, new_key_text, read_key
from diogel.ingest.partners.reader import check_header, read_partner
from diogel.ingest.partners.tables import read_partner_file

#: How many distinct reject reasons a check lists.
SHOWN_REASONS = 12


@dataclass
class MappingCheck:
    """Everything wrong with a mapping and a sample: problems, and what a load would do."""

    mapping: str
    sample: str | None
    problems: list[Problem] = field(default_factory=list)
    rows_in: int = 0
    accepted: int = 0
    rejected: int = 0
    reasons: list[tuple[str, int, int]] = field(default_factory=list)
    places: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed) and no sample row is rejected."""
        return not any(p.severity == "error" for p in self.problems) and self.rejected == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "mapping": self.mapping,
            "sample": self.sample,
            "ok": self.ok,
            "problems": [p.as_dict() for p in self.problems],
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "reject_reasons": [
                {"reason": r, "rows": n, "first_line": line} for r, n, line in self.reasons
            ],
            "places": dict(self.places),
        }


def check_mapping(
    mapping: str | Path,
    sample: str | Path | None = None,
    *,
    geography: Geography | None = None,
    key_file: str | Path | None = None,
    today: dt.date | None = None,
) -> MappingCheck:
    """Check a mapping (a TOML file or a built-in name) and, if given, read a sample with it.

    Nothing is stored. Free-text places are not matched (that needs the database's
    gazetteer); every other check a load makes is made, and rejected rows are summarised
    by reason. When the mapping names identifiers and no key is configured, a throwaway
    key is used for the check and a warning says that loading will need one.

    Examples
    --------
    >>> check = check_mapping("istv")
    >>> check.ok, [p for p in check.problems if p.severity == "error"]
    (True, [])
    """
    text, source = read_mapping_text(mapping)
    parsed, problems = parse_mapping(text, source)
    check = MappingCheck(source, str(sample) if sample else None, list(problems))
    if parsed is None:
        return check
    key = _key(parsed, key_file, check)
    if sample is None:
        return check
    try:
        table = read_partner_file(sample, sheet=parsed.sheet)
    except DiogelError as exc:
        check.problems.append(Problem("error", f"sample '{sample}'", exc.message, exc.hint or ""))
        return check
    check.problems += check_header(table.header, parsed, table.name)
    if any(p.severity == "error" for p in check.problems):
        return check
    read = read_partner(
        table, parsed, key=key, geography=geography or Geography.bundled(), today=today
    )
    check.rows_in, check.accepted, check.rejected = read.rows_in, read.accepted, read.rejected
    # Texts are matched to the gazetteer on load; a check only counts them.
    check.places = {
        ("text, matched on load" if k == "unmatched" else k): v for k, v in read.places.items()
    }
    if len(read.rejects):
        grouped = read.rejects.groupby("reason", sort=False)["line"].agg(["size", "min"])
        grouped = grouped.sort_values(["size", "min"], ascending=[False, True])
        check.reasons = [
            (str(reason), int(row["size"]), int(row["min"]))
            for reason, row in grouped.head(SHOWN_REASONS).iterrows()
        ]
    return check


def _key(mapping: PartnerMapping, key_file: str | Path | None, check: MappingCheck) -> PseudonymKey:
    if not mapping.identifiers:
        return PseudonymKey(new_key_text().encode())
    try:
        return read_key(key_file)
    except DiogelError:
        check.problems.append(
            Problem(
                "warning",
                "[identifiers]",
                "are pseudonymised on load, and no pseudonym key is set up yet",
                "make one with 'diogel partner-data new-key KEYFILE' before loading",
            )
        )
        return PseudonymKey(new_key_text().encode())


def rejects_frame(check: MappingCheck) -> pd.DataFrame:
    """The reject reasons of a check as a frame (``reason``, ``rows``, ``first_line``)."""
    return pd.DataFrame(check.reasons, columns=["reason", "rows", "first_line"])
