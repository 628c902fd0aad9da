"""Analysis commands: trends, hotspots, harm, places, rates, near-repeat."""

from __future__ import annotations

import json
from pathlib import Path

import click

from diogel.cli.base import (
    State,
    area_options,
    area_period,
    cli,
    emit_json,
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
        emit_json(data)
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
@click.option(
    "--method", type=click.Choice(["gistar", "kde", "change", "classify"]), default="gistar",
    show_default=True,
    help="gistar: hot and cold spots; kde: density; change: cell-by-cell change from a year "
    "earlier; classify: emerging, persistent... hot spots over time.",
)  # fmt: skip
@click.option("--time-slice", type=click.Choice(["month", "quarter"]), default="quarter",
              show_default=True, help="Time slices for --method classify.")  # fmt: skip
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
    time_slice: str,
) -> None:  # fmt: skip
    """Hot and cold spots (Getis-Ord Gi*), density, change or emerging hot spots."""
    from diogel.assess.areas import find_area
    from diogel.assess.hotspots import area_hotspots
    from diogel.geography import Geography
    from diogel.periods import Period

    geo = Geography.bundled()
    found = area_hotspots(
        state.store, find_area(state.store, geo, area), Period.parse(start, end), geography=geo,
        method=method, category=category, cell_size=cell_size, bandwidth=bandwidth,
        time_slice=time_slice, quiet=True,
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


@cli.command()
@area_options
@click.pass_obj
def harm(state: State, area: str, start: str, end: str, as_json: bool) -> None:
    """Harm by category, weighted by the ONS Crime Severity Score."""
    from diogel.assess.profile import area_harm, harm_dict

    found, period, _ = area_period(state, area, start, end)
    data = harm_dict(area_harm(state.store, found, period))
    if as_json:
        emit_json(data)
        return
    click.echo(f"{found.name_en}, {period.label}: total harm {data['total_harm']:,.0f}")
    for row in data["by_category"]:
        click.echo(f"  {row['category']:<32} {row['incidents']:>7,} x {row['weight']:>8.1f} "
                   f"= {row['harm']:>12,.0f}  ({100 * row['share_of_harm']:.1f}%)")  # fmt: skip
    for row in data["not_weighted"]:
        click.echo(f"  not weighted: {row['category']} ({row['incidents']:,}): {row['reason']}")


@cli.command()
@area_options
@click.option("--top", default=20, show_default=True, help="How many repeat locations.")
@click.pass_obj
def places(state: State, area: str, start: str, end: str, as_json: bool, top: int) -> None:
    """How concentrated crime is across LSOAs, and the top repeat locations."""
    from diogel.assess.profile import area_places

    found, period, geo = area_period(state, area, start, end)
    data = area_places(state.store, found, period, geography=geo, top=top).as_dict()
    if as_json:
        emit_json(data)
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
@area_options
@click.option("--category", help="Only this police.uk category.")
@click.pass_obj
def rates(
    state: State, area: str, start: str, end: str, as_json: bool, category: str | None
) -> None:
    """Crimes per 1,000 residents: LSOAs, councils on a funnel plot, deprivation deciles."""
    from diogel.assess.profile import area_rates

    found, period, geo = area_period(state, area, start, end)
    result = area_rates(state.store, found, period, geography=geo, category=category)
    data = result.as_dict()
    if as_json:
        emit_json(data)
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
        emit_json({"events": result.events, "close_pairs": result.close_pairs,
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
