"""Commands for the web app: serve it, and manage its users and API tokens."""

from __future__ import annotations

import click

from diogel.cli.base import State, cli, emit_json


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (more than one needs the PostgreSQL server mode).")  # fmt: skip
@click.pass_obj
def serve(state: State, host: str, port: int, workers: int) -> None:
    """Serve the web app and REST API (OpenAPI at /api/v1/openapi.json)."""
    import os

    import uvicorn

    from diogel.errors import ConfigError

    url = state.settings.database_url
    if state.as_user:
        raise ConfigError(
            "the web app is not served as one person: each user reads as themselves",
            hint="run 'diogel serve' without --as",
        )
    if workers > 1 and not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"{workers} workers need the PostgreSQL server mode: a DuckDB file can be "
            "written by one process only",
            hint="serve with --workers 1, or use --db postgresql://...",
        )
    click.echo(f"Diogel is running at http://{host}:{port}/ (database {_shown(url)}, "
               f"{workers} worker{'s' if workers > 1 else ''}). Press Ctrl+C to stop.",
               err=True)  # fmt: skip
    if workers == 1:
        from diogel.web import create_app

        app = create_app(state.settings, state.store)
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
        return
    _ = state.store  # bring the schema up to date once, before the workers start
    state.close()  # each worker opens its own connection
    os.environ["DIOGEL_DATABASE_URL"] = url
    uvicorn.run("diogel.web.asgi:app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=False)  # fmt: skip


def _shown(url: str) -> str:
    """A database URL without its password."""
    import re

    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


@cli.group()
def users() -> None:
    """Web users: add, list, disable."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["viewer", "analyst", "admin"]), default="viewer",
              show_default=True, help="What the user may do.")  # fmt: skip
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="DIOGEL_NEW_PASSWORD", help="Asked for when not given.")  # fmt: skip
@click.pass_obj
def users_add(state: State, username: str, role: str, password: str) -> None:
    """Add a user who can log in to the web app."""
    from diogel.web.accounts import create_user

    user = create_user(state.store, username, password, role)
    click.echo(f"Added {user.username} ({user.role}).")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def users_list(state: State, as_json: bool) -> None:
    """List users with their roles."""
    from diogel.storage.web import list_users

    rows = list_users(state.store)
    if as_json:
        emit_json([{"username": u.username, "role": u.role, "disabled": u.disabled,
                    "created_at": u.created_at.isoformat()} for u in rows])  # fmt: skip
        return
    if not rows:
        click.echo("No users yet. Add one: diogel users add NAME --role admin")
    for u in rows:
        click.echo(f"{u.username:<24} {u.role:<8} {'disabled' if u.disabled else 'active'}")


@users.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable the user again instead.")
@click.pass_obj
def users_disable(state: State, username: str, enable: bool) -> None:
    """Disable a user: their sessions end and their API tokens stop working."""
    from diogel.web.accounts import set_disabled

    row = set_disabled(state.store, username, not enable)
    click.echo(f"{'Enabled' if enable else 'Disabled'} {row.username}.")


@cli.group()
def tokens() -> None:
    """API tokens for partner systems: create, list, revoke."""


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="token", show_default=True, help="What the token is for.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def tokens_create(state: State, username: str, name: str, as_json: bool) -> None:
    """Create an API token acting as USERNAME (with that user's role). It is shown once."""
    from diogel.web.accounts import create_token

    token_id, token = create_token(state.store, username, name)
    if as_json:
        emit_json({"token_id": token_id, "token": token})
        return
    click.echo(token)
    click.echo(f"Token {token_id} for {username}. Keep it secret: it is not shown again.",
               err=True)  # fmt: skip


@tokens.command("list")
@click.pass_obj
def tokens_list(state: State) -> None:
    """List API tokens (never the tokens themselves)."""
    from diogel.storage.web import list_tokens

    for r in list_tokens(state.store):
        revoked = f"revoked {r.revoked_at:%Y-%m-%d}" if r.revoked_at else "active"
        click.echo(f"{r.token_id:>5}  {r.username:<20} {r.name:<24} {revoked}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@click.pass_obj
def tokens_revoke(state: State, token_id: int) -> None:
    """Revoke an API token by its id."""
    from diogel.web.accounts import revoke_token

    revoke_token(state.store, token_id)
    click.echo(f"Revoked token {token_id}.")
