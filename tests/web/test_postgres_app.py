"""The web app on the server backend: PostgreSQL behind the same routes and jobs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import _postgres_schema
from tests.web.conftest import GWENT

pytestmark = [pytest.mark.postgres, pytest.mark.shared_data]


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _postgres_schema(request)


def test_upload_and_summary_on_postgresql(pg_url: str, tmp_path: Any) -> None:
    from fastapi.testclient import TestClient

    from diogel.config import Settings
    from diogel.hub import load_police_uk
    from diogel.storage import open_store
    from diogel.web import create_app
    from diogel.web.accounts import create_token, create_user

    store = open_store(pg_url)
    try:
        load_police_uk(store, [GWENT / "2024-05-gwent-street.csv"])
        create_user(store, "ana", "a long test password", "analyst")
        headers = {"Authorization": f"Bearer {create_token(store, 'ana', 'tests')[1]}"}
        settings = Settings(database_url=pg_url, extra={"web": {"files_dir": str(tmp_path)}})
        with TestClient(create_app(settings, store), base_url="https://testserver") as client:
            query = "area=Newport&from=2024-05&to=2024-06"
            before = client.get(f"/api/v1/summary?{query}", headers=headers).json()
            upload = GWENT / "2024-06-gwent-street.csv"
            with upload.open("rb") as fh:
                job = client.post("/api/v1/datasets", headers=headers,
                                  files={"files": (upload.name, fh, "text/csv")}).json()  # fmt: skip
            for _ in range(300):
                job = client.get(f"/api/v1/jobs/{job['job_id']}", headers=headers).json()
                if job["status"] in ("done", "failed"):
                    break
                time.sleep(0.2)
            assert job["status"] == "done", job
            after = client.get(f"/api/v1/summary?{query}", headers=headers).json()
            assert before["months_without_data"] == ["2024-06"]
            assert after["total"] > before["total"] and after["months_without_data"] == []
            hot = client.get(f"/api/v1/hotspots?{query}&significant_only=true", headers=headers)
            assert hot.status_code == 200 and hot.json()["features"]
    finally:
        store.close()
