#!/usr/bin/python3
"""A kept-warm LibreOffice for documents/pdf.py (decision in docs/decisions.md).

Run by the system Python, the one Debian's python3-uno serves (the project's venv
cannot import ``uno``), with nothing but the standard library and ``uno``. It starts
one headless soffice on a given user profile, listening on a private UNO pipe, and
then converts .docx files to PDF for whoever connects to its Unix socket, one
request at a time:

    request  (one JSON line): {"source": "/tmp/x/a.docx", "target": "/tmp/x/a.pdf"}
    answer   (one JSON line): {"ok": true}  or  {"ok": false, "error": "..."}

It prints one line on stdout when it is ready (``ready``) or gives up (``error ...``),
exits after ``--idle`` seconds without a request or once ``--owner`` (a pid) is
gone, and takes its soffice with it: soffice runs in this process's group, which
the client kills whole (``killpg``) on a timeout or a hang."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time


def _connect(soffice: subprocess.Popen, pipe: str, wait: float):
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + wait
    while True:
        try:
            context = resolver.resolve(url)
            return context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context
            )
        except Exception:
            if soffice.poll() is not None:
                raise RuntimeError(f"soffice exited with status {soffice.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _prop(name: str, value):
    import uno

    return uno.createUnoStruct("com.sun.star.beans.PropertyValue", Name=name, Value=value)


def convert(desktop, source: str, target: str) -> None:
    import uno

    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source),
        "_blank",
        0,
        (_prop("Hidden", True), _prop("ReadOnly", True), _prop("UpdateDocMode", 0)),
    )
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        document.storeToURL(
            uno.systemPathToFileUrl(target), (_prop("FilterName", "writer_pdf_Export"),)
        )
    finally:
        with contextlib.suppress(Exception):
            document.close(True)


def _serve(server: socket.socket, desktop, idle: float, owner: int) -> None:
    server.settimeout(1.0)
    last = time.monotonic()
    while time.monotonic() - last < idle and (owner <= 0 or _alive(owner)):
        try:
            connection, _address = server.accept()
        except TimeoutError:
            continue
        with connection, connection.makefile("rwb") as stream:
            connection.settimeout(None)
            line = stream.readline()
            try:
                request = json.loads(line)
                convert(desktop, request["source"], request["target"])
                answer = {"ok": True}
            except Exception as exc:
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[-500:]}
            with contextlib.suppress(OSError):
                stream.write(json.dumps(answer).encode() + b"\n")
                stream.flush()
        last = time.monotonic()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--profile", required=True, help="file URI of the user profile")
    parser.add_argument("--socket", required=True, help="the Unix socket to listen on")
    parser.add_argument("--pipe", required=True, help="the UNO pipe's name")
    parser.add_argument("--home", required=True)
    parser.add_argument("--idle", type=float, default=600.0)
    parser.add_argument("--owner", type=int, default=0)
    parser.add_argument("--start-timeout", type=float, default=60.0)
    args = parser.parse_args()
    soffice = subprocess.Popen(
        [
            args.soffice,
            f"-env:UserInstallation={args.profile}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            f"--accept=pipe,name={args.pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": args.home},
    )
    try:
        desktop = _connect(soffice, args.pipe, args.start_timeout)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(args.socket)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(args.socket)
        server.listen(4)
        print("ready", flush=True)
        with open(os.devnull, "wb") as null:  # the starter stops reading: no SIGPIPE later
            os.dup2(null.fileno(), 1)
        _serve(server, desktop, args.idle, args.owner)
        with contextlib.suppress(Exception):
            desktop.terminate()
        return 0
    except Exception as exc:
        print(f"error {type(exc).__name__}: {exc}", flush=True)
        return 1
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(args.socket)
        with contextlib.suppress(subprocess.TimeoutExpired):
            soffice.wait(timeout=5)
        # Whatever soffice left (oosplash's soffice.bin): the whole group, this one last.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if os.getpgid(0) == os.getpid():  # started as its own group (documents/pdf.py)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(0, signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main())
