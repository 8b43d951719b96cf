"""The worker and the web server as real processes on an installation of their
own (tests/scenario.py): kill -9 the worker mid-job and the attempt is settled as
lost within the bound and a retry finishes the document; kill the web server
during a job and the job still ends; an attempt past its time limit is killed;
a stop puts the task back."""

from __future__ import annotations

import json
import os
import secrets
import signal
import time

import pytest

from tests import scenario

# One worker builds the module's installation; scheduled first (tests/README.md).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("worker-processes")]

LEASE = 3
CODE = "qb-sxtdbv-2021"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("worker-site")
    server = scenario.postgres_server()
    url = scenario.create_postgres_database(server) if server else None
    soffice = scenario.fake_soffice(root)
    site = scenario.Site(
        root,
        url,
        PLANWATCH_SOFFICE=str(soffice),
        PLANWATCH_OFFICE_WARM="0",  # the fake is one-shot only: its pids are what is killed
        FAKE_SOFFICE_PIDS=str(root / "soffice.pids"),
        WORKER_HEARTBEAT_SECONDS="1",
        WORKER_LEASE_SECONDS=str(LEASE),
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    site.manage("migrate", "--no-input", "-v0")
    site.manage("load_demo")
    # What the demo queued (its e-mails, the PDF of the document it issued) done first:
    # else a test's worker, whose LibreOffice is made slow on purpose, spends minutes on it.
    site.manage("worker", "--until-empty", "--no-schedule", timeout=300)
    yield site
    site.stop_all()
    if url:
        scenario.drop_postgres_database(url)


@pytest.fixture
def web(site):
    port = scenario.free_port()
    process = site.start_web(port)
    status, _headers, body = scenario.api(
        port, "/api/v1/auth/token", data={"username": "demo-viewer", "password": "demo-planwatch"}
    )
    assert status == 200, body
    yield port, json.loads(body)["token"], process
    site.stop_all()


def _job(port, token, job_id) -> dict:
    status, _h, body = scenario.api(port, f"/api/v1/documents/jobs/{job_id}", token)
    assert status == 200, body
    return json.loads(body)


def _start_pdf(port, token, year=2024) -> dict:
    status, _headers, body = scenario.api(
        port, f"/api/v1/plans/{CODE}/years/{year}/report.pdf?wait=0", token
    )
    assert status == 202, body
    return json.loads(body)


def _attempts(site, task_id) -> list[str]:
    return site.python(
        "import json; from worker.models import Attempt; print(json.dumps(list("
        f"Attempt.objects.filter(task_id='{task_id}').values_list('outcome', flat=True))))"
    )


def _task_id(site, job_id) -> str:
    return site.python(
        "import json; from documents.models import DocumentJob; "
        f"print(json.dumps(str(DocumentJob.objects.get(pk={job_id}).task_id)))"
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_killing_the_worker_mid_job_then_a_retry_finishes_it(site, web):
    port, token, _web = web
    first = site.start_worker("worker-a.log", FAKE_SOFFICE_SLEEP="120")
    job = _start_pdf(port, token)
    pids = site.root / "soffice.pids"
    scenario.wait_for(
        lambda: "PDF" in _job(port, token, job["id"])["step"] and pids.exists(), 300, "the PDF"
    )
    converting = int(pids.read_text().split()[-1])
    first.send_signal(signal.SIGKILL)  # the worker's main process only, as the OOM killer would
    first.wait(timeout=10)
    killed_at = time.monotonic()
    # Its attempt and LibreOffice died with it (PR_SET_PDEATHSIG), nothing runs on.
    scenario.wait_for(lambda: not _alive(converting), 10, "LibreOffice to end")
    assert _job(port, token, job["id"])["status"] == "running"  # nobody settled it yet
    site.start_worker("worker-b.log", FAKE_SOFFICE_SLEEP="0")
    done = scenario.wait_for(
        lambda: (j := _job(port, token, job["id"]))["status"] == "done" and j, 300, "the retry"
    )
    assert done["progress"] == 100 and done["filename"].endswith(".pdf")
    assert _attempts(site, _task_id(site, job["id"])) == ["lost", "done"]
    # Settled within the lease (here 3 s) plus the new worker's start-up.
    assert time.monotonic() - killed_at < 60
    status, _headers, body = scenario.api(port, done["file_url"], token)
    assert status == 200 and body.startswith(b"%PDF")


def test_killing_the_web_server_during_a_job_does_not_lose_it(site, web):
    port, token, web_process = web
    site.start_worker("worker-c.log", FAKE_SOFFICE_SLEEP="4")
    job = _start_pdf(port, token, year=2023)
    scenario.wait_for(lambda: _job(port, token, job["id"])["status"] == "running", 300, "running")
    scenario.kill_group(web_process, signal.SIGKILL)
    time.sleep(6)  # the job goes on without any web server
    port2 = scenario.free_port()
    site.start_web(port2, log="web-2.log")
    done = scenario.wait_for(
        lambda: (j := _job(port2, token, job["id"]))["status"] == "done" and j, 300, "the job"
    )
    status, _h, body = scenario.api(port2, done["file_url"], token)
    assert status == 200 and body.startswith(b"%PDF")
    assert _attempts(site, _task_id(site, job["id"])) == ["done"]


def test_an_attempt_past_its_time_limit_is_killed(site, tmp_path):
    marker = tmp_path / "finished"
    task_id = site.python(
        "import json; from tests.worker_tasks import sleepy; "
        f"print(json.dumps(str(sleepy.enqueue(60, {str(marker)!r}).id)))"
    )
    start = time.monotonic()
    site.manage("worker", "--until-empty", "--no-schedule", timeout=60)
    assert time.monotonic() - start < 30  # the 2-second limit, not the 60-second sleep
    assert _attempts(site, task_id) == ["timeout"]  # a timeout is not retried
    assert not marker.exists()


def test_a_stopped_worker_puts_its_task_back(site, tmp_path):
    release = tmp_path / "release"
    task_id = site.python(
        "import json; from tests.worker_tasks import patient; "
        f"print(json.dumps(str(patient.enqueue(60, {str(release)!r}).id)))"
    )
    worker = site.start_worker("worker-stop.log", WORKER_STOP_GRACE_SECONDS="0")
    # a bound for a busy machine, not a speed goal
    scenario.wait_for(lambda: _attempts(site, task_id) == ["running"], 240, "the attempt")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    assert _attempts(site, task_id) == ["stopped"]
    release.write_text("")  # the retry need not wait
    site.manage("worker", "--until-empty", "--no-schedule", timeout=240)
    assert _attempts(site, task_id) == ["stopped", "done"]
