"""Users, sessions, tokens and jobs in the store: the same tests on DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from diogel.errors import InputError, NotFoundError
from diogel.storage import web as db
from diogel.web import accounts

NOW = dt.datetime(2024, 7, 1, 9, 30)


def test_accounts_on_each_backend(store: Any) -> None:
    ann = accounts.create_user(store, "Ann", "a long password 1", "admin")
    accounts.create_user(store, "bob", "a long password 2")
    with pytest.raises(InputError, match="already a user called 'ann'"):
        accounts.create_user(store, "ann", "a long password 3")
    with pytest.raises(InputError, match="role 'boss' is not known"):
        accounts.create_user(store, "cai", "a long password 3", "boss")
    assert accounts.authenticate(store, "ann", "a long password 1") == ann
    assert accounts.authenticate(store, "ann", "wrong password") is None
    assert accounts.authenticate(store, "nobody", "a long password 1") is None
    assert [(u.username, u.role) for u in db.list_users(store)] == [
        ("Ann", "admin"),
        ("bob", "viewer"),
    ]

    value, csrf = accounts.start_session(store, ann)
    assert accounts.session_user(store, value) == (ann, csrf)
    accounts.end_session(store, value)
    assert accounts.session_user(store, value) is None

    token_id, token = accounts.create_token(store, "bob", "partner system")
    assert accounts.token_user(store, token) is not None
    assert accounts.token_user(store, token + "x") is None
    [row] = db.list_tokens(store)
    assert (row.token_id, row.username, row.name, row.revoked_at) == (
        token_id,
        "bob",
        "partner system",
        None,
    )
    accounts.revoke_token(store, token_id)
    assert accounts.token_user(store, token) is None
    with pytest.raises(NotFoundError):
        accounts.revoke_token(store, token_id)

    value, _ = accounts.start_session(store, ann)
    accounts.set_disabled(store, "ann", True)
    assert accounts.session_user(store, value) is None  # disabling ends sessions
    assert accounts.authenticate(store, "ann", "a long password 1") is None
    accounts.set_disabled(store, "ann", False)
    assert accounts.authenticate(store, "ann", "a long password 1") == ann


def test_jobs_and_the_data_version_on_each_backend(store: Any) -> None:
    assert db.data_version(store) == (0, 0)
    first = db.add_job(store, "upload", 1, '{"files": ["a.csv"]}', NOW)
    second = db.add_job(store, "assessment", 1, "{}", NOW)
    db.update_job(store, first, status="running", progress=0.5, message="a.csv")
    row = db.job(store, first)
    assert row is not None and (row.status, row.progress, row.message) == ("running", 0.5, "a.csv")
    assert [j.job_id for j in db.jobs(store, "assessment")] == [second]
    assert db.abandon_unfinished_jobs(store, NOW) == 2
    row = db.job(store, first)
    assert row is not None and row.status == "failed" and row.finished_at == NOW
    assert db.job(store, 999) is None
