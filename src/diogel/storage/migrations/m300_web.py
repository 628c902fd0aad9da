"""Migrations 300-399: web accounts, sessions, API tokens and background jobs."""

from __future__ import annotations

from diogel.storage.migrations.base import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        300,
        "web users, sessions, API tokens and background jobs",
        (
            "CREATE SEQUENCE web_user_seq START 1",
            # No foreign keys: DuckDB refuses updates to a row that another table refers
            # to, and users are disabled, never deleted.
            """CREATE TABLE web_users (
                user_id BIGINT PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                disabled BOOLEAN NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            # Sessions and tokens are stored as SHA-256 digests: a copy of the database
            # gives no one a way in.
            """CREATE TABLE web_sessions (
                session_hash TEXT PRIMARY KEY,
                user_id BIGINT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP NOT NULL
            )""",
            "CREATE SEQUENCE web_token_seq START 1",
            """CREATE TABLE web_tokens (
                token_id BIGINT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                user_id BIGINT NOT NULL,
                name TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                revoked_at TIMESTAMP
            )""",
            "CREATE SEQUENCE web_job_seq START 1",
            """CREATE TABLE web_jobs (
                job_id BIGINT PRIMARY KEY,
                kind TEXT NOT NULL,
                user_id BIGINT,
                status TEXT NOT NULL,
                params TEXT NOT NULL,
                progress DOUBLE PRECISION NOT NULL,
                message TEXT,
                result TEXT,
                error TEXT,
                created_at TIMESTAMP NOT NULL,
                finished_at TIMESTAMP
            )""",
        ),
    ),
    Migration(
        301,
        "background jobs: which server process runs each, and when it last said so",
        (
            "ALTER TABLE web_jobs ADD COLUMN worker TEXT",
            "ALTER TABLE web_jobs ADD COLUMN heartbeat_at TIMESTAMP",
            # Jobs given up by earlier servers have a plain-text error; errors are JSON.
            """UPDATE web_jobs SET error = '{"error": "interrupted", "message": "the server """
            """stopped before the job finished", "hint": "start the job again"}' """
            "WHERE error = 'the server stopped before it finished'",
        ),
    ),
)
