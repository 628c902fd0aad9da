"""The ``diogel`` command line: parse, call the library, print. No SQL or statistics here."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from diogel.config import Settings
from diogel.errors import DiogelError

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """Settings for one invocation, and the store, opened on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Any = None

    @property
    def store(self) -> Any:
        if self._store is None:
            from diogel.storage import open_store

            self._store = open_store(self.settings.database_url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _emit_json(value: object) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "database_url",
    envvar="DIOGEL_DATABASE_URL",
    help="Database: a DuckDB file (default ./diogel.duckdb) or a postgresql:// URL.",
)
@click.option("--quiet", "-q", is_flag=True, default=None, help="No progress bars or notes.")
@click.version_option(package_name="diogel")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, quiet: bool | None) -> None:
    """Diogel: data, analysis and assessments for community safety partnerships."""
    settings = Settings.from_env().with_overrides(database_url=database_url, quiet=quiet)
    state = State(settings)
    ctx.obj = state
    ctx.call_on_close(state.close)


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

    with _progress(state.settings.quiet or as_json) as progress:
        report = load_police_uk(state.store, list(paths), progress=progress)
    if as_json:
        _emit_json(report.as_dict())
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
                    "rows_in": int(r["rows_in"]),
                    "accepted": int(r["accepted"]),
                    "rejected": int(r["rejected"]),
                    "loaded_at": r["loaded_at"].isoformat(),
                    "current": bool(r["current"]),
                }
            )
        _emit_json(records)
        return
    if frame.empty:
        click.echo("No data loaded yet. Try: diogel ingest police-uk FOLDER")
        return
    click.echo(f"{'id':>5}  {'dataset':<26} {'file':<44} {'rows':>8} {'stored':>8} {'rejected':>8}")
    for r in frame.itertuples():
        click.echo(
            f"{r.file_id:>5}  {r.dataset:<26} {r.name[-44:]:<44} {r.rows_in:>8,} "
            f"{r.accepted:>8,} {r.rejected:>8,}"
        )


@cli.command()
@click.argument("dataset")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--limit", default=50, show_default=True, help="How many to show (0: all).")
@click.pass_obj
def rejects(state: State, dataset: str, as_json: bool, limit: int) -> None:
    """Show rejected rows of a DATASET (e.g. police-uk-street), a file id or a file name."""
    frame = state.store.rejects(dataset)
    if as_json:
        _emit_json(frame.to_dict("records"))
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
        _emit_json(result.as_dict(lang))
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
@click.option("--area", required=True, help="Council code or name (English or Welsh), or force.")
@click.option("--from", "start", required=True, help="First month, YYYY-MM.")
@click.option("--to", "end", required=True, help="Last month, YYYY-MM.")
@click.option("--category", help="Only this police.uk category, e.g. 'Burglary'.")
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def trends(
    state: State, area: str, start: str, end: str, category: str | None, lang: str, as_json: bool
) -> None:
    """Monthly trend, the change between the two halves of the period, and alerts."""
    from diogel.assess.areas import find_area
    from diogel.assess.trends import build_trends
    from diogel.geography import Geography
    from diogel.periods import Period

    geo = Geography.bundled()
    report = build_trends(
        state.store, find_area(state.store, geo, area), Period.parse(start, end), geography=geo,
        category=category,
    )  # fmt: skip
    data = report.as_dict(lang)
    if as_json:
        _emit_json(data)
        return
    click.echo(f"{report.area.name(lang)} ({report.area.code}), {report.period.label}"
               + (f", {category}" if category else ""))  # fmt: skip
    click.echo("Month      count  12-month total")
    for month, n in data["series"].items():
        rolling = data["rolling_12_months"].get(month)
        shown = "no data" if n is None else f"{n:>5,}"
        flag = "  ALERT" if any(a["month"] == month for a in data["alerts"]) else ""
        flag += "  (looks incomplete)" if month in report.incomplete else ""
        click.echo(f"{month}  {shown:>7}  {'' if rolling is None else f'{rolling:>10,}'}{flag}")
    if report.comparison is not None:
        first, second = report.compared
        click.echo(f"Change from {first[0]}..{first[-1]} to {second[0]}..{second[-1]}: "
                   f"crime {report.comparison.sentence}.")  # fmt: skip
    for note in report.notes:
        click.echo(f"Note: {note}")


