"""Background jobs for the web app: loading uploaded files and writing assessments."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

from diogel.errors import DiogelError
from diogel.periods import Period
from diogel.storage import web as db
from diogel.web.accounts import User, now
from diogel.web.context import AppState

log = logging.getLogger("diogel.web")

#: The parts of an assessment in the order ``build_assessment`` reports them, then the
#: writing of the documents.
ASSESSMENT_STEPS: Final = (
    "data",
    "area",
    "overall",
    "priorities",
    "categories",
    "violence",
    "asb",
    "quality",
    "render",
)
#: Seconds between progress writes to the database.
PROGRESS_EVERY: Final = 0.3
#: Seconds between a server process's "still running" marks on its unfinished jobs.
HEARTBEAT_EVERY: Final = 15.0
#: Unfinished jobs whose process has been silent this long are marked as failed (by any
#: other process of the same server).
SILENT_AFTER: Final = dt.timedelta(seconds=90)


def job_dict(row: db.JobRow) -> dict[str, Any]:
    """A job as the API shows it."""
    return {
        "job_id": row.job_id,
        "kind": row.kind,
        "status": row.status,
        "progress": round(row.progress, 3),
        "message": row.message,
        "params": json.loads(row.params),
        "result": None if row.result is None else json.loads(row.result),
        "error": None if row.error is None else _error(row.error),
        "created_at": row.created_at.isoformat(),
        "finished_at": None if row.finished_at is None else row.finished_at.isoformat(),
    }


def _error(text: str) -> Any:
    """A job's stored error: JSON in the API's error shape (older servers stored text)."""
    try:
        return json.loads(text)
    except ValueError:
        return {"error": "interrupted", "message": text, "hint": "start the job again"}


def restricted_datasets(row: db.JobRow) -> list[str]:
    """The restricted datasets a finished job's documents hold (none for open data)."""
    result = json.loads(row.result) if row.result else {}
    return [str(d) for d in result.get("restricted", [])]


def visible_to(row: db.JobRow, user: User) -> bool:
    """Whether ``user`` may see a job: anyone signed in, unless its documents hold
    restricted data, which only the person who asked for them may see."""
    return not restricted_datasets(row) or row.user_id == user.user_id


class _Progress:
    """Records a job's progress, at most every :data:`PROGRESS_EVERY` seconds."""

    def __init__(self, state: AppState, job_id: int) -> None:
        self.state, self.job_id = state, job_id
        self.total_bytes, self.done_bytes, self.rows = 1, 0, 0
        self._last = 0.0

    def set(self, fraction: float, message: str, *, force: bool = False) -> None:
        moment = time.monotonic()
        if not force and moment - self._last < PROGRESS_EVERY:
            return
        self._last = moment
        self.state.run(
            db.update_job,
            self.job_id,
            status="running",
            progress=min(fraction, 0.99),
            message=message,
        )

    # The hub's Progress protocol, for loads.
    def start(self, total_files: int, total_bytes: int) -> None:
        self.total_bytes = max(total_bytes, 1)
        self.set(0.0, f"0/{total_files}", force=True)

    def file_done(self, name: str, nbytes: int, rows: int) -> None:
        self.done_bytes += nbytes
        self.rows += rows
        self.set(self.done_bytes / self.total_bytes, name)


