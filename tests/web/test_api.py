"""The REST API in-process: areas, datasets, summaries, trends, hot spots, uploads, jobs."""

from __future__ import annotations

import csv
import time
from typing import Any

import pytest

from tests.conftest import data_rows
from tests.web.conftest import GWENT, PRELOADED, Site, bearer

pytestmark = pytest.mark.shared_data
PERIOD = {"area": "Newport", "from": PRELOADED[0], "to": PRELOADED[-1]}


def wait_for(client: Any, site: Site, job_id: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(
            f"/api/v1/jobs/{job_id}", headers=bearer(site, "viewer")
        ).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def newport_rows(months: tuple[str, ...]) -> int:
    """Reference count: rows of the published files whose LSOA is one of Newport's."""
    from diogel.geography import Geography

    lsoas = set(Geography.bundled().lsoas.query("council_code == 'W06000022'")["code"])
    total = 0
    for month in months:
        with (GWENT / f"{month}-gwent-street.csv").open(encoding="utf-8-sig", newline="") as fh:
            total += sum(1 for row in csv.DictReader(fh) if row["LSOA code"] in lsoas)
    return total


def test_health_is_public(client: Any) -> None:
    got = client.get("/api/v1/health")
    assert got.status_code == 200 and got.json()["status"] == "ok"
    assert got.json()["schema_version"] >= 300


def test_areas_need_credentials_and_list_the_welsh_councils(client: Any, site: Site) -> None:
    refused = client.get("/api/v1/areas")
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "unauthenticated",
        "message": "you need to log in (or send an API token) to use this",
        "hint": "send 'Authorization: Bearer <token>'; see 'diogel tokens create'",
    }
    assert refused.headers["www-authenticate"] == "Bearer"
    councils = client.get("/api/v1/areas", headers=bearer(site, "viewer")).json()
    assert len(councils) == 22
    newport = next(c for c in councils if c["code"] == "W06000022")
    assert (newport["name_en"], newport["name_cy"], newport["force"]) == (
        "Newport",
        "Casnewydd",
        "gwent",
    )
    welsh = client.get("/api/v1/areas?lang=cy", headers=bearer(site, "viewer")).json()
    assert next(c for c in welsh if c["code"] == "W06000022")["name"] == "Casnewydd"


def test_summary_counts_match_the_published_files(client: Any, site: Site) -> None:
    got = client.get("/api/v1/summary", params=PERIOD, headers=bearer(site, "viewer"))
    assert got.status_code == 200
    body = got.json()
    assert body["total"] == newport_rows(PRELOADED)
    assert sum(body["by_category"].values()) == body["total"]
    assert list(body["by_month"]) == list(PRELOADED)
    welsh = client.get("/api/v1/summary", params={**PERIOD, "area": "Casnewydd", "lang": "cy"},
                       headers=bearer(site, "viewer")).json()  # fmt: skip
    assert welsh["area"]["name"] == "Casnewydd" and welsh["total"] == body["total"]


def test_trends_and_hotspots(client: Any, site: Site) -> None:
    trends = client.get("/api/v1/trends", params=PERIOD, headers=bearer(site, "viewer")).json()
    assert set(trends["series"]) == set(PRELOADED)
    assert trends["change"]["before_count"] == newport_rows(PRELOADED[:1])
    hot = client.get("/api/v1/hotspots", params={**PERIOD, "cell_size": 250},
                     headers=bearer(site, "viewer"))  # fmt: skip
    assert hot.status_code == 200 and hot.headers["content-type"] == "application/json"
    collection = hot.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["metadata"]["settings"]["cell_size"] == 250
    classes = {f["properties"]["class"] for f in collection["features"]}
    assert "hot" in classes
    lon, lat = collection["features"][0]["geometry"]["coordinates"][0][0]
    assert -5.5 < lon < -2.5 and 51 < lat < 53.5  # WGS84, in Wales
    cells = sum(f["properties"]["count"] for f in collection["features"])
    assert (
        cells
        == collection["metadata"]["incidents"]
        - collection["metadata"]["incidents_without_location"]
    )
    only = client.get("/api/v1/hotspots", params={**PERIOD, "significant_only": "true"},
                      headers=bearer(site, "viewer")).json()  # fmt: skip
    assert {f["properties"]["class"] for f in only["features"]} <= {"hot", "cold"}


