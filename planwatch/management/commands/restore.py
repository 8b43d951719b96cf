"""Restore a backup archive into an empty database (SQLite or PostgreSQL, whichever
DATABASE_URL names) and an empty MEDIA_ROOT; see docs/deployment.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planwatch import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--allow-older", action="store_true", help="archive of an older release"
        )

    def handle(self, *args, archive, allow_older=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            done = backup.restore(path, allow_older=allow_older)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        expected = done.manifest["counts"]
        wrong = {k: (v, done.counts.get(k)) for k, v in expected.items() if done.counts.get(k) != v}
        if wrong:
            raise CommandError(f"Rows differ after loading: {wrong}")
        release = done.manifest["release"]
        self.stdout.write(
            f"Restored {sum(expected.values())} rows in {len(expected)} tables and "
            f"{done.files} files from {path.name} (release {release['version']} "
            f"{release['commit'][:12]}, made {done.manifest['created_at']})."
        )
