"""Login rate limiting: too many failed logins for one name or from one address pause it."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Final

#: Failed logins allowed for one user name within :data:`WINDOW` seconds.
PER_NAME: Final = 5
#: Failed logins allowed from one client address within :data:`WINDOW` seconds.
PER_CLIENT: Final = 20
#: The sliding window, in seconds.
WINDOW: Final = 15 * 60


class LoginLimiter:
    """Counts failed logins in a sliding window, by user name and by client address.

    Examples
    --------
    >>> limiter = LoginLimiter(per_name=2, clock=lambda: 0.0)
    >>> limiter.blocked("ann", "127.0.0.1")
    0
    >>> limiter.failed("ann", "127.0.0.1"); limiter.failed("ann", "127.0.0.1")
    >>> limiter.blocked("ann", "127.0.0.1") > 0
    True
    """

    def __init__(
        self,
        *,
        per_name: int = PER_NAME,
        per_client: int = PER_CLIENT,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_name, self.per_client, self.window = per_name, per_client, window
        self._clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, username: str, client: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = self._clock()
        with self._lock:
            waits = []
            for key, limit in (("u:" + username.casefold(), self.per_name),
                               ("c:" + client, self.per_client)):  # fmt: skip
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(int(times[0] + self.window - now) + 1)
            return max(waits, default=0)

    def failed(self, username: str, client: str) -> None:
        """Record a failed attempt."""
        now = self._clock()
        with self._lock:
            self._failures["u:" + username.casefold()].append(now)
            self._failures["c:" + client].append(now)

    def succeeded(self, username: str) -> None:
        """Forget a name's failures after a successful login."""
        with self._lock:
            self._failures.pop("u:" + username.casefold(), None)
