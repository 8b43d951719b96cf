"""The permission layer on its own: the capability table, the object rules on plain
objects, grants on top of a role, the route decorator and the templates' ``can``."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from access import capabilities, rules
from access.capabilities import ROLE_CAPABILITIES, Capability, Role
from access.context_processors import Can
from access.decorators import public, requires, rule_of, signed_in

C = Capability
ROOT = Path(__file__).resolve().parent.parent


def person(role="viewer", agency_id=None, **extra):
    values = {
        "is_authenticated": True,
        "is_active": True,
        "is_superuser": False,
        "role": role,
        "agency_id": agency_id,
        "extra_capabilities": [],
        "pk": 1,
        "_predecessor_ids": set(),
    }
    values.update(extra)
    return SimpleNamespace(**values)


ANONYMOUS = SimpleNamespace(is_authenticated=False, is_active=False)


def test_every_role_has_exactly_one_row():
    assert set(ROLE_CAPABILITIES) == set(Role.values)


def test_every_capability_is_held_by_some_role_or_grantable():
    held = set().union(*ROLE_CAPABILITIES.values()) | capabilities.GRANTABLE
    assert held == set(Capability)


def test_nothing_for_anonymous_inactive_or_unknown_roles():
    assert rules.capabilities_of(ANONYMOUS) == frozenset()
    assert rules.capabilities_of(None) == frozenset()
    assert rules.capabilities_of(person("coordinator", is_active=False)) == frozenset()
    assert rules.capabilities_of(person("ministry")) == frozenset()


def test_a_superuser_has_the_administrators_row():
    assert (
        rules.capabilities_of(person("viewer", is_superuser=True))
        == (ROLE_CAPABILITIES[Role.ADMIN])
    )


def test_grants_add_only_grantable_capabilities(monkeypatch):
    viewer = person("viewer", extra_capabilities=["manage_accounts"])
    assert not rules.has(viewer, C.MANAGE_ACCOUNTS)  # not grantable: ignored
    monkeypatch.setattr(rules, "GRANTABLE", frozenset({C.MANAGE_DOCUMENTS}))
    viewer.extra_capabilities = ["manage_documents"]
    assert rules.has(viewer, C.MANAGE_DOCUMENTS)
    assert not rules.has(person("viewer"), C.MANAGE_DOCUMENTS)


def test_a_grant_outside_grantable_is_refused_by_the_model(db):
    from django.core.exceptions import ValidationError

    from accounts.models import User

    user = User(username="x", role=Role.VIEWER, email="x@example.vn")
    user.extra_capabilities = ["manage_accounts"]
    with pytest.raises(ValidationError):
        user.full_clean(exclude=["password"])


def test_a_reporter_reads_its_own_and_predecessors_reports_and_edits_only_its_own():
    reporter = person("reporter", agency_id=7, _predecessor_ids={3})
    own, old, other = (SimpleNamespace(agency_id=a) for a in (7, 3, 9))
    assert rules.can_read_report(reporter, own) and rules.can_read_report(reporter, old)
    assert not rules.can_read_report(reporter, other)
    assert rules.may_act_on_report(reporter, "edit", own)
    assert not rules.may_act_on_report(reporter, "edit", old)
    assert not rules.may_act_on_report(reporter, "accept", own)
    assert rules.readable_report_agencies(reporter) == {7, 3}


def test_a_reporter_without_an_agency_reads_nothing():
    assert rules.readable_report_agencies(person("reporter")) == set()


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_reviewers_accept_any_agency_but_never_edit_its_report(role):
    report = SimpleNamespace(agency_id=9)
    reviewer = person(role, agency_id=1)
    assert rules.may_act_on_report(reviewer, "accept", report)
    assert rules.may_act_on_report(reviewer, "return", report)
    assert not rules.may_act_on_report(reviewer, "edit", report)
    assert not rules.may_act_on_report(reviewer, "nonsense", report)


def test_budget_rules_by_role():
    line = SimpleNamespace(agency_id=9)
    assert rules.may_act_on_budget(person("reporter", agency_id=9), "edit", line)
    assert not rules.may_act_on_budget(person("reporter", agency_id=8), "edit", line)
    assert rules.may_act_on_budget(person("coordinator", agency_id=1), "edit", line)
    assert not rules.may_act_on_budget(person("finance"), "edit", line)
    assert rules.may_act_on_budget(person("finance"), "allocate")
    assert not rules.may_act_on_budget(person("coordinator"), "appraise")
    assert rules.estimating_agency(person("reporter", agency_id=9)) == 9
    assert rules.estimating_agency(person("coordinator", agency_id=1)) is None
    assert rules.readable_budget_agencies(person("reporter", agency_id=9)) == {9}
    assert rules.readable_budget_agencies(person("viewer")) is None


def test_registry_rules():
    assert rules.can_register_for(person("reporter", agency_id=9), 9)
    assert not rules.can_register_for(person("reporter", agency_id=9), 8)
    assert rules.can_register_for(person("coordinator", agency_id=1), 8)
    assert not rules.can_register(person("finance"))


def test_accounts_rules():
    assert rules.manageable_roles(person("admin")) == set(Role.values)
    # separation of duties: the finance, coordinator and administrator accounts are the
    # administrator's (issue 15)
    assert rules.manageable_roles(person("coordinator")) == {"reporter", "viewer"}
    assert rules.manageable_roles(person("reporter", agency_id=1)) == set()
    superuser = person("viewer", is_superuser=True)
    assert not rules.can_manage_user(person("coordinator"), superuser)
    assert rules.can_manage_user(person("admin"), superuser)


def test_document_jobs_are_their_makers_unless_one_manages_documents():
    job = SimpleNamespace(created_by_id=5)
    assert rules.can_read_job(person("viewer", pk=5), job)
    assert not rules.can_read_job(person("viewer", pk=6), job)
    assert rules.can_read_job(person("coordinator", pk=6), job)
    assert not rules.can_read_job(person("reporter", pk=5, agency_id=1), job)


def test_roles_acting_for_an_agency_need_one():
    assert capabilities.role_needs_agency(Role.REPORTER)
    assert not capabilities.role_needs_agency(Role.VIEWER)


# --- the route decorator ------------------------------------------------------------


def _view(request, **kwargs):
    return "ok"


def _request(method, user):
    request = getattr(RequestFactory(), method.lower())("/somewhere/?x=1")
    request.user = user
    return request


def test_requires_enforces_and_records_its_rule():
    view = requires(C.READ_PLANS, post=C.MANAGE_REPORTING)(_view)
    rule = rule_of(view)
    assert rule.read == {C.READ_PLANS} and rule.write == {C.MANAGE_REPORTING}
    assert view(_request("GET", person("viewer"))) == "ok"
    with pytest.raises(PermissionDenied):
        view(_request("POST", person("viewer")))
    assert view(_request("POST", person("coordinator"))) == "ok"
    with pytest.raises(PermissionDenied):
        view(_request("GET", person("ministry")))


def test_anonymous_visitors_are_sent_to_sign_in():
    response = requires(C.READ_PLANS)(_view)(_request("GET", ANONYMOUS))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_signed_in_and_public():
    assert signed_in(_view)(_request("GET", person("ministry"))) == "ok"
    assert public(_view)(_request("GET", ANONYMOUS)) == "ok"
    assert rule_of(public(_view)).public
    with pytest.raises(ValueError):
        requires()


# --- templates ----------------------------------------------------------------------


def test_can_reads_capabilities_by_name():
    can = Can(person("coordinator"))
    assert can["manage_accounts"] and not can["read_audit_log"]
    with pytest.raises(KeyError):
        can["manage_everything"]


def test_templates_name_only_real_capabilities():
    names = set()
    for path in (ROOT / "templates").rglob("*.html"):
        names |= set(re.findall(r"\bcan\.([a-z_]+)", path.read_text(encoding="utf-8")))
    assert names, "templates ask can.* somewhere"
    assert names <= {c.value for c in Capability}, names - {c.value for c in Capability}


def test_templates_hold_no_role_checks():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"is_reporter|is_coordinator|is_admin|user\.role\b", text), path


def test_docs_list_the_table_as_it_is():
    text = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")
    table = text.split("## The capability table", 1)[1].split("\n\n", 2)[1]
    columns = [Role.ADMIN, Role.COORDINATOR, Role.REPORTER, Role.FINANCE, Role.VIEWER]
    documented = {}
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        name = re.match(r"`(\w+)`", cells[0])[1]
        documented[name] = {role for role, cell in zip(columns, cells[1:], strict=True) if cell}
    assert documented == {
        c.value: {role for role in columns if c in ROLE_CAPABILITIES[role]} for c in Capability
    }


def test_grants_are_edited_in_django_admin(client, admin_user, viewer):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{viewer.pk}/change/")
    assert page.status_code == 200 and 'name="extra_capabilities"' in page.content.decode()
