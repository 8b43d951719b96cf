"""Backups that can be restored anywhere: one archive holding every table as
JSON lines (Django's serializer, natural keys for content types and permissions,
so that the same archive loads into SQLite or PostgreSQL), every uploaded file
under MEDIA_ROOT, the release and the migrations applied, and a SHA-256 of each
part; beside it, the archive's own SHA-256.

    manage.py backup            -> PLANWATCH_BACKUP_DIR/planwatch-20261202-013000.tar.gz
    manage.py restore ARCHIVE   -> into an empty database (migrated to the archive's
                                   schema, loaded, then migrated to this release)

Why JSON rather than pg_dump: a province starts on SQLite and moves to PostgreSQL,
and a backup must restore on either; JSON lines also stream, so a large table is
never held in memory."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "planwatch.backup/1"
DATA = "database.jsonl.gz"
MANIFEST = "manifest.json"
# Runtime state of processes that do not exist where the archive is restored.
SKIPPED = {"worker.workerprocess", "sessions.session", "accounts.usersession"}
# Rows that `migrate` creates itself; loaded by natural key onto those rows.
MIGRATE_MADE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """The archive cannot be made or restored: the reason."""


def release() -> dict:
    root = Path(settings.BASE_DIR)
    version = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    commit = ""
    if (root / ".git").exists():
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
        )
        commit = done.stdout.strip() if done.returncode == 0 else ""
    return {"version": version, "commit": commit}


def models_in_order() -> list:
    """Every concrete model, dependencies first (as dumpdata orders them)."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        m
        for m in serializers.sort_dependencies(app_list, allow_cycles=True)
        if m._meta.label_lower not in SKIPPED and not m._meta.proxy and m._meta.managed
    ]


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class PreciseEncoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds only; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


