"""A small in-process cache of expensive results, keyed on the version of the loaded data."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Final

#: Results kept at most (least recently used go first).
MAX_ENTRIES: Final = 512


class ResultCache:
    """Results of summaries, hotspots and charts, computed once per data version.

    Keys include the data version (see ``diogel.storage.web.data_version``), so a load
    makes every older entry unreachable; :meth:`clear` drops them at once. Concurrent
    requests for the same missing key wait for one computation instead of each
    repeating it.

    Examples
    --------
    >>> cache = ResultCache()
    >>> cache.get_or_compute(("sum", 1), lambda: 41 + 1)
    42
    >>> cache.get_or_compute(("sum", 1), lambda: 0)
    42
    >>> len(cache)
    1
    >>> cache.get_or_compute(("mine",), lambda: 7, keep=lambda: False)  # not kept
    7
    >>> len(cache)
    1
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max = max_entries
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get_or_compute(
        self,
        key: Hashable,
        compute: Callable[[], Any],
        keep: Callable[[], bool] | None = None,
    ) -> Any:
        """The cached value for ``key``, computing it (once) if needed; a computed value
        is kept only if ``keep()`` (when given) says so after computing it."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._items:
                    self.hits += 1
                    return self._items[key]
            value = compute()
            with self._lock:
                self.misses += 1
                self._pending.pop(key, None)
                if keep is not None and not keep():
                    return value
                self._items[key] = value
                while len(self._items) > self._max:
                    self._items.popitem(last=False)
                self._pending.pop(key, None)
            return value

    def clear(self) -> None:
        """Forget everything (called when data changes)."""
        with self._lock:
            self._items.clear()
