"""The ``diogel`` command line: parse, call the library, print. No SQL or statistics here."""

from diogel.cli import (  # noqa: F401 - registers the commands
    analysis,
    data,
    governance,
    partners,
    report,
    sharing_agreements,
    web,
)
from diogel.cli.base import cli, main

__all__ = ["cli", "main"]
