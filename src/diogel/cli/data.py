"""Commands that load and list data: ingest, datasets, rejects, summary, areas, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from diogel.cli.base import (
    State,
    cli,
    emit_json,
    progress_bar,
    status_line,
)


@cli.group()
def ingest() -> None:
    """Load data: police.uk files, boundaries."""


@ingest.command("police-uk")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the per-file report as JSON.")
@click.pass_obj
def ingest_police_uk(state: State, paths: tuple[str, ...], as_json: bool) -> None:
    """Load data.police.uk CSV files, folders or monthly zip archives.

    Each file replaces the force and month it covers; the same file twice changes nothing.
    """
    from diogel.hub import load_police_uk

    with progress_bar(state.settings.quiet or as_json) as progress:
        report = load_police_uk(state.store, list(paths), progress=progress)
    if as_json:
        emit_json(report.as_dict())
        return
    for f in report.files:
        if f.skipped:
            click.echo(f"  {f.name}: skipped, {f.skipped}")
        elif f.rejected:
            click.echo(
                f"  {f.name}: {f.rows_in:,} rows, {f.accepted:,} stored, "
                f"{f.rejected:,} rejected (see: diogel rejects {f.file_id})"
            )
    loaded = sum(1 for f in report.files if not f.skipped)
    click.echo(
        f"Loaded {loaded} of {len(report.files)} files: {report.rows_in:,} rows read, "
        f"{report.accepted:,} stored, {report.rejected:,} rejected"
        + (
            f"; {report.outcomes_updated:,} crime outcomes updated"
            if report.outcomes_updated
            else ""
        )
        + f". Database: {state.settings.database_url}"
    )


@ingest.command("boundaries")
@click.argument("path", type=click.Path())
@click.option("--layer", required=True, help="A name for this set of areas, e.g. 'wards'.")
@click.option("--code-field", help="The attribute holding each area's code.")
@click.option("--name-field", help="The attribute holding each area's name.")
@click.option("--name-cy-field", help="The attribute holding each area's Welsh name.")
@click.pass_obj
def ingest_boundaries(
    state: State,
    path: str,
    layer: str,
    code_field: str | None,
    name_field: str | None,
    name_cy_field: str | None,
) -> None:
    """Load area boundaries from GeoJSON, GeoPackage or Shapefile."""
    from diogel.hub import load_boundaries

    result = load_boundaries(
        state.store, path, layer=layer, code_field=code_field, name_field=name_field,
        name_cy_field=name_cy_field,
    )  # fmt: skip
    click.echo(
        f"Loaded {result.areas:,} areas into layer '{layer}' (codes from '{result.code_field}', "
        f"names from '{result.name_field}')"
        + (f"; {result.rejected} rejected" if result.rejected else "")
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--all", "include_replaced", is_flag=True, help="Include files since replaced.")
@click.pass_obj
def datasets(state: State, as_json: bool, include_replaced: bool) -> None:
    """List loaded files with rows in, stored and rejected."""
    import pandas as pd

    frame = state.store.files(include_replaced=include_replaced)
    if as_json:
        records = []
        for r in frame.to_dict("records"):
            records.append(
                {
                    "file_id": int(r["file_id"]),
                    "dataset": r["dataset"],
                    "name": r["name"],
                    "sha256": r["sha256"],
                    "force": r["force"],
                    "month_from": None if pd.isna(r["month_from"]) else f"{r['month_from']:%Y-%m}",
                    "month_to": None if pd.isna(r["month_to"]) else f"{r['month_to']:%Y-%m}",
                    # None: a restricted file whose exact counts are not the reader's to see
                    **{c: None if pd.isna(r[c]) else int(r[c]) for c in _COUNTS},
                    "loaded_at": r["loaded_at"].isoformat(),
                    "current": bool(r["current"]),
                }
            )
        emit_json(records)
        return
    if frame.empty and state.as_user:
        click.echo(f"No loaded data that {state.as_user} may see.")
        return
    if frame.empty:
        click.echo("No data loaded yet. Try: diogel ingest police-uk FOLDER")
        return
    click.echo(f"{'id':>5}  {'dataset':<26} {'file':<44} {'rows':>8} {'stored':>8} {'rejected':>8}")
    for r in frame.itertuples():
        counts = [getattr(r, c) for c in _COUNTS]
        shown = (
            " ".join(f"{int(n):>8,}" for n in counts)
            if not any(pd.isna(n) for n in counts)
            else "(counts not shown: you may see only part of this data)"
        )
        click.echo(f"{r.file_id:>5}  {r.dataset:<26} {r.name[-44:]:<44} {shown}")


_COUNTS = ("rows_in", "accepted", "rejected")


@cli.command()
@click.argument("dataset")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--limit", default=50, show_default=True, help="How many to show (0: all).")
@click.pass_obj
def rejects(state: State, dataset: str, as_json: bool, limit: int) -> None:
    """Show rejected rows of a DATASET (e.g. police-uk-street), a file id or a file name."""
    frame = state.store.rejects(dataset)
    if as_json:
        emit_json(frame.to_dict("records"))
        return
    if frame.empty:
        click.echo(f"No rejected rows in {dataset}.")
        return
    shown = frame if limit == 0 else frame.head(limit)
    for r in shown.itertuples():
        click.echo(f"{r.file}:{r.line}: {r.reason}")
    if len(shown) < len(frame):
        click.echo(f"... and {len(frame) - len(shown):,} more (use --limit 0 to see all)")


@cli.command()
@click.option("--area", required=True, help="Council code or name (English or Welsh), or force.")
@click.option("--from", "start", required=True, help="First month, YYYY-MM.")
@click.option("--to", "end", required=True, help="Last month, YYYY-MM.")
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def summary(state: State, area: str, start: str, end: str, lang: str, as_json: bool) -> None:
    """Crimes in an area and period: total, by category and by month."""
    from diogel.assess.areas import find_area
    from diogel.assess.summary import summarise
    from diogel.geography import Geography
    from diogel.periods import Period

    period = Period.parse(start, end)
    found = find_area(state.store, Geography.bundled(), area)
    result = summarise(state.store, found, period)
    if as_json:
        emit_json(result.as_dict(lang))
        return
    _print_summary(result, lang)


def _print_summary(result: Any, lang: str) -> None:
    click.echo(f"{result.area.name(lang)} ({result.area.code}), {result.period.label}")
    click.echo(f"Total crimes and ASB incidents: {result.total:,}")
    click.echo("By category:")
    for cat, n in result.by_category.items():
        share = 100 * n / result.total if result.total else 0
        click.echo(f"  {cat:<32} {n:>8,}  {share:5.1f}%")
    click.echo("By month:")
    for month, n in result.by_month.items():
        note = "  (no data loaded)" if month in result.months_without_data else ""
        click.echo(f"  {month}  {n:>8,}{note}")
    click.echo(
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )


@cli.command()
@click.option("--area", default="Newport", show_default=True, help="Council to assess.")
@click.option(
    "--out-dir", type=click.Path(file_okay=False), default="diogel-demo", show_default=True,
    help="Folder for the assessment documents.",
)  # fmt: skip
@click.pass_obj
def demo(state: State, area: str, out_dir: str) -> None:
    """Build a demo database from the bundled Gwent sample, summarise a council and write
    its strategic assessment (HTML and PDF, English and Welsh)."""
    from diogel.demo import run_demo

    with (
        progress_bar(state.settings.quiet) as progress,
        status_line(state.settings.quiet) as status,
    ):
        outcome = run_demo(
            state.store, area=area, out_dir=Path(out_dir), progress=progress, status=status
        )
    click.echo(
        f"Demo database {state.settings.database_url}: {outcome.report.accepted:,} rows of "
        f"real Gwent Police data ({outcome.sample_label})."
    )
    _print_summary(outcome.summary, "en")
    click.echo("Strategic assessment written to:")
    for path in outcome.written:
        click.echo(f"  {path}")
    for problem in outcome.problems:
        click.echo(f"Note: {problem}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)
def areas(as_json: bool, lang: str) -> None:
    """List the Welsh councils Diogel knows, with their codes and forces."""
    from diogel.geography import Geography

    councils = Geography.bundled().councils
    if as_json:
        emit_json(councils.to_dict("records"))
        return
    for r in councils.to_dict("records"):
        name = str(r["name_cy"] if lang == "cy" else r["name_en"])
        click.echo(f"{r['code']}  {name:<28} {r['force']}")
