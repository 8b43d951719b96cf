"""Forget every kept page (planwatch.pagecache): after the database was changed from
outside planwatch (psql, a restore on another host)."""

from django.core.cache import caches
from django.core.management.base import BaseCommand
from django.db import connection

from planwatch import pagecache


class Command(BaseCommand):
    help = "Forget every kept page: the next request of each page renders it again."

    def handle(self, *args, **options):
        pagecache.bump(connection.introspection.table_names())  # pages being rendered too
        caches["pages"].clear()
        self.stdout.write("kept pages forgotten")
