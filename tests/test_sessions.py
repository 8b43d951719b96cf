"""Sessions (accounts.sessions): the signed-in user is read by the session's own
query, and checked as django.contrib.auth.get_user checks it: a changed password,
a deactivated or deleted account, a signed-out session sign no one in."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import UserSession
from tests.conftest import PASSWORD


def _session(client) -> UserSession:
    return UserSession.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def _signed_in_as(client):
    response = client.get(reverse("password_change"))
    return response.wsgi_request.user if response.status_code == 200 else None


def test_signing_in_keeps_the_user_id_beside_the_session(client, reporter):
    assert client.login(username=reporter.username, password=PASSWORD)
    assert _session(client).user_id == reporter.pk
    assert _session(client).get_decoded()["_auth_user_id"] == str(reporter.pk)


def test_the_session_and_its_user_are_one_query(client, reporter):
    client.force_login(reporter)
    with CaptureQueriesContext(connection) as ctx:
        assert _signed_in_as(client) == reporter
    reads = [q["sql"] for q in ctx.captured_queries if "accounts_user" in q["sql"]]
    assert len(reads) == 1 and "accounts_usersession" in reads[0]


def test_a_changed_password_signs_the_other_sessions_out(client, reporter):
    client.force_login(reporter)
    reporter.set_password("another horse battery staple")
    reporter.save()
    assert _signed_in_as(client) is None
    assert not UserSession.objects.filter(user=reporter).exists()  # flushed


def test_a_deactivated_account_is_signed_out(client, reporter):
    client.force_login(reporter)
    reporter.is_active = False
    reporter.save()
    assert _signed_in_as(client) is None


def test_a_deleted_account_signs_no_one_in(client, viewer):
    client.force_login(viewer)
    viewer.delete()
    assert _signed_in_as(client) is None


def test_signing_out_removes_the_session(client, reporter):
    client.force_login(reporter)
    key = _session(client).session_key
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    assert _signed_in_as(client) is None


def test_an_anonymous_session_has_no_user(client, registry):
    session = client.session
    session["seen"] = True
    session.save()
    assert UserSession.objects.get(session_key=session.session_key).user_id is None


def test_the_users_agency_comes_with_the_session(client, reporter):
    client.force_login(reporter)
    user = _signed_in_as(client)
    with CaptureQueriesContext(connection) as ctx:
        assert user.agency == reporter.agency and user.agency.name == reporter.agency.name
    assert not ctx.captured_queries
