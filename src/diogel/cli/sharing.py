"""``diogel agencies|partnerships|members|dataset-policy|agreements|access|audit|retention``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from diogel.cli.base import State, cli, cli_operator, emit_json
from diogel.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

_JSON = click.option("--json", "as_json", is_flag=True, help="Print as JSON.")


#: ``--by USER``: on whose behalf the operator acts. Who ran the command is always
#: recorded as well, and cannot be replaced.
BY = click.option(
    "--by",
    "on_behalf_of",
    metavar="USER",
    help="Act on behalf of this active Diogel user (see 'diogel users list'). The audit "
    "log records your login name as cli:NAME and this user as on_behalf_of.",
)


def _table(frame: pd.DataFrame, as_json: bool) -> None:
    if as_json:
        emit_json(frame.to_dict(orient="records"))
    else:
        click.echo("(none)" if frame.empty else frame.to_string(index=False))


@cli.group()
def agencies() -> None:
    """Agencies that own and receive data (police, councils, health boards, fire...)."""


@agencies.command("add")
@click.argument("agency_id")
@click.option("--name", required=True)
@click.option("--kind", required=True, help="police, council, health-board, fire-service, ...")
@click.pass_obj
def agencies_add(state: State, agency_id: str, name: str, kind: str) -> None:
    """Register an agency."""
    from diogel.sharing.registry import add_agency

    add_agency(state.store, agency_id, name, kind)
    click.echo(f"Added agency {agency_id} ({name}).")


@agencies.command("list")
@_JSON
@click.pass_obj
def agencies_list(state: State, as_json: bool) -> None:
    """List agencies."""
    from diogel.storage.sharing import agencies as rows

    _table(rows(state.store), as_json)


@cli.group()
def partnerships() -> None:
    """Partnerships (a CSP, a region, the national network) and their council areas."""


@partnerships.command("add")
@click.argument("partnership_id")
@click.option("--name", required=True)
@click.option("--kind", required=True, help="csp, region, national or other.")
@click.option("--area", "areas", multiple=True, required=True, help="Council code (repeat).")
@click.option("--parent", help="The partnership this one sits within.")
@click.pass_obj
def partnerships_add(
    state: State,
    partnership_id: str,
    name: str,
    kind: str,
    areas: tuple[str, ...],
    parent: str | None,
) -> None:
    """Register a partnership."""
    from diogel.sharing.registry import add_partnership

    add_partnership(state.store, partnership_id, name, kind, list(areas), parent=parent)
    click.echo(f"Added partnership {partnership_id} covering {', '.join(sorted(areas))}.")


@partnerships.command("list")
@_JSON
@click.pass_obj
def partnerships_list(state: State, as_json: bool) -> None:
    """List partnerships with their council areas."""
    import pandas as pd

    from diogel.storage.sharing import partnerships as rows

    cols = ["partnership_id", "name", "kind", "parent_id", "areas"]
    _table(pd.DataFrame(rows(state.store), columns=cols), as_json)


@cli.group()
def members() -> None:
    """People's memberships of agencies and partnerships, with roles."""


@members.command("add")
@click.argument("username")
@click.option("--agency")
@click.option("--partnership")
@click.option("--role", required=True, type=click.Choice(["viewer", "analyst", "ig-lead"]))
@BY
@click.pass_obj
def members_add(
    state: State,
    username: str,
    agency: str | None,
    partnership: str | None,
    role: str,
    on_behalf_of: str | None,
) -> None:
    """Make a web user a member of an agency or a partnership (audited)."""
    from diogel.sharing.registry import add_member

    kind, body = _body(agency, partnership)
    add_member(state.store, username, kind, body, role, by=cli_operator(),
               on_behalf_of=on_behalf_of)  # fmt: skip
    click.echo(f"{username} is now {role} in {kind} {body}.")


@members.command("remove")
@click.argument("username")
@click.option("--agency")
@click.option("--partnership")
@BY
@click.pass_obj
def members_remove(
    state: State,
    username: str,
    agency: str | None,
    partnership: str | None,
    on_behalf_of: str | None,
) -> None:
    """End a web user's membership of an agency or a partnership (audited)."""
    from diogel.sharing.registry import remove_member

    kind, body = _body(agency, partnership)
    remove_member(state.store, username, kind, body, by=cli_operator(),
                  on_behalf_of=on_behalf_of)  # fmt: skip
    click.echo(f"{username} is no longer a member of {kind} {body}.")


def _body(agency: str | None, partnership: str | None) -> tuple[str, str]:
    if (agency is None) == (partnership is None):
        raise InputError("give either --agency or --partnership", hint="one body per command")
    return ("agency", str(agency)) if agency else ("partnership", str(partnership))


@members.command("list")
@click.option("--user", "username")
@_JSON
@click.pass_obj
def members_list(state: State, username: str | None, as_json: bool) -> None:
    """List memberships."""
    from diogel.sharing.registry import memberships

    _table(memberships(state.store, username), as_json)


@cli.group("dataset-policy")
def dataset_policy() -> None:
    """Who owns each dataset and how sensitive it is."""


@dataset_policy.command("set")
@click.argument("dataset")
@click.option("--owner", required=True, help="The owning agency's id.")
@click.option(
    "--sensitivity", required=True, type=click.Choice(["open", "official", "personal", "special"])
)
@click.option("--min-count", type=int, default=5, show_default=True, help="Special category k.")
@click.option("--description")
@BY
@click.pass_obj
def dataset_policy_set(
    state: State,
    dataset: str,
    owner: str,
    sensitivity: str,
    min_count: int,
    description: str | None,
    on_behalf_of: str | None,
) -> None:
    """Declare a dataset's owner and sensitivity (audited)."""
    from diogel.sharing.registry import set_dataset_policy

    set_dataset_policy(
        state.store,
        dataset,
        owner,
        sensitivity,
        min_count=min_count,
        description=description,
        by=cli_operator(),
        on_behalf_of=on_behalf_of,
    )
    click.echo(f"{dataset}: owned by {owner}, {sensitivity}.")


@dataset_policy.command("list")
@_JSON
@click.pass_obj
def dataset_policy_list(state: State, as_json: bool) -> None:
    """List declared datasets."""
    from diogel.storage.sharing import datasets

    _table(datasets(state.store), as_json)
