"""Light start-up: loading the URLconf (what every manage.py command with system
checks and every web worker does first) imports none of the libraries that only
documents, charts and workbooks need. Times and memory are in bench/startup.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.scenario import ROOT

pytestmark = pytest.mark.slow  # seconds each: scheduled first (tests/README.md)

HEAVY = ["matplotlib", "numpy", "openpyxl", "docx", "docxtpl", "pdfplumber", "PIL", "lxml"]
CODE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
import django
django.setup()
import planwatch.urls
from django.urls import reverse
reverse("documents:index", args=["x"])
import documents.tasks, plans.tasks, reporting.tasks, worker.runner  # the worker's parent too
print(json.dumps(sorted(m for m in %r if m in sys.modules)))
"""


def test_the_urlconf_and_the_worker_import_no_heavy_library(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", CODE % HEAVY],
        cwd=ROOT,
        env={"PLANWATCH_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_a_document_still_loads_its_libraries_when_made(tmp_path):
    code = CODE.replace("print(", "from documents import excel, template, charts\nprint(")
    done = subprocess.run(
        [sys.executable, "-c", code % HEAVY],
        cwd=ROOT,
        env={"PLANWATCH_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert {"matplotlib", "openpyxl", "docx"} <= set(json.loads(done.stdout.splitlines()[-1]))
