"""Settings: built once from ``DIOGEL_*`` environment variables and an optional TOML file."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from diogel.errors import ConfigError

DEFAULT_DATABASE_URL = "diogel.duckdb"


@dataclass(frozen=True)
class Settings:
    """Everything Diogel needs to know about where it runs.

    Parameters
    ----------
    database_url : str
        A DuckDB file path (the embedded default) or a ``postgresql://`` URL.
    quiet : bool
        Hide progress bars and informational notes.
    extra : Mapping[str, object]
        Other keys from the TOML file, kept for later parts of Diogel.

    Examples
    --------
    >>> Settings.from_env({"DIOGEL_DATABASE_URL": "/tmp/x.duckdb"}).database_url
    '/tmp/x.duckdb'
    """

    database_url: str = DEFAULT_DATABASE_URL
    quiet: bool = False
    extra: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, config_file: str | Path | None = None
    ) -> Settings:
        """Build settings from a TOML file (``DIOGEL_CONFIG`` or ``config_file``), then the
        environment, which wins."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        path = config_file or env.get("DIOGEL_CONFIG")
        if path:
            p = Path(path)
            if not p.is_file():
                raise ConfigError(
                    f"settings file '{p}' does not exist",
                    hint="set DIOGEL_CONFIG to the path of a TOML file, or unset it",
                )
            try:
                values = dict(tomllib.loads(p.read_text(encoding="utf-8")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    f"settings file '{p}' is not valid TOML ({exc})",
                    hint="fix the file; see the README for an example",
                ) from exc
        database_url = str(values.pop("database_url", DEFAULT_DATABASE_URL))
        quiet = bool(values.pop("quiet", False))
        if env.get("DIOGEL_DATABASE_URL"):
            database_url = env["DIOGEL_DATABASE_URL"]
        if env.get("DIOGEL_QUIET"):
            quiet = env["DIOGEL_QUIET"].lower() in {"1", "true", "yes"}
        return cls(database_url=database_url, quiet=quiet, extra=values)

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some fields changed (used by ``--db`` and ``--quiet``)."""
        kept = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **kept)  # type: ignore[arg-type]
