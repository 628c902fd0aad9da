"""Partner data commands: ingest partner, mapping check/show, cardiff-model, partner-data ..."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from diogel.cli.base import State, area_options, area_period, cli, emit_json, progress_bar
from diogel.cli.data import ingest

_MAPPING_HELP = "A TOML mapping file, or a built-in mapping: istv (A&E), asb (council), fire."


@ingest.command("partner")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--mapping", "mapping", required=True, help=_MAPPING_HELP)
@click.option("--key-file", type=click.Path(dir_okay=False), help="The pseudonym key file.")
@click.option("--area", help="The council (or force) the files cover, e.g. Cardiff.")
@click.option(
    "--venues", type=click.Path(dir_okay=False), help="A CSV of venues for place matching."
)
@click.option("--json", "as_json", is_flag=True, help="Print the per-file report as JSON.")
@click.pass_obj
def ingest_partner(
    state: State,
    paths: tuple[str, ...],
    mapping: str,
    key_file: str | None,
    area: str | None,
    venues: str | None,
    as_json: bool,
) -> None:
    """Load partner CSV or XLSX files (A&E, ASB, fire...) with a declared mapping.

    Identifiers are pseudonymised with the key (never stored); a file loaded before is
    skipped; re-sent rows replace their earlier copies.
    """
    from diogel.hub_partners import load_partner_files

    with progress_bar(state.settings.quiet or as_json) as progress:
        report = load_partner_files(
            state.store,
            list(paths),
            mapping,
            key_file=key_file,
            area=area,
            venues=venues,
            progress=progress,
        )
    if as_json:
        emit_json(report.as_dict())
        return
    for f in report.files:
        if f.skipped:
            click.echo(f"  {f.name}: skipped, {f.skipped}")
            continue
        places = ", ".join(f"{n:,} {k}" for k, n in sorted(f.places.items()))
        click.echo(
            f"  {f.name}: {f.rows_in:,} rows, {f.accepted:,} stored, {f.rejected:,} rejected"
            + (f", {f.replaced:,} earlier rows replaced" if f.replaced else "")
            + (f" (see: diogel rejects {f.file_id})" if f.rejected else "")
            + (f"; places: {places}" if places else "")
        )
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    review = sum(f.places.get("review", 0) for f in report.files)
    click.echo(
        f"Loaded {report.dataset}: {report.rows_in:,} rows read, {report.accepted:,} stored, "
        f"{report.rejected:,} rejected."
        + (
            f" {review:,} places need review: diogel partner-data reviews {report.dataset}"
            if review
            else ""
        )
    )


@cli.group()
def mapping() -> None:
    """Check and show partner data mappings."""


@mapping.command("check")
@click.argument("mapping_file")
@click.argument("sample", required=False, type=click.Path())
@click.option("--key-file", type=click.Path(dir_okay=False), help="The pseudonym key file.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def mapping_check(
    mapping_file: str, sample: str | None, key_file: str | None, as_json: bool
) -> None:
    """Explain every problem in MAPPING_FILE, and with SAMPLE what a load would reject.

    Nothing is stored. Exits with 1 when there is an error or a rejected row.
    """
    from diogel.ingest.partners.check import check_mapping

    check = check_mapping(mapping_file, sample, key_file=key_file)
    if as_json:
        emit_json(check.as_dict())
    else:
        for p in check.problems:
            click.echo(str(p))
        if sample and check.rows_in:
            click.echo(
                f"Sample {sample}: {check.rows_in:,} rows, {check.accepted:,} would be "
                f"stored, {check.rejected:,} rejected."
            )
            for reason, rows, line in check.reasons:
                click.echo(
                    f"  line {line}: {reason}"
                    + (f" (and {rows - 1:,} more rows)" if rows > 1 else "")
                )
        click.echo("Mapping OK." if check.ok else "Fix the problems above before loading.")
    if not check.ok:
        raise SystemExit(1)


@mapping.command("show")
@click.argument("name", type=click.Choice(["istv", "asb", "fire"]))
def mapping_show(name: str) -> None:
    """Print a built-in mapping, to copy and adapt to another file."""
    from diogel.ingest.partners.mapping_toml import read_mapping_text

    click.echo(read_mapping_text(name)[0], nl=False)


@cli.command("cardiff-model")
@area_options
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)
@click.option("--k", "k", type=int, default=5, show_default=True, help="Hide counts from 1 to k-1.")
@click.option(
    "--hour-band", type=int, default=3, show_default=True, help="Hours per row of the shared table."
)
@click.option(
    "--no-suppression", is_flag=True, help="Every count, single hours (data holders only)."
)
@click.option(
    "--dataset", "datasets", multiple=True, help="Partner datasets to use (default: health)."
)
@click.option(
    "--radius", type=float, default=100.0, show_default=True, help="Metres for 'seen by police'."
)
@click.pass_obj
def cardiff_model(
    state: State,
    area: str,
    start: str,
    end: str,
    as_json: bool,
    lang: str,
    k: int,
    hour_band: int,
    no_suppression: bool,
    datasets: tuple[str, ...],
    radius: float,
) -> None:
    """The Cardiff Model: A&E assaults by hour and day, weapons, violence the police do not
    see, and combined police + A&E hot spots. Small numbers are suppressed unless
    --no-suppression is given."""
    from diogel.assess.cardiff import build_cardiff_model, full_report, shared_report

    found, period, geo = area_period(state, area, start, end)
    model = build_cardiff_model(
        state.store, found, period, geography=geo, datasets=datasets or None, radius=radius
    )
    report = (
        full_report(model, lang=lang)
        if no_suppression
        else shared_report(model, k=k, hours=hour_band, lang=lang)
    )
    if as_json:
        emit_json(report)
        return
    _print_cardiff(report)


def _cell(value: Any) -> str:
    return "*" if value is None else f"{value:,}"


def _print_cardiff(r: dict[str, Any]) -> None:
    click.echo(
        f"Cardiff Model: {r['area']['name']} ({r['area']['code']}), {r['from']} to {r['to']}"
    )
    click.echo(
        f"A&E assault attendances: {_cell(r['a_and_e_assaults'])}; police-recorded violence: "
        f"{r['police_violence']:,}"
    )
    if r["suppression"]:
        click.echo(
            f"Counts from 1 to {r['suppression']['k'] - 1} are shown as * (and other cells "
            "so that totals cannot reveal them)."
        )
    hd = r["hour_by_day"]
    click.echo("\n" + f"{'':<18}" + "".join(f"{d[:3]:>6}" for d in hd["days"]))
    for label, row in zip(hd["hours"], hd["counts"], strict=True):
        click.echo(f"{label!s:<18}" + "".join(f"{_cell(v):>6}" for v in row))
    click.echo("\nWeapon:")
    for w in r["weapons"]:
        share = "" if w["share"] is None else f"  {100 * w['share']:5.1f}%"
        click.echo(f"  {w['label']:<34}{_cell(w['count']):>7}{share}")
    u = r["unseen_violence"]
    share = "not shown" if u["share"] is None else f"{100 * u['share']:.1f}%"
    click.echo(
        f"\nUnseen violence: {share} of A&E assaults with a place were where the police "
        f"recorded no violence within {u['radius_m']:g} m."
    )
    for p in u["places"][:5]:
        click.echo(f"  {p['place']}: {p['a_and_e']:,}")
    cells = r["combined_hotspots"]["cells"]
    click.echo(f"\nCombined hot spots (police + A&E, Gi*): {len(cells)} hot cells")
    for c in cells[:5]:
        click.echo(
            f"  cell {c['cell_id']} ({c['lat']:.5f}, {c['lon']:.5f}): police {c['police']:,}, "
            f"A&E {_cell(c['a_and_e'])}, z = {c['z_score']:.1f}"
        )
    for note in r["notes"]:
        click.echo(f"Note: {note}")
    click.echo(r["attribution"])


@cli.group("partner-data")
def partner_data() -> None:
    """Partner datasets: list them, review places, make keys and synthetic ISTV files."""


@partner_data.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def partner_list(state: State, as_json: bool) -> None:
    """Partner datasets loaded: events, files, months, placed and synthetic rows."""
    from diogel.storage.partners import partner_datasets

    frame = partner_datasets(state.store)
    if as_json:
        emit_json(frame.to_dict("records"))
        return
    if frame.empty:
        click.echo("No partner data loaded yet. Try: diogel ingest partner --mapping istv FILE")
        return
    for r in _records(frame):
        click.echo(
            f"{r.dataset:<20} {r.agency:<8} {int(r.events):>8,} events in {int(r.files)} files, "
            f"{r.month_from:%Y-%m} to {r.month_to:%Y-%m}, {int(r.placed):,} placed"
            + (f", {int(r.synthetic):,} synthetic" if r.synthetic else "")
        )


@partner_data.command("reviews")
@click.argument("dataset", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--limit", default=50, show_default=True, help="How many to show (0: all).")
@click.pass_obj
def partner_reviews(state: State, dataset: str | None, as_json: bool, limit: int) -> None:
    """Places matched with low confidence: not used, listed for a person to check."""
    from diogel.storage.partners import place_reviews

    frame = place_reviews(state.store, dataset)
    if as_json:
        emit_json(frame.to_dict("records"))
        return
    shown = frame if limit == 0 else frame.head(limit)
    for r in _records(shown):
        click.echo(f"{r.file}:{r.line}: '{r.text}' -> {r.candidate}? ({r.reason})")
    if len(shown) < len(frame):
        click.echo(f"... and {len(frame) - len(shown):,} more (use --limit 0 to see all)")
    if frame.empty:
        click.echo("No places waiting for review.")


@partner_data.command("new-key")
@click.argument("path", type=click.Path(dir_okay=False))
def partner_new_key(path: str) -> None:
    """Write a new random pseudonym key to PATH (keep it outside the database, backed up)."""
    from diogel.ingest.partners.pseudonym import write_new_key

    key = write_new_key(path)
    click.echo(
        f"Wrote a new pseudonym key to {path} (key id {key.key_id}). Keep it safe: "
        "without it, new files cannot be linked to earlier ones."
    )


@partner_data.command("generate-istv")
@area_options
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The CSV to write.")
@click.option("--per-month", default=120, show_default=True, help="Average rows per month.")
@click.option("--seed", default=0, show_default=True, help="Same seed, same file.")
@click.option("--venues", type=click.Path(dir_okay=False), help="A CSV of venues to name.")
@click.option("--site-code", default="7A4BV", show_default=True, help="The A&E site code.")
@click.option("--error-rows", default=0, show_default=True, help="Rows made wrong on purpose.")
@click.pass_obj
def partner_generate_istv(
    state: State,
    area: str,
    start: str,
    end: str,
    as_json: bool,
    out: str,
    per_month: int,
    seed: int,
    venues: str | None,
    site_code: str,
    error_rows: int,
) -> None:
    """Write a SYNTHETIC ISTV (A&E assault) file for an area: no real patients, for tests
    and demos, placed on the streets of the area's loaded police.uk data."""
    from diogel.hub_partners import synthetic_istv

    found, period, geo = area_period(state, area, start, end)
    frame = synthetic_istv(
        state.store,
        found,
        period.start,
        _month_end(period.end),
        geography=geo,
        venues=venues,
        per_month=per_month,
        seed=seed,
        site_code=site_code,
        error_rows=error_rows,
    )
    Path(out).write_text(frame.to_csv(index=False), encoding="utf-8")
    if as_json:
        emit_json({"file": out, "rows": len(frame), "synthetic": True})
    else:
        click.echo(f"Wrote {len(frame):,} synthetic ISTV rows to {out} (not real patients).")


