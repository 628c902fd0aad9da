"""The ``diogel`` group, shared options, progress displays and the entry point."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from diogel.config import Settings
from diogel.errors import DiogelError

F = TypeVar("F", bound=Callable[..., Any])


def cli_operator() -> str:
    """Who runs this command, as the audit log records them: ``cli:`` and the name of the
    account the process runs as (``cli:#UID`` when the account has no name, e.g. in a
    container; ``cli:?`` when Windows gives none). It comes from the operating system,
    not from the environment, so setting ``USER`` or ``LOGNAME`` cannot change it; and
    it always holds a ':', which no web user's name may."""
    import os

    try:
        import pwd
    except ImportError:  # Windows: the account the system logged in
        try:
            return f"cli:{os.getlogin()}"
        except OSError:  # still with the ':' no web user name may have
            return "cli:?"
    uid = os.getuid()
    try:
        return f"cli:{pwd.getpwuid(uid).pw_name}"
    except KeyError:  # no name for this user id
        return f"cli:#{uid}"


class State:
    """Settings for one invocation, and the store, opened on first use.

    With ``--as USER`` every command reads as that person, through the sharing
    agreements (``diogel.sharing.scoped``): what they may not see is refused, reads of
    restricted data are audited under their name, and nothing can be written.
    """

    def __init__(self, settings: Settings, as_user: str | None = None) -> None:
        self.settings = settings
        self.as_user = as_user
        self._raw: Any = None
        self._store: Any = None

    @property
    def store(self) -> Any:
        if self._store is None:
            from diogel.storage import open_store

            if self._raw is None:
                self._raw = open_store(self.settings.database_url)
            if not self.as_user:
                self._store = self._raw
                return self._store
            from diogel.errors import InputError
            from diogel.sharing import Principal, scoped
            from diogel.storage.web import user_by_name

            account = user_by_name(self._raw, self.as_user)
            if account is not None and account.disabled:
                # _store stays None: asked again, the refusal is repeated, never the raw store
                raise InputError(
                    f"user '{self.as_user}' is disabled, so nothing can be read as them",
                    hint="name an active user shown by 'diogel users list'",
                )
            # Read as the account as the users table spells it (as the web signs them in),
            # and audited with who read as that person: the operator of this shell.
            name = self.as_user if account is None else account.username
            self._store = scoped(self._raw, Principal(name, via=cli_operator()))
        return self._store

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
        self._raw = self._store = None


def emit_json(value: object) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "database_url",
    envvar="DIOGEL_DATABASE_URL",
    help="Database: a DuckDB file (default ./diogel.duckdb) or a postgresql:// URL.",
)
@click.option("--quiet", "-q", is_flag=True, default=None, help="No progress bars or notes.")
@click.option(
    "--as",
    "as_user",
    envvar="DIOGEL_AS_USER",
    metavar="USER",
    help="Read as this person, only what their sharing agreements allow (audited, with "
    "your login name).",
)
@click.version_option(package_name="diogel")
@click.pass_context
def cli(
    ctx: click.Context, database_url: str | None, quiet: bool | None, as_user: str | None
) -> None:
    """Diogel: data, analysis and assessments for community safety partnerships."""
    settings = Settings.from_env().with_overrides(database_url=database_url, quiet=quiet)
    state = State(settings, as_user or None)
    ctx.obj = state
    ctx.call_on_close(state.close)


def area_period(state: State, area: str, start: str, end: str) -> tuple[Any, Any, Any]:
    from diogel.assess.areas import find_area
    from diogel.geography import Geography
    from diogel.periods import Period

    period = Period.parse(start, end)
    geo = Geography.bundled()
    return find_area(state.store, geo, area), period, geo


def area_options(f: F) -> F:
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


@contextmanager
def status_line(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A one-line progress display on standard error naming the part being built."""
    if quiet:
        yield lambda _: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    words = {
        "data": "Reading the data", "area": "Profiling the area", "overall": "Overall trend",
        "priorities": "Ranking priorities", "categories": "Priority categories",
        "violence": "Serious violence", "asb": "Anti-social behaviour",
        "quality": "Data quality", "render": "Writing the document",
    }  # fmt: skip
    with console.status("Starting") as live:
        yield lambda part: live.update(words.get(part, part) + "...")


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Any]:
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
