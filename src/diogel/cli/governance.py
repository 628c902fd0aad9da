"""Commands for the governance map (``diogel governance``) and the review tracker (``diogel review``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from diogel.cli.base import State, cli, emit_json
from diogel.errors import InputError

_REGION = click.option("--region", help="Region of the register (default: the only one loaded).")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
_LANG = click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)


def _date(value: str | None, option: str) -> dt.date | None:
    from diogel.governance.fields import BadValue, to_date

    try:
        return to_date(value)
    except BadValue as bad:
        raise InputError(f"{option}: {bad.message}", hint=bad.hint) from None


def _register(state: State, region: str | None) -> Any:
    from diogel.governance.registry import read_register

    return read_register(state.store, region)


@cli.group()
def governance() -> None:
    """The governance map: bodies, duties, people; coverage, load, overlap, network."""


@governance.command("load")
@click.argument("path", required=False, type=click.Path())
@click.option(
    "--example", type=click.Choice(["gwent"]), help="Load a register shipped with Diogel."
)
@_JSON
@click.pass_obj
def governance_load(state: State, path: str | None, example: str | None, as_json: bool) -> None:
    """Check and load a register (a YAML file or a folder of CSV files), replacing the
    region's register. A file with any problem loads nothing."""
    from diogel.governance import example_path
    from diogel.governance.registry import load_register_file

    if (path is None) == (example is None):
        raise InputError(
            "give either a register file or --example",
            hint="e.g. diogel governance load gwent.yaml",
        )
    reg = load_register_file(state.store, path or example_path(example or ""))
    counts = {
        "councils": len(reg.councils), "organisations": len(reg.organisations),
        "people": len(reg.people), "bodies": len(reg.bodies), "duties": len(reg.duties),
        "discharges": len(reg.discharges), "seats": len(reg.seats),
        "reviews": len(reg.reviews), "actions": sum(len(r.actions) for r in reg.reviews),
    }  # fmt: skip
    if as_json:
        emit_json({"region": reg.region, "name": reg.name, **counts})
        return
    click.echo(
        f"Loaded the {reg.name} register: {counts['councils']} council areas, "
        f"{counts['bodies']} bodies, {counts['duties']} duties, {counts['people']} people, "
        f"{counts['seats']} seats, {counts['reviews']} review(s) with {counts['actions']} "
        f"actions. Database: {state.settings.database_url}"
    )


@governance.command("coverage")
@_REGION
@_LANG
@_JSON
@click.pass_obj
def governance_coverage(state: State, region: str | None, lang: str, as_json: bool) -> None:
    """Which body discharges each duty in each council area; gaps and overlaps."""
    from diogel.governance.coverage import duty_coverage

    reg = _register(state, region)
    result = duty_coverage(reg).as_dict(reg, lang)
    if as_json:
        emit_json(result)
        return
    mark = {"covered": "  ", "gap": "!!", "overlap": "++"}
    for council in result["councils"]:
        csp = "" if council["has_csp"] else "  [no Community Safety Partnership]"
        click.echo(f"{council['name']}{csp}")
        for duty in council["duties"]:
            bodies = (
                "; ".join(b["name"] + (" *" if b["illustrative"] else "") for b in duty["bodies"])
                or "NO BODY"
            )
            click.echo(f"  {mark[duty['status']]} {duty['title']}: {bodies}")
    totals = result["totals"]
    click.echo(
        f"\n{totals['cells']} council-duty pairs: {totals['covered']} covered, "
        f"{totals['gaps']} gaps (!!), {totals['overlaps']} overlaps (++); "
        "* marks what the register says is illustrative."
    )
    if result["councils_without_csp"]:
        names = ", ".join(c["name"] for c in result["councils_without_csp"])
        click.echo(f"Council areas without a Community Safety Partnership: {names}.")


