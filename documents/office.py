"""A kept-warm LibreOffice per profile slot (documents.pdf; decision in
docs/decisions.md): LibreOffice's start (~1.8 s) is paid once, not by every PDF.

scripts/office_server.py, run by the system Python (the one Debian's python3-uno
serves; the venv cannot import ``uno``), starts soffice on the slot's warm profile
and converts on request over a Unix socket. This module is its supervisor, called
by documents.pdf under the slot's file lock, so that one server is never asked by
two conversions at once:

- started on demand when absent (its pid in ``VAR_DIR/libreoffice/warm-N.pid``), in
  a session of its own so that it outlives the worker's forked job that started it;
- killed with its soffice (the whole process group) when a request times out, fails
  or finds it gone, and started anew by the next conversion;
- a start that fails (no python3-uno, a soffice that cannot listen) is not tried
  again for ``RETRY_AFTER`` seconds: ``convert`` answers None and documents.pdf
  converts with a one-shot soffice, as before;
- it stops by itself after PLANWATCH_OFFICE_IDLE_SECONDS without a request or when
  the process that started it (the worker, the web server) is gone;
  documents.pdf.stop_warm stops them at once (the test suite's end)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import select
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings

log = logging.getLogger("planwatch.documents")

START_TIMEOUT = 45  # seconds for a server (and its soffice) to be ready
TIMEOUT = 60  # seconds for one warm conversion; then the one-shot path has its own
RETRY_AFTER = 300  # seconds before a slot whose warm start failed tries again
started: set[Path] = set()  # the folders of slots this process started a server in


def server_script() -> Path:
    return Path(settings.BASE_DIR) / "scripts" / "office_server.py"


def enabled() -> bool:
    python = settings.PLANWATCH_OFFICE_PYTHON
    return bool(settings.PLANWATCH_OFFICE_WARM and python and Path(python).exists())


class _Slot:
    """The files of slot ``n``'s warm server under ``root`` (VAR_DIR/libreoffice)."""

    def __init__(self, root: Path, slot: int):
        self.root = root
        self.profile = root / f"warm-{slot}"
        self.pid_file = root / f"warm-{slot}.pid"
        self.failed = root / f"warm-{slot}.failed"
        self.log = root / f"warm-{slot}.log"
        # The socket beside the pid file, where the web server and the worker (each
        # with a PrivateTmp of its own) both find it; in the temporary folder only
        # when that path is too long for AF_UNIX (108 bytes), named after the folder
        # of the slots so that two installations never meet.
        tag = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
        self.name = f"planwatch-office-{tag}-{slot}"
        self.socket = root.resolve() / f"warm-{slot}.sock"
        if len(str(self.socket)) > 100:
            self.socket = Path(tempfile.gettempdir()) / f"{self.name}.sock"

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def recently_failed(self) -> bool:
        try:
            return time.time() - self.failed.stat().st_mtime < RETRY_AFTER
        except OSError:
            return False

    def stop(self) -> None:
        """Kill the server and its soffice (their process group), forget them."""
        pid = self.pid()
        if pid is not None and _is_server(pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        for path in (self.pid_file, self.socket):
            path.unlink(missing_ok=True)


def _is_server(pid: int) -> bool:
    """Whether ``pid`` is still a warm server (not a pid reused since, e.g. after a
    reboot): never kill another program's process group."""
    try:
        return server_script().name.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def convert(program: str, root: Path, slot: int, source: Path, target: Path) -> bytes | None:
    """The PDF of ``source`` by slot ``slot``'s warm LibreOffice, started if need be;
    None when no warm one could do it (the caller then converts one-shot)."""
    if not enabled():
        return None
    state = _Slot(root, slot)
    if state.pid() is None or not state.socket.exists():
        if state.recently_failed():
            return None
        state.stop()  # a half-started one, if any
        if not _start(program, state):
            return None
    request = {"source": str(source), "target": str(target)}
    try:
        try:
            answer = _ask(state, request)
        except (ConnectionRefusedError, FileNotFoundError):  # it died since: once more
            state.stop()
            if not _start(program, state):
                return None
            answer = _ask(state, request)
    except (OSError, ValueError) as exc:
        log.warning("warm LibreOffice %s: %s; restarting it next time", state.name, exc)
        state.stop()
        return None
    if not answer.get("ok") or not target.exists():
        log.warning("warm LibreOffice %s failed: %s", state.name, answer.get("error", "no PDF"))
        state.stop()  # its state is not trusted any more
        target.unlink(missing_ok=True)
        return None
    return target.read_bytes()


def _ask(state: _Slot, request: dict) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(TIMEOUT)
        client.connect(str(state.socket))
        client.sendall(json.dumps(request).encode() + b"\n")
        with client.makefile("rb") as stream:
            line = stream.readline()  # socket.timeout (an OSError) past TIMEOUT
    if not line:
        raise ValueError("the server closed the connection")
    return json.loads(line)


def _start(program: str, state: _Slot) -> bool:
    started.add(state.root)
    state.root.mkdir(parents=True, exist_ok=True)
    home = state.root / "home"
    home.mkdir(exist_ok=True)
    command = [
        settings.PLANWATCH_OFFICE_PYTHON,
        str(server_script()),
        f"--soffice={program}",
        f"--profile={state.profile.resolve().as_uri()}",
        f"--socket={state.socket}",
        f"--pipe={state.name}",
        f"--home={home}",
        f"--idle={settings.PLANWATCH_OFFICE_IDLE_SECONDS}",
        f"--owner={os.getppid()}",
        f"--start-timeout={START_TIMEOUT}",
    ]
    with open(state.log, "ab") as errors:
        server = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            start_new_session=True,  # outlives the job; killed as a group
            env={**os.environ, "HOME": str(home)},
        )
    state.pid_file.write_text(str(server.pid))
    line = _first_line(server, START_TIMEOUT + 5)
    assert server.stdout is not None
    server.stdout.close()
    if line == "ready":
        state.failed.unlink(missing_ok=True)
        return True
    log.warning("warm LibreOffice %s did not start (%s): one soffice per PDF", state.name, line)
    state.stop()
    state.failed.touch()
    return False


def _first_line(server: subprocess.Popen, timeout: float) -> str:
    assert server.stdout is not None
    ready, _w, _x = select.select([server.stdout], [], [], timeout)
    if not ready:
        return "no answer in %s s" % timeout
    return server.stdout.readline().decode("utf-8", "replace").strip() or "exited"


def stop(root: Path, slot: int) -> None:
    """Stop slot ``slot``'s warm server under ``root`` (the caller holds its lock)."""
    _Slot(root, slot).stop()
