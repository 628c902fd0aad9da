"""The web app reads restricted partner data only through the sharing agreements.

A health board's A&E records for Newport are shared, under one agreement, with the
Newport CSP and not with Monmouthshire's. Through the app, a Newport member sees the
partner file, gets the partner-data section in the assessments they ask for (with small
counts hidden) and every such read is audited; a Monmouthshire member sees none of it —
not the file, not its rejected rows, not the assessment, not its download.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from diogel.analysis.cell_key import perturb_counts
from tests.web.conftest import PRELOADED, Site

pytestmark = pytest.mark.shared_data

NEWPORT, MONMOUTHSHIRE = "W06000022", "W06000021"
ISTV = "partner:istv"
PERIOD = {"area": "Newport", "from": PRELOADED[0], "to": PRELOADED[-1]}


def _agreement(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": "abuhb-istv-newport",
        "title": "A&E assault data for the Newport CSP",
        "purpose": "Cardiff Model violence prevention in Newport",
        "legal_basis": "Crime and Disorder Act 1998 s.115; UK GDPR Art 6(1)(e); Art 9(2)(g)",
        "level": "record",
        "starts": dt.date(2020, 1, 1),
        "review": dt.date(2099, 1, 1),
        "expires": dt.date(2099, 12, 31),
        "retention_days": 3650,
        "parties": [
            {"kind": "agency", "id": "abuhb", "role": "provider"},
            {"kind": "partnership", "id": "newport-csp", "role": "recipient"},
        ],
        "datasets": [{"name": ISTV, "fields": "*"}],
        "signatories": [{"name": "Data Protection Officer", "agency": "abuhb",
                         "signed": "2019-12-01"}],
    }  # fmt: skip
    spec.update(changes)
    return spec


@pytest.fixture
def shared(site: Site, tmp_path: Path) -> Iterator[tuple[Any, dict[str, str], int]]:
    """The test site with synthetic A&E records for Newport, two partnerships, the
    agreement, and three more people: nia (Newport CSP), bob (Monmouthshire CSP) and
    hana (the health board). Yields the client, their API tokens and the partner file id."""
    from fastapi.testclient import TestClient

    from diogel.assess.areas import find_area
    from diogel.config import Settings
    from diogel.geography import Geography
    from diogel.hub_partners import load_partner_files, synthetic_istv
    from diogel.ingest.partners.pseudonym import PseudonymKey
    from diogel.sharing.agreements import add_agreement, parse_agreement
    from diogel.sharing.registry import (
        add_agency,
        add_member,
        add_partnership,
        set_dataset_policy,
    )
    from diogel.storage import open_store
    from diogel.web import create_app
    from diogel.web.accounts import create_token, create_user

    store = open_store(str(site.db))
    geo = Geography.bundled()
    newport = find_area(store, geo, "Newport")
    start, end = dt.date(2024, 4, 1), dt.date(2024, 5, 31)
    frame = synthetic_istv(store, newport, start, end, geography=geo, per_month=3, seed=3,
                           error_rows=2)  # fmt: skip
    path = tmp_path / "istv-newport.csv"
    frame.to_csv(path, index=False)
    report = load_partner_files(
        store, [path], "istv", key=PseudonymKey(b"web sharing tests"), area="Newport",
        geography=geo,
    )  # fmt: skip
    file_id = report.files[0].file_id
    add_agency(store, "abuhb", "Aneurin Bevan University Health Board", "health-board")
    add_partnership(store, "newport-csp", "Safer Newport", "csp", [NEWPORT])
    add_partnership(store, "monmouth-csp", "Safer Monmouthshire", "csp", [MONMOUTHSHIRE])
    tokens = {}
    for name, body_kind, body in (("nia", "partnership", "newport-csp"),
                                  ("bob", "partnership", "monmouth-csp"),
                                  ("hana", "agency", "abuhb")):  # fmt: skip
        create_user(store, name, "a long test password", "analyst")
        tokens[name] = create_token(store, name, "tests")[1]
        add_member(store, name, body_kind, body, "analyst")
    # One person for every web role in each partnership and in none: the access matrix.
    for role in ("viewer", "analyst", "admin"):
        for body in ("newport-csp", "monmouth-csp", None):
            name = f"{role}-{body or 'none'}"
            create_user(store, name, "a long test password", role)
            tokens[name] = create_token(store, name, "tests")[1]
            if body is not None:
                add_member(store, name, "partnership", body, role if role != "admin" else "analyst")
    set_dataset_policy(store, ISTV, "abuhb", "special")
    add_agreement(store, parse_agreement(_agreement()))
    store.close()

    store = open_store(str(site.db))
    settings = Settings(database_url=str(site.db), extra={"web": {"files_dir": str(site.files)}})
    with TestClient(create_app(settings, store), base_url="https://testserver") as client:
        yield client, tokens, file_id
    store.close()


def _as(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens[name]}"}


def _wait(client: Any, headers: dict[str, str], job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


def _audit(site: Site, user: str) -> pd.DataFrame:
    from diogel.storage import open_store

    store = open_store(str(site.db))
    try:
        return store.query(
            "SELECT actor, action, dataset, query, row_count FROM share_audit WHERE actor = ? "
            "ORDER BY seq",
            [user],
        )
    finally:
        store.close()


def test_partner_files_and_their_rejects_follow_the_agreement(shared: Any, site: Site) -> None:
    client, tokens, file_id = shared
    listed = {n: {d["file_id"] for d in client.get("/api/v1/datasets", headers=_as(tokens, n))
                  .json()} for n in ("nia", "bob", "hana")}  # fmt: skip
    assert file_id in listed["nia"] and file_id in listed["hana"]
    assert file_id not in listed["bob"]  # not even the name of the file
    # police.uk files stay visible to everyone
    assert listed["bob"] and listed["bob"] <= listed["nia"]

    # rejected rows are whole raw lines: only the owner gets them, and it is audited
    url = f"/api/v1/datasets/{file_id}/rejects"
    assert client.get(url, headers=_as(tokens, "bob")).status_code == 404
    assert client.get(url, headers=_as(tokens, "nia")).status_code == 403  # not whole rows
    owner = client.get(url, headers=_as(tokens, "hana"))
    assert owner.status_code == 200 and len(owner.json()) == 2
    reads = _audit(site, "hana")
    assert (reads["action"] == "read").any() and '"rejects"' in reads["query"].iloc[-1]


def test_assessments_hold_partner_data_only_for_those_it_is_shared_with(
    shared: Any, site: Site
) -> None:
    client, tokens, _ = shared
    body = {**PERIOD, "lang": "en"}
    made = client.post("/api/v1/assessments", json=body, headers=_as(tokens, "nia")).json()
    nia_job = _wait(client, _as(tokens, "nia"), made["job_id"])
    assert nia_job["status"] == "done", nia_job["error"]
    assert nia_job["result"]["restricted"] == [ISTV]
    html = client.get(f"/api/v1/assessments/{made['job_id']}/download?format=html",
                      headers=_as(tokens, "nia")).text  # fmt: skip
    assert 'id="partners"' in html or "Partner data" in html
    assert "A&amp;E assault attendances" in html

    # bob (another partnership) cannot see that the assessment exists, nor fetch it
    bob = _as(tokens, "bob")
    assert made["job_id"] not in {j["job_id"] for j in client.get("/api/v1/assessments",
                                                                  headers=bob).json()}  # fmt: skip
    assert client.get(f"/api/v1/assessments/{made['job_id']}", headers=bob).status_code == 404
    assert client.get(f"/api/v1/jobs/{made['job_id']}", headers=bob).status_code == 404
    for fmt in ("pdf", "html"):
        got = client.get(f"/api/v1/assessments/{made['job_id']}/download?format={fmt}",
                         headers=bob)  # fmt: skip
        assert got.status_code == 404
    page = client.get(f"/assessments/{made['job_id']}", headers=bob)
    assert page.status_code == 404

    # bob's own assessment of the same area leaves the partner data out
    mine = client.post("/api/v1/assessments", json=body, headers=bob).json()
    bob_job = _wait(client, bob, mine["job_id"])
    assert bob_job["status"] == "done" and bob_job["result"]["restricted"] == []
    bob_html = client.get(f"/api/v1/assessments/{mine['job_id']}/download?format=html",
                          headers=bob).text  # fmt: skip
    assert "A&amp;E assault attendances" not in bob_html
    # ...and everyone may see an assessment of open data only
    assert client.get(f"/api/v1/assessments/{mine['job_id']}",
                      headers=_as(tokens, "nia")).status_code == 200  # fmt: skip

    # every read of the health data was audited under nia's name
    reads = _audit(site, "nia")
    assert set(reads["dataset"]) == {ISTV} and (reads["action"] == "read").all()
    assert _audit(site, "bob").empty  # bob read nothing restricted (and was not refused)


def test_a_revoked_agreement_withdraws_the_documents_built_under_it(
    shared: Any, site: Site
) -> None:
    from diogel.sharing.agreements import revoke_agreement
    from diogel.storage import open_store

    client, tokens, _ = shared
    nia = _as(tokens, "nia")
    made = client.post("/api/v1/assessments", json={**PERIOD, "lang": "cy"}, headers=nia).json()
    assert _wait(client, nia, made["job_id"])["status"] == "done"
    url = f"/api/v1/assessments/{made['job_id']}/download?format=pdf"
    first = client.get(url, headers=nia)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert '"assessment document"' in _audit(site, "nia")["query"].iloc[-1]

    store = open_store(str(site.db))
    try:
        revoke_agreement(store, "abuhb-istv-newport", by="ann",
                         reason="the data protection officer withdrew it")  # fmt: skip
    finally:
        store.close()
    refused = client.get(url, headers=nia)
    assert refused.status_code == 403
    assert "may not see" in refused.json()["message"]
    assert _audit(site, "nia")["action"].iloc[-1] == "denied"


def test_small_counts_never_reach_an_assessment(shared: Any, site: Site) -> None:
    """The partner table of nia's assessment, read as nia: health counts from 1 to 4 are
    hidden, and so is anything that would give one away (each row with its total)."""
    from diogel.assess.areas import find_area
    from diogel.assess.assessment import build_assessment
    from diogel.geography import Geography
    from diogel.periods import Period
    from diogel.sharing import scoped
    from diogel.storage import open_store

    geo = Geography.bundled()
    store = open_store(str(site.db))
    try:
        view = scoped(store, "nia")
        found = find_area(view, geo, "Newport")
        result = build_assessment(view, found, Period.parse(*PRELOADED), lang="en",
                                  geography=geo)  # fmt: skip
    finally:
        store.close()
    partners = next(s for s in result.sections if s.id == "partners")
    table = next(t for t in partners.tables if t.id == "partners-by-month").frame
    shown = [str(v) for row in table.to_numpy()[:, 1:] for v in row]
    assert shown, "the partner table is empty"
    for value in shown:
        number = re.sub(r"[^0-9]", "", value)
        assert value == "*" or ((number and int(number) >= 5) or int(number or 0) == 0), value
    assert "*" in shown  # about three records a month: there are small counts to hide
    # hidden cells come in twos or more in a row, so the total cannot give one away
    for row in table.to_numpy()[:, 1:]:
        stars = sum(1 for v in row if str(v) == "*")
        assert stars != 1


def _reference(site: Site, sql: str) -> pd.DataFrame:
    from diogel.storage import open_store

    store = open_store(str(site.db))
    try:
        return store.query(sql)
    finally:
        store.close()


def test_the_partner_data_api_gives_what_the_agreement_gives(shared: Any, site: Site) -> None:
    client, tokens, _ = shared
    nia, bob = _as(tokens, "nia"), _as(tokens, "bob")
    listed = client.get("/api/v1/partner-data", headers=nia).json()
    assert [d["dataset"] for d in listed] == [ISTV]
    assert listed[0]["sensitivity"] == "special"
    assert listed[0]["grants"][0]["areas"] == [NEWPORT]  # narrowed to the CSP's council
    assert client.get("/api/v1/partner-data", headers=bob).json() == []

    query = {"area": "Newport", "from": "2024-04", "to": "2024-05"}
    # counts by month: the reference is a plain count and key sum over the stored events,
    # published by the cell-key method's perturbation table (special category data)
    counts = client.get(f"/api/v1/partner-data/{ISTV}/counts", params={**query, "by": "month"},
                        headers=nia)  # fmt: skip
    assert counts.status_code == 200, counts.text
    reference = _reference(site, "SELECT strftime(month, '%Y-%m') AS month, COUNT(*) AS n, "
                           "CAST(SUM(noise_key) AS BIGINT) AS keys "
                           "FROM partner_events WHERE council_code = 'W06000022' OR "
                           "(council_code IS NULL AND area_code = 'W06000022') GROUP BY 1")  # fmt: skip
    expected = dict(zip(reference["month"], reference["n"], strict=True))
    published = perturb_counts(reference["n"].to_numpy(), reference["keys"].to_numpy())
    got = {r["month"]: r["count"] for r in counts.json()}
    assert got == {m: int(v) for m, v in zip(reference["month"], published, strict=True) if v}
    assert all(r["perturbed"] and not r["suppressed"] for r in counts.json())
    assert any(1 <= n <= 4 for n in expected.values())  # the data has small counts...
    assert not any(c is not None and 1 <= c <= 4 for c in got.values())  # ...never shown
    noise = client.get(f"/api/v1/partner-data/{ISTV}/records",
                       params={**query, "columns": "month,noise_key"}, headers=nia)  # fmt: skip
    assert noise.status_code == 400 and "noise_key" in noise.text  # the keys are never read

    # records: the stored events of Newport, no more
    records = client.get(f"/api/v1/partner-data/{ISTV}/records",
                         params={**query, "columns": "month,theme,x,y", "limit": 10000},
                         headers=nia)  # fmt: skip
    assert records.status_code == 200, records.text
    assert len(records.json()) == sum(expected.values())
    assert set(records.json()[0]) == {"month", "theme", "x", "y"}
    elsewhere = client.get(f"/api/v1/partner-data/{ISTV}/records",
                           params={**query, "area": "Monmouthshire"}, headers=nia)  # fmt: skip
    assert elsewhere.status_code == 200 and elsewhere.json() == []

    # another partnership: the dataset is not there at all
    for path in ("counts", "records"):
        refused = client.get(f"/api/v1/partner-data/{ISTV}/{path}", params=query, headers=bob)
        assert refused.status_code == 404
    assert _audit(site, "bob").empty
    assert (_audit(site, "nia")["action"] == "read").sum() >= 3


#: Text that would show the health data, or that it exists, to someone not given it.
MARKERS = ("partner:istv", "istv-newport", "A&E assault", "A&amp;E assault", "abuhb")
FILL = {"area": "Newport", "from": "2024-04", "to": "2024-05", "lang": "en"}


def _calls(client: Any, file_id: int, job_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Every GET route of the OpenAPI document, with its path and required query filled."""
    values = {"file_id": file_id, "job_id": job_id, "dataset": ISTV}
    calls = []
    for path, operations in client.app.openapi()["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        query = {}
        for param in operation.get("parameters", []):
            if param["in"] == "query" and param.get("required"):
                query[param["name"]] = FILL[param["name"]]
        url = path.format(**{k: v for k, v in values.items() if "{" + k + "}" in path})
        if "download" in path:
            calls += [(path, url, {**query, "format": f}) for f in ("pdf", "html")]
        else:
            calls.append((path, url, query))
    return calls


def _counts(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [c for k, v in value.items() for c in
                ([v] if k == "count" and isinstance(v, int) else _counts(v))]  # fmt: skip
    if isinstance(value, list):
        return [c for v in value for c in _counts(v)]
    return []


def test_access_matrix_over_every_api_route(shared: Any, site: Site) -> None:
    """OpenAPI routes x web roles x partnerships: people outside the Newport CSP never get
    the health data, a word of it or a document built from it, through any route; people
    inside it never get a count under 5 of it, and viewers never get its records."""
    client, tokens, file_id = shared
    made = client.post("/api/v1/assessments", json={**PERIOD, "lang": "en"},
                       headers=_as(tokens, "nia")).json()  # fmt: skip
    job = _wait(client, _as(tokens, "nia"), made["job_id"])
    assert job["result"]["restricted"] == [ISTV]
    calls = _calls(client, file_id, made["job_id"])
    assert any("partner-data" in c[0] for c in calls) and any("download" in c[0] for c in calls)
    checked = 0
    for role in ("viewer", "analyst", "admin"):
        for body in ("newport-csp", "monmouth-csp", "none"):
            name = f"{role}-{body}"
            for path, url, query in calls:
                got = client.get(url, params=query, headers=_as(tokens, name))
                where = f"{name} GET {url} {query}"
                assert got.status_code in (200, 400, 403, 404), where
                checked += 1
                if body != "newport-csp":
                    text = got.content.decode("utf-8", "replace")
                    # (a refusal may repeat the name the caller sent, nothing more)
                    shown = [m for m in MARKERS if m in text and m not in url]
                    assert not shown, where
                    if "partner-data/" in path or "download" in path:
                        assert got.status_code == 404, where
                    continue
                if "partner-data" in path and got.status_code == 200:
                    assert not [c for c in _counts(got.json()) if 1 <= c <= 4], where
                if path.endswith("/records"):
                    assert got.status_code == (403 if role == "viewer" else 200), where
    assert checked >= 9 * 15
