"""The ``diogel`` command line: parse, call the library, print. No SQL or statistics here."""

from diogel.cli import analysis, data, partners, report, web  # noqa: F401 - registers the commands
from diogel.cli import governance  # noqa: F401 - registers governance and review
from diogel.cli.base import cli, main

__all__ = ["cli", "main"]
