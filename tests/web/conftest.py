"""Fixtures for the web tests: a store with real Gwent data and users, the app, a client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import POLICE_UK

GWENT = POLICE_UK / "street" / "gwent"
#: Months loaded before the tests start (the browser suite uploads the next one).
PRELOADED = ("2024-04", "2024-05")
PASSWORD = "a long test password"


@dataclass(frozen=True)
class Site:
    """A test database with users, their API tokens and its own files folder."""

    db: Path
    files: Path
    tokens: dict[str, str]


def make_site(folder: Path, months: tuple[str, ...]) -> Site:
    """Load some Gwent street files and add ann (admin), ana (analyst), vic (viewer)."""
    from diogel.hub import load_police_uk
    from diogel.storage import open_store
    from diogel.web.accounts import create_token, create_user

    db = folder / "site.duckdb"
    store = open_store(str(db))
    try:
        if months:
            load_police_uk(store, [GWENT / f"{m}-gwent-street.csv" for m in months])
        tokens = {}
        for name, role in (("ann", "admin"), ("ana", "analyst"), ("vic", "viewer")):
            create_user(store, name, PASSWORD, role)
            tokens[role] = create_token(store, name, "tests")[1]
    finally:
        store.close()
    return Site(db, folder / "files", tokens)


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Built once per run; tests get copies."""
    if not GWENT.is_dir():
        pytest.skip(f"needs the police.uk files in {GWENT}")
    return make_site(tmp_path_factory.mktemp("site"), PRELOADED)


@pytest.fixture
def site(site_template: Site, tmp_path: Path) -> Site:
    """A fresh copy of the test site."""
    db = tmp_path / "site.duckdb"
    shutil.copy(site_template.db, db)
    return Site(db, tmp_path / "files", site_template.tokens)


@pytest.fixture
def client(site: Site) -> Iterator[object]:
    """A client of the app running in-process over the test site (HTTPS, so that the
    Secure cookies are sent)."""
    from fastapi.testclient import TestClient

    from diogel.config import Settings
    from diogel.storage import open_store
    from diogel.web import create_app

    store = open_store(str(site.db))
    settings = Settings(database_url=str(site.db), extra={"web": {"files_dir": str(site.files)}})
    app = create_app(settings, store)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client
    store.close()


def bearer(site: Site, role: str) -> dict[str, str]:
    """The Authorization header of a role's test token."""
    return {"Authorization": f"Bearer {site.tokens[role]}"}


def log_in(client: object, username: str) -> None:
    """Log a test client in through the login form."""
    import re

    form = client.get("/login")  # type: ignore[attr-defined]
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    done = client.post(  # type: ignore[attr-defined]
        "/login", data={"username": username, "password": PASSWORD, "csrf": csrf[1]},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303, done.text
