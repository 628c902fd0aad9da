"""What the web app shares between requests: settings, the store behind a lock, caches."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from diogel.config import Settings
from diogel.errors import ConfigError
from diogel.geography import Geography
from diogel.storage import Store, open_store
from diogel.storage import web as db
from diogel.web.cache import ResultCache
from diogel.web.ratelimit import LoginLimiter

T = TypeVar("T")

#: Seconds a read of the data version is trusted before it is read again (a load made
#: by this server refreshes it at once).
VERSION_TTL: Final = 2.0
#: Seconds a session or token lookup is reused with the embedded store. Changes made
#: through this server (log out, disable, revoke) take effect at once; DuckDB lets no
#: other process write while the server runs, so nothing else can change them sooner.
#: With PostgreSQL, other workers can, so every request looks its login up afresh.
LOGIN_TTL: Final = 5.0


@dataclass(frozen=True)
class WebOptions:
    """The ``[web]`` table of the settings file.

    Parameters
    ----------
    files_dir : Path
        Where uploads and generated assessments are kept.
    tile_url : str or None
        A background map tile URL template (``https://.../{z}/{x}/{y}.png``); none by
        default, so the map needs no internet.
    tile_attribution : str
        Credit shown for the tiles.
    secure_cookies : bool
        Mark cookies ``Secure`` (browsers still send them to ``http://localhost``).
    """

    files_dir: Path
    tile_url: str | None = None
    tile_attribution: str = ""
    secure_cookies: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> WebOptions:
        raw = settings.extra.get("web", {})
        if not isinstance(raw, Mapping):
            raise ConfigError("the [web] settings must be a table", hint="see the README")
        url = settings.database_url
        default_dir = (
            Path("diogel-files")
            if url == ":memory:" or "://" in url
            else Path(url).resolve().parent / "diogel-files"
        )
        tile = raw.get("tile_url")
        return cls(
            files_dir=Path(str(raw.get("files_dir", default_dir))),
            tile_url=str(tile) if tile else None,
            tile_attribution=str(raw.get("tile_attribution", "")),
            secure_cookies=bool(raw.get("secure_cookies", True)),
        )


class AppState:
    """Shared by every request of one app.

    A DuckDB connection object is not safe to use from several threads at once, so every
    use of the store goes through :meth:`run`: when the database is a file, each worker
    thread gets its own connection to it (DuckDB shares one database between the
    connections of a process, with snapshot isolation); an in-memory database has only
    the one connection, used one request at a time. Background jobs do the same
    (:meth:`job_store`), so a long load never holds up the pages.
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.options = WebOptions.from_settings(settings)
        self.lock = threading.RLock()
        self.geography = Geography.bundled()
        self.cache = ResultCache()
        self.limiter = LoginLimiter()
        self._version: tuple[int, int] | None = None
        self._version_read = 0.0
        self._sensitivities: dict[str, str] | None = None
        self._sensitivities_read = 0.0
        self.jobs: Any = None  # set by create_app: a diogel.web.jobs.JobRunner
        self._local = threading.local()
        self._opened: list[Store] = []
        self._logins: dict[str, tuple[float, Any]] = {}
        url = str(getattr(store, "url", ""))
        server = url.startswith(("postgresql://", "postgres://"))
        #: A database server: other processes of this server may share it.
        self.server = server
        self._login_ttl = 0.0 if server else LOGIN_TTL
        # A database other connections can reach: a DuckDB file, or a PostgreSQL server.
        self._file_url = (
            url if server or (url and url != ":memory:" and Path(url).exists()) else None
        )

    def _thread_store(self) -> Store | None:
        if self._file_url is None:
            return None
        own: Store | None = getattr(self._local, "store", None)
        if own is None:
            with self.lock:  # one at a time: opening checks the schema's migrations
                own = open_store(self._file_url)
                self._opened.append(own)
            self._local.store = own
        return own

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``fn(store, *args, **kwargs)`` on this thread's connection (or, for an
        in-memory database, on the one connection, holding its lock)."""
        own = self._thread_store()
        if own is not None:
            return fn(own, *args, **kwargs)
        with self.lock:
            return fn(self.store, *args, **kwargs)

    def close(self) -> None:
        """Close the connections opened for worker threads (not the caller's store)."""
        with self.lock:
            for own in self._opened:
                own.close()
            self._opened.clear()
        self._local = threading.local()

    def data_version(self) -> tuple[int, int]:
        """The version of the loaded data (re-read at most every :data:`VERSION_TTL` s)."""
        moment = time.monotonic()
        if self._version is None or moment - self._version_read > VERSION_TTL:
            version = self.run(db.data_version)
            if version != self._version and self._version is not None:
                self.cache.clear()
            self._version, self._version_read = version, moment
        return self._version

    def is_open(self, dataset: str) -> bool:
        """Whether ``dataset`` is open data, so that results from it may be shared by
        everyone signed in (declared sensitivities re-read at most every
        :data:`VERSION_TTL` s: declaring an open dataset restricted takes that long to
        reach cached results; reads of restricted data are judged at each read)."""
        from diogel.sharing.policy import OPEN_PREFIX
        from diogel.storage.sharing import sensitivities

        moment = time.monotonic()
        known = self._sensitivities  # once: data_changed() may reset it meanwhile
        if known is None or moment - self._sensitivities_read > VERSION_TTL:
            known = self.run(sensitivities)
            self._sensitivities, self._sensitivities_read = known, moment
        declared = known.get(dataset)
        return dataset.startswith(OPEN_PREFIX) if declared is None else declared == "open"

    def data_changed(self) -> None:
        """Forget cached results now (a load, or a change of a dataset's sensitivity, by
        this server has committed)."""
        self._version = None
        self._sensitivities = None
        self.cache.clear()

    def login(self, key: str, look_up: Callable[[], T]) -> T:
        """Who a session cookie or token (by its digest) belongs to, reused for
        :data:`LOGIN_TTL` seconds."""
        moment = time.monotonic()
        hit = self._logins.get(key)
        if hit is not None and moment - hit[0] < self._login_ttl:
            found: T = hit[1]
            return found
        value = look_up()
        if len(self._logins) > 10_000:
            self._logins.clear()
        self._logins[key] = (moment, value)
        return value

    def forget_logins(self) -> None:
        """Look sessions and tokens up afresh (after logging out, disabling, revoking)."""
        self._logins.clear()

    def cached(
        self,
        key: tuple[Any, ...],
        compute: Callable[[], T],
        keep: Callable[[], bool] | None = None,
    ) -> T:
        """``compute()`` once per data version and key (kept only if ``keep()``, if given)."""
        result: T = self.cache.get_or_compute((self.data_version(), *key), compute, keep)
        return result

    @contextmanager
    def job_store(self) -> Iterator[Store]:
        """A store for a background job: its own connection when the database is a file,
        otherwise the shared one, held for the whole job."""
        if self._file_url is not None:
            own = open_store(self._file_url)
            try:
                yield own
            finally:
                own.close()
        else:
            with self.lock:
                yield self.store

    @contextmanager
    def job_reader(self, username: str) -> Iterator[Any]:
        """A store for a background job run on behalf of ``username``: reads limited by
        the sharing agreements at the moment of each read, and audited."""
        from diogel.sharing import scoped

        with self.job_store() as own:
            yield scoped(own, username)

    @property
    def uploads_dir(self) -> Path:
        return self.options.files_dir / "uploads"

    @property
    def assessments_dir(self) -> Path:
        return self.options.files_dir / "assessments"


class Reader:
    """One person's reads for one request: every read goes through the sharing agreements
    (``diogel.sharing.scoped``), and cached results are shared only between people who
    see the same data.

    Parameters
    ----------
    state : AppState
        The app's shared state.
    username : str
        Who is reading.
    """

    def __init__(self, state: AppState, username: str) -> None:
        self.state = state
        self.username = username
        self.geography = state.geography
        self._audiences: dict[str, str] = {}
        #: Reads of this request that touched restricted data.
        self.restricted_reads = 0

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``fn(scoped_store, *args, **kwargs)`` with this person's view of the store."""
        from diogel.sharing import scoped

        def read(store: Store) -> T:
            view = scoped(store, self.username)
            try:
                return fn(view, *args, **kwargs)
            finally:
                if view.restricted_reads:
                    self.restricted_reads += 1

        return self.state.run(read)

    def audience(self, dataset: str = "police-uk-street") -> str:
        """Whom results from ``dataset`` may be shared with: everyone signed in when it is
        open (see `AppState.is_open`), otherwise this person only."""
        if dataset not in self._audiences:
            is_open = self.state.is_open(dataset)
            self._audiences[dataset] = "open" if is_open else f"user:{self.username}"
        return self._audiences[dataset]

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()`` once per data version and key when the street data is open.

        Restricted street data is read afresh every time: each read must be judged
        against the agreements in force at that moment, and audited.
        """
        if self.audience() != "open":
            return compute()

        # Sensitivities are re-read every few seconds: should the data have become
        # restricted meanwhile, this person's view is returned but not kept for everyone.
        before = self.restricted_reads
        return self.state.cached(
            ("open", *key), compute, keep=lambda: self.restricted_reads == before
        )