@cli.command()
@click.option("--area", required=True, help="Council code or name (English or Welsh), or force.")
@click.option("--from", "start", required=True, help="First month, YYYY-MM.")
@click.option("--to", "end", required=True, help="Last month, YYYY-MM.")
@click.option("--method", type=click.Choice(["gistar", "kde"]), default="gistar", show_default=True)
@click.option("--category", help="Only this police.uk category, e.g. 'Burglary'.")
@click.option("--cell-size", type=float, help="Cell side in metres (chosen for you if omitted).")
@click.option("--bandwidth", type=float, help="Neighbourhood or kernel bandwidth in metres.")
@click.option(
    "--format", "fmt", type=click.Choice(["geojson", "csv", "json"]), default="geojson",
    show_default=True, help="geojson: cells as polygons; csv: one row per cell.",
)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file, not the screen.")
@click.pass_obj
def hotspots(
    state: State, area: str, start: str, end: str, method: str, category: str | None,
    cell_size: float | None, bandwidth: float | None, fmt: str, out: str | None,
) -> None:  # fmt: skip
    """Hot and cold spots (Getis-Ord Gi*) or kernel density for an area and period."""
    from diogel.assess.areas import find_area
    from diogel.assess.hotspots import area_hotspots
    from diogel.geography import Geography
    from diogel.periods import Period

    geo = Geography.bundled()
    found = area_hotspots(
        state.store, find_area(state.store, geo, area), Period.parse(start, end), geography=geo,
        method=method, category=category, cell_size=cell_size, bandwidth=bandwidth,
        quiet=True,
    )  # fmt: skip
    if fmt == "csv":
        text = found.table().to_csv(index=False)
    elif fmt == "json":
        text = json.dumps(found.metadata(), indent=2)
    else:
        text = json.dumps(found.geojson())
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(found.result.cells):,} cells to {out}", err=True)
    else:
        click.echo(text)
    if not state.settings.quiet:
        for note in found.result.notes:
            click.echo(f"Note: {note}", err=True)


def _area_period(state: State, area: str, start: str, end: str) -> tuple[Any, Any, Any]:
    from diogel.assess.areas import find_area
    from diogel.geography import Geography
    from diogel.periods import Period

    period = Period.parse(start, end)
    geo = Geography.bundled()
    return find_area(state.store, geo, area), period, geo


def _area_options(f: F) -> F:
    for option in reversed(
        [
            click.option("--area", required=True, help="Council code or name, or force."),
            click.option("--from", "start", required=True, help="First month, YYYY-MM."),
            click.option("--to", "end", required=True, help="Last month, YYYY-MM."),
            click.option("--json", "as_json", is_flag=True, help="Print as JSON."),
        ]
    ):
        f = option(f)
    return f


@cli.command()
@_area_options
@click.pass_obj
def harm(state: State, area: str, start: str, end: str, as_json: bool) -> None:
    """Harm by category, weighted by the ONS Crime Severity Score."""
    from diogel.assess.profile import area_harm, harm_dict

    found, period, _ = _area_period(state, area, start, end)
    data = harm_dict(area_harm(state.store, found, period))
    if as_json:
        _emit_json(data)
        return
    click.echo(f"{found.name_en}, {period.label}: total harm {data['total_harm']:,.0f}")
    for row in data["by_category"]:
        click.echo(f"  {row['category']:<32} {row['incidents']:>7,} x {row['weight']:>8.1f} "
                   f"= {row['harm']:>12,.0f}  ({100 * row['share_of_harm']:.1f}%)")  # fmt: skip
    for row in data["not_weighted"]:
        click.echo(f"  not weighted: {row['category']} ({row['incidents']:,}): {row['reason']}")


@cli.command()
@_area_options
@click.option("--top", default=20, show_default=True, help="How many repeat locations.")
@click.pass_obj
def places(state: State, area: str, start: str, end: str, as_json: bool, top: int) -> None:
    """How concentrated crime is across LSOAs, and the top repeat locations."""
    from diogel.assess.profile import area_places

    found, period, geo = _area_period(state, area, start, end)
    data = area_places(state.store, found, period, geography=geo, top=top).as_dict()
    if as_json:
        _emit_json(data)
        return
    click.echo(f"{found.name_en}, {period.label}: {data['incidents']:,.0f} incidents "
               f"in {data['lsoas']} LSOAs; Gini {data['gini']:.2f}")  # fmt: skip
    for row in data["top_shares"]:
        click.echo(f"  busiest {row['places']} LSOAs ({100 * row['share_of_places']:.0f}%) "
                   f"hold {100 * row['share_of_crime']:.1f}% of crime")  # fmt: skip
    for row in data["repeat_locations"]:
        click.echo(f"  {row['rank']:>3}. {row['location']} ({row['lsoa_code']}): "
                   f"{row['incidents']:,} in {row['months']} months")  # fmt: skip


