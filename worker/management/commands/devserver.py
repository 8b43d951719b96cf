"""`make run`: Django's development server and the task worker side by side, in
one command. A worker that dies is started again (as systemd does in
production); Ctrl-C stops both. Not for production: see docs/deployment.md."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


class Command(BaseCommand):
    help = "Development: runserver and the task worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        self.stopping = 0
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        env = {**os.environ, "SITE_URL": os.environ.get("SITE_URL") or f"http://{addrport}"}
        self.stdout.write(
            f"planwatch: {env['SITE_URL']}/ (web) and the task worker; Ctrl-C stops both."
        )
        web = subprocess.Popen([sys.executable, MANAGE, "runserver", addrport], env=env)
        worker = self._worker(env)
        try:
            while not self.stopping and web.poll() is None:
                if worker.poll() is not None:
                    self.stderr.write(
                        f"The task worker stopped ({worker.returncode}); restarting it."
                    )
                    time.sleep(1)
                    worker = self._worker(env)
                time.sleep(0.5)
        finally:
            self._end([web, worker])
        return None

    @staticmethod
    def _worker(env):
        return subprocess.Popen([sys.executable, MANAGE, "worker"], env=env)

    def _stop(self, signum, _frame):
        self.stopping = signum

    def _end(self, children):
        # Ctrl-C reached the children too (same process group); give them a moment,
        # then ask, then insist.
        for sig, wait in ((None, 3), (signal.SIGTERM, settings.WORKER_STOP_GRACE_SECONDS + 5)):
            alive = [c for c in children if c.poll() is None]
            if not alive:
                return
            for child in alive:
                if sig is not None:
                    child.send_signal(sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and any(c.poll() is None for c in alive):
                time.sleep(0.1)
        for child in children:
            if child.poll() is None:
                child.kill()