@governance.command("load-report")
@_REGION
@click.option("--top", type=int, default=10, show_default=True, help="Officers to list.")
@_JSON
@click.pass_obj
def governance_load_report(state: State, region: str | None, top: int, as_json: bool) -> None:
    """Seats and hours a year per officer and per organisation, heaviest first."""
    from diogel.governance.workload import officer_load

    reg = _register(state, region)
    result = officer_load(reg).as_dict(reg)
    if as_json:
        emit_json(result)
        return
    click.echo(f"{'Officer':<58} {'Seats':>5} {'Chairs':>6} {'Hours':>6}")
    for p in result["people"][:top]:
        click.echo(f"{p['name'][:58]:<58} {p['seats']:>5} {p['chairs']:>6} {p['hours']:>6.0f}")
    click.echo(f"\n{'Organisation':<58} {'People':>6} {'Seats':>5} {'Hours':>6}")
    for o in result["organisations"]:
        click.echo(f"{o['name'][:58]:<58} {o['people']:>6} {o['seats']:>5} {o['hours']:>6.0f}")
    click.echo(
        f"\nHours are as recorded, or {result['hours_per_meeting']:g} hours a meeting times "
        "the body's meetings a year where a seat has none."
    )


@governance.command("overlap")
@_REGION
@click.option("--top", type=int, default=10, show_default=True, help="Pairs to list (0: all).")
@click.option("--with-parents", is_flag=True, help="Include each body with its own parent.")
@_JSON
@click.pass_obj
def governance_overlap(
    state: State, region: str | None, top: int, with_parents: bool, as_json: bool
) -> None:
    """Bodies whose agendas overlap (shared themes, members, duties) and what that suggests."""
    from diogel.governance.overlap import SUGGESTIONS, agenda_overlap

    reg = _register(state, region)
    found = [o for o in agenda_overlap(reg) if with_parents or not o.related]
    found = found[:top] if top > 0 else found
    if as_json:
        emit_json([o.as_dict(reg) for o in found])
        return
    for o in found:
        a, b = reg.party_label(o.body_a), reg.party_label(o.body_b)
        themes = ", ".join(o.shared_themes) or "none"
        click.echo(
            f"{a} / {b}: themes {themes}; {len(o.shared_members)} shared members"
            + (f"; both discharge {', '.join(o.shared_duties)}" if o.shared_duties else "")
        )
        for code in o.suggestions:
            click.echo(f"    - {SUGGESTIONS[code]}")


@governance.command("export")
@_REGION
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv"]), required=True)
@click.option("--out", type=click.Path(), required=True, help="A .yaml file, or a folder for CSV.")
@click.pass_obj
def governance_export(state: State, region: str | None, fmt: str, out: str) -> None:
    """Write the stored register as YAML or as a folder of CSV files."""
    from diogel.governance.export import write_csv, write_yaml

    reg = _register(state, region)
    if fmt == "yaml":
        click.echo(f"Wrote {write_yaml(reg, out)}")
    else:
        files = write_csv(reg, out)
        click.echo(f"Wrote {len(files)} CSV files to {Path(out)}")


@governance.command("network")
@_REGION
@_LANG
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="The .svg to write.")
@click.option("--table", type=click.Path(dir_okay=False), help="Also write the seats as CSV.")
@click.pass_obj
def governance_network(
    state: State, region: str | None, lang: str, out: str, table: str | None
) -> None:
    """Draw the network of bodies and people as SVG (and its table as CSV)."""
    from diogel.governance.network import network_svg, network_table
    from diogel.i18n import translator

    if not out.lower().endswith(".svg"):
        raise InputError(f"cannot write the network to '{out}'", hint="use a name ending in .svg")
    reg = _register(state, region)
    Path(out).write_text(network_svg(reg, translator(lang)), encoding="utf-8")
    click.echo(f"Wrote {out}")
    if table:
        network_table(reg, lang).to_csv(table, index=False)
        click.echo(f"Wrote {table}")


@cli.group()
def review() -> None:
    """The review tracker: status and drift alerts, updates, and the board update paper."""


