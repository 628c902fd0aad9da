"""Load partner files (A&E, council, fire...) with a declared mapping, all in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from scipy.spatial import cKDTree

from diogel.errors import InputError, NotFoundError
from diogel.geography import Area, Geography
from diogel.hub import Progress
from diogel.ingest.partners.mapping import PartnerMapping
from diogel.ingest.partners.mapping_toml import load_mapping
from diogel.ingest.partners.places import Gazetteer
from diogel.ingest.partners.pseudonym import PseudonymKey, read_key
from diogel.ingest.partners.reader import PartnerRead, check_header, read_partner
from diogel.ingest.partners.synthetic import generate_istv
from diogel.ingest.partners.tables import (
    SPREADSHEET_SUFFIXES,
    PartnerTable,
    read_partner_file,
    read_venues,
)
from diogel.ingest.partners.vocab import POLICE_VIOLENCE
from diogel.ingest.sources import sha256_of
from diogel.storage import Store
from diogel.storage.partners import (
    PartnerFile,
    key_ids,
    loaded_before,
    store_partner_file,
    street_locations,
)

#: File endings read from folders.
PARTNER_SUFFIXES = (".csv", *SPREADSHEET_SUFFIXES)


class _Silent:
    def start(self, total_files: int, total_bytes: int) -> None:
        pass

    def file_done(self, name: str, nbytes: int, rows: int) -> None:
        pass


@dataclass
class PartnerFileResult:
    """What happened to one partner file."""

    name: str
    rows_in: int
    accepted: int
    rejected: int
    file_id: int | None
    skipped: str | None = None
    replaced: int = 0
    places: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.name,
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "file_id": self.file_id,
            "skipped": self.skipped,
            "replaced": self.replaced,
            "places": dict(self.places),
        }


@dataclass
class PartnerLoadReport:
    """The outcome of one :func:`load_partner_files` call."""

    dataset: str
    mapping: str
    area: str | None
    files: list[PartnerFileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def as_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "mapping": self.mapping,
            "area": self.area,
            "files": [f.as_dict() for f in self.files],
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warnings": list(self.warnings),
        }


def discover_partner_files(paths: Sequence[str | Path]) -> list[Path]:
    """Files named directly, and the CSV and XLSX files inside folders (sorted)."""
    if not paths:
        raise InputError("no files given", hint="name one or more CSV or XLSX files or folders")
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise NotFoundError(
                f"'{p}' does not exist", hint="check the path; quote it if it has spaces"
            )
        if p.is_dir():
            inside = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and not f.name.startswith(".")
                and f.suffix.lower() in PARTNER_SUFFIXES
            )
            if not inside:
                raise InputError(
                    f"folder '{p}' holds no CSV or XLSX files", hint="point at the partner's files"
                )
            found += inside
        else:
            found.append(p)
    return list(dict.fromkeys(found))


def area_councils(area: Area, geography: Geography) -> list[str]:
    """The council codes an area lies in (all Welsh councils for none)."""
    if area.kind == "council":
        return [area.code]
    if area.kind == "force":
        return geography.councils_in_force(area.code)
    if area.kind == "lsoa":
        return [str(c) for c in geography.council_of_lsoa([area.code]) if c]
    return list(geography.councils["code"])


def build_gazetteer(
    store: Store,
    geography: Geography,
    area: Area | None,
    venues: str | Path | None = None,
) -> Gazetteer | None:
    """Streets from the police.uk data loaded for the area, plus a venue list; None if empty.

    The area's own names are ignored in texts ("Queen St Cardiff"); other councils' names
    send a match to review ("High St Newport" is not Cardiff's High Street).
    """
    councils = area_councils(area, geography) if area else list(geography.councils["code"])
    locations = street_locations(store, councils)
    venue_frame = read_venues(venues) if venues else None
    if locations.empty and (venue_frame is None or venue_frame.empty):
        return None
    table = geography.councils
    mine = table[table["code"].isin(councils)]
    others = table[~table["code"].isin(councils)]
    drop = [*mine["name_en"], *mine["name_cy"].dropna()] if area else []
    elsewhere = [*others["name_en"], *others["name_cy"].dropna()] if area else []
    return Gazetteer.from_police_locations(
        locations, venues=venue_frame, drop_words=drop, elsewhere=elsewhere
    )


def load_partner_files(
    store: Store,
    paths: Sequence[str | Path],
    mapping: str | Path | PartnerMapping,
    *,
    key: PseudonymKey | None = None,
    key_file: str | Path | None = None,
    area: str | None = None,
    venues: str | Path | None = None,
    geography: Geography | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> PartnerLoadReport:
    """Load partner files into the store with a mapping, all in one transaction.

    Parameters
    ----------
    store : Store
        Where to load.
    paths : sequence of path
        CSV (UTF-8) and XLSX files, or folders of them.
    mapping : str, path or PartnerMapping
        A built-in mapping name (``istv``, ``asb``, ``fire``) or a TOML mapping file.
    key, key_file : optional
        The pseudonym key (or a file holding it); by default from ``DIOGEL_PSEUDONYM_KEY_FILE``
        or ``DIOGEL_PSEUDONYM_KEY``. Needed when the mapping names identifiers.
    area : str, optional
        The council (or force) the files cover: events without a place count towards
        it, and free-text places are matched to its streets.
    venues : path, optional
        A CSV of venues (``name``, optional ``aliases``, ``longitude``/``latitude`` or
        ``easting``/``northing``) added to the gazetteer.

    Returns
    -------
    PartnerLoadReport
        Per file: rows in, accepted, rejected, rows replaced, how places were found.
        A file whose exact bytes were loaded before is skipped; if any file cannot be
        read, nothing is written.
    """
    geo = geography or Geography.bundled()
    spec = mapping if isinstance(mapping, PartnerMapping) else load_mapping(mapping)
    if spec.identifiers and key is None:
        key = read_key(key_file)
    found_area = geo.resolve_area(area) if area else None
    files = discover_partner_files(paths)
    tables: list[PartnerTable] = []
    for path in files:  # every file is read and its header checked before anything is written
        table = read_partner_file(path, sheet=spec.sheet)
        errors = [p for p in check_header(table.header, spec, table.name) if p.severity == "error"]
        if errors:
            raise InputError(
                f"{errors[0].where} {errors[0].message} ({errors[0].hint})",
                hint=f"'diogel mapping check {spec.source} {path}' lists every problem",
            )
        tables.append(table)
    report = PartnerLoadReport(spec.dataset, spec.name, found_area.code if found_area else None)
    gazetteer = build_gazetteer(store, geo, found_area, venues) if spec.location.text else None
    if spec.location.text and gazetteer is None:
        report.warnings.append(
            "no police.uk street data is loaded for the area and no venue list was given, so "
            "free-text places cannot be matched; load police.uk data first or pass --venues"
        )
    if key is not None:
        earlier = key_ids(store, spec.dataset) - {key.key_id}
        if earlier:
            report.warnings.append(
                f"{spec.dataset} already holds files pseudonymised with another key: "
                "their identifiers will not match this file's"
            )
    prog = progress or _Silent()
    prog.start(len(tables), sum(int(p.stat().st_size) for p in files))
    loaded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    seen: set[str] = set()
    with store.transaction():
        for path, table in zip(files, tables, strict=True):
            earlier_id = loaded_before(store, spec.dataset, table.sha256)
            if earlier_id is not None or table.sha256 in seen:
                report.files.append(
                    PartnerFileResult(
                        table.name,
                        table.rows_in,
                        0,
                        0,
                        earlier_id,
                        skipped="already loaded (same contents)",
                    )
                )
                prog.file_done(table.name, path.stat().st_size, 0)
                continue
            seen.add(table.sha256)
            read = read_partner(
                table, spec, key=key, geography=geo, gazetteer=gazetteer, today=today
            )
            file_id, replaced = store_partner_file(
                store, _to_store(read, spec, key, found_area), loaded_at
            )
            report.files.append(
                PartnerFileResult(
                    read.name,
                    read.rows_in,
                    read.accepted,
                    read.rejected,
                    file_id,
                    replaced=replaced,
                    places=dict(read.places),
                )
            )
            prog.file_done(table.name, path.stat().st_size, read.rows_in)
    return report


def _to_store(
    read: PartnerRead, spec: PartnerMapping, key: PseudonymKey | None, area: Area | None
) -> PartnerFile:
    return PartnerFile(
        dataset=spec.dataset,
        name=read.name,
        sha256=read.sha256,
        rows_in=read.rows_in,
        events=read.rows,
        rejects=read.rejects,
        reviews=read.reviews,
        mapping=spec.name,
        mapping_sha256=sha256_of(spec.text.encode("utf-8")),
        agency=spec.agency,
        key_id=key.key_id if key else None,
        area_code=area.code if area else None,
        dedupe=spec.dedupe,
        places=dict(read.places),
    )


def synthetic_istv(
    store: Store,
    area: Area,
    start: dt.date,
    end: dt.date,
    *,
    geography: Geography | None = None,
    venues: str | Path | None = None,
    per_month: int = 120,
    seed: int = 0,
    site_code: str = "7A4BV",
    error_rows: int = 0,
) -> pd.DataFrame:
    """A synthetic ISTV file for an area, placed on the streets of its loaded police.uk data.

    Streets are weighted by the police-recorded violence on them, so synthetic assaults
    gather where real violence does; venues (if given) are put on their nearest street.
    See :func:`diogel.ingest.partners.synthetic.generate_istv`.
    """
    geo = geography or Geography.bundled()
    councils = area_councils(area, geo)
    locations = street_locations(store, councils)
    if locations.empty:
        raise InputError(
            f"no police.uk street data is loaded for {area.name_en}",
            hint="load the force's street files first ('diogel ingest police-uk'); synthetic "
            "assaults are placed on the streets they name",
        )
    streets = Gazetteer.from_police_locations(locations).places
    violence = street_locations(store, councils, categories=POLICE_VIOLENCE)
    named = violence["location"].str.replace(r"^\s*on or near\s+", "", case=False, regex=True)
    weights = violence.groupby(named)["count"].sum()
    names = pd.DataFrame({"name": sorted(streets["name"].unique())})
    names["weight"] = names["name"].map(weights).fillna(0).to_numpy()
    venue_frame = None
    if venues:
        venue_frame = read_venues(venues)
        tree = cKDTree(streets[["x", "y"]].to_numpy(float))
        _, nearest = tree.query(venue_frame[["x", "y"]].to_numpy(float))
        venue_frame["street"] = streets["name"].to_numpy()[nearest]
    return generate_istv(
        names,
        start=start,
        end=end,
        per_month=per_month,
        venues=venue_frame,
        site_code=site_code,
        seed=seed,
        error_rows=error_rows,
    )
