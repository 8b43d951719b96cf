"""Schemathesis against the API's own OpenAPI schema, for each role: generated
requests (valid ones, with real plan codes, years and agencies half of the time, and
invalid ones) must never get a 5xx, and every answer must be one the schema documents
(status, content type, body). Bounded: a few examples per operation and role, so that
the whole file runs in about a minute."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import documents as api_documents
from api.api import api
from budget import services as budget_services
from documents import pdf
from plans.models import Task
from reporting.periods import open_period
from tests.conftest import ROLES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
EXAMPLES = 4  # per operation, role and kind of data

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))


@pytest.fixture
def app():
    """Django's WSGI application, keeping the test's database connection open across
    requests as Django's test client does (a request's end would otherwise close the
    connection, and with it the test's transaction on PostgreSQL)."""
    handler = get_wsgi_application()

    def call(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            result = handler(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                result.close()  # sends request_finished, as a WSGI server would
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return call


@pytest.fixture
def world(plan, personas, monkeypatch, settings):
    """An open reporting year with a budget line; LibreOffice stood in for (a PDF in
    seconds is not what this test is about, and a 503 would count as a server error).
    No task worker runs here: a document request answers 202 with its job at once
    rather than waiting up to ``wait`` seconds for a file that cannot come."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    open_period(plan, 2022, personas["coordinator"], announce=False)
    budget = budget_services.budget_for(plan, 2022, create=True)
    task = next(t for t in Task.objects.current().filter(plan=plan) if t.code == "VIII.2")
    line, _warnings = budget_services.save_line(
        budget,
        personas["reporter"],
        {"task": task, "agency": None, "source": "provincial", "content": "x", "amount": 1000},
    )

    monkeypatch.setattr(pdf, "docx_to_pdf", lambda docx: b"%PDF-1.4\n%%EOF\n")
    monkeypatch.setattr(api_documents, "MAX_WAIT", 0)
    return {
        "code": plan.code,
        "year": 2022,
        "agency": "qb-so-du-lich",
        "agency_id": "qb-so-du-lich",
        "line_id": line.pk,
        "kind": "midterm",
    }


def _strategy(operation, known: dict):
    names = {p.name for p in operation.path_parameters}
    fixed = {k: v for k, v in known.items() if k in names}
    kinds = [
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed or None),
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    return st.one_of(kinds)


def _token(client, user) -> str:
    from tests.conftest import PASSWORD

    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return response.json()["token"]


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_and_every_answer_documented(client, app, world, personas, role):
    headers = {"Authorization": f"Bearer {_token(client, personas[role])}"}
    problems = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=_strategy(operation, world))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(app=app, headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report
            problems.append(f"{operation.label}: {exc}")
    assert not problems, "\n\n".join(problems)
