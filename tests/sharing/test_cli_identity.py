"""Who the command line reads and writes as: ``--as`` never falls back to the raw store,
reads as the account the users table holds, and the operator's name always has a ':'."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from diogel.cli import main
from diogel.cli.base import State, cli_operator
from diogel.config import Settings
from diogel.errors import InputError
from diogel.storage import open_store
from diogel.web.accounts import create_user
from tests.sharing.conftest import build_world

PASSWORD = "a long enough password"


def _world(tmp_path: Path, user: str, *, disabled: bool = False) -> Path:
    db = tmp_path / "world.duckdb"
    store = open_store(str(db))
    try:
        build_world(store)
        create_user(store, user, PASSWORD)
        if disabled:
            store.execute("UPDATE web_users SET disabled = TRUE WHERE username = ?", [user])
    finally:
        store.close()
    return db


def test_a_refused_as_user_is_refused_again_never_given_the_raw_store(tmp_path: Path) -> None:
    state = State(Settings(database_url=str(_world(tmp_path, "hana", disabled=True))), "hana")
    try:
        for _ in range(2):  # the second ask must not get the unscoped store
            with pytest.raises(InputError, match="user 'hana' is disabled"):
                _ = state.store
    finally:
        state.close()


def test_as_reads_as_the_account_spelt_as_the_users_table_spells_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _world(tmp_path, "hana")
    knox = ("partner-data", "near-repeat", "--area", "Newport", "--from", "2023-01",
            "--to", "2024-03", "--seed", "1", "--json")  # fmt: skip
    with pytest.raises(SystemExit):
        main(["--db", str(db), "--as", "HANA", *knox])
    # as the web signs in HANA as hana: her agreements apply, her name is audited
    assert "holds months only" in capsys.readouterr().err
    store = open_store(str(db))
    try:
        actors = {r[0] for r in store.query_rows("SELECT actor FROM share_audit")}
    finally:
        store.close()
    assert "hana" in actors and "HANA" not in actors


def test_the_operator_always_has_a_colon_so_no_web_user_can_take_their_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pwd", None)  # as on Windows: no pwd module

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(os, "getlogin", no_login)
    assert cli_operator() == "cli:?"
    monkeypatch.setattr(os, "getlogin", lambda: "rhian")
    assert cli_operator() == "cli:rhian"
