"""Schemas shared by the routers: the error shape, tokens, plans in the
``planwatch.plan/1`` format (docs/plan-format.md) and agencies. Each router keeps the
schemas only it uses beside its operations."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from api.fields import Text


class Error(Schema):
    """Every error: a stable ``code``, a ``message`` in the user's language, and per
    input (dotted path, e.g. ``items.12.spent``) what is wrong with it."""

    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class Input(Schema):
    """A request body: unknown fields are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class TokenIn(Input):
    username: Text(150, min_length=1)
    password: Text(1024, min_length=1)


class TokenOut(Schema):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in_days: int


class PlanSummary(Schema):
    code: str
    title: str
    decision_number: str
    period_start: int
    period_end: int
    url: str

    @staticmethod
    def resolve_url(plan) -> str:
        return f"/api/v1/plans/{plan.code}"


def _code(agency) -> str | None:
    return agency.code if agency is not None else None


class AgencyOut(Schema):
    """An agency of the registry (``parent``: the code of the agency above it)."""

    id: int
    code: str
    name: str
    abbreviation: str
    kind: str
    parent: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_id(agency) -> int:
        return agency.pk

    @staticmethod
    def resolve_parent(agency) -> str | None:
        return _code(agency.parent) if agency.parent_id else None


class AgencyRef(Schema):
    """An agency where it is named (``province``: the code of its province)."""

    id: int
    code: str
    name: str
    kind: str
    province: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_id(agency) -> int:
        return agency.pk

    @staticmethod
    def resolve_province(agency) -> str | None:
        return _code(agency.province) if agency.province_id else None


# --- planwatch.plan/1 (plans/schema/planwatch.plan-1.schema.json) -------------------


class Act(Schema):
    number: str | None
    date: str | None


class Period(Schema):
    start: int
    end: int


class DueDate(Schema):
    month: int
    day: int


class TargetDoc(Schema):
    milestone: int
    text: str
    measure: Literal["reduction", "share", "count", "qualitative"]
    min: int | float | None
    max: int | float | None
    unit: str | None
    breakdown: list[str]


class Timeframe(Schema):
    text: str | None
    start: int | None
    end: int | None
    recurrence: Literal["annual", "period", "once"] | None
    on_change: bool


class TaskDoc(Schema):
    number: str
    content: str
    lead: list[str]
    partners: list[str]
    output: str | None
    timeframe: Timeframe


class TaskGroupDoc(Schema):
    number: str
    title: str
    tasks: list[TaskDoc]


class DutyDoc(Schema):
    agency: str
    items: list[str]


class PlanDocument(Schema):
    """A plan as data, every field present (null where the document says nothing)."""

    format: Literal["planwatch.plan/1"]
    code: str
    title: str
    issuer: str | None
    decision: Act
    implements: list[Act]
    period: Period
    coordinator: str | None
    report_due: DueDate | None
    general_objective: str | None
    targets: list[TargetDoc]
    task_groups: list[TaskGroupDoc]
    duties: list[DutyDoc]
