"""Sign-ins, failed sign-ins, sign-outs and password changes go to the audit log; a
password change or a deactivation revokes the account's API tokens."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from accounts.models import User
from audit.log import record
from planwatch.logs import current_user


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, "login", user, note="sign-in")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, "event", user, note="sign-out")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    """The name typed is kept only when it is an account's: a password typed into the
    username box by mistake is never written to the log."""
    typed = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=typed).exists() if typed else False
    record(
        None,
        "event",
        None,
        object_type="accounts.user",
        object_repr=typed if known else "(không phải tên tài khoản)",
        note="failed sign-in",
    )


def _password_note(user: User) -> str:
    actor = current_user()
    if actor is None:
        return "password reset with an e-mailed link"
    if actor.pk == user.pk:
        return "own password changed"
    return "password set by an administrator"


@receiver(pre_save, sender=User)
def _password_or_active_changed(sender, instance: User, raw=False, update_fields=None, **kwargs):
    """A new password (set_password, not a hash upgraded at sign-in) or a deactivation:
    audited, and the account's API tokens revoked."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    new_password = old["password"] != instance.password and (
        getattr(instance, "_password", None) is not None or not instance.has_usable_password()
    )
    deactivated = old["is_active"] and not instance.is_active
    if not (new_password or deactivated):
        return
    from accounts.services import revoke_all_tokens

    if new_password:
        record(current_user(), "event", instance, note=_password_note(instance))
    revoke_all_tokens(instance, "password changed" if new_password else "account deactivated")
