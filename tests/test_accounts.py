"""Accounts: created by an administrator or coordinator, invitations and
password reset by e-mail, sign-in, and everything in the audit log."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User, UserRole
from accounts.services import update_user
from agencies.models import Agency
from audit.models import AuditEntry
from tests.conftest import PASSWORD


def _new_user_form(**overrides):
    data = {
        "username": "nv-dulich",
        "first_name": "An",
        "last_name": "Nguyễn Văn",
        "email": "an@dulich.quangbinh.gov.vn",
        "role": UserRole.REPORTER,
        "agency": Agency.objects.get(code="qb-so-du-lich").pk,
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_reporter_who_is_invited_by_email(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user_create"), _new_user_form())
    assert response.status_code == 302
    user = User.objects.get(username="nv-dulich")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@dulich.quangbinh.gov.vn"]
    assert "đặt mật khẩu" in message.body
    link = re.search(r"http://\S+/accounts/reset/\S+/", message.body).group(0)
    entry = AuditEntry.objects.get(
        object_type="accounts.user", object_id=str(user.pk), action="create"
    )
    assert entry.actor == coordinator and entry.after["role"] == "reporter"
    assert "password" not in entry.after

    # The invitee follows the link and chooses a password.
    client.logout()
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert client.login(username="nv-dulich", password=PASSWORD)


def test_reporter_needs_an_agency(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("accounts:user_create"), _new_user_form(agency=""))
    assert response.status_code == 200
    assert "phải thuộc một cơ quan" in response.content.decode()
    assert not User.objects.filter(username="nv-dulich").exists()
    assert len(mail.outbox) == 0


def test_duplicate_email_is_refused(client, coordinator, reporter):
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:user_create"), _new_user_form(email=reporter.email.upper())
    )
    assert "đã được dùng" in response.content.decode()


def test_coordinator_cannot_create_an_administrator(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("accounts:user_create"), _new_user_form(role="admin"))
    assert response.status_code == 200
    assert not User.objects.filter(username="nv-dulich").exists()


def test_admin_can_create_an_administrator(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("accounts:user_create"), _new_user_form(role="admin", agency=""))
    assert User.objects.get(username="nv-dulich").role == "admin"


def test_coordinator_cannot_edit_an_administrator(client, coordinator, admin_user):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:user_edit", args=[admin_user.pk])).status_code == 403
    response = client.post(
        reverse("accounts:user_edit", args=[admin_user.pk]),
        {"username": "x", "role": "viewer", "email": "x@x.vn"},
    )
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.role == "admin"


def test_reporter_cannot_create_or_edit_accounts(client, reporter, other_reporter):
    client.force_login(reporter)
    assert client.post(reverse("accounts:user_create"), _new_user_form()).status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[other_reporter.pk])).status_code == 403


def test_editing_a_user_is_audited_with_before_and_after(client, coordinator, reporter):
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:user_edit", args=[reporter.pk]),
        {
            "username": reporter.username,
            "first_name": "B",
            "last_name": "C",
            "email": reporter.email,
            "role": "viewer",
            "agency": reporter.agency_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="accounts.user", action="update").first()
    assert entry.before["role"] == "reporter" and entry.after["role"] == "viewer"
    assert ("role", "reporter", "viewer") in entry.changed_fields()


def test_update_user_refuses_a_role_the_actor_may_not_grant(coordinator, reporter):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        update_user(coordinator, reporter, role="admin")
    reporter.refresh_from_db()
    assert reporter.role == "reporter"


def test_password_reset_by_email(client, reporter):
    response = client.post(reverse("password_reset"), {"email": reporter.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "mật khẩu mới" in mail.outbox[0].body


def test_password_reset_for_unknown_email_reveals_nothing(client, reporter):
    response = client.post(reverse("password_reset"), {"email": "ai@khong.vn"}, follow=True)
    assert response.status_code == 200 and len(mail.outbox) == 0


def test_password_change(client, reporter):
    client.force_login(reporter)
    new = "another long passphrase 2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password(new)


def test_sign_in_and_failed_sign_in_are_logged(client, reporter):
    response = client.post(reverse("login"), {"username": reporter.username, "password": "wrong"})
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    assert AuditEntry.objects.filter(note="failed sign-in").exists()
    client.post(reverse("login"), {"username": reporter.username, "password": PASSWORD})
    assert AuditEntry.objects.filter(action="login", actor=reporter).exists()


def test_there_is_no_self_sign_up(client, plan):
    assert client.get("/accounts/signup/").status_code in (302, 404)


def test_admin_changes_are_audited(client, admin_user):
    client.force_login(admin_user)
    agency = Agency.objects.get(code="qb-so-du-lich")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    response = client.post(
        url,
        {
            "code": agency.code,
            "name": "Sở Du lịch tỉnh Quảng Bình",
            "abbreviation": "SDL",
            "kind": agency.kind,
            "parent": agency.parent_id,
            "province": agency.province_id,
            "email": "",
            "note": "",
            "valid_from": "",
            "valid_to": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(object_type="agencies.agency", note="admin").first()
    assert entry.before["name"] == "Sở Du lịch"
    assert entry.after["name"] == "Sở Du lịch tỉnh Quảng Bình"
    assert entry.actor == admin_user


def test_audit_log_page_shows_changes(client, admin_user, coordinator, reporter):
    update_user(coordinator, reporter, first_name="Tên mới")
    client.force_login(admin_user)
    page = client.get(reverse("accounts:audit"), {"type": "accounts.user"}).content.decode()
    assert "Tên mới" in page and "coordinator" in page


def test_a_name_reads_in_the_vietnamese_order(db):
    from accounts.models import User

    user = User(username="an", first_name="An", last_name="Nguyễn Văn")
    assert user.get_full_name() == "Nguyễn Văn An" and str(user) == "Nguyễn Văn An"
    assert User(username="x", first_name="An").get_full_name() == "An"
    assert str(User(username="only-login")) == "only-login"
