"""``diogel agreements``, ``diogel access``, ``diogel audit`` and ``diogel retention``."""

from __future__ import annotations

import click

from diogel.cli.base import State, cli, cli_operator, emit_json
from diogel.cli.sharing import _JSON, BY, _table
from diogel.errors import InputError


@cli.group()
def agreements() -> None:
    """Information sharing agreements (WASPI data disclosure agreements)."""


@agreements.command("add")
@click.argument("path", type=click.Path())
@BY
@click.pass_obj
def agreements_add(state: State, path: str, on_behalf_of: str | None) -> None:
    """Check and store an agreement written as a TOML file (see docs/sharing.md; audited)."""
    from diogel.sharing.agreements import add_agreement, read_agreement

    agreement = read_agreement(path)
    add_agreement(state.store, agreement, by=cli_operator(), on_behalf_of=on_behalf_of)
    click.echo(
        f"Added agreement {agreement.agreement_id}: in force {agreement.starts_on} "
        f"until {agreement.expires_on} (level {agreement.level})."
    )


@agreements.command("list")
@_JSON
@click.pass_obj
def agreements_list(state: State, as_json: bool) -> None:
    """List agreements with their state now."""
    from diogel.sharing.agreements import list_agreements

    frame = list_agreements(state.store)
    cols = ["agreement_id", "title", "level", "starts_on", "expires_on", "state", "review_due"]
    _table(frame if as_json else frame[cols], as_json)


@agreements.command("show")
@click.argument("agreement_id")
@_JSON
@click.pass_obj
def agreements_show(state: State, agreement_id: str, as_json: bool) -> None:
    """Show one agreement in full."""
    from diogel.sharing.agreements import show_agreement

    found = show_agreement(state.store, agreement_id)
    if as_json:
        emit_json(found)
        return
    for key, value in found.items():
        click.echo(f"{key}: {value}")


@agreements.command("revoke")
@click.argument("agreement_id")
@BY
@click.option("--reason", required=True)
@click.pass_obj
def agreements_revoke(
    state: State, agreement_id: str, on_behalf_of: str | None, reason: str
) -> None:
    """Revoke an agreement: it grants nothing from now on (audited)."""
    from diogel.sharing.agreements import revoke_agreement

    revoke_agreement(state.store, agreement_id, by=cli_operator(), reason=reason,
                     on_behalf_of=on_behalf_of)  # fmt: skip
    click.echo(f"Revoked {agreement_id}; access under it has stopped.")


@cli.command("access")
@click.argument("username")
@click.argument("dataset")
@click.pass_obj
def access(state: State, username: str, dataset: str) -> None:
    """What a person may see of a dataset now (level, fields, areas, and why)."""
    from diogel.sharing import scoped

    emit_json(scoped(state.store, username).access(dataset).as_dict())


@cli.group()
def audit() -> None:
    """The append-only, hash-chained audit log of reads of shared data."""


@audit.command("verify")
@click.option("--anchor", help="SEQ:HASH from an earlier export, to check against.")
@_JSON
@click.pass_obj
def audit_verify(state: State, anchor: str | None, as_json: bool) -> None:
    """Check every entry's hash and link; name any altered or missing entry (exit 1)."""
    from diogel.sharing.audit import verify_audit

    pin = None
    if anchor is not None:
        seq, _, digest = anchor.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise InputError(f"--anchor {anchor!r} is not SEQ:HASH", hint="copy it from an export")
        pin = (int(seq), digest)
    report = verify_audit(state.store, anchor=pin)
    if as_json:
        emit_json(report.as_dict())
    elif report.intact:
        click.echo(
            f"Audit chain intact: {report.entries} entries, head {report.head_seq}:{report.head_hash}"
        )
    else:
        for problem in report.problems:
            click.echo(problem.message)
    if not report.intact:
        raise SystemExit(1)


@audit.command("export")
@click.argument("path", type=click.Path())
@click.option("--after", type=int, default=0, help="Only entries after this number.")
@click.pass_obj
def audit_export(state: State, path: str, after: int) -> None:
    """Write the log to a .jsonl or .csv file; keep the printed anchor to verify later."""
    from diogel.sharing.audit import export_audit

    written, seq, digest = export_audit(state.store, path, after=after)
    click.echo(f"Wrote {written} entries to {path}. Anchor: {seq}:{digest}")


@cli.group()
def retention() -> None:
    """Delete records held past their agreement's retention period."""


@retention.command("apply")
@click.option("--dry-run", is_flag=True, help="Count, delete nothing.")
@BY
@_JSON
@click.pass_obj
def retention_apply(state: State, dry_run: bool, on_behalf_of: str | None, as_json: bool) -> None:
    """Apply retention to every shared dataset; each deletion is an audit entry."""
    from dataclasses import asdict

    from diogel.sharing.retention import apply_retention

    results = apply_retention(state.store, actor=cli_operator(), on_behalf_of=on_behalf_of,
                              dry_run=dry_run)  # fmt: skip
    if as_json:
        emit_json([asdict(r) for r in results])
        return
    verb = "would delete" if dry_run else "deleted"
    for r in results:
        click.echo(
            f"{r.dataset}: {verb} {r.deleted} records before {r.cutoff} ({r.agreement_id}, {r.retention_days} days)"
        )
    if not results:
        click.echo("No shared dataset has a retention period.")
