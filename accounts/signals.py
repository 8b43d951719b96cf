"""Sign-ins and failed sign-ins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from audit.log import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, "login", user, note="sign-in")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(
        None,
        "event",
        None,
        object_type="accounts.user",
        object_repr=username,
        note="failed sign-in",
    )
