"""The sessions (SESSION_ENGINE): Django's database sessions, each with its signed-in
user's id in a column (accounts.models.UserSession), so that the query that reads
a request's session reads its user too; ``signed_in_user`` then checks that user
exactly as ``django.contrib.auth.get_user`` does, without a query of its own."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from planwatch import fastsql


def _session_of(key: str):
    from accounts.models import UserSession

    return UserSession.objects.select_related("user__agency").filter(session_key=key)


# Read on every request (planwatch.fastsql: compiled once); expiry checked in Python.
# The user's agency (none for some) comes with it: the menu of every page shows it.
_SESSION = fastsql.Read(_session_of)


class SessionStore(DatabaseStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self.loaded_user = None  # the user read with the session (None: none)

    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def _get_session_from_db(self):
        """Django's, with the session's user read in the same query."""
        try:
            rows = _SESSION(key=self.session_key or "")
            found = rows[0] if rows and rows[0].expire_date > timezone.now() else None
            if found is None:
                raise self.model.DoesNotExist
        except (self.model.DoesNotExist, SuspiciousOperation) as exc:
            if isinstance(exc, SuspiciousOperation):
                name = f"django.security.{exc.__class__.__name__}"
                logging.getLogger(name).warning(str(exc))
            self._session_key = None
            return None
        self.loaded_user = found.user
        return found

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = str(data.get(auth.SESSION_KEY, ""))
        instance.user_id = int(user_id) if user_id.isdigit() else None
        return instance


def _user_of(session, backend, user_id):
    """What ``backend.get_user(user_id)`` gives, from the user read with the session
    when it is that user and the backend is Django's model backend."""
    loaded = getattr(session, "loaded_user", None)
    if loaded is not None and type(backend) is ModelBackend and str(loaded.pk) == str(user_id):
        return loaded if backend.user_can_authenticate(loaded) else None
    return backend.get_user(user_id)


def signed_in_user(request):
    """``django.contrib.auth.get_user`` (Django 5.2), the user taken from the session's
    query (``_user_of``): the same backend check and session hash verification."""
    user = None
    try:
        user_id = get_user_model()._meta.pk.to_python(request.session[auth.SESSION_KEY])
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            user = _user_of(request.session, auth.load_backend(backend_path), user_id)
            if hasattr(user, "get_session_auth_hash") and not _verified(request, user):
                user = None
    return user or AnonymousUser()


def _verified(request, user) -> bool:
    """The session's hash is the user's (or a fallback secret's: then renewed); else
    the session is flushed."""
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return True
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[auth.HASH_SESSION_KEY] = session_auth_hash
        return True
    request.session.flush()
    return False
