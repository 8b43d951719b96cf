from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutgoingConfig(AppConfig):
    name = "outgoing"
    verbose_name = _("Outgoing documents")
    default_auto_field = "django.db.models.BigAutoField"
