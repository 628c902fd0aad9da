"""The strategic assessment command."""

from __future__ import annotations

from pathlib import Path

import click

from diogel.cli.base import (
    State,
    cli,
    status_line,
)


@cli.command()
@click.option("--area", required=True, help="Council code or name (English or Welsh), or force.")
@click.option("--from", "start", required=True, help="First month, YYYY-MM.")
@click.option("--to", "end", required=True, help="Last month, YYYY-MM.")
@click.option(
    "--compare-from", help="First month of the comparison period (default: a year earlier)."
)
@click.option("--compare-to", help="Last month of the comparison period.")
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False), required=True,
    help="File to write: .html, .pdf, .csv or .xlsx (tables).",
)  # fmt: skip
@click.pass_obj
def assess(
    state: State, area: str, start: str, end: str, compare_from: str | None,
    compare_to: str | None, lang: str, out: str,
) -> None:  # fmt: skip
    """Write the strategic assessment of an area and period (HTML, PDF, CSV or XLSX)."""
    from diogel.assess.assessment import build_assessment
    from diogel.geography import Geography
    from diogel.periods import Period
    from diogel.reports import render

    period = Period.parse(start, end)
    comparison = None
    if compare_from or compare_to:
        comparison = Period.parse(compare_from or "", compare_to or "")
    with status_line(state.settings.quiet) as status:
        assessment = build_assessment(
            state.store, area, period, comparison_period=comparison, lang=lang,
            geography=Geography.bundled(), progress=status,
        )  # fmt: skip
        status("render")
        written = render(assessment, Path(out))
    click.echo(f"Wrote {written}")