def test_results_are_cached_until_the_data_changes(client: Any, site: Site) -> None:
    state = client.app.state.diogel
    params = {"area": "Newport", "from": PRELOADED[0], "to": "2024-06"}
    first = client.get("/api/v1/summary", params=params, headers=bearer(site, "viewer")).json()
    hits = state.cache.hits
    again = client.get("/api/v1/summary", params=params, headers=bearer(site, "viewer")).json()
    assert again == first and state.cache.hits > hits
    upload = GWENT / "2024-06-gwent-street.csv"
    with upload.open("rb") as fh:
        started = client.post("/api/v1/datasets", files={"files": (upload.name, fh, "text/csv")},
                              headers=bearer(site, "analyst"))  # fmt: skip
    assert started.status_code == 202
    job = wait_for(client, site, started.json()["job_id"])
    assert job["status"] == "done", job
    [loaded] = job["result"]["files"]
    assert loaded["rows_in"] == data_rows(upload)
    assert loaded["accepted"] + loaded["rejected"] == loaded["rows_in"]
    after = client.get("/api/v1/summary", params=params, headers=bearer(site, "viewer")).json()
    assert after["total"] == newport_rows((*PRELOADED, "2024-06"))
    assert after["months_without_data"] == [] and first["months_without_data"] == ["2024-06"]
    files = client.get("/api/v1/datasets", headers=bearer(site, "viewer")).json()
    assert any(f["name"] == upload.name and f["rows_in"] == loaded["rows_in"] for f in files)


def test_upload_refuses_other_files(client: Any, site: Site) -> None:
    got = client.post("/api/v1/datasets", files={"files": ("notes.txt", b"hello", "text/plain")},
                      headers=bearer(site, "analyst"))  # fmt: skip
    assert got.status_code == 400 and got.json()["error"] == "invalid_input"


def test_a_bad_upload_fails_its_job_with_the_error_shape(client: Any, site: Site) -> None:
    got = client.post("/api/v1/datasets", files={"files": ("x.csv", b"not,a,police,file\n1,2,3,4\n",
                      "text/csv")}, headers=bearer(site, "analyst"))  # fmt: skip
    job = wait_for(client, site, got.json()["job_id"])
    assert job["status"] == "failed"
    assert (
        set(job["error"]) == {"error", "message", "hint"}
        and job["error"]["error"] == "invalid_input"
    )


def test_errors_have_one_shape(client: Any, site: Site) -> None:
    auth = bearer(site, "viewer")
    bad_month = client.get("/api/v1/summary", params={**PERIOD, "from": "2024-13"}, headers=auth)
    assert bad_month.status_code == 400
    assert bad_month.json()["message"] == "--from '2024-13' is not a month"
    unknown = client.get("/api/v1/summary", params={**PERIOD, "area": "Atlantis"}, headers=auth)
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    missing = client.get("/api/v1/summary", params={"area": "Newport"}, headers=auth)
    assert missing.status_code == 400 and set(missing.json()) == {"error", "message", "hint"}
    nothing = client.get("/api/v1/nothing-here", headers=auth)
    assert nothing.status_code == 404 and nothing.json()["error"] == "not_found"
    no_job = client.get("/api/v1/jobs/999", headers=auth)
    assert no_job.status_code == 404 and no_job.json()["error"] == "not_found"


def test_rejects_of_a_file(client: Any, site: Site) -> None:
    files = client.get("/api/v1/datasets", headers=bearer(site, "viewer")).json()
    got = client.get(
        f"/api/v1/datasets/{files[0]['file_id']}/rejects", headers=bearer(site, "viewer")
    )
    assert got.status_code == 200 and isinstance(got.json(), list)


def test_an_assessment_for_an_area_without_data_fails_with_a_reason(
    client: Any, site: Site
) -> None:
    body = {"area": "Gwynedd", "from": "2024-04", "to": "2024-05", "lang": "cy"}
    started = client.post("/api/v1/assessments", json=body, headers=bearer(site, "analyst"))
    assert started.status_code == 202
    job = wait_for(client, site, started.json()["job_id"])
    assert job["status"] == "failed" and "no police.uk data for Gwynedd" in job["error"]["message"]
    listed = client.get("/api/v1/assessments", headers=bearer(site, "viewer")).json()
    assert listed[0]["job_id"] == job["job_id"]
    download = client.get(
        f"/api/v1/assessments/{job['job_id']}/download", headers=bearer(site, "viewer")
    )
    assert download.status_code == 404 and download.json()["error"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/jobs/-170141183460469231731687303715884105729",
        "/api/v1/jobs/99999999999999999999",
        "/api/v1/assessments/0",
        "/api/v1/datasets/18446744073709551616/rejects",
    ],
)
def test_identifiers_outside_64_bits_are_refused_not_crashed(
    client: Any, site: Site, path: str
) -> None:
    got = client.get(path, headers=bearer(site, "viewer"))
    assert got.status_code == 400
    assert got.json()["error"] == "invalid_input"
