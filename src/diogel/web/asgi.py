"""``app()``: the web app built from the environment, for servers that start it themselves
(``diogel serve --workers N`` runs one per worker process).

The settings come from ``DIOGEL_*`` variables and ``DIOGEL_CONFIG`` as everywhere else
(``diogel serve`` passes its ``--db`` on as ``DIOGEL_DATABASE_URL``).
"""

from __future__ import annotations

from fastapi import FastAPI

from diogel.config import Settings
from diogel.storage import open_store
from diogel.web.app import create_app


def app() -> FastAPI:
    """A new app on its own connection to the configured database.

    Returns
    -------
    FastAPI
        The app; its store stays open for the life of the process.
    """
    settings = Settings.from_env()
    return create_app(settings, open_store(settings.database_url))


__all__ = ["app"]
