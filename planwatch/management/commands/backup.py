"""One backup archive: every table, every uploaded file, release, migrations,
checksums (planwatch.backup). Nightly from deploy/systemd/planwatch-backup.timer."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from planwatch import backup


class Command(BaseCommand):
    help = "Write a backup archive (database as JSON lines, uploaded files, checksums)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="directory (default PLANWATCH_BACKUP_DIR)")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="then delete archives past PLANWATCH_BACKUP_KEEP_DAYS",
        )

    def handle(self, *args, output=None, prune=False, **options):
        directory = Path(output or settings.BACKUP_DIR)
        archive = backup.make_backup(directory)
        size = archive.stat().st_size
        self.stdout.write(f"{archive} ({size / 1048576:.1f} MB)")
        if prune:
            for old in backup.prune(directory, settings.BACKUP_KEEP_DAYS):
                self.stdout.write(f"removed {old.name}")
