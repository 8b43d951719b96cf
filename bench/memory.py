"""Memory of a gunicorn worker after the main pages, and of the task worker
(not a timed test). A demo database is built in a temporary directory, gunicorn
runs with deploy/gunicorn.conf.py and one worker, a coordinator signs in and
reads the main pages ROUNDS times, and a document is made by the task worker;
the resident set size (VmRSS) of each process is printed. Goal: a web worker at
or under 150 MB.

    .venv/bin/python bench/memory.py [ROUNDS]
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "qb-sxtdbv-2021"
PAGES = [
    "/",
    f"/plans/{CODE}/",
    f"/plans/{CODE}/targets/",
    f"/plans/{CODE}/tasks/",
    f"/plans/{CODE}/timeline/",
    f"/plans/{CODE}/reporting/",
    f"/plans/{CODE}/reporting/2025/",
    f"/plans/{CODE}/progress/",
    f"/plans/{CODE}/budget/",
    f"/plans/{CODE}/budget/2025/",
    f"/plans/{CODE}/documents/",
    "/agencies/",
    "/my-tasks/",
    f"/api/v1/plans/{CODE}",
    f"/api/v1/plans/{CODE}/progress?year=2025",
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/accounts/login/").read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no sign-in form"
    token = found.group(1)
    data = {"username": "demo-coordinator", "password": "demo-planwatch"}
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=body)
    request.add_header("Referer", base + "/accounts/login/")
    opener.open(request).read()
    return opener


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="planwatch-mem-") as var:
        env = {**os.environ, "PLANWATCH_VAR_DIR": var, "LOG_LEVEL": "ERROR"}
        env.update(ACCESS_LOG_LEVEL="WARNING", GUNICORN_WORKERS="1")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "load_demo"], env=env, check=True, capture_output=True)
        port = free_port()
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
             "-b", f"127.0.0.1:{port}", "planwatch.wsgi:application"],
            cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        worker = subprocess.Popen([*manage, "worker"], cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            (web_worker,) = children(web.pid)
            print("| moment | web worker RSS (MB) | task worker RSS (MB) |\n|---|---|---|")
            print(f"| started | {rss_mb(web_worker):.0f} | {rss_mb(worker.pid):.0f} |")
            opener = sign_in(base)
            for page in PAGES:
                opener.open(base + page).read()
            print(
                f"| after the main pages once | {rss_mb(web_worker):.0f} | {rss_mb(worker.pid):.0f} |"
            )
            for _ in range(rounds - 1):
                for page in PAGES:
                    opener.open(base + page).read()
            print(
                f"| after {rounds} rounds | {rss_mb(web_worker):.0f} | {rss_mb(worker.pid):.0f} |"
            )
            api = f"{base}/api/v1/plans/{CODE}/years/2025/report.docx?wait=60"
            opener.open(api).read()
            print(
                f"| after a Word document made by the worker | {rss_mb(web_worker):.0f} "
                f"| {rss_mb(worker.pid):.0f} |"
            )
        finally:
            for process in (web, worker):
                process.terminate()
                process.wait(timeout=60)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
