"""Backup and restore, round-tripped on the demo: load_demo (plus an evidence file
and a finished document), ``manage.py backup``, ``manage.py restore`` into an
empty SQLite database and an empty PostgreSQL one, then every table and every
file compared with the source. Damaged archives and busy targets are refused."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from pathlib import Path

import pytest

from tests import scenario

# One worker builds the module's demo installation; scheduled first (tests/README.md).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backup")]

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"

SETUP = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.models import User
from documents import generate
from documents.content import Kind
from plans.models import Plan
from reporting.evidence import attach
from reporting.models import AgencyReport
from worker.runner import run_until_empty

report = AgencyReport.objects.filter(state="draft", agency__users__role="reporter").first()
user = report.agency.users.filter(role="reporter").first()
upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban hop\\n%%EOF\\n")
attach(report, user, upload)
plan = Plan.objects.get(code="qb-sxtdbv-2021")
coordinator = User.objects.get(username="demo-coordinator")
generate.start_job(plan, Kind.ANNUAL, [2024], "xlsx", coordinator)
print(json.dumps(run_until_empty()))
"""

TABLES = """
import hashlib, json
from django.core import serializers
from planwatch.backup import MIGRATE_MADE, PreciseEncoder, models_in_order

tables = {}
for model in models_in_order():
    rows = serializers.serialize(
        "python",
        model._default_manager.order_by(model._meta.pk.name),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=model._meta.label_lower in MIGRATE_MADE,
    )
    many = {f.name for f in model._meta.many_to_many}
    for row in rows:
        for name in many & set(row["fields"]):  # a set: no order in the database
            row["fields"][name] = sorted(row["fields"][name], key=repr)
        for key, value in row["fields"].items():
            if isinstance(value, (bytes, memoryview)):
                row["fields"][key] = "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    tables[model._meta.label_lower] = json.loads(json.dumps(rows, cls=PreciseEncoder))  # every microsecond
print(json.dumps(tables))
"""


def _postgres_server() -> str | None:
    server = scenario.postgres_server() or os.environ.get("CI_POSTGRES_URL", "").rsplit("/", 1)[0]
    server = server or DEFAULT_PG
    try:
        import psycopg

        psycopg.connect(f"{server}/postgres", connect_timeout=3).close()
    except Exception:
        return None
    return server


def _files(site: scenario.Site) -> dict[str, str]:
    media = site.var / "media"
    return {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The demo on the suite's database (PostgreSQL when the suite runs on it)."""
    server = scenario.postgres_server()
    url = scenario.create_postgres_database(server, "pw_bk") if server else None
    site = scenario.Site(tmp_path_factory.mktemp("backup-source"), url)
    site.manage("migrate", "--no-input", "-v0")
    site.manage("load_demo")
    assert site.python(SETUP) >= 1  # the document (and the demo's queued e-mails)
    out = site.manage("backup", "--output", str(site.root / "backups"))
    archive = Path(out.split()[0])
    yield site, archive
    if url:
        scenario.drop_postgres_database(url)


def _restored(tmp_path, archive, database_url=None) -> scenario.Site:
    site = scenario.Site(tmp_path / "target", database_url)
    out = site.manage("restore", str(archive))
    assert out.startswith("Restored") and "1 files" in out, out
    return site


def _compare(source_site, target_site):
    before, after = source_site.python(TABLES), target_site.python(TABLES)
    assert set(after) == set(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert sum(len(rows) for rows in before.values()) > 3000
    assert _files(target_site) == _files(source_site) and len(_files(source_site)) == 1


def test_the_archive_holds_every_part_with_checksums(source):
    _site, archive = source
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[:2] == ["manifest.json", "database.jsonl.gz"]
    assert any(n.startswith("media/evidence/") for n in names)
    assert manifest["format"] == "planwatch.backup/1"
    assert manifest["release"]["version"] and ["worker", "0001_initial"] in manifest["migrations"]
    assert manifest["counts"]["plans.task"] > 20 and set(manifest["sha256"]) == set(names[1:])
    sidecar = Path(f"{archive}.sha256").read_text().split()
    assert sidecar == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]


def test_restore_into_an_empty_sqlite_database(source, tmp_path):
    site, archive = source
    _compare(site, _restored(tmp_path, archive))


def test_restore_into_an_empty_postgresql_database(source, tmp_path):
    server = _postgres_server()
    if server is None:
        pytest.skip("no PostgreSQL server reachable")
    site, archive = source
    url = scenario.create_postgres_database(server, "pw_rs")
    try:
        target = _restored(tmp_path, archive, url)
        _compare(site, target)
        # Sequences follow the loaded rows: a new row gets a fresh id.
        made = target.python(
            "import json; from audit.models import AuditEntry; from audit.log import record; "
            "e = record(None, 'event', None, object_type='x', object_repr='y', note='after restore'); "
            "print(json.dumps(AuditEntry.objects.count()))"
        )
        assert made == len(site.python(TABLES)["audit.auditentry"]) + 1
    finally:
        scenario.drop_postgres_database(url)


def test_a_damaged_archive_is_refused(source, tmp_path):
    _site, archive = source
    copy = tmp_path / archive.name
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    Path(f"{copy}.sha256").write_text(Path(f"{archive}.sha256").read_text())
    target = scenario.Site(tmp_path / "target")
    with pytest.raises(AssertionError, match="damaged"):
        target.manage("restore", str(copy))


def test_restore_refuses_a_database_that_holds_data(source, tmp_path):
    site, archive = source
    with pytest.raises(AssertionError, match="not empty"):
        site.manage("restore", str(archive))


def test_an_archive_with_a_path_leaving_its_folder_is_refused(tmp_path):
    import io

    from planwatch.backup import BackupError, verify

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        for name, body in (
            ("manifest.json", json.dumps({"format": "planwatch.backup/1", "sha256": {}}).encode()),
            ("../outside.txt", b"x"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    (tmp_path / "unpack").mkdir()
    with pytest.raises(BackupError, match="unexpected entry"):
        verify(evil, tmp_path / "unpack")
    assert not (tmp_path / "outside.txt").exists()
