"""Every route declares its access rule, and every role gets what the capability
table says on every route.

The first two tests walk Django's URL resolver and django-ninja's routers and fail
on a route without a rule (access.decorators: @requires, @signed_in, @public). The
matrix then opens every route as every persona: a role whose row (access.capabilities)
holds none of the route's capabilities gets 403; one that holds one does not. An
agency-scoped capability (READ_OWN_REPORTS, ESTIMATE_OWN_AGENCY, ...) counts only on
the things of the own agency: the report, evidence and estimate line used here are
Sở Du lịch's, so Sở Tài nguyên và Môi trường's reporter is refused them. A step that
the table allows may still be refused for the state of its object (accepting a draft
report): for a POST the matrix asks only that the refused roles get 403.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from access.capabilities import AGENCY_SCOPED
from access.decorators import AccessRule, rule_of
from access.rules import capabilities_of
from api.api import api
from tests.conftest import ROLES

# Namespaces whose views check access themselves, and why.
DELEGATED = {"admin": "Django admin: is_staff and Django's model permissions"}
OWNER = "qb-so-du-lich"  # the agency whose report, evidence and line the matrix opens


def django_routes() -> list[tuple[str, str, object]]:
    """(name, pattern, view) of every URL pattern outside the API and the admin."""
    out = []

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in DELEGATED or ns == "api":
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else p.name or ""
                out.append((name, prefix + str(p.pattern), p.callback))

    walk(get_resolver().url_patterns)
    return out


def api_operations() -> list[tuple[str, str, object]]:
    """(method, path, operation function) of every django-ninja operation."""
    api.urls  # noqa: B018 (builds the routers' operations)
    out = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    out.append((method, prefix + path, operation.view_func))
    return out


def test_every_url_pattern_has_an_access_rule():
    missing = [
        f"{name} ({pattern})" for name, pattern, view in django_routes() if not rule_of(view)
    ]
    assert not missing, "URL patterns without an access rule:\n  " + "\n  ".join(missing)


def test_every_api_operation_has_an_access_rule():
    missing = [f"{m} {path}" for m, path, view in api_operations() if not rule_of(view)]
    assert not missing, "API operations without an access rule:\n  " + "\n  ".join(missing)


def test_the_walk_sees_the_routes():
    names = {name for name, _p, _v in django_routes()}
    assert {"login", "plans:overview", "reporting:report", "budget:appraise"} <= names
    assert len(api_operations()) >= 20


def test_public_routes_are_only_signing_in_and_the_language():
    public = sorted(name for name, _p, view in django_routes() if rule_of(view).public)
    # /healthz is asked by load balancers and monitoring; it says "ok" or not, no more.
    assert public == [
        "healthz",
        "login",
        "logout",
        "password_reset",
        "password_reset_complete",
        "password_reset_confirm",
        "password_reset_done",
        "set_language",
    ]
    assert [path for _m, path, view in api_operations() if rule_of(view).public] == ["/auth/token"]


# --- the matrix -----------------------------------------------------------------------


def expected(rule: AccessRule, user, method: str, owner_id: int | None) -> bool:
    """What the capability table says: one of the route's capabilities is held, an
    agency-scoped one only on a thing of the own agency."""
    if rule.public:
        return True
    held = capabilities_of(user)
    needed = rule.needed(method)
    if not needed:
        return True  # @signed_in: any active account
    return any(
        c in held and (c not in AGENCY_SCOPED or owner_id is None or user.agency_id == owner_id)
        for c in needed
    )


@pytest.fixture
def world(plan, personas):
    """One of everything a route can name, made by the people who make them."""
    from budget import services as budget_services
    from documents.models import DocumentJob, JobStatus
    from plans.format import export_plan, plan_queryset
    from plans.models import PlanImport, Target, Task
    from reporting import evidence
    from reporting.periods import open_period

    period = open_period(plan, 2022, personas["coordinator"], announce=False)
    report = period.reports.get(agency__code=OWNER)
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    proof = evidence.attach(report, personas["reporter"], pdf)
    budget = budget_services.budget_for(plan, 2022, create=True)
    task = next(t for t in Task.objects.current().filter(plan=plan) if t.code == "VIII.2")
    line, _w = budget_services.save_line(
        budget,
        personas["reporter"],
        {"task": task, "agency": None, "source": "provincial", "content": "x", "amount": 1000},
    )
    job = DocumentJob.objects.create(
        plan=plan,
        kind="annual",
        first_year=2022,
        last_year=2022,
        format="xlsx",
        status=JobStatus.DONE,
        filename="a.xlsx",
        result=b"PK",
        created_by=personas["coordinator"],
    )
    item = PlanImport.objects.create(
        created_by=personas["coordinator"],
        filename="plan.txt",
        data=export_plan(plan_queryset().get(pk=plan.pk)),
    )
    return {
        "code": plan.code,
        "year": 2022,
        "report": report.pk,
        "evidence": proof.pk,
        "line_id": line.pk,
        "job": job.pk,
        "import": item.pk,
        "user": personas["viewer"].pk,
        "target_id": Target.objects.current().filter(plan=plan).first().pk,
        "agency": OWNER,
        "owner_id": report.agency_id,
    }


def _kwargs(name: str, pattern: str, world: dict) -> dict:
    """Values for the route's parameters, by what each route's ``pk`` means."""
    pk = {
        "reporting:evidence": "evidence",
        "reporting:evidence_delete": "evidence",
        "documents:job": "job",
        "documents:job_download": "job",
        "plans:import_review": "import",
        "accounts:user_edit": "user",
        "accounts:user_invite": "user",
        "accounts:user_unlock": "user",
    }.get(name, "report")
    values = {
        "code": world["code"] if "agencies:" not in name else world["agency"],
        "year": world["year"],
        "pk": world[pk],
        "line_id": world["line_id"],
        "target_id": world["target_id"],
        "uidb64": "MQ",
        "token": "set-password",
        "table": "values",  # an export: the indicator values, as CSV
        "fmt": "csv",
    }
    return {key: values[key] for key in re.findall(r"<(?:\w+:)?(\w+)>", pattern)}


def _owner(name: str, kwargs: dict, world: dict, method: str) -> int | None:
    """The agency a route's object belongs to (None: not an agency's thing). A line's
    step opened by GET shows the year's page (the user's own lines), not the line."""
    if (name.startswith("reporting:") or name.startswith("outgoing:report_")) and "pk" in kwargs:
        return world["owner_id"]
    if "line_id" in kwargs and method == "POST":
        return world["owner_id"]
    return None


def _path(pattern: str, kwargs: dict) -> str:
    path = pattern
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    return "/" + path.lstrip("^").rstrip("$")


def _check(client, method: str, path: str, allowed: bool) -> int | str:
    """The status, or what is wrong with it. A GET follows redirects: a step's address
    opened by GET leads to its page, which must refuse whom the step refuses."""
    response = client.get(path, follow=True) if method == "GET" else client.post(path, {})
    status = response.status_code
    if allowed and (status == 500 or (status == 403 and method == "GET")):
        # a step may still be refused (403) for the state its object is in
        return f"{method} {path}: {status}, expected access"
    if not allowed and status != 403:
        return f"{method} {path}: {status}, expected 403"
    return status


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_route(client, world, personas, role):
    user = personas[role]
    client.force_login(user)
    routes = []
    for name, pattern, view in django_routes():
        kwargs = _kwargs(name, pattern, world)
        routes.append((name, _path(pattern, kwargs), rule_of(view), kwargs))
    problems = []
    for method in ("GET", "POST"):  # reading everything first: a POST may delete a thing
        for name, path, rule, kwargs in routes:
            if name == "logout":
                continue  # it would end the session the rest of the walk needs
            owner = _owner(name, kwargs, world, method)
            result = _check(client, method, path, expected(rule, user, method, owner))
            if isinstance(result, str):
                problems.append(f"{name}: {result} ({rule.describe()})")
    assert not problems, f"{role}:\n  " + "\n  ".join(problems)


# --- the API --------------------------------------------------------------------------

BODIES = {
    "issue_token": {"username": "x", "password": "y"},
    "appraise": {"decision": "accepted"},
    "return_budget": {"reason": "x"},
    "allocate": {"number": "1/QĐ-UBND", "date": "2022-12-01"},
    "put_report": {"revision": 1},
    "return_": {"comment": "x"},
    "outgoing_create": {"plan": "none", "year": 2024},
}


def _api_path(path: str, world: dict) -> str:
    values = {
        "code": world["code"],
        "year": world["year"],
        "agency": world["agency"],
        "agency_id": world["agency"],
        "line_id": world["line_id"],
        "indicator_id": 1,
        "kind": "midterm",
        "fmt": "xlsx",  # a format must be valid: the schema refuses others (422) for all
        "table": "values",  # an export's table
        "pk": 1,  # a document job: none exists, so 404 for readers, 403 for the others
    }
    url = "/api/v1" + re.sub(r"{(\w+)}", lambda m: str(values[m[1]]), path)
    # No worker runs here: a document route answers its job (202) at once.
    return url + "?wait=0" if "/report." in path else url


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_api_operation(client, world, personas, role):
    user = personas[role]
    client.force_login(user)
    problems = []
    for method, path, view in sorted(api_operations(), key=lambda o: o[0] != "GET"):
        rule = rule_of(view)
        url = _api_path(path, world)
        owner = world["owner_id"] if "{agency}" in path or "{line_id}" in path else None
        allowed = expected(rule, user, method, owner)
        if path == "/plans/import":
            body = {"document": SimpleUploadedFile("p.txt", b"x"), "dry_run": "true"}
            response = client.post(url, body)
        elif method == "GET":
            response = client.get(url)
        else:
            body = BODIES.get(view.__name__, {})
            response = client.generic(
                method, url, data=_json(body), content_type="application/json"
            )
        status = response.status_code
        refused = status == 500 or (status == 403 and method == "GET")
        if (allowed and refused) or (not allowed and status != 403):
            problems.append(f"{method} {url}: {status} ({rule.describe()})")
    assert not problems, f"{role}:\n  " + "\n  ".join(problems)


def _json(body: dict) -> str:
    import json

    return json.dumps(body)