def _month_end(first: Any) -> Any:
    import pandas as pd

    return (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()


@partner_data.command("near-repeat")
@area_options
@click.option("--dataset", "datasets", multiple=True, help="Partner datasets (default: all).")
@click.option("--theme", "themes", multiple=True, help="Themes, e.g. anti-social-behaviour.")
@click.option("--distance-bands", default="0,100,200,400", show_default=True, help="Metres.")
@click.option("--time-bands", default="0,7,14,28", show_default=True, help="Days.")
@click.option("--permutations", default=99, show_default=True)
@click.option("--seed", type=int, help="Seed for the permutations.")
@click.pass_obj
def partner_near_repeat_command(
    state: State,
    area: str,
    start: str,
    end: str,
    as_json: bool,
    datasets: tuple[str, ...],
    themes: tuple[str, ...],
    distance_bands: str,
    time_bands: str,
    permutations: int,
    seed: int | None,
) -> None:
    """Knox near-repeat test on dated partner events of an area and period."""
    from diogel.assess.partner_section import partner_near_repeat
    from diogel.cli.analysis import _bands

    found, period, geo = area_period(state, area, start, end)
    result = partner_near_repeat(
        state.store,
        found,
        period,
        geography=geo,
        datasets=datasets or None,
        themes=themes or None,
        distance_bands=_bands(distance_bands, "--distance-bands"),
        time_bands=_bands(time_bands, "--time-bands"),
        permutations=permutations,
        seed=seed,
    )
    if as_json:
        emit_json(
            {
                "events": result.events,
                "close_pairs": result.close_pairs,
                "permutations": result.permutations,
                "seed": result.seed,
                "bands": result.table.to_dict("records"),
            }
        )
        return
    click.echo(f"{result.events:,} events, {result.close_pairs:,} close pairs. Knox ratios:")
    click.echo(result.matrix().round(2).to_string())
    click.echo("p-values:")
    click.echo(result.matrix("p_value").round(3).to_string())


def _records(frame: pd.DataFrame) -> list[Any]:
    """Rows as named tuples, typed loosely (their fields are whatever the frame holds)."""
    return list(frame.itertuples(index=False))
