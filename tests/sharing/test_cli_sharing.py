"""The sharing commands: register, agree, read the audit, apply retention."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from diogel.cli import cli, main

AGREEMENT = """
id = "abuhb-istv-newport"
title = "A&E assault data for the Newport CSP"
purpose = "Cardiff Model violence prevention"
legal_basis = "Crime and Disorder Act 1998 s.115; UK GDPR Art 6(1)(e); Art 9(2)(g)"
level = "aggregate"
starts = 2024-01-01
review = 2024-12-01
expires = 2030-01-01
retention_days = 730
areas = ["W06000022"]
parties = [
  { kind = "agency", id = "abuhb", role = "provider" },
  { kind = "partnership", id = "newport-csp", role = "recipient" },
]
datasets = [{ name = "partner:istv", fields = ["month", "category"] }]
signatories = [{ name = "Caldicott Guardian", agency = "abuhb", signed = 2023-12-01 }]
"""
PASSWORD = "a long enough password"


def _login() -> str:
    """The name of the account the tests run as, from the operating system."""
    import os
    import pwd

    try:
        return f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    except KeyError:
        return f"cli:#{os.getuid()}"


#: What the audit log records as who ran a command.
OPERATOR = _login()


def test_sharing_commands(store_url: str, tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, ["--db", store_url, *args])
        assert result.exit_code == code, result.output
        return result.output

    run("agencies", "add", "abuhb", "--name", "Aneurin Bevan UHB", "--kind", "health-board")
    run("partnerships", "add", "newport-csp", "--name", "Safer Newport", "--kind", "csp",
        "--area", "W06000022")  # fmt: skip
    run("members", "add", "alice", "--partnership", "newport-csp", "--role", "analyst")
    run("dataset-policy", "set", "partner:istv", "--owner", "abuhb", "--sensitivity", "special")
    path = tmp_path / "dda.toml"
    path.write_text(AGREEMENT, encoding="utf-8")
    assert "Added agreement abuhb-istv-newport" in run("agreements", "add", str(path))
    assert "in force" in run("agreements", "list")
    shown = json.loads(run("agreements", "show", "abuhb-istv-newport", "--json"))
    assert shown["areas"] == ["W06000022"]
    access = json.loads(run("access", "alice", "partner:istv"))
    assert access["grants"][0]["level"] == "aggregate"
    assert json.loads(run("agencies", "list", "--json"))[0]["agency_id"] == "abuhb"
    assert "abuhb" in run("dataset-policy", "list")
    assert "newport-csp" in run("partnerships", "list")
    assert "alice" in run("members", "list")
    assert "Revoked" in run("agreements", "revoke", "abuhb-istv-newport", "--reason", "ended")
    assert run("agreements", "show", "abuhb-istv-newport").count(f"revoked_by: {OPERATOR}") == 1
    assert json.loads(run("access", "alice", "partner:istv"))["grants"] == []
    assert "intact" in run("audit", "verify")
    out = run("audit", "export", str(tmp_path / "a.jsonl"))
    anchor = out.split("Anchor: ")[1].strip()
    assert json.loads(run("audit", "verify", "--anchor", anchor, "--json"))["intact"]
    assert "partner:istv" in run("retention", "apply", "--dry-run")
    assert json.loads(run("retention", "apply", "--json"))[0]["deleted"] == 0
    run("agencies", "add", "Bad Id", "--name", "x", "--kind", "police", code=1)


def test_changes_to_who_may_read_are_audited(store_url: str, tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, ["--db", store_url, *args])
        assert result.exit_code == code, result.output
        return result.output

    run("users", "add", "ig-lead-rhian", "--role", "admin", "--password", PASSWORD)
    run("agencies", "add", "abuhb", "--name", "Aneurin Bevan UHB", "--kind", "health-board")
    run("partnerships", "add", "newport-csp", "--name", "Safer Newport", "--kind", "csp",
        "--area", "W06000022")  # fmt: skip
    run("members", "add", "alice", "--partnership", "newport-csp", "--role", "analyst",
        "--by", "ig-lead-rhian")  # fmt: skip
    run("dataset-policy", "set", "partner:istv", "--owner", "abuhb", "--sensitivity", "special",
        "--by", "ig-lead-rhian")  # fmt: skip
    assert "no longer a member" in run(
        "members", "remove", "alice", "--partnership", "newport-csp", "--by", "ig-lead-rhian"
    )
    run("members", "remove", "alice", "--partnership", "newport-csp", code=1)  # not a member
    run("members", "add", "bob", "--partnership", "newport-csp", "--role", "viewer")
    path = tmp_path / "audit.jsonl"
    run("audit", "export", str(path))
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    changes = [(e["actor"], e["action"], e["dataset"], json.loads(e["query"])) for e in entries]
    # Who ran the command is recorded, and the user it was done for beside the change.
    assert changes[0] == (
        OPERATOR, "membership", None,
        {"on_behalf_of": "ig-lead-rhian", "partnership": "newport-csp", "role": "analyst",
         "user": "alice"},
    )  # fmt: skip
    assert changes[1][:3] == (OPERATOR, "dataset-policy", "partner:istv")
    assert changes[1][3]["sensitivity"] == "special"
    assert changes[1][3]["on_behalf_of"] == "ig-lead-rhian"
    assert changes[2] == (
        OPERATOR, "membership-end", None,
        {"on_behalf_of": "ig-lead-rhian", "partnership": "newport-csp", "user": "alice"},
    )  # fmt: skip
    # The refused removal wrote nothing; without --by only the operator is recorded.
    assert len(changes) == 4 and changes[3][0] == OPERATOR
    assert "on_behalf_of" not in changes[3][3]
    assert "intact" in run("audit", "verify")


class Shell:
    """Runs ``diogel`` as the shell does (``main``: one error line, exit 1) on one store."""

    def __init__(self, store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.capsys = ["--db", store_url], capsys

    def __call__(self, *args: str, code: int = 0) -> tuple[str, str]:
        got = 0
        try:
            main([*self.db, *args])
        except SystemExit as exc:
            got = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        assert got == code, (out, err)
        return out, err

    def head(self) -> tuple[int, str]:
        report = json.loads(self("audit", "verify", "--json")[0])
        assert report["intact"] and report["entries"] == report["head_seq"]
        return report["head_seq"], report["head_hash"]


def _partnership_world(run: Shell, tmp_path: Path) -> Path:
    """Users (rhian active, gone disabled), a health board, a CSP, the A&E dataset and a
    member; returns an agreement file not yet added."""
    run("users", "add", "rhian", "--role", "admin", "--password", PASSWORD)
    run("users", "add", "gone", "--role", "admin", "--password", PASSWORD)
    run("users", "disable", "gone")
    run("agencies", "add", "abuhb", "--name", "Aneurin Bevan UHB", "--kind", "health-board")
    run("partnerships", "add", "newport-csp", "--name", "Safer Newport", "--kind", "csp",
        "--area", "W06000022")  # fmt: skip
    run("dataset-policy", "set", "partner:istv", "--owner", "abuhb", "--sensitivity", "special")
    run("members", "add", "alice", "--partnership", "newport-csp", "--role", "analyst")
    path = tmp_path / "dda.toml"
    path.write_text(AGREEMENT, encoding="utf-8")
    return path


def _changes(agreement: Path) -> list[tuple[str, ...]]:
    """Every command that changes who may read what (and writes an audit entry)."""
    return [
        ("members", "add", "bob", "--partnership", "newport-csp", "--role", "viewer"),
        ("dataset-policy", "set", "partner:istv", "--owner", "abuhb", "--sensitivity", "personal"),
        ("agreements", "add", str(agreement)),
        ("retention", "apply"),
        ("agreements", "revoke", "abuhb-istv-newport", "--reason", "purpose met"),
        ("members", "remove", "alice", "--partnership", "newport-csp"),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("alice", "no Diogel user called 'alice' to act on behalf of"),  # a member, not a user
        ("Caldicott Guardian", "no Diogel user called 'Caldicott Guardian' to act on behalf of"),
        ("gone", "user 'gone' is disabled, so nothing can be done on their behalf"),
    ],
)
def test_by_naming_anyone_but_an_active_user_is_refused_and_writes_nothing(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    run = Shell(store_url, capsys)
    run("agreements", "add", str(_partnership_world(run, tmp_path)))  # one to revoke
    second = tmp_path / "second.toml"
    second.write_text(AGREEMENT.replace('"abuhb-istv-newport"', '"second"'), encoding="utf-8")
    head = run.head()
    members = run("members", "list", "--json")[0]
    for change in _changes(second):
        out, err = run(*change, "--by", name, code=1)
        assert out == "" and err == (
            f"Error: {message}. Hint: name an active user shown by 'diogel users list', "
            "or leave it out\n"
        ), change
    assert run.head() == head  # the audit log is as it was
    assert run("members", "list", "--json")[0] == members
    assert "special" in run("dataset-policy", "list")[0]
    states = {
        a["agreement_id"]: a["state"] for a in json.loads(run("agreements", "list", "--json")[0])
    }
    assert states == {"abuhb-istv-newport": "in force"}


def test_the_operator_is_recorded_with_on_whose_behalf_and_exports_show_both(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # The shell's environment cannot make the log name someone else as the operator.
    for variable in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "rhian")
    assert OPERATOR != "cli:rhian"
    run = Shell(store_url, capsys)
    agreement = _partnership_world(run, tmp_path)
    start = run.head()[0]
    for i, change in enumerate(_changes(agreement)):
        # Every other change names the user (spelt as the users table spells it).
        run(*change, *(("--by", "RHIAN") if i % 2 else ()))
    assert f"revoked_by: {OPERATOR}" in run("agreements", "show", "abuhb-istv-newport")[0]
    assert "Audit chain intact" in run("audit", "verify")[0]
    jsonl, csv_path = tmp_path / "audit.jsonl", tmp_path / "audit.csv"
    run("audit", "export", str(jsonl), "--after", str(start))
    run("audit", "export", str(csv_path), "--after", str(start))
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [json.loads(line)["query"] for line in lines] == [r["query"] for r in rows]
    entries = [json.loads(line) for line in lines]
    assert [e["action"] for e in entries] == [
        "membership", "dataset-policy", "agreement", "retention", "revoke", "membership-end"
    ]  # fmt: skip
    assert {e["actor"] for e in entries} == {r["actor"] for r in rows} == {OPERATOR}
    behalf = [json.loads(e["query"]).get("on_behalf_of") for e in entries]
    assert behalf == [None, "rhian", None, "rhian", None, "rhian"]


def test_no_web_user_can_be_named_like_an_operator_of_the_command_line(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Shell(store_url, capsys)
    _, err = run("users", "add", "cli:root", "--password", PASSWORD, code=1)
    assert err.startswith("Error: user name 'cli:root' is not valid. Hint: letters, digits")
    # nor as the library's own name for changes it makes, in any case
    _, err = run("users", "add", "System", "--password", PASSWORD, code=1)
    assert err.startswith("Error: 'system' cannot be a user name")
    # the names memberships accept are the names accounts accept
    _, err = run("users", "add", "rhian jones", "--password", PASSWORD, code=1)
    assert "user name 'rhian jones' is not valid" in err
    listed = run("users", "list")[0]
    assert "cli:root" not in listed and "System" not in listed and "rhian jones" not in listed
