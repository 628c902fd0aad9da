"""The sharing commands: register, agree, read the audit, apply retention."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from diogel.cli import cli

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
    assert "Revoked" in run("agreements", "revoke", "abuhb-istv-newport", "--by", "IG",
                            "--reason", "ended")  # fmt: skip
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
    assert changes[0] == (
        "ig-lead-rhian", "membership", None,
        {"partnership": "newport-csp", "role": "analyst", "user": "alice"},
    )  # fmt: skip
    assert changes[1][:3] == ("ig-lead-rhian", "dataset-policy", "partner:istv")
    assert changes[1][3]["sensitivity"] == "special"
    assert changes[2] == (
        "ig-lead-rhian", "membership-end", None, {"partnership": "newport-csp", "user": "alice"}
    )  # fmt: skip
    # The refused removal wrote nothing; without --by the shell's login name is recorded.
    assert len(changes) == 4 and changes[3][0].startswith("cli")
    assert "intact" in run("audit", "verify")
