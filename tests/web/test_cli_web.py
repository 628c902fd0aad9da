"""``diogel users``, ``diogel tokens`` and ``diogel serve`` on a fresh database."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from diogel.cli import main
from tests.web.browser import free_port

PASSWORD = "a long test password"


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(["--db", str(db), *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_and_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.duckdb"
    assert run(db, "users", "add", "ann", "--role", "admin", "--password", PASSWORD,
               capsys=capsys)[1] == "Added ann (admin).\n"  # fmt: skip
    code, _, err = run(db, "users", "add", "ann", "--password", PASSWORD, capsys=capsys)
    assert (
        code == 1
        and err == "Error: there is already a user called 'ann'. Hint: choose another name\n"
    )
    code, _, err = run(db, "users", "add", "bob", "--password", "short", capsys=capsys)
    assert code == 1 and "too short" in err
    _, out, _ = run(db, "users", "list", "--json", capsys=capsys)
    assert [(u["username"], u["role"], u["disabled"]) for u in json.loads(out)] == [
        ("ann", "admin", False)
    ]
    _, out, _ = run(db, "tokens", "create", "ann", "--name", "partner", "--json", capsys=capsys)
    created = json.loads(out)
    assert created["token"].startswith("dgl_")
    _, out, _ = run(db, "tokens", "list", capsys=capsys)
    assert "partner" in out and "active" in out and created["token"] not in out
    assert run(db, "tokens", "revoke", str(created["token_id"]), capsys=capsys)[0] == 0
    code, _, err = run(db, "tokens", "revoke", str(created["token_id"]), capsys=capsys)
    assert code == 1 and "no active API token" in err
    assert run(db, "users", "disable", "ann", capsys=capsys)[1] == "Disabled ann.\n"
    code, _, err = run(db, "users", "disable", "nobody", capsys=capsys)
    assert code == 1 and err.startswith("Error: no user called 'nobody'")


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
def test_serve_on_a_fresh_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "fresh.duckdb"
    run(db, "users", "add", "ann", "--role", "viewer", "--password", PASSWORD, capsys=capsys)
    _, out, _ = run(db, "tokens", "create", "ann", "--json", capsys=capsys)
    token = json.loads(out)["token"]
    port = free_port()
    diogel = Path(sys.executable).parent / "diogel"
    server = subprocess.Popen(
        [str(diogel), "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(f"{base}/api/v1/health")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("diogel serve did not start") from None
                time.sleep(0.2)
        assert status == 200
        status, body = _get(f"{base}/login")
        assert status == 200 and b'<html lang="en">' in body
        assert b'<html lang="cy">' in _get(f"{base}/login?lang=cy")[1]
        spec = json.loads(_get(f"{base}/api/v1/openapi.json")[1])
        assert spec["openapi"].startswith("3.") and "/api/v1/areas" in spec["paths"]
        assert _get(f"{base}/api/v1/areas")[0] == 401
        status, body = _get(f"{base}/api/v1/areas", token)
        assert status == 200 and len(json.loads(body)) == 22
    finally:
        server.terminate()
        server.wait(30)


def test_several_workers_need_postgresql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(tmp_path / "one.duckdb", "serve", "--workers", "2", capsys=capsys)
    assert code == 1 and "need the PostgreSQL server mode" in err and "--workers 1" in err


@pytest.mark.slow
def test_four_workers_on_postgresql_share_one_truth(
    postgres_schema_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four worker processes on one PostgreSQL database: any of them answers, and a token
    revoked through the CLI stops working on every one of them at once."""
    url = postgres_schema_url
    main_args = ["--db", url]
    try:
        main([*main_args, "users", "add", "ann", "--role", "viewer", "--password", PASSWORD])
    except SystemExit as exc:
        assert not exc.code
    capsys.readouterr()
    try:
        main([*main_args, "tokens", "create", "ann", "--json"])
    except SystemExit as exc:
        assert not exc.code
    created = json.loads(capsys.readouterr().out)
    token, token_id = created["token"], created["token_id"]
    port = free_port()
    diogel = Path(sys.executable).parent / "diogel"
    server = subprocess.Popen(
        [str(diogel), "--db", url, "serve", "--port", str(port), "--workers", "4"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # four processes start on a small machine
        while True:
            try:
                if _get(f"{base}/api/v1/health")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("diogel serve --workers 4 did not start") from None
                time.sleep(0.5)
        answers = [_get(f"{base}/api/v1/areas", token)[0] for _ in range(40)]
        assert answers == [200] * 40
        try:
            main([*main_args, "tokens", "revoke", str(token_id)])
        except SystemExit as exc:
            assert not exc.code
        answers = [_get(f"{base}/api/v1/areas", token)[0] for _ in range(40)]
        assert answers == [401] * 40
    finally:
        server.terminate()
        server.wait(60)
