"""Upgrades: a database made by the previous release (tests/upgrade_from.txt),
with its demo data, migrated to this code on PostgreSQL (SQLite when no
PostgreSQL server is reachable); then the data is all there and the new code
works on it (a document made by the task worker)."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests import scenario
from tests.test_backup import _postgres_server

pytestmark = pytest.mark.slow  # scheduled first (tests/README.md)

ROOT = scenario.ROOT
COUNTS = """
import json
from django.apps import apps
from django.db import connection
tables = set(connection.introspection.table_names())
print(json.dumps({m._meta.label_lower: m._default_manager.count() for m in apps.get_models()
                  if m._meta.db_table in tables and m._meta.managed}))
"""
AFTER = """
import json
from accounts.models import User
from documents import generate
from documents.content import Kind
from documents.models import DocumentJob
from plans.models import Plan
from worker.runner import run_until_empty
plan = Plan.objects.get(code="qb-sxtdbv-2021")
job = generate.start_job(plan, Kind.ANNUAL, [2024], "docx", User.objects.get(username="demo-viewer"))
run_until_empty()
job.refresh_from_db()
print(json.dumps([job.status, job.filename]))
"""


def _previous_release() -> str:
    lines = (ROOT / "tests" / "upgrade_from.txt").read_text().splitlines()
    return os.environ.get("UPGRADE_FROM") or next(x for x in lines if x and not x.startswith("#"))


def _export(commit: str, target: Path) -> None:
    """The previous release's files (git archive: no worktree, nothing to clean)."""
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"])
    if found.returncode != 0:
        if os.environ.get("CI"):
            raise AssertionError(f"commit {commit} is not in this clone's history")
        pytest.skip(f"commit {commit} is not in this clone's history")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target)  # our own repository's archive


def test_a_database_of_the_previous_release_migrates_to_this_one(tmp_path):
    server = _postgres_server()
    url = scenario.create_postgres_database(server, "pw_up") if server else None
    previous_code = tmp_path / "previous"
    _export(_previous_release(), previous_code)
    old = scenario.Site(tmp_path / "site", url)
    try:
        for args in (["migrate", "--no-input", "-v0"], ["load_demo"]):
            done = subprocess.run(
                [scenario.PYTHON, "manage.py", *args],
                cwd=previous_code,
                env=old.env(),
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr[-3000:]
        before = old.python(COUNTS)  # read by this code: the same tables, the new ones absent
        old.manage("migrate", "--no-input", "-v0")
        assert "[ ]" not in old.manage("showmigrations")  # nothing left unapplied
        after = old.python(COUNTS)
        made_by_migrate = {"contenttypes.contenttype", "auth.permission"}  # new models' rows
        assert {k: after[k] for k in before if k not in made_by_migrate} == {
            k: v for k, v in before.items() if k not in made_by_migrate
        }
        assert before["plans.task"] > 20 and before["reporting.agencyreport"] > 0
        assert old.python(AFTER)[0] == "done"
    finally:
        if url:
            scenario.drop_postgres_database(url)
