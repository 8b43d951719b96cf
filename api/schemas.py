"""Response and request schemas of the API."""

from __future__ import annotations

from ninja import Schema


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_in_days: int


class Message(Schema):
    detail: str


class PlanSummary(Schema):
    code: str
    title: str
    decision_number: str
    period_start: int
    period_end: int
    url: str


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    abbreviation: str
    kind: str
    parent: str | None
    valid_from: str | None
    valid_to: str | None
