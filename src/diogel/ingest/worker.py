"""Worker processes that read and place police.uk files for a large load.

Each worker is ``python -m diogel.ingest.worker``: it reads a pickled group of files on
standard input and writes back the prepared files (Arrow tables pickle cheaply). When
its parent goes away its input closes and it exits, so a killed load leaves no workers.
"""

from __future__ import annotations

import pickle
import queue
import struct
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import IO, Any

from diogel.errors import DiogelError

_HEADER = struct.Struct("!Q")


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(head)
    return pickle.loads(stream.read(size))


class WorkerPool(Executor):
    """An executor whose tasks run ``prepare_group`` in worker processes."""

    def __init__(self, workers: int) -> None:
        self._idle: queue.Queue[subprocess.Popen[bytes]] = queue.Queue()
        self._procs = [
            subprocess.Popen(
                [sys.executable, "-m", "diogel.ingest.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            for _ in range(workers)
        ]
        for proc in self._procs:
            self._idle.put(proc)
        self._threads = ThreadPoolExecutor(max_workers=workers)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._threads.submit(self._run, args)

    def _run(self, args: tuple[Any, ...]) -> Any:
        proc = self._idle.get()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            _send(proc.stdin, args)
            status, value = _receive(proc.stdout)
        except (EOFError, BrokenPipeError) as exc:
            raise RuntimeError("a Diogel worker process stopped unexpectedly") from exc
        finally:
            self._idle.put(proc)
        if status == "error":
            raise value
        return value

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._threads.shutdown(wait=wait, cancel_futures=cancel_futures)
        for proc in self._procs:
            if proc.stdin:
                proc.stdin.close()
        for proc in self._procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            if proc.stdout:
                proc.stdout.close()


def main() -> None:
    """Serve requests until standard input closes."""
    import pyarrow as pa

    from diogel.ingest.prepare import prepare_group

    # One busy thread per worker: the pool already has a worker per core.
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            sources, geography, compact = _receive(stdin)
        except EOFError:
            return
        try:
            _send(stdout, ("ok", prepare_group(sources, geography, compact)))
        except DiogelError as exc:
            _send(stdout, ("error", exc))
        except Exception as exc:  # reported to the parent, which stops the load
            _send(stdout, ("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


if __name__ == "__main__":
    main()
