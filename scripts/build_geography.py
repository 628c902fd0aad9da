"""Rebuild Diogel's bundled Welsh geography (src/diogel/data/geography) from ../shared/data.

Usage::

    .venv/bin/python scripts/build_geography.py [--data DIR] [--out DIR] [--tolerance M]

What it writes (GeoParquet 1.0, WKB geometry in EPSG:27700, zstd-compressed):

``lsoas.parquet``
    The 1,917 Welsh LSOA 2021 polygons with English and Welsh name, council code,
    ONS mid-2022 population and WIMD 2019 rank and decile carried to 2021 codes.
``councils.parquet``
    The 22 Welsh councils (principal areas), English and Welsh names, police force, and
    a polygon that is the exact union (dissolve) of the council's simplified LSOAs.
``forces.parquet``
    The four Welsh police forces: data.police.uk slug, English and Welsh names.
``england_wales.parquet``
    Every LSOA 2021 of England and Wales: upper-tier council and mid-2022 population.
``lsoa_lookup.parquet``
    The ONS LSOA 2011 -> 2021 best-fit lookup rows for England and Wales, change flag.
``manifest.json``
    Source file checksums, counts, the simplification tolerance and the measured
    boundary displacement, so a reader can see exactly what was done.

How the geometry is made:

1. Read ``drkane-geo-lookups/boundaries/lsoa21/W06*.geojson`` (ONS generalised LSOA
   boundaries, WGS84) and project to British National Grid with Diogel's own pinned
   transformation (``diogel.geography.projection``), so bundled polygons and located
   points share identical arithmetic.
2. Repair invalid polygons with GEOS ``make_valid`` (linework method). The source has
   one: W01000067 (Gwynedd 016D) carries the hole around W01000068 as an extra outer
   ring, which double-covers W01000068; the linework repair turns it back into a hole.
3. Check the 1,917 polygons form a valid polygonal *coverage* (no overlaps, shared
   edges vertex-identical), then simplify them together with GEOS coverage
   simplification (Visvalingam-Whyatt, ``shapely.coverage_simplify``) so neighbouring
   LSOAs keep sharing exactly the same edge: no gaps, no slivers, every polygon valid and
   non-empty. Tolerance ``--tolerance`` (default 5 m) is roughly the square root of the
   largest triangle area removed. Coordinates are then snapped to a 0.1 m grid.
4. Dissolve LSOAs into councils with ``shapely.coverage_union_all``; because the
   councils are built from the same simplified edges, ``council_at`` and
   ``council_of_lsoa(lsoa_at(...))`` can never disagree.

WIMD 2019 is published for LSOA 2011 codes; it is carried to 2021 codes with the ONS
lookup (see ``carry_wimd``). The script is deterministic: the same inputs and library
versions give byte-identical files (no timestamps, sorted rows, no pandas metadata).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

from diogel.geography.projection import BNG_CRS, to_bng

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "src" / "diogel" / "data" / "geography"
TOLERANCE_M = 5.0
GRID_M = 0.1
MAX_TOTAL_BYTES = 3_000_000

#: Police force areas (data.police.uk slugs); each Welsh council lies in exactly one.
FORCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "dyfed-powys": (
        "Dyfed-Powys Police",
        "Heddlu Dyfed-Powys",
        ("W06000008", "W06000009", "W06000010", "W06000023"),
    ),
    "gwent": (
        "Gwent Police",
        "Heddlu Gwent",
        ("W06000018", "W06000019", "W06000020", "W06000021", "W06000022"),
    ),
    "north-wales": (
        "North Wales Police",
        "Heddlu Gogledd Cymru",
        ("W06000001", "W06000002", "W06000003", "W06000004", "W06000005", "W06000006"),
    ),
    "south-wales": (
        "South Wales Police",
        "Heddlu De Cymru",
        (
            "W06000011",
            "W06000012",
            "W06000013",
            "W06000014",
            "W06000015",
            "W06000016",
            "W06000024",
        ),
    ),
}


class BuildError(RuntimeError):
    """A check on the source data or the output failed; nothing trustworthy was built."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    # The ONS exports start with a byte-order mark.
    return pd.read_csv(path, encoding="utf-8-sig", **kwargs)


