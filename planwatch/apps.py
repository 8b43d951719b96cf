from django.apps import AppConfig


class PlanwatchConfig(AppConfig):
    """The project package as an app, for its operations commands (backup, restore)."""

    name = "planwatch"
    verbose_name = "planwatch"
