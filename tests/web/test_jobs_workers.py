"""Background jobs when several server processes share one database.

A process that starts (or is restarted by its supervisor) must not give up the jobs
other live processes are running; jobs of a process that died are given up once it has
been silent long enough, and then read as failed with an error in the API's shape.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from diogel.config import Settings
from diogel.storage import open_store
from diogel.storage import web as db
from diogel.web import jobs as jobs_module
from diogel.web.accounts import now
from diogel.web.context import AppState
from diogel.web.jobs import JobRunner, job_dict


def _state(url: str, files: Path) -> AppState:
    settings = Settings(database_url=url, extra={"web": {"files_dir": str(files)}})
    return AppState(settings, open_store(url))


def test_a_new_process_leaves_the_jobs_of_live_ones_alone(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    first = _state(postgres_schema_url, tmp_path / "a")
    runner_a = JobRunner(first)
    running = first.run(db.add_job, "assessment", None, "{}", now(), runner_a.worker)
    first.run(db.update_job, running, status="running", progress=0.4, message="areas")
    second = _state(postgres_schema_url, tmp_path / "b")
    runner_b = JobRunner(second)  # a second worker process starts
    try:
        row = second.run(db.job, running)
        assert row is not None and row.status == "running"
        assert runner_b.check_silent() == 0
        # The first process dies: its job's last sign of life ages past the limit.
        runner_a.shutdown()
        old = now() - jobs_module.SILENT_AFTER - dt.timedelta(seconds=5)
        second.run(
            lambda s: s.execute(
                "UPDATE web_jobs SET heartbeat_at = ? WHERE job_id = ?", [old, running]
            )
        )
        assert runner_b.check_silent() == 1
        row = second.run(db.job, running)
        assert row is not None and row.status == "failed"
        shown: dict[str, Any] = job_dict(row)
        assert shown["error"]["error"] == "interrupted"
        assert "start the job again" in shown["error"]["hint"]
    finally:
        runner_b.shutdown()
        for state in (first, second):
            state.close()
            state.store.close()


def test_heartbeats_keep_a_process_jobs_alive(postgres_schema_url: str, tmp_path: Path) -> None:
    state = _state(postgres_schema_url, tmp_path)
    runner = JobRunner(state)
    try:
        queued = state.run(db.add_job, "upload", None, "{}", now(), runner.worker)
        other = state.run(db.add_job, "upload", None, "{}", now(), "elsewhere:1:abc")
        old = now() - dt.timedelta(hours=1)
        state.run(lambda s: s.execute("UPDATE web_jobs SET heartbeat_at = ?", [old]))
        state.run(db.beat_jobs, runner.worker, now())
        assert runner.check_silent() == 1  # only the silent process's job
        mine, theirs = state.run(db.job, queued), state.run(db.job, other)
        assert mine is not None and mine.status == "queued"
        assert theirs is not None and theirs.status == "failed"
    finally:
        runner.shutdown()
        state.close()
        state.store.close()


def test_with_a_duckdb_file_a_restart_gives_up_every_unfinished_job(tmp_path: Path) -> None:
    url = str(tmp_path / "one.duckdb")
    state = _state(url, tmp_path)
    job = state.run(db.add_job, "upload", None, "{}", now(), "earlier:1:abc")
    runner = JobRunner(state)  # only one server can hold the file: nothing else runs it
    try:
        row = state.run(db.job, job)
        assert row is not None and row.status == "failed"
        assert job_dict(row)["error"]["error"] == "interrupted"
    finally:
        runner.shutdown()
        state.close()
        state.store.close()


def test_jobs_given_up_by_older_servers_still_read_as_errors(tmp_path: Path) -> None:
    # Earlier servers stored a plain-text error for interrupted jobs; the job API must
    # still show those in its error shape rather than fail.
    state = _state(str(tmp_path / "old.duckdb"), tmp_path)
    try:
        job = state.run(db.add_job, "upload", None, "{}", now())
        text = "the server stopped before it finished"
        state.run(
            lambda s: s.execute(
                "UPDATE web_jobs SET status = 'failed', error = ? WHERE job_id = ?", [text, job]
            )
        )
        row = state.run(db.job, job)
        assert row is not None
        assert job_dict(row)["error"] == {
            "error": "interrupted", "message": text, "hint": "start the job again"
        }  # fmt: skip
    finally:
        state.close()
        state.store.close()
