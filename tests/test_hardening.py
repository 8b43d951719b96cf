"""Issue 15's findings on accounts: sign-in throttling (django-axes) on the form and
the token endpoint, separation of duties, API tokens listed, revoked by their owner
and administrators and on a password change or deactivation, and the audit of
passwords, sign-outs and API sign-ins (no password typed as a username kept)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts import lockout
from accounts.models import ApiToken, User
from audit.models import AuditEntry
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def _token(client, username: str, password: str):
    return client.post(
        TOKEN_URL,
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def _login(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- throttling ---------------------------------------------------------------------


def test_the_sign_in_form_locks_after_too_many_wrong_passwords(client, reporter, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, reporter.username, "wrong").status_code == 200
    assert _login(client, reporter.username, "wrong").status_code == 429
    response = _login(client, reporter.username, PASSWORD)  # the right one, too late
    assert response.status_code == 429
    page = response.content.decode()
    assert "bị khóa" in page and "quản trị" in page
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_locks_too_and_answers_the_error_shape(client, reporter, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _token(client, reporter.username, "wrong").status_code == 401
    assert _token(client, reporter.username, "wrong").status_code == 429
    response = _token(client, reporter.username, PASSWORD)
    assert response.status_code == 429
    data = response.json()
    assert data["code"] == "locked_out" and "bị khóa" in data["message"]
    assert not ApiToken.objects.filter(user=reporter).exists()


def test_the_administrator_unlocks_an_account(client, reporter, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, reporter.username, "wrong")
    assert lockout.is_locked(reporter)
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_edit", args=[reporter.pk])).content.decode()
    assert 'id="account-locked"' in page
    response = client.post(reverse("accounts:user_unlock", args=[reporter.pk]))
    assert response.status_code == 302
    assert not lockout.is_locked(reporter)
    assert AuditEntry.objects.filter(note="sign-in unlocked", object_id=str(reporter.pk)).exists()
    client.logout()
    assert _login(client, reporter.username, PASSWORD).status_code == 302


def test_a_coordinator_cannot_unlock(client, coordinator, reporter):
    client.force_login(coordinator)
    assert client.post(reverse("accounts:user_unlock", args=[reporter.pk])).status_code == 403


# --- separation of duties -----------------------------------------------------------


def _edit_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "agency": user.agency_id or "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_coordinator_cannot_take_over_the_finance_account(client, coordinator, finance):
    client.force_login(coordinator)
    edit = reverse("accounts:user_edit", args=[finance.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _edit_form(finance, email="ke-gian@example.vn")).status_code == 403
    invite = reverse("accounts:user_invite", args=[finance.pk])
    assert client.post(invite).status_code == 403
    finance.refresh_from_db()
    assert finance.email == "finance@example.vn"


def test_a_coordinator_cannot_manage_another_coordinator(client, coordinator):
    from tests.conftest import make_user

    other = make_user("coordinator-2", "coordinator", "qb-so-cong-thuong")
    client.force_login(coordinator)
    assert client.get(reverse("accounts:user_edit", args=[other.pk])).status_code == 403


def test_only_the_administrator_moves_the_address_of_an_account_in_use(
    client, coordinator, reporter, admin_user
):
    """The invitation and reset links go to the address on record: a coordinator cannot
    change it for an account that has a password; the administrator can."""
    client.force_login(coordinator)
    edit = reverse("accounts:user_edit", args=[reporter.pk])
    response = client.post(edit, _edit_form(reporter, email="ke-gian@example.vn"))
    assert response.status_code == 200 and "quản trị" in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.email == "reporter-dulich@example.vn"
    client.force_login(admin_user)
    assert client.post(edit, _edit_form(reporter, email="moi@example.vn")).status_code == 302
    reporter.refresh_from_db()
    assert reporter.email == "moi@example.vn"


# --- API tokens ---------------------------------------------------------------------


def _issue(client, user) -> str:
    response = _token(client, user.username, PASSWORD)
    assert response.status_code == 200
    return response.json()["token"]


def _works(client, token: str) -> bool:
    response = client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {token}")
    return response.status_code == 200


def test_the_owner_lists_and_revokes_a_token(client, plan, reporter, other_reporter):
    token = _issue(client, reporter)
    assert _works(client, token)
    client.force_login(reporter)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert 'id="api-tokens"' in page
    found = ApiToken.objects.get(user=reporter)
    client.force_login(other_reporter)  # someone else's token is not found
    assert client.post(reverse("accounts:token_revoke", args=[found.pk])).status_code == 404
    client.force_login(reporter)
    assert client.post(reverse("accounts:token_revoke", args=[found.pk])).status_code == 302
    client.logout()
    assert not _works(client, token)
    assert AuditEntry.objects.filter(note="API token revoked").exists()


def test_an_administrator_revokes_anyones_token(client, plan, reporter, admin_user):
    token = _issue(client, reporter)
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_edit", args=[reporter.pk])).content.decode()
    assert 'id="api-tokens"' in page
    found = ApiToken.objects.get(user=reporter)
    assert client.post(reverse("accounts:token_revoke", args=[found.pk])).status_code == 302
    client.logout()
    assert not _works(client, token)


def test_a_password_change_and_a_deactivation_revoke_the_tokens(client, plan, reporter):
    token = _issue(client, reporter)
    client.force_login(reporter)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "một mật khẩu mới dài",
            "new_password2": "một mật khẩu mới dài",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert not _works(client, token)
    assert AuditEntry.objects.filter(note="own password changed", actor=reporter).exists()
    reporter.set_password(PASSWORD)
    reporter.save()
    token = _issue(client, reporter)
    reporter.is_active = False
    reporter.save()
    assert not ApiToken.objects.filter(user=reporter).exists()
    assert not _works(client, token)


def test_a_hash_upgraded_at_sign_in_keeps_the_tokens(client, plan, reporter):
    token = _issue(client, reporter)
    reporter.last_login = None
    reporter.save(update_fields=["last_login"])
    reporter.first_name = "An"
    reporter.save()  # a save that does not touch the password
    assert _works(client, token)


# --- audit --------------------------------------------------------------------------


def test_sign_out_api_sign_in_reset_and_admin_set_password_are_audited(
    client, reporter, admin_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    _issue(client, reporter)
    assert AuditEntry.objects.filter(note="API sign-in (token issued)", actor=reporter).exists()
    client.force_login(reporter)
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(note="sign-out", actor=reporter).exists()
    # a password reset by the e-mailed link
    client.post(reverse("password_reset"), {"email": reporter.email})
    link = next(w for w in mail.outbox[-1].body.split() if "/reset/" in w)
    response = client.get("/" + link.split("/", 3)[3], follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "mật khẩu đặt lại dài", "new_password2": "mật khẩu đặt lại dài"},
    )
    assert AuditEntry.objects.filter(
        note="password reset with an e-mailed link", object_id=str(reporter.pk)
    ).exists()
    # the administrator's "set password" form
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {"password1": "mật khẩu quản trị đặt", "password2": "mật khẩu quản trị đặt"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        note="password set by an administrator", actor=admin_user
    ).exists()


def test_a_password_typed_as_the_username_is_not_logged(client, reporter):
    _login(client, "correct horse battery staple!", "x")
    _login(client, reporter.username, "wrong")
    failed = list(AuditEntry.objects.filter(note="failed sign-in"))
    assert len(failed) == 2
    assert all("horse" not in (e.object_repr or "") for e in failed)
    assert any(e.object_repr == reporter.username for e in failed)


def test_a_budget_excel_upload_records_the_lines_it_replaces(demo_reports, personas):
    import io

    from openpyxl import load_workbook

    from budget import excel, services
    from plans.models import Task

    budget = services.budget_for(demo_reports, 2022, create=True)
    reporter = personas["reporter"]
    task = next(t for t in Task.objects.current().filter(plan=demo_reports) if t.code == "VIII.2")
    services.save_line(
        budget,
        reporter,
        {
            "task": task,
            "agency": None,
            "source": "provincial",
            "content": "Lớp cũ",
            "amount": "20.000.000",
        },
    )
    wb = load_workbook(io.BytesIO(excel.build_workbook(budget, reporter.agency)))
    wb.active.cell(excel.FIRST_ROW, 6).value = "Lớp mới"
    out = io.BytesIO()
    wb.save(out)
    excel.apply_workbook(budget, reporter, out.getvalue())
    entry = AuditEntry.objects.get(note="estimate lines replaced by an Excel upload")
    assert entry.actor == reporter and entry.before["lines"][0]["content"] == "Lớp cũ"


@pytest.mark.parametrize("secret", ["x", "changeme", "a" * 60])
def test_a_weak_secret_key_is_refused_in_production(secret):
    from planwatch.security import weak_secret_key

    assert weak_secret_key(secret)


# --- hostile text in forms ----------------------------------------------------------


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b", "a\x0bb"])
def test_every_form_field_refuses_nul_controls_and_lone_surrogates(plan, text):
    """Before the field's own cleaning (a choice field would query the database with
    it: a 500 on PostgreSQL)."""
    from budget.forms import LineForm
    from reporting.forms import ReturnForm

    form = LineForm(
        {"task": "1", "agency": text, "source": "provincial", "content": text, "amount": "5"},
        plan=plan,
    )
    assert not form.is_valid()
    assert form.errors.as_data()["agency"][0].code == "bad_text"
    assert form.errors.as_data()["content"][0].code == "bad_text"
    assert "không được phép" in form.errors["content"][0]
    returned = ReturnForm({"comment": text}, items=[])
    assert not returned.is_valid() and "comment" in returned.errors


def test_a_nul_in_the_account_form_is_refused_beside_its_field(client, coordinator, reporter):
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:user_edit", args=[reporter.pk]),
        _edit_form(reporter, first_name="A\x00", agency="qb-\x00"),
    )
    assert response.status_code == 200 and "không được phép" in response.content.decode()
    reporter.refresh_from_db()
    assert "\x00" not in reporter.first_name


# --- low items ----------------------------------------------------------------------


def test_a_template_name_cannot_rename_everyones_download(client, demo_progress, coordinator):
    from django.http.multipartparser import parse_header_parameters

    from documents import generate
    from documents.template import default_template

    hostile_name = "mau.docx\"; filename*=UTF-8''setup.exe; x.docx"
    generate.upload_template(demo_progress, hostile_name, default_template(), coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("documents:template", args=[demo_progress.code]))
    kind, params = parse_header_parameters(response["Content-Disposition"])
    assert kind == "attachment" and set(params) == {"filename"}
    assert params["filename"].endswith(".docx") and '"' not in params["filename"]


def test_safe_filename_keeps_vietnamese_and_drops_paths_and_quotes():
    from planwatch.http import safe_filename

    assert safe_filename("Báo cáo năm 2026.docx") == "Báo cáo năm 2026.docx"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename('a"\r\n;b.xlsx') == "a_b.xlsx"
