"""Schemathesis against the OpenAPI document: no server errors, responses match the schema.

An analyst's token is sent, so every operation is reached (uploads and assessments too).
Each operation gets its own Hypothesis run; all failures are reported together.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.conftest import Site, bearer

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]  # fmt: skip
EXAMPLES = 15


def test_the_document_is_openapi_3(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "422" not in operation["responses"], (method, path)
            if path != "/api/v1/health":
                assert operation["responses"]["401"]["content"]["application/json"]


def test_api_follows_its_openapi_document(client: Any, site: Site) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    headers = bearer(site, "analyst")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # gather every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)


def test_real_answers_match_the_document(client: Any, site: Site) -> None:
    """The fuzzing above mostly meets refusals; these calls get full answers and check them
    against the document too."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    headers = bearer(site, "analyst")
    period = {"area": "Newport", "from": "2024-04", "to": "2024-05"}
    calls = [
        ("/api/v1/summary", {**period, "lang": "cy"}),
        ("/api/v1/trends", {**period, "category": "Burglary"}),
        ("/api/v1/hotspots", {**period, "method": "kde", "significant_only": "true"}),
        ("/api/v1/hotspots", period),
        ("/api/v1/rates/lsoas", period),
        ("/api/v1/areas", {}),
        ("/api/v1/boundaries/councils", {"lang": "cy"}),
        ("/api/v1/datasets", {}),
        ("/api/v1/assessments", {}),
    ]
    for path, query in calls:
        response = (
            schema[path]["GET"].Case(query=query).call_and_validate(headers=headers, checks=CHECKS)
        )
        assert response.status_code == 200, (path, response.text)
    started = (
        schema["/api/v1/assessments"]["POST"]
        .Case(
            body={"area": "Atlantis", "from": "2024-04", "to": "2024-05"},
            media_type="application/json",
        )
        .call_and_validate(headers=headers, checks=CHECKS)
    )
    assert started.status_code == 404
    health = schema["/api/v1/health"]["GET"].Case().call_and_validate(checks=CHECKS)
    assert health.status_code == 200