def _dump(target: Path) -> dict[str, int]:
    """Every table into ``target`` (gzip'd JSON lines) in one consistent snapshot."""
    counts = {}
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(), gzip.open(target, "wt", encoding="utf-8") as out:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in models_in_order():
            queryset = model._default_manager.order_by(model._meta.pk.name)
            counts[model._meta.label_lower] = queryset.count()
            natural = model._meta.label_lower in MIGRATE_MADE
            serializers.serialize(
                "jsonl",
                queryset.iterator(chunk_size=2000),
                stream=out,
                cls=PreciseEncoder,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=natural,
            )
    return counts


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def make_backup(directory: Path) -> Path:
    """Write one archive into ``directory``; returns its path (and writes .sha256)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = directory / f"planwatch-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as tmp:
        data = Path(tmp) / DATA
        counts = _dump(data)
        files = _media_files()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "release": release(),
            "database": connections[DEFAULT_DB_ALIAS].vendor,
            "migrations": applied_migrations(),
            "counts": counts,
            "sha256": {DATA: _sha256(data)}
            | {f"media/{p.relative_to(media_root).as_posix()}": _sha256(p) for p in files},
        }
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
            tar.add(data, arcname=DATA)
            for path in files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.chmod(0o600)  # it holds every account's password hash
        os.replace(partial, archive)
    sidecar = Path(f"{archive}.sha256")
    sidecar.write_text(f"{_sha256(archive)}  {archive.name}\n")
    sidecar.chmod(0o600)
    return archive


def prune(directory: Path, keep_days: int, keep_at_least: int = 7) -> list[Path]:
    """Delete archives older than ``keep_days``, always keeping the newest few."""
    archives = sorted(directory.glob("planwatch-*.tar.gz"), reverse=True)
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    removed = []
    for path in archives[keep_at_least:]:
        if dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC) < cutoff:
            path.unlink()
            Path(f"{path}.sha256").unlink(missing_ok=True)
            removed.append(path)
    return removed


# Restore ---------------------------------------------------------------------------


@dataclass
class Restored:
    manifest: dict
    counts: dict[str, int]
    files: int


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise KeyError(MANIFEST)
        manifest = json.load(member)
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupError("This is not a planwatch backup (no manifest).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _extract(tar: tarfile.TarFile, folder: Path) -> None:
    """Regular files only, each inside ``folder`` (Debian 12's Python 3.11.2 has no
    extraction filters): a crafted archive cannot write elsewhere or make links."""
    root = folder.resolve()
    for member in tar:
        if member.isdir():
            continue
        target = (root / member.name).resolve()
        if not member.isfile() or root not in target.parents:
            raise BackupError(f"The archive holds an unexpected entry: {member.name!r}.")
        target.parent.mkdir(parents=True, exist_ok=True)
        source_file = tar.extractfile(member)
        assert source_file is not None  # a regular file (checked above)
        with source_file as source, target.open("wb") as out:
            while block := source.read(1 << 20):
                out.write(block)


def verify(archive: Path, folder: Path) -> dict:
    """Check the archive's own checksum (when its .sha256 is beside it), unpack it
    into ``folder`` (safely: no path leaves it) and check every part's checksum."""
    sidecar = Path(f"{archive}.sha256")
    if sidecar.exists() and sidecar.read_text().split()[0] != _sha256(archive):
        raise BackupError(f"{archive.name} does not match {sidecar.name}: the file is damaged.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = read_manifest(tar)
            _extract(tar, folder)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive.name} cannot be read: {exc}") from exc
    for name, expected in manifest["sha256"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected:
            raise BackupError(f"{name} in the archive is missing or damaged.")
    return manifest


def _holds_data(using: str) -> list[str]:
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    busy = []
    for model in models_in_order():
        if model._meta.label_lower in MIGRATE_MADE or model._meta.db_table not in tables:
            continue
        if model._default_manager.using(using).exists():
            busy.append(model._meta.label_lower)
    return busy


def _check_schema(archived: list[list[str]], allow_older: bool, using: str) -> None:
    """The archive's migrations against this release's: the same, or older when
    ``allow_older`` (only sound when the newer migrations add, not change)."""
    here = {tuple(m) for m in applied_migrations(using)}  # just migrated: this release
    archived_set = {tuple(m) for m in archived}
    newer = sorted(archived_set - here)
    if newer:
        raise BackupError(
            "The archive comes from a newer release (migrations unknown here: %s)."
            % ", ".join(f"{a}.{n}" for a, n in newer[:5])
        )
    older = sorted(here - archived_set)
    if older and not allow_older:
        raise BackupError(
            "The archive comes from an older release (it lacks %s). Restore it with that "
            "release, then upgrade; or pass --allow-older if the newer migrations only add "
            "tables and fields." % ", ".join(f"{a}.{n}" for a, n in older[:5])
        )


def restore(archive: Path, using: str = DEFAULT_DB_ALIAS, allow_older: bool = False) -> Restored:
    """Migrate the (empty) database, then load ``archive`` into it and MEDIA_ROOT."""
    call_command("migrate", database=using, interactive=False, verbosity=0)
    busy = _holds_data(using)
    if busy:
        raise BackupError(
            "The database is not empty (%s…): restore into a new database." % ", ".join(busy[:3])
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"{media_root} already holds files: restore into an empty one.")
    with tempfile.TemporaryDirectory(prefix="planwatch-restore-") as tmp:
        folder = Path(tmp)
        manifest = verify(archive, folder)
        _check_schema(manifest["migrations"], allow_older, using)
        # loaddata streams JSON lines, checks constraints at the end, resets sequences.
        call_command("loaddata", str(folder / DATA), database=using, verbosity=0)
        files = 0
        media = folder / "media"
        if media.exists():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                destination = media_root / path.relative_to(media)
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(path.read_bytes())
                files += 1
    counts = {
        model._meta.label_lower: model._default_manager.using(using).count()
        for model in models_in_order()
    }
    return Restored(manifest, counts, files)
