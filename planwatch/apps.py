from django.apps import AppConfig


class PlanwatchConfig(AppConfig):
    """The project package as an app, for its operations commands (backup, restore),
    and the page cache's watch on every database connection (planwatch.pagecache)."""

    name = "planwatch"
    verbose_name = "planwatch"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from planwatch import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="planwatch.pagecache")
