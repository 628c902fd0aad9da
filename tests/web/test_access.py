"""Every route: anonymous callers are refused (401) or sent to log in; a role too low is
refused with 403. A route missing from the table below fails the test, so each new route
has to say who may use it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import Site, bearer, log_in

pytestmark = pytest.mark.shared_data

#: (method, path) -> the role needed; "public" for the few open routes.
ROLE = {
    ("GET", "/api/v1/health"): "public",
    ("GET", "/api/v1/openapi.json"): "public",
    ("GET", "/api/v1/docs"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("GET", "/api/v1/areas"): "viewer",
    ("GET", "/api/v1/boundaries/councils"): "viewer",
    ("GET", "/api/v1/datasets"): "viewer",
    ("POST", "/api/v1/datasets"): "analyst",
    ("GET", "/api/v1/datasets/{file_id}/rejects"): "viewer",
    ("GET", "/api/v1/summary"): "viewer",
    ("GET", "/api/v1/trends"): "viewer",
    ("GET", "/api/v1/hotspots"): "viewer",
    ("GET", "/api/v1/rates/lsoas"): "viewer",
    ("GET", "/api/v1/jobs/{job_id}"): "viewer",
    ("POST", "/api/v1/assessments"): "analyst",
    ("GET", "/api/v1/assessments"): "viewer",
    ("GET", "/api/v1/assessments/{job_id}"): "viewer",
    ("GET", "/api/v1/assessments/{job_id}/download"): "viewer",
    ("GET", "/api/v1/users"): "admin",
    ("GET", "/api/v1/partner-data"): "viewer",
    ("GET", "/api/v1/partner-data/{dataset}/counts"): "viewer",
    ("GET", "/api/v1/partner-data/{dataset}/records"): "viewer",
    ("POST", "/logout"): "viewer",
    ("GET", "/"): "viewer",
    ("GET", "/map"): "viewer",
    ("GET", "/compare"): "viewer",
    ("GET", "/charts/{name}.svg"): "viewer",
    ("GET", "/data"): "viewer",
    ("POST", "/data/upload"): "analyst",
    ("GET", "/data/jobs/{job_id}"): "viewer",
    ("GET", "/data/rejects/{file_id}"): "viewer",
    ("GET", "/assessments"): "viewer",
    ("POST", "/assessments"): "analyst",
    ("GET", "/assessments/{job_id}"): "viewer",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users"): "admin",
    ("POST", "/admin/users/{username}/disable"): "admin",
    ("GET", "/admin/agencies"): "admin",
    ("POST", "/admin/agencies"): "admin",
    ("GET", "/admin/agencies/{body_id}"): "admin",
    ("POST", "/admin/agencies/{body_id}/members"): "admin",
    ("POST", "/admin/agencies/{body_id}/members/remove"): "admin",
    ("GET", "/admin/partnerships"): "admin",
    ("POST", "/admin/partnerships"): "admin",
    ("GET", "/admin/partnerships/{body_id}"): "admin",
    ("POST", "/admin/partnerships/{body_id}/members"): "admin",
    ("POST", "/admin/partnerships/{body_id}/members/remove"): "admin",
    ("GET", "/admin/datasets"): "admin",
    ("POST", "/admin/datasets"): "admin",
    ("GET", "/admin/agreements"): "admin",
    ("GET", "/admin/agreements/new"): "admin",
    ("POST", "/admin/agreements"): "admin",
    ("GET", "/admin/agreements/{agreement_id}"): "admin",
    ("GET", "/admin/agreements/{agreement_id}/revoke"): "admin",
    ("POST", "/admin/agreements/{agreement_id}/revoke"): "admin",
    ("GET", "/admin/audit"): "admin",
    ("GET", "/admin/audit/export"): "admin",
    # the governance pages (the same table as tests/web/test_governance_pages.py)
    ("GET", "/governance"): "viewer",
    ("POST", "/governance/example"): "analyst",
    ("GET", "/governance/import"): "analyst",
    ("POST", "/governance/import"): "analyst",
    ("GET", "/governance/{region}"): "viewer",
    ("GET", "/governance/{region}/register.yaml"): "viewer",
    ("GET", "/governance/{region}/register-csv.zip"): "viewer",
    ("GET", "/governance/{region}/register"): "viewer",
    ("GET", "/governance/{region}/{section}/new"): "analyst",
    ("POST", "/governance/{region}/{section}/new"): "analyst",
    ("GET", "/governance/{region}/{section}/{key}/edit"): "analyst",
    ("POST", "/governance/{region}/{section}/{key}/edit"): "analyst",
    ("GET", "/governance/{region}/{section}/{key}/remove"): "analyst",
    ("POST", "/governance/{region}/{section}/{key}/remove"): "analyst",
    ("GET", "/governance/{region}/reviews/{review_id}"): "viewer",
    ("GET", "/governance/{region}/reviews/{review_id}/paper"): "viewer",
    ("GET", "/governance/{region}/reviews/{review_id}/actions/{action_id}"): "viewer",
    ("POST", "/governance/{region}/reviews/{review_id}/actions/{action_id}"): "analyst",
}
LOWER = {"analyst": "viewer", "admin": "analyst"}


def flat(routes: list[Any]) -> list[Any]:
    """Routes with included routers opened up (FastAPI keeps those as one entry)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(flat(inner.routes) if inner is not None else [route])
    return out


def routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in flat(app.routes):
        for method in sorted(getattr(route, "methods", None) or []):
            if (
                method != "HEAD"
                and getattr(route, "path", "").startswith("/")
                and route.path != "/static"
            ):
                found.append((method, route.path))
    return found


def concrete(path: str) -> str:
    return re.sub(
        r"\{[^}]+\}",
        lambda m: "vic" if m[0] == "{username}" else ("trend" if m[0] == "{name}" else "1"),
        path,
    )


def test_every_route_says_who_may_use_it(client: Any) -> None:
    listed = set(routes(client.app))
    assert listed - set(ROLE) == set(), "routes without an entry in ROLE"
    assert set(ROLE) - listed == set(), "entries in ROLE for routes that do not exist"


@pytest.mark.parametrize(("method", "path"), [k for k, v in ROLE.items() if v != "public"])
def test_anonymous_callers_are_refused(client: Any, method: str, path: str) -> None:
    got = client.request(method, concrete(path), follow_redirects=False)
    if path.startswith("/api/"):
        assert got.status_code == 401, got.text
        assert got.json()["error"] == "unauthenticated"
    else:
        assert got.status_code in (303, 401), got.text
        if got.status_code == 303:
            assert got.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(("method", "path"), [k for k, v in ROLE.items() if v in LOWER])
def test_a_role_too_low_is_refused(client: Any, site: Site, method: str, path: str) -> None:
    lower = LOWER[ROLE[(method, path)]]
    if path.startswith("/api/"):
        got = client.request(method, concrete(path), headers=bearer(site, lower))
        assert got.status_code == 403, got.text
        assert got.json()["error"] == "access_denied"
    else:
        log_in(client, {"viewer": "vic", "analyst": "ana"}[lower])
        got = client.request(method, concrete(path), follow_redirects=False)
        assert got.status_code == 403, got.text
        assert "Not allowed" in got.text


def test_public_routes(client: Any) -> None:
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")
    assert client.get("/login").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/static/diogel.css").status_code == 200