@cli.command()
@_area_options
@click.option("--category", help="Only this police.uk category.")
@click.pass_obj
def rates(
    state: State, area: str, start: str, end: str, as_json: bool, category: str | None
) -> None:
    """Crimes per 1,000 residents: LSOAs, councils on a funnel plot, deprivation deciles."""
    from diogel.assess.profile import area_rates

    found, period, geo = _area_period(state, area, start, end)
    result = area_rates(state.store, found, period, geography=geo, category=category)
    data = result.as_dict()
    if as_json:
        _emit_json(data)
        return
    click.echo(f"Councils of the force, {period.label} (per 1,000 residents, mid-2022):")
    for row in data["councils"]:
        click.echo(f"  {row['name']:<18} {row['rate']:7.1f}  {row['position']}")
    click.echo("By WIMD decile (1 = most deprived):")
    for row in data["deprivation"]:
        click.echo(f"  {row['wimd_decile']:>2}  {row['rate']:7.1f} ({row['lower']:.1f} to "
                   f"{row['upper']:.1f})  {row['lsoas']} LSOAs")  # fmt: skip


@cli.command("near-repeat")
@click.argument("events", type=click.Path())
@click.option("--distance-bands", default="0,100,200,400", show_default=True, help="Metres.")
@click.option("--time-bands", default="0,7,14,28", show_default=True, help="Days.")
@click.option("--permutations", default=99, show_default=True)
@click.option("--seed", type=int, help="Seed for the permutations (same seed, same result).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def near_repeat_command(
    events: str, distance_bands: str, time_bands: str, permutations: int, seed: int | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Knox test for near repeats in a CSV of dated events (date, and x/y or lon/lat).

    police.uk data has months, not dates, so it cannot be used for this.
    """
    from diogel.assess.near_repeat import events_from_csv, near_repeat

    result = near_repeat(
        events_from_csv(events), distance_bands=_bands(distance_bands, "--distance-bands"),
        time_bands=_bands(time_bands, "--time-bands"), permutations=permutations, seed=seed,
    )  # fmt: skip
    if as_json:
        _emit_json({"events": result.events, "close_pairs": result.close_pairs,
                    "permutations": result.permutations, "seed": result.seed,
                    "bands": result.table.to_dict("records")})  # fmt: skip
        return
    click.echo(f"{result.events:,} events, {result.close_pairs:,} close pairs, "
               f"{result.permutations} permutations. Knox ratios:")  # fmt: skip
    click.echo(result.matrix("knox_ratio").round(2).to_string())
    click.echo("p-values:")
    click.echo(result.matrix("p_value").round(3).to_string())


def _bands(text: str, option: str) -> tuple[float, ...]:
    from diogel.errors import InputError

    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise InputError(
            f"{option} '{text}' is not a list of numbers", hint="write e.g. 0,100,200,400"
        ) from None


@cli.command()
@click.option("--area", default="Newport", show_default=True, help="Council for the summary.")
@click.pass_obj
def demo(state: State, area: str) -> None:
    """Build a demo database from the bundled Gwent sample and summarise one council."""
    from diogel.demo import run_demo

    with _progress(state.settings.quiet) as progress:
        outcome = run_demo(state.store, area=area, progress=progress)
    click.echo(
        f"Demo database {state.settings.database_url}: {outcome.report.accepted:,} rows of "
        f"real Gwent Police data ({outcome.sample_label})."
    )
    _print_summary(outcome.summary, "en")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)
def areas(as_json: bool, lang: str) -> None:
    """List the Welsh councils Diogel knows, with their codes and forces."""
    from diogel.geography import Geography

    councils = Geography.bundled().councils
    if as_json:
        _emit_json(councils.to_dict("records"))
        return
    for r in councils.to_dict("records"):
        name = str(r["name_cy"] if lang == "cy" else r["name_en"])
        click.echo(f"{r['code']}  {name:<28} {r['force']}")


@contextmanager
def _progress(quiet: bool) -> Iterator[Any]:
    """A progress bar on standard error, or nothing when quiet or not a terminal."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )

    class Reporter:
        task: Any = None
        rows = 0

        def start(self, total_files: int, total_bytes: int) -> None:
            self.task = bar.add_task(f"Loading {total_files} files", total=total_bytes, rows=0)

        def file_done(self, name: str, nbytes: int, rows: int) -> None:
            self.rows += rows
            bar.update(self.task, advance=nbytes, rows=self.rows)

    with bar:
        yield Reporter()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn Diogel errors into one clear line and exit 1."""
    try:
        cli.main(args=argv, prog_name="diogel", standalone_mode=False)
    except DiogelError as exc:
        if "--json" in (argv if argv is not None else sys.argv):
            click.echo(json.dumps(exc.to_dict()), err=True)
        else:
            click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code if exc.exit_code else 2)
    except KeyboardInterrupt:
        click.echo("Interrupted: nothing from the unfinished load was saved.", err=True)
        sys.exit(130)