@review.command("status")
@_REGION
@click.option("--review", "review_id", help="Which review (default: the first).")
@click.option("--today", help="Judge drift as of this day, YYYY-MM-DD (default: today).")
@click.option("--stale-weeks", type=int, default=8, show_default=True)
@_JSON
@click.pass_obj
def review_status_command(
    state: State, region: str | None, review_id: str | None, today: str | None,
    stale_weeks: int, as_json: bool,
) -> None:  # fmt: skip
    """Every action's status, RAG and due date, and the drift alerts."""
    from diogel.governance.tracker import review_status
    from diogel.i18n import translator

    reg = _register(state, region)
    day = _date(today, "--today") or dt.date.today()
    result = review_status(reg, review_id, today=day, stale_weeks=stale_weeks)
    data = result.as_dict(reg, translator("en"))
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['review']['title']} on {day.isoformat()}")
    for a in data["actions"]:
        due = a["due"].isoformat() if a["due"] else "-"
        click.echo(
            f"  {a['id']:<8} {a['status']:<12} {(a['rag'] or '-'):<6} due {due}  {a['title'][:60]}"
        )
    click.echo(f"\n{len(data['alerts'])} drift alert(s):")
    for alert in data["alerts"]:
        click.echo(f"  - {alert['message']}")


@review.command("update")
@click.argument("action")
@_REGION
@click.option("--review", "review_id", help="Which review (default: the first).")
@click.option(
    "--status", type=click.Choice(["not-started", "in-progress", "blocked", "done", "dropped"])
)
@click.option("--due", help="New due date, YYYY-MM-DD.")
@click.option("--rag", type=click.Choice(["red", "amber", "green"]))
@click.option("--note", help="What happened (kept in the history).")
@click.option("--note-cy", help="The note in Welsh, for the Welsh paper.")
@click.option("--on", "on", help="Day of the change, YYYY-MM-DD (default: today).")
@click.pass_obj
def review_update(
    state: State, action: str, region: str | None, review_id: str | None, status: str | None,
    due: str | None, rag: str | None, note: str | None, note_cy: str | None, on: str | None,
) -> None:  # fmt: skip
    """Change an action's status, due date or RAG, or record an update; history is kept."""
    from diogel.governance.registry import update_action

    changes = update_action(
        state.store, action, region=region, review_id=review_id, status=status,
        due=_date(due, "--due"), rag=rag, note=note, note_cy=note_cy,
        on=_date(on, "--on") or dt.date.today(),
    )  # fmt: skip
    for c in changes:
        what = f"{c.field}: {c.old} -> {c.new}" if c.field != "update" else "update"
        click.echo(f"Recorded for {c.action} on {c.changed_on.isoformat()}: {what}")


@review.command("history")
@click.argument("action", required=False)
@_REGION
@click.option("--review", "review_id", help="Which review (default: the first).")
@_JSON
@click.pass_obj
def review_history(
    state: State, action: str | None, region: str | None, review_id: str | None, as_json: bool
) -> None:
    """Every recorded change of status, due date and RAG (of one action, or all)."""
    reg = _register(state, region)
    rev = reg.review(review_id)
    if rev is None:
        raise InputError(f"no review called '{review_id}'", hint="see diogel review status")
    rows = [
        {
            "action": h.action,
            "field": h.field,
            "old": h.old,
            "new": h.new,
            "changed_on": h.changed_on,
            "note": h.note,
        }
        for h in rev.history
        if action is None or h.action == action
    ]
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        note = f"  ({r['note']})" if r["note"] else ""
        click.echo(
            f"{r['changed_on']}  {r['action']:<8} {r['field']:<7} {r['old']} -> {r['new']}{note}"
        )


@review.command("paper")
@_REGION
@click.option("--review", "review_id", help="Which review (default: the first).")
@click.option("--meeting", required=True, help="Date of the board meeting, YYYY-MM-DD.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="A .html or .pdf file.")
@_LANG
@click.option("--stale-weeks", type=int, default=8, show_default=True)
@click.pass_obj
def review_paper(
    state: State, region: str | None, review_id: str | None, meeting: str, out: str, lang: str,
    stale_weeks: int,
) -> None:  # fmt: skip
    """Write the update paper for a board meeting (HTML or PDF, English or Welsh)."""
    from diogel.governance.paper import build_paper
    from diogel.reports.governance_paper import render_paper

    day = _date(meeting, "--meeting")
    if day is None:  # pragma: no cover - click makes --meeting required
        raise InputError("--meeting is required")
    paper = build_paper(_register(state, region), day, review_id, stale_weeks=stale_weeks)
    click.echo(f"Wrote {render_paper(paper, out, lang=lang)}")
