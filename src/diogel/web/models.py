"""The shapes of API responses and request bodies, for the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """The one JSON error shape (``DiogelError.to_dict``)."""

    error: str = Field(description="Machine-readable code, e.g. not_found")
    message: str
    hint: str | None = None


class Health(BaseModel):
    status: Literal["ok"]
    schema_version: int


class Council(BaseModel):
    code: str = Field(examples=["W06000022"])
    name: str
    name_en: str
    name_cy: str
    force: str


class Dataset(BaseModel):
    file_id: int
    dataset: str
    name: str
    force: str | None
    month_from: str | None
    month_to: str | None
    #: null for a restricted dataset's file when the reader may see only some areas,
    #: fields or aggregates of it (the exact counts could reveal small numbers)
    rows_in: int | None
    accepted: int | None
    rejected: int | None
    loaded_at: str


class Reject(BaseModel):
    file: str
    line: int
    reason: str
    raw: str | None


class AreaRef(BaseModel):
    code: str
    name: str
    kind: str | None = None


class Summary(BaseModel):
    area: AreaRef
    from_: str = Field(alias="from")
    to: str
    total: int
    by_category: dict[str, int]
    by_month: dict[str, int]
    months_without_data: list[str]


class Trends(BaseModel):
    """``diogel trends --json``: monthly series, the change between the halves, alerts."""

    area: AreaRef
    from_: str = Field(alias="from")
    to: str
    category: str | None
    series: dict[str, int | None]
    rolling_12_months: dict[str, int | None]
    by_category: dict[str, dict[str, int | None]]
    change: dict[str, Any] | None
    change_months: dict[str, list[str]]
    category_changes: dict[str, dict[str, Any]]
    alerts: list[dict[str, Any]]
    alert_method: dict[str, Any] | None
    incomplete_months: list[str]
    months_not_loaded: list[str]
    notes: list[str]


class FeatureCollection(BaseModel):
    """GeoJSON (RFC 7946, WGS84)."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    metadata: dict[str, Any] | None = None


class Job(BaseModel):
    job_id: int
    kind: Literal["upload", "assessment"]
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0, le=1)
    message: str | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: str
    finished_at: str | None


class AssessmentRequest(BaseModel):
    area: str = Field(min_length=1, max_length=100, examples=["Newport"])
    from_: str = Field(alias="from", pattern=r"^\d{4}-\d{2}$", examples=["2024-01"])
    to: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2024-06"])
    lang: Literal["en", "cy"] = "en"

    model_config = {"populate_by_name": True}
