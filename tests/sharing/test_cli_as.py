"""``diogel --as USER``: the CLI reads as a person, through the sharing agreements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diogel.cli import main
from diogel.storage import open_store
from tests.sharing.conftest import build_world


def _login() -> str:
    """The account the tests run as, from the operating system (not from the code)."""
    import os
    import pwd

    try:
        return f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    except KeyError:
        return f"cli:#{os.getuid()}"


#: Who the audit log must name as having read as someone else.
OPERATOR = _login()


def _run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(["--db", str(db), *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_cli_reads_as_a_person(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "world.duckdb"
    store = open_store(str(db))
    build_world(store)
    store.close()
    knox = ("partner-data", "near-repeat", "--area", "Newport", "--from", "2023-01",
            "--to", "2024-03", "--seed", "1", "--json")  # fmt: skip

    # the health board's analyst owns the data: it is read (and found to carry months
    # only, which the Knox test cannot use)
    code, _, err = _run(db, "--as", "hana", *knox, capsys=capsys)
    assert code == 1 and "holds months only" in err, err
    # the Cardiff CSP is given nothing: no events, said plainly
    code, _, err = _run(db, "--as", "bob", *knox, capsys=capsys)
    assert code == 1 and "0 placed partner events" in err, err
    # acting as a person cannot write, nor reach raw SQL, nor serve the web app
    code, _, err = _run(db, "--as", "bob", "partner-data", "list", capsys=capsys)
    assert code == 1 and "does not offer" in err and "--as" in err
    code, _, err = _run(db, "--as", "bob", "serve", capsys=capsys)
    assert code == 1 and "without --as" in err
    # nothing to list for him is said as such, not as an empty database
    code, out, _ = _run(db, "--as", "bob", "datasets", "--all", capsys=capsys)
    assert code == 0 and out.strip() == "No loaded data that bob may see."

    store = open_store(str(db))
    try:
        rows = store.query_rows("SELECT actor, action, dataset, query FROM share_audit")
    finally:
        store.close()
    entries = [r[:3] for r in rows]
    assert ("hana", "read", "partner:istv") in entries  # audited under her name
    assert not [e for e in entries if e[0] == "bob" and e[1] == "read"]
    # ... and with who read as her: the operator of the shell, which --as cannot change
    hers = [json.loads(r[3]) for r in rows if r[0] == "hana" and r[1] == "read"]
    assert hers and all(q["via"] == OPERATOR for q in hers)
    # changes and reads made in the library or on the web carry no "via"
    assert not [r for r in rows if r[0] != "hana" and "via" in json.loads(r[3])]


def test_a_disabled_user_cannot_be_read_as_and_reads_nothing_restricted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Once hana's account is disabled, the agreements and memberships that named her
    give her nothing, and the command line refuses to read as her."""
    import datetime as dt

    from diogel.sharing import scoped
    from tests.sharing.conftest import ISTV, NOW

    db = tmp_path / "world.duckdb"
    store = open_store(str(db))
    build_world(store)
    assert scoped(store, "hana", now=NOW).access(ISTV).grants  # the owner's analyst
    store.close()
    code, _, err = _run(db, "users", "add", "hana", "--password", "a long pass phrase",
                        capsys=capsys)  # fmt: skip
    assert code == 0, err
    code, _, err = _run(db, "users", "disable", "hana", capsys=capsys)
    assert code == 0, err

    store = open_store(str(db))
    try:
        access = scoped(store, "hana", now=NOW).access(ISTV)
        assert access.grants == () and access.sensitivity == "special"
        police = scoped(store, "hana", now=dt.datetime(2024, 6, 1)).access("police-uk-street")
        assert police.is_open and police.grants  # open data stays open
        before = store.query_rows("SELECT COUNT(*) FROM share_audit")[0][0]
    finally:
        store.close()
    code, out, err = _run(db, "--as", "hana", "datasets", capsys=capsys)
    assert code == 1 and "user 'hana' is disabled" in err and not out
    store = open_store(str(db))
    try:
        assert store.query_rows("SELECT COUNT(*) FROM share_audit")[0][0] == before
    finally:
        store.close()
