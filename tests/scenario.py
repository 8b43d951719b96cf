"""A planwatch installation of its own for the tests that need real processes (a
worker killed mid-job, a web server killed, a backup restored elsewhere): a
data directory under a temporary folder and its own database, a SQLite file or,
when the suite runs on PostgreSQL, a fresh PostgreSQL database beside the test
database. Everything runs through ``manage.py`` in subprocesses."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def postgres_server() -> str | None:
    """The PostgreSQL server of the suite (without a database name), if any."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return url.rsplit("/", 1)[0]


def create_postgres_database(server: str, prefix: str = "pw_scn") -> str:
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """One installation: ``var`` directory, database, environment."""

    def __init__(self, root: Path, database_url: str | None = None, **env: str):
        self.root = root
        self.var = root / "var"
        self.var.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.extra = {k: str(v) for k, v in env.items()}
        self.processes: list[subprocess.Popen] = []

    def env(self, **more: str) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE") and not k.startswith("PYTEST")
        }
        env.update(
            PLANWATCH_VAR_DIR=str(self.var),
            DJANGO_SETTINGS_MODULE="planwatch.settings",
            LOG_LEVEL="INFO",
            **self.extra,
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update({k: str(v) for k, v in more.items()})
        return env

    def manage(self, *args: str, timeout: float = 300, **env: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}: {done.stderr[-3000:]}")
        return done.stdout

    def python(self, code: str, **env: str):
        """Run ``code`` with Django set up; it prints JSON, returned decoded."""
        out = self.manage("shell", "-c", code, **env)
        return json.loads(out.strip().splitlines()[-1])

    def start(self, *args: str, log: str, **env: str) -> subprocess.Popen:
        """A long-running process in its own session (so that its group can be killed)."""
        handle = (self.root / log).open("ab")
        process = subprocess.Popen(
            list(args),
            cwd=ROOT,
            env=self.env(**env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_worker(self, log: str = "worker.log", **env: str) -> subprocess.Popen:
        return self.start(PYTHON, "manage.py", "worker", "--interval", "0.2", log=log, **env)

    def start_web(self, port: int, log: str = "web.log", **env: str) -> subprocess.Popen:
        process = self.start(
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "planwatch.wsgi:application",
            log=log,
            **env,
        )
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 60, "the web server")
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                kill_group(process, signal.SIGKILL)
        self.processes.clear()


def kill_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
    except urllib.error.HTTPError:
        return True  # it answers, whatever it says
    except OSError:
        return False
    return True


def wait_for(condition, seconds: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def api(port: int, path: str, token: str = "", data: dict | None = None):
    """(status, headers, body bytes) of one API call."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


FAKE_SOFFICE = """#!{python}
# A stand-in for LibreOffice: sleeps FAKE_SOFFICE_SLEEP seconds, then writes a PDF.
import os, sys, time
from pathlib import Path
with Path(os.environ["FAKE_SOFFICE_PIDS"]).open("a") as pids:
    pids.write(f"{{os.getpid()}}\\n")
time.sleep(float(os.environ.get("FAKE_SOFFICE_SLEEP", "0")))
args = sys.argv[1:]
outdir = Path(args[args.index("--outdir") + 1])
source = Path(args[-1])
(outdir / (source.stem + ".pdf")).write_bytes(b"%PDF-1.4 planwatch test\\n%%EOF\\n")
"""


def fake_soffice(folder: Path) -> Path:
    path = folder / "fake-soffice"
    path.write_text(FAKE_SOFFICE.format(python=PYTHON))
    path.chmod(0o755)
    return path
