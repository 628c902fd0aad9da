"""SQL for the web app: users, sessions, API tokens, background jobs and the data version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from diogel.storage.base import Store

_USER_COLUMNS = "user_id, username, password_hash, role, disabled, created_at"
_JOB_COLUMNS = (
    "job_id, kind, user_id, status, params, progress, message, result, error, created_at, "
    "finished_at"
)


@dataclass(frozen=True)
class UserRow:
    """One web user as stored (the password only as its argon2 hash)."""

    user_id: int
    username: str
    password_hash: str
    role: str
    disabled: bool
    created_at: dt.datetime


@dataclass(frozen=True)
class TokenRow:
    """One API token's record (never the token itself)."""

    token_id: int
    username: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class JobRow:
    """One background job: its kind, who asked, its state and its outcome."""

    job_id: int
    kind: str
    user_id: int | None
    status: str
    params: str
    progress: float
    message: str | None
    result: str | None
    error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _user(row: tuple[Any, ...]) -> UserRow:
    return UserRow(int(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), row[5])


def _job(row: tuple[Any, ...]) -> JobRow:
    return JobRow(int(row[0]), str(row[1]), None if row[2] is None else int(row[2]), str(row[3]),
                  str(row[4]), float(row[5]), row[6], row[7], row[8], row[9], row[10])  # fmt: skip


# -- users ------------------------------------------------------------------------------


def add_user(store: Store, username: str, password_hash: str, role: str, now: dt.datetime) -> int:
    """Store a new user; returns the user id. The caller checks the name is free."""
    user_id = store.next_id("web_user_seq")
    store.execute(
        f"INSERT INTO web_users ({_USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        [user_id, username, password_hash, role, False, now],
    )
    return user_id


def user_by_name(store: Store, username: str) -> UserRow | None:
    """The user with this name (names compare without regard to case), or None."""
    rows = store.query_rows(
        f"SELECT {_USER_COLUMNS} FROM web_users WHERE LOWER(username) = LOWER(?)", [username]
    )
    return _user(rows[0]) if rows else None


def list_users(store: Store) -> list[UserRow]:
    """Every user, by name."""
    rows = store.query_rows(f"SELECT {_USER_COLUMNS} FROM web_users ORDER BY username")
    return [_user(r) for r in rows]


def set_user_disabled(store: Store, user_id: int, disabled: bool) -> None:
    """Disable (or enable again) a user; disabling also ends their sessions."""
    with store.transaction():
        store.execute("UPDATE web_users SET disabled = ? WHERE user_id = ?", [disabled, user_id])
        if disabled:
            store.execute("DELETE FROM web_sessions WHERE user_id = ?", [user_id])


def set_password_hash(store: Store, user_id: int, password_hash: str) -> None:
    """Replace a user's password hash (after a rehash with stronger parameters)."""
    store.execute(
        "UPDATE web_users SET password_hash = ? WHERE user_id = ?", [password_hash, user_id]
    )


# -- sessions ---------------------------------------------------------------------------


def add_session(
    store: Store,
    session_hash: str,
    user_id: int,
    csrf_token: str,
    now: dt.datetime,
    expires_at: dt.datetime,
) -> None:
    """Store a new session (by the digest of its cookie value)."""
    store.execute(
        "INSERT INTO web_sessions (session_hash, user_id, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [session_hash, user_id, csrf_token, now, expires_at],
    )


def session_user(store: Store, session_hash: str, now: dt.datetime) -> tuple[UserRow, str] | None:
    """The enabled user of a live session and the session's CSRF token, or None."""
    rows = store.query_rows(
        f"SELECT {', '.join('u.' + c.strip() for c in _USER_COLUMNS.split(','))}, s.csrf_token "
        "FROM web_sessions s JOIN web_users u ON u.user_id = s.user_id "
        "WHERE s.session_hash = ? AND s.expires_at > ? AND NOT u.disabled",
        [session_hash, now],
    )
    return (_user(rows[0]), str(rows[0][6])) if rows else None


def delete_session(store: Store, session_hash: str) -> None:
    """End a session."""
    store.execute("DELETE FROM web_sessions WHERE session_hash = ?", [session_hash])


def delete_expired_sessions(store: Store, now: dt.datetime) -> None:
    """Forget sessions past their expiry."""
    store.execute("DELETE FROM web_sessions WHERE expires_at <= ?", [now])


# -- API tokens -------------------------------------------------------------------------


def add_token(store: Store, token_hash: str, user_id: int, name: str, now: dt.datetime) -> int:
    """Store a new API token (by its digest); returns the token id."""
    token_id = store.next_id("web_token_seq")
    store.execute(
        "INSERT INTO web_tokens (token_id, token_hash, user_id, name, created_at, revoked_at) "
        "VALUES (?, ?, ?, ?, ?, NULL)",
        [token_id, token_hash, user_id, name, now],
    )
    return token_id