def read_lsoa_polygons(data: Path) -> tuple[pd.DataFrame, np.ndarray, list[Path]]:
    """Read the 22 per-council GeoJSON files; return attributes and BNG polygons."""
    files = sorted((data / "drkane-geo-lookups" / "boundaries" / "lsoa21").glob("W06*.geojson"))
    check(len(files) == 22, f"expected 22 council files of LSOA 2021 polygons, found {len(files)}")
    frames = [gpd.read_file(f) for f in files]
    gdf = pd.concat(frames, ignore_index=True)
    gdf = gdf.sort_values("LSOA21CD", ignore_index=True)
    check(bool((gdf["LADCD_ACTIVE"] == gdf["UTLACD"]).all()), "LADCD_ACTIVE != UTLACD")
    attrs = pd.DataFrame(
        {"code": gdf["LSOA21CD"].astype(str), "council_code": gdf["LADCD_ACTIVE"].astype(str)}
    )

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = to_bng(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    geom = shapely.transform(np.asarray(gdf.geometry.values), project)
    return attrs, geom, files


def repair(geom: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Make every polygon valid, keeping only polygonal parts; report what was repaired."""
    bad = ~shapely.is_valid(geom)
    repaired = [f"{codes[i]}: {shapely.is_valid_reason(geom[i])}" for i in np.flatnonzero(bad)]
    fixed = shapely.make_valid(geom[bad], method="linework")
    # make_valid may return a collection with stray lines; keep the polygons only.
    for k, g in enumerate(fixed):
        parts = shapely.get_parts(g)
        polys = [p for p in parts if p.geom_type == "Polygon"]
        fixed[k] = shapely.multipolygons(polys) if len(polys) > 1 else polys[0]
    out = geom.copy()
    out[bad] = fixed
    check(bool(shapely.is_valid(out).all()), "repair left invalid polygons")
    return out, repaired


def simplify(geom: np.ndarray, tolerance: float) -> np.ndarray:
    """Coverage-simplify, snap to the grid, and check the result is still a clean coverage."""
    check(shapely.coverage_is_valid(geom), "source LSOAs are not a valid polygonal coverage")
    simple = shapely.coverage_simplify(geom, tolerance) if tolerance > 0 else geom
    simple = shapely.set_precision(simple, GRID_M)
    check(bool(shapely.is_valid(simple).all()), "simplification produced invalid polygons")
    check(not bool(shapely.is_empty(simple).any()), "simplification emptied a polygon")
    check(
        set(shapely.get_type_id(simple).tolist()) <= {3, 6},
        "simplification produced a non-polygonal geometry",
    )
    check(shapely.coverage_is_valid(simple), "simplified LSOAs no longer form a coverage")
    return simple


def carry_wimd(lookup: pd.DataFrame, wimd: pd.DataFrame, pop19: pd.DataFrame) -> pd.DataFrame:
    """WIMD 2019 rank and decile for each LSOA 2021 code.

    * ``U`` (unchanged) and ``S`` (split): the 2021 LSOA takes its 2011 parent's
      published rank and decile.
    * ``M`` (merged) and ``X`` (irregular): rank is the mean of the 2011 parents' ranks
      weighted by their ONS mid-2019 populations; the decile is then derived from that
      rank's position among all 1,917 carried ranks with WIMD's own convention
      (deciles of ``ceil(n / 10)`` areas counted from the most deprived; ties take the
      lower position), i.e. ``ceil(position / 192)``.
    """
    n_2011 = len(wimd)
    per_decile_2011 = math.ceil(n_2011 / 10)
    published_rule = np.ceil(wimd["rank"] / per_decile_2011).astype(int)
    check(
        bool((published_rule == wimd["decile"]).all()),
        "WIMD deciles do not follow ceil(rank / ceil(n / 10)); revisit carry_wimd",
    )
    rows = lookup.merge(wimd, left_on="lsoa11_code", right_on="lsoa11cd", how="left")
    rows = rows.merge(pop19, left_on="lsoa11_code", right_on="code", how="left")
    check(bool(rows["rank"].notna().all()), "a Welsh 2011 LSOA has no WIMD rank")
    check(bool(rows["population"].notna().all()), "a Welsh 2011 LSOA has no mid-2019 population")
    rows["weighted"] = rows["rank"] * rows["population"]
    agg = rows.groupby("lsoa21_code", sort=True).agg(
        change=("change", "first"),
        weighted=("weighted", "sum"),
        weight=("population", "sum"),
        rank=("rank", "first"),
        decile=("decile", "first"),
    )
    direct = agg["change"].isin(["U", "S"]).to_numpy()
    rank = np.where(direct, agg["rank"], agg["weighted"] / agg["weight"]).astype(np.float64)
    position = pd.Series(rank).rank(method="min").to_numpy()
    derived = np.ceil(position / math.ceil(len(agg) / 10)).astype(np.int64)
    decile = np.where(direct, agg["decile"].to_numpy(), derived).astype(np.int64)
    return pd.DataFrame(
        {"code": agg.index.astype(str), "wimd_rank": rank, "wimd_decile": decile}
    ).reset_index(drop=True)


def geo_metadata(geom: np.ndarray) -> bytes:
    types = sorted({shapely.get_type_id(g) for g in geom})
    names = {3: "Polygon", 6: "MultiPolygon"}
    bounds = shapely.total_bounds(geom)
    meta = {
        "version": "1.0.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": [names[int(t)] for t in types],
                "crs": CRS(BNG_CRS).to_json_dict(),
                "bbox": [round(float(b), 1) for b in bounds],
            }
        },
    }
    return json.dumps(meta, sort_keys=True).encode()


def write(path: Path, columns: dict[str, object], geom: np.ndarray | None = None) -> int:
    """Write one deterministic (Geo)Parquet file; return its size in bytes."""
    data = dict(columns)
    metadata = None
    if geom is not None:
        data["geometry"] = pa.array(shapely.to_wkb(geom, output_dimension=2), pa.binary())
        metadata = {b"geo": geo_metadata(geom)}
    table = pa.table(data)
    if metadata:
        table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path, compression="zstd", compression_level=19)
    return path.stat().st_size


def build(data: Path, out: Path, tolerance: float) -> dict[str, object]:
    lib = data / "librarieshacked-geography-db"
    attrs, geom, geo_files = read_lsoa_polygons(data)
    codes = attrs["code"].to_numpy()
    check(len(codes) == 1917 and attrs["code"].is_unique, "expected 1,917 distinct LSOA 2021s")

    geom, repaired = repair(geom, codes)
    simple = simplify(geom, tolerance)
    shift = shapely.hausdorff_distance(geom, simple, densify=0.25)

    # Names (English and Welsh) of LSOAs and councils.
    names = read_csv(lib / "lsoa21_to_utla23.csv")
    names = names[names["LSOA21CD"].str.startswith("W")]
    lsoas = attrs.merge(
        names.rename(
            columns={
                "LSOA21CD": "code",
                "LSOA21NM": "name_en",
                "LSOA21NMW": "name_cy",
                "UTLA23CD": "utla",
            }
        )[["code", "name_en", "name_cy", "utla"]],
        on="code",
        how="left",
        validate="one_to_one",
    )
    check(bool(lsoas["name_en"].notna().all()), "an LSOA has no name")
    check(bool((lsoas["utla"] == lsoas["council_code"]).all()), "name file disagrees on council")

    pop = read_csv(lib / "lsoa_population_mid2022_lsoa21.csv")
    pop = pop.rename(columns={"lsoacd": "code"})
    lsoas = lsoas.merge(pop, on="code", how="left", validate="one_to_one")
    check(bool(lsoas["population"].notna().all()), "an LSOA has no mid-2022 population")

    # The ONS 2011 -> 2021 lookup for England and Wales: Welsh forces record some crimes
    # over the border, and their English codes are harmonised the same way.
    lk = read_csv(lib / "lsoa11_to_lsoa21_exact.csv")
    lookup = pd.DataFrame(
        {
            "lsoa11_code": lk["LSOA11CD"].astype(str),
            "lsoa21_code": lk["LSOA21CD"].astype(str),
            "change": lk["CHGIND"].astype(str),
        }
    ).sort_values(["lsoa11_code", "lsoa21_code"], ignore_index=True)
    welsh21 = set(lookup["lsoa21_code"][lookup["lsoa21_code"].str.startswith("W")])
    check(welsh21 == set(codes), "lookup and polygons disagree on 2021 codes")
    check(set(lookup["change"]) <= {"U", "S", "M", "X"}, "unknown change flag in lookup")
    flags = lookup.groupby("lsoa21_code")["change"].nunique()
    check(bool((flags == 1).all()), "a 2021 LSOA has mixed change flags")

    wimd = read_csv(lib / "lsoa_wimd.csv")
    pop19 = read_csv(lib / "lsoa_population_mid2019_lsoa11.csv", header=None)
    pop19.columns = pd.Index(["code", "population"])
    welsh_lookup = lookup[lookup["lsoa21_code"].str.startswith("W")]
    carried = carry_wimd(welsh_lookup, wimd, pop19)

    # Council (upper-tier authority) and population of every LSOA 2021 in England and
    # Wales, so crimes recorded over the border still get a council.
    every = read_csv(lib / "lsoa21_to_utla23.csv")
    ew = every[["LSOA21CD", "UTLA23CD", "UTLA23NM"]].merge(
        pop.rename(columns={"code": "LSOA21CD"}), on="LSOA21CD", how="left"
    )
    check(bool(ew["population"].notna().all()), "an LSOA in England or Wales has no population")
    lsoas = lsoas.merge(carried, on="code", how="left", validate="one_to_one")

    # Councils: names from the LSOA name file, force from FORCES, polygon = dissolve.
    councils = (
        names[["UTLA23CD", "UTLA23NM", "UTLA23NMW"]]
        .drop_duplicates()
        .rename(columns={"UTLA23CD": "code", "UTLA23NM": "name_en", "UTLA23NMW": "name_cy"})
        .sort_values("code", ignore_index=True)
    )
    force_of = {c: slug for slug, (_, _, cs) in FORCES.items() for c in cs}
    check(len(councils) == 22, f"expected 22 councils, found {len(councils)}")
    check(set(councils["code"]) == set(force_of), "council codes differ from the force table")
    councils["force"] = councils["code"].map(force_of)
    council_geom = np.array(
        [
            shapely.coverage_union_all(simple[(lsoas["council_code"] == c).to_numpy()])
            for c in councils["code"]
        ],
        dtype=object,
    )
    check(bool(shapely.is_valid(council_geom).all()), "a dissolved council is invalid")

    out.mkdir(parents=True, exist_ok=True)
    sizes = {
        "lsoas.parquet": write(
            out / "lsoas.parquet",
            {
                "code": pa.array(lsoas["code"], pa.string()),
                "name_en": pa.array(lsoas["name_en"], pa.string()),
                "name_cy": pa.array(lsoas["name_cy"], pa.string()),
                "council_code": pa.array(lsoas["council_code"], pa.string()),
                "population": pa.array(lsoas["population"], pa.int64()),
                "wimd_rank": pa.array(lsoas["wimd_rank"], pa.float64()),
                "wimd_decile": pa.array(lsoas["wimd_decile"], pa.int64()),
            },
            simple,
        ),
        "councils.parquet": write(
            out / "councils.parquet",
            {
                k: pa.array(councils[k], pa.string())
                for k in ("code", "name_en", "name_cy", "force")
            },
            council_geom,
        ),
        "forces.parquet": write(
            out / "forces.parquet",
            {
                "code": pa.array(sorted(FORCES), pa.string()),
                "name_en": pa.array([FORCES[s][0] for s in sorted(FORCES)], pa.string()),
                "name_cy": pa.array([FORCES[s][1] for s in sorted(FORCES)], pa.string()),
            },
        ),
        "england_wales.parquet": write(
            out / "england_wales.parquet",
            {
                "lsoa21_code": pa.array(ew["LSOA21CD"], pa.string()),
                "council_code": pa.array(ew["UTLA23CD"], pa.string()),
                "council_name": pa.array(ew["UTLA23NM"], pa.string()),
                "population": pa.array(ew["population"], pa.int64()),
            },
        ),
        "lsoa_lookup.parquet": write(
            out / "lsoa_lookup.parquet",
            {k: pa.array(lookup[k], pa.string()) for k in ("lsoa11_code", "lsoa21_code", "change")},
        ),
    }
    check(sum(sizes.values()) < MAX_TOTAL_BYTES, f"bundle too large: {sizes}")

    sources = [*geo_files] + [
        lib / n
        for n in (
            "lsoa21_to_utla23.csv",
            "lsoa_population_mid2022_lsoa21.csv",
            "lsoa11_to_lsoa21_exact.csv",
            "lsoa_wimd.csv",
            "lsoa_population_mid2019_lsoa11.csv",
        )
    ]
    change_counts = welsh_lookup.drop_duplicates("lsoa21_code")["change"].value_counts()
    manifest: dict[str, object] = {
        "crs": BNG_CRS,
        "simplification": {
            "method": "GEOS coverage simplification (Visvalingam-Whyatt), shared edges kept",
            "tolerance_m": tolerance,
            "grid_m": GRID_M,
            "max_displacement_m": round(float(shift.max()), 1),
            "p99_displacement_m": round(float(np.percentile(shift, 99)), 1),
            "vertices_before": int(shapely.get_num_coordinates(geom).sum()),
            "vertices_after": int(shapely.get_num_coordinates(simple).sum()),
        },
        "repaired_source_polygons": repaired,
        "counts": {
            "councils": len(councils),
            "lsoas": len(lsoas),
            "lookup_rows": len(lookup),
            "lsoa21_by_change": {k: int(v) for k, v in sorted(change_counts.items())},
        },
        "population_mid2022": int(lsoas["population"].sum()),
        "files": {k: sizes[k] for k in sorted(sizes)},
        "sources": {str(p.relative_to(data)): sha256(p) for p in sources},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_M, help="metres")
    args = parser.parse_args(argv)
    try:
        manifest = build(args.data, args.out, args.tolerance)
    except BuildError as err:
        print(f"build_geography: {err}", file=sys.stderr)
        return 1
    print(json.dumps({k: manifest[k] for k in ("simplification", "counts", "files")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
