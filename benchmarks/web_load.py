"""Benchmark: the web API under load, with one million incidents in the store.

Builds a store of at least one million police.uk street crimes (the shared street files
of all four Welsh forces, loaded repeatedly under distinct force names, as
``benchmarks/ingest.py`` does), starts ``diogel serve`` in its own process, and runs 50
concurrent keep-alive clients on loopback for 60 seconds against the two endpoints the
dashboard and the map call: ``/api/v1/summary`` and ``/api/v1/hotspots`` (Gi* cells, the
significant ones, as the map asks), for Gwent's five councils over twelve months.

Prints p50/p95/p99 latency, throughput and errors for each endpoint and overall, the
first (uncached) request of each kind, and the cache's effect. Target: p95 under 150 ms
and no errors.

Usage::

    python benchmarks/web_load.py                  # 1,000,000 incidents, 50 clients, 60 s
    python benchmarks/web_load.py --rows 200000 --seconds 10    # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from police_copies import replicate

ROOT = Path(__file__).resolve().parents[1]
STREET = ROOT.parent / "shared" / "data" / "police-uk" / "street"

COUNCILS = ("W06000018", "W06000019", "W06000020", "W06000021", "W06000022")
PERIOD = ("2023-07", "2024-06")
TARGET_P95_MS = 150.0


def build_store(url: str, rows: int, work: Path) -> int:
    """Load about ``rows`` street crimes into the database at ``url`` (a DuckDB file or a
    PostgreSQL URL) and add a viewer with a token (in ``work/token``); returns the
    incidents stored."""
    from diogel.hub import load_police_uk
    from diogel.storage import open_store

    folder = work / "street"
    if not folder.is_dir():
        folder.mkdir()
        replicate(folder, rows)
    store = open_store(url)
    try:
        report = load_police_uk(store, [folder])
        count = store.query_rows("SELECT COUNT(*) FROM incidents")[0][0]
        from diogel.web.accounts import create_token, create_user

        create_user(store, "bench", "benchmark password", "viewer")
        token = create_token(store, "bench", "load test")[1]
        (work / "token").write_text(token)
    finally:
        store.close()
    print(f"store: {count:,} incidents from {len(report.files):,} files", flush=True)
    return int(count)


async def request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, token: str
) -> tuple[int, int]:
    """One HTTP/1.1 keep-alive GET; returns (status, body bytes)."""
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: application/json\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status, length


def paths() -> list[tuple[str, str]]:
    start, end = PERIOD
    out = []
    for code in COUNCILS:
        out.append(("summary", f"/api/v1/summary?area={code}&from={start}&to={end}"))
        out.append(("hotspots", f"/api/v1/hotspots?area={code}&from={start}&to={end}"
                                "&method=gistar&significant_only=true"))  # fmt: skip
    return out


async def client(
    port: int, token: str, until: float, offset: int, results: dict[str, list[float]],
    errors: dict[str, int],
) -> None:  # fmt: skip
    targets = paths()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while time.perf_counter() < until:
            kind, path = targets[i % len(targets)]
            i += 1
            started = time.perf_counter()
            try:
                status, _ = await request(reader, writer, path, token)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors[kind] += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            elapsed = time.perf_counter() - started
            if status != 200:
                errors[kind] += 1
            results[kind].append(elapsed)
    finally:
        writer.close()


async def load(port: int, token: str, clients: int, seconds: float) -> tuple[dict, dict, float]:
    results: dict[str, list[float]] = {"summary": [], "hotspots": []}
    errors = {"summary": 0, "hotspots": 0}
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client(port, token, until, i, results, errors) for i in range(clients)))
    return results, errors, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    import urllib.request

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("diogel serve stopped before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("diogel serve did not start")


def first_requests(port: int, token: str) -> dict[str, float]:
    """Time the first (uncached) request of each kind, one at a time."""
    import urllib.request

    times = {}
    for kind, path in paths()[:2]:
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        started = time.perf_counter()
        with urllib.request.urlopen(req, timeout=120) as response:
            response.read()
        times[kind] = (time.perf_counter() - started) * 1000
    return times


def serve_and_load(
    url: str, token: str, *, workers: int, port: int, clients: int, seconds: float
) -> dict[str, dict[str, object]]:
    """Start ``diogel serve`` on ``url`` with ``workers`` processes, load it, print and
    return the latency report per endpoint and overall."""
    diogel = Path(sys.executable).parent / "diogel"
    env = {**os.environ, "DIOGEL_QUIET": "1"}
    server = subprocess.Popen(
        [str(diogel), "--db", url, "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(port, server)
        first = first_requests(port, token)
        print("first request, computed (ms): "
              + ", ".join(f"{k} {v:.0f}" for k, v in first.items()), flush=True)  # fmt: skip
        print(f"{clients} clients for {seconds:.0f} s ...", flush=True)
        results, errors, elapsed = asyncio.run(load(port, token, clients, seconds))
    finally:
        server.terminate()
        server.wait(60)
    everything = results["summary"] + results["hotspots"]
    report: dict[str, dict[str, object]] = {}
    for kind, values in (*results.items(), ("all", everything)):
        errs = sum(errors.values()) if kind == "all" else errors[kind]
        report[kind] = {
            "requests": len(values), "errors": errs,
            "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else None,
            "throughput_rps": round(len(values) / elapsed, 1),
        }  # fmt: skip
        r = report[kind]
        print(f"  {kind:<9} {r['requests']:>7,} requests  p50 {r['p50_ms']:6.1f} ms  "
              f"p95 {r['p95_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
              f"{r['throughput_rps']:7.1f} req/s  errors {r['errors']}")  # fmt: skip
    return report


def met(report: dict[str, dict[str, object]]) -> bool:
    """p95 under the target and no errors."""
    p95 = report["all"]["p95_ms"]
    return isinstance(p95, float) and p95 < TARGET_P95_MS and report["all"]["errors"] == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="incidents to load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not STREET.is_dir():
        sys.exit(f"needs the public data in {STREET}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = str(work / "bench.duckdb")
        started = time.perf_counter()
        build_store(db, args.rows, work)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
        token = (work / "token").read_text()
        report = serve_and_load(db, token, workers=1, port=args.port, clients=args.clients,
                                seconds=args.seconds)  # fmt: skip
    ok = met(report)
    print(f"target p95 < {TARGET_P95_MS:.0f} ms with no errors: {'met' if ok else 'NOT met'}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