class JobRunner:
    """Runs jobs one at a time on a worker thread; their state lives in ``web_jobs``.

    Each server process marks its unfinished jobs as alive every
    :data:`HEARTBEAT_EVERY` seconds. With a DuckDB file only one server runs, so at
    start every unfinished job was left by a stopped one; with PostgreSQL and several
    processes, a job is given up only when its own process has been silent for
    :data:`SILENT_AFTER` (it died, or was replaced), not because another one started.
    """

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="diogel-job")
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        if state.server:
            self.check_silent()
            self._beat = threading.Thread(
                target=self._heartbeat, name="diogel-job-beat", daemon=True
            )
            self._beat.start()
        else:
            state.run(db.abandon_unfinished_jobs, now())

    def check_silent(self) -> int:
        """Mark as failed the unfinished jobs of processes silent for :data:`SILENT_AFTER`."""
        moment = now()
        return self.state.run(
            db.abandon_unfinished_jobs, moment, silent_since=moment - SILENT_AFTER
        )

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_EVERY):
            try:
                self.state.run(db.beat_jobs, self.worker, now())
                if self.state.server:
                    self.check_silent()
            except Exception:  # the database may be restarting: try again next time
                log.warning("could not mark this server's jobs as running", exc_info=True)

    def shutdown(self) -> None:
        # Keep saying the running job is alive until it has finished, then stop.
        self.pool.shutdown(wait=True, cancel_futures=True)
        self._stop.set()
        if self._beat is not None:
            self._beat.join()

    def _new(self, kind: str, user: User, params: dict[str, Any]) -> int:
        return self.state.run(
            db.add_job, kind, user.user_id, json.dumps(params), now(), self.worker
        )

    def submit_upload(self, user: User, folder: Path, names: list[str]) -> int:
        """Load the police.uk files saved in ``folder``; returns the job id."""
        job_id = self._new("upload", user, {"files": names})
        self.pool.submit(self._guard, job_id, self._upload, job_id, folder)
        return job_id

    def submit_assessment(self, user: User, area: str, period: Period, lang: str) -> int:
        """Build and write the strategic assessment; returns the job id."""
        params = {"area": area, "from": f"{period.start:%Y-%m}", "to": f"{period.end:%Y-%m}",
                  "lang": lang}  # fmt: skip
        job_id = self._new("assessment", user, params)
        self.pool.submit(
            self._guard, job_id, self._assess, job_id, area, period, lang, user.username
        )
        return job_id

    def _guard(self, job_id: int, work: Any, *args: Any) -> None:
        try:
            result = work(*args)
        except DiogelError as exc:
            self._finish(job_id, "failed", error=exc.to_dict())
        except Exception as exc:  # a bug: record it, keep the worker alive
            log.exception("job %s failed", job_id)
            error = {"error": "internal", "message": f"the job failed ({type(exc).__name__})",
                     "hint": "see the server log"}  # fmt: skip
            self._finish(job_id, "failed", error=error)
        else:
            self._finish(job_id, "done", result=result)

    def _finish(
        self,
        job_id: int,
        status: str,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        self.state.run(
            db.update_job,
            job_id,
            status=status,
            progress=1.0 if status == "done" else 0.0,
            result=None if result is None else json.dumps(result),
            error=None if error is None else json.dumps(error),
            finished_at=now(),
        )

    def _upload(self, job_id: int, folder: Path) -> dict[str, Any]:
        from diogel.hub import load_police_uk

        progress = _Progress(self.state, job_id)
        try:
            with self.state.job_store() as store:
                report = load_police_uk(
                    store, [folder], geography=self.state.geography, progress=progress
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.state.data_changed()
        return report.as_dict()

    def _assess(
        self, job_id: int, area: str, period: Period, lang: str, username: str
    ) -> dict[str, Any]:
        from diogel.assess.areas import find_area
        from diogel.assess.assessment import build_assessment
        from diogel.reports import render_all

        progress = _Progress(self.state, job_id)

        def step(name: str) -> None:
            index = ASSESSMENT_STEPS.index(name) if name in ASSESSMENT_STEPS else 0
            progress.set(index / len(ASSESSMENT_STEPS), name, force=True)

        geo = self.state.geography
        # Read as the person who asked: partner data only as their agreements allow.
        with self.state.job_reader(username) as store:
            found = find_area(store, geo, area)
            assessment = build_assessment(
                store, found, period, lang=lang, geography=geo, progress=step
            )
            restricted = sorted(store.restricted_reads)
        step("render")
        folder = self.state.assessments_dir / str(job_id)
        folder.mkdir(parents=True, exist_ok=True)
        slug = "".join(c if c.isalnum() else "-" for c in found.name_en.lower())
        stem = f"assessment-{slug}-{period.start:%Y-%m}-to-{period.end:%Y-%m}-{lang}"
        written = render_all(assessment, [folder / f"{stem}.html", folder / f"{stem}.pdf"])
        return {
            "area": {"code": found.code, "name": found.name(lang)},
            "title": assessment.title,
            "subtitle": assessment.subtitle,
            "files": {p.suffix.lstrip("."): p.name for p in written},
            "restricted": restricted,
        }