def token_user(store: Store, token_hash: str) -> UserRow | None:
    """The enabled user an unrevoked token belongs to, or None."""
    rows = store.query_rows(
        f"SELECT {', '.join('u.' + c.strip() for c in _USER_COLUMNS.split(','))} "
        "FROM web_tokens t JOIN web_users u ON u.user_id = t.user_id "
        "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND NOT u.disabled",
        [token_hash],
    )
    return _user(rows[0]) if rows else None


def list_tokens(store: Store) -> list[TokenRow]:
    """Every token's record, newest first."""
    rows = store.query_rows(
        "SELECT t.token_id, u.username, t.name, t.created_at, t.revoked_at "
        "FROM web_tokens t JOIN web_users u ON u.user_id = t.user_id ORDER BY t.token_id DESC"
    )
    return [TokenRow(int(r[0]), str(r[1]), str(r[2]), r[3], r[4]) for r in rows]


def revoke_token(store: Store, token_id: int, now: dt.datetime) -> bool:
    """Revoke a token; False when there is no such unrevoked token."""
    found = store.query_rows(
        "SELECT token_id FROM web_tokens WHERE token_id = ? AND revoked_at IS NULL", [token_id]
    )
    if not found:
        return False
    store.execute("UPDATE web_tokens SET revoked_at = ? WHERE token_id = ?", [now, token_id])
    return True


# -- background jobs --------------------------------------------------------------------


def add_job(
    store: Store,
    kind: str,
    user_id: int | None,
    params: str,
    now: dt.datetime,
    worker: str | None = None,
) -> int:
    """Record a queued job, run by the server process ``worker``; returns its id."""
    job_id = store.next_id("web_job_seq")
    store.execute(
        f"INSERT INTO web_jobs ({_JOB_COLUMNS}, worker, heartbeat_at) "
        "VALUES (?, ?, ?, 'queued', ?, 0, NULL, NULL, NULL, ?, NULL, ?, ?)",
        [job_id, kind, user_id, params, now, worker, now],
    )
    return job_id


def beat_jobs(store: Store, worker: str, now: dt.datetime) -> None:
    """Say that ``worker`` is still running (or holding in its queue) its unfinished jobs."""
    store.execute(
        "UPDATE web_jobs SET heartbeat_at = ? WHERE worker = ? AND status IN ('queued', 'running')",
        [now, worker],
    )


def update_job(
    store: Store,
    job_id: int,
    *,
    status: str,
    progress: float,
    message: str | None = None,
    result: str | None = None,
    error: str | None = None,
    finished_at: dt.datetime | None = None,
) -> None:
    """Record a job's new state."""
    store.execute(
        "UPDATE web_jobs SET status = ?, progress = ?, message = ?, result = ?, error = ?, "
        "finished_at = ? WHERE job_id = ?",
        [status, progress, message, result, error, finished_at, job_id],
    )


def job(store: Store, job_id: int) -> JobRow | None:
    """One job, or None."""
    rows = store.query_rows(f"SELECT {_JOB_COLUMNS} FROM web_jobs WHERE job_id = ?", [job_id])
    return _job(rows[0]) if rows else None


def jobs(store: Store, kind: str, limit: int = 50) -> list[JobRow]:
    """The latest jobs of one kind, newest first."""
    rows = store.query_rows(
        f"SELECT {_JOB_COLUMNS} FROM web_jobs WHERE kind = ? ORDER BY job_id DESC LIMIT ?",
        [kind, limit],
    )
    return [_job(r) for r in rows]


#: The error of a job whose server process stopped before it finished (JSON, as the
#: errors of jobs that failed on their own).
INTERRUPTED = (
    '{"error": "interrupted", "message": "the server stopped before the job finished", '
    '"hint": "start the job again"}'
)


def abandon_unfinished_jobs(
    store: Store, now: dt.datetime, *, silent_since: dt.datetime | None = None
) -> int:
    """Mark jobs left queued or running by a stopped server as failed; returns how many.

    With ``silent_since``, only jobs whose server process has not said it is alive
    since then (see `beat_jobs`): other processes of the same server may be running
    theirs. Without it, every unfinished job (when no other process can be running).
    """
    where = "status IN ('queued', 'running')"
    params: list[Any] = []
    if silent_since is not None:
        where += " AND (heartbeat_at IS NULL OR heartbeat_at < ?)"
        params.append(silent_since)
    rows = store.query_rows(f"SELECT job_id FROM web_jobs WHERE {where}", params)
    if rows:
        store.execute(
            f"UPDATE web_jobs SET status = 'failed', error = ?, finished_at = ? WHERE {where}",
            [INTERRUPTED, now, *params],
        )
    return len(rows)


# -- data version -----------------------------------------------------------------------


def data_version(store: Store) -> tuple[int, int]:
    """A value that changes whenever loaded data changes (files recorded, snapshots
    replaced): cached analysis results are keyed on it."""
    rows = store.query_rows(
        "SELECT (SELECT COALESCE(MAX(file_id), 0) FROM load_files), "
        "(SELECT COUNT(*) FROM snapshots)"
    )
    return int(rows[0][0]), int(rows[0][1])
