"""The deadline rush (issue 17): N reporters, each of a different agency with an open
draft of this year, save their drafts through the endpoint the browser's autosave
uses (static/planwatch/autosave.js: ``reporting:draft``, one unit of fields with the
revision, ``action=save``, the CSRF token from the cookie in X-CSRFToken) every
``low``–``high`` seconds for ``duration`` seconds, then submit the whole form as the
page does. Latency and errors are counted here; the database is then asked
(bench/inprocess.py --rush-verify) whether every submit and every reporter's last
save of each field arrived, and the reports are put back to drafts.

    .venv/bin/python bench/rush.py --base http://127.0.0.1:8104 [--reporters 200]
        [--duration 90] [--every 2-5]        # against a running server (bench/issue17.py
                                             # starts one); DATABASE_URL of its database
"""

from __future__ import annotations

import argparse
import html
import http.client
import http.cookiejar
import http.cookies
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>(.*?)(?=<)", re.S)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_opener(base: str, session: str, follow: bool = True) -> urllib.request.OpenerDirector:
    """An opener that sends the session cookie (and keeps the CSRF cookie it is given)."""
    jar = http.cookiejar.CookieJar()
    host = urllib.parse.urlsplit(base).hostname or "127.0.0.1"
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, "sessionid", session, None, False, host, False, False, "/", True,
            False, None, False, None, None, {},
        )
    )  # fmt: skip
    handlers: list = [urllib.request.HTTPCookieProcessor(jar)]
    if not follow:
        handlers.append(NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    opener.jar = jar  # type: ignore[attr-defined]
    return opener


def attr(attrs: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', attrs)
    return html.unescape(found.group(1)) if found else None


def read_form(page: str) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """The report form as the browser would send it (name -> value), its autosave
    units (unit -> field names) and each field's kind (text, value, checkbox...)."""
    start = page.index("data-autosave")
    form = page[page.rfind("<form", 0, start) : page.index("</form>", start)]
    values: dict[str, str] = {}
    units: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for tag, attrs, rest in FIELD.findall(form):
        name = attr(attrs, "name")
        if not name:
            continue
        kind = attr(attrs, "type") or tag
        if tag == "textarea":
            value = html.unescape(rest).removeprefix("\n")
        elif tag == "select":
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', form[form.find(attrs) :])
            value = chosen.group(1) if chosen else ""
        elif kind == "checkbox":
            if " checked" not in attrs:
                continue
            value = attr(attrs, "value") or "on"
        else:
            value = attr(attrs, "value") or ""
        values[name] = value
        kinds.setdefault(name, kind)
        unit = attr(attrs, "data-unit")
        if unit and name not in units.setdefault(unit, []):
            units[unit].append(name)
    return values, units, kinds


class Reporter(threading.Thread):
    def __init__(self, base: str, spec: dict, until: float, every: tuple[float, float],
                 ready: threading.Barrier, seed: int):  # fmt: skip
        super().__init__(daemon=True)
        self.base, self.spec, self.until, self.every, self.ready = base, spec, until, every, ready
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.moments: list[float] = []  # when each save ended, seconds before the end (< 0)
        self.errors: list[str] = []
        self.last: dict[str, str] = {}
        self.submitted = False
        self.submit_ms = 0.0

    def post(self, url: str, data: dict, accept: str) -> tuple[int, bytes, float]:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Accept": accept, "X-CSRFToken": token, "Referer": url},
        )
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                body, status = response.read(), response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read(), exc.code
        except OSError as exc:
            body, status = str(exc).encode(), 0
        return status, body, (time.perf_counter() - start) * 1000

    def run(self) -> None:
        page_url = f"{self.base}/reporting/{self.spec['report']}/"
        self.opener = session_opener(self.base, self.spec["session"], follow=False)
        self.jar = self.opener.jar  # type: ignore[attr-defined]
        try:
            page = self.opener.open(page_url, timeout=120).read().decode()
            values, units, kinds = read_form(page)
        except Exception as exc:
            self.errors.append(f"form: {exc}")
            self.ready.wait()
            return
        revision = values["revision"]
        choices = [u for u, names in units.items() if u.endswith(("-done", "-results"))]
        numbers = [
            u for u, names in units.items()
            if u.startswith("indicator-") and names == [names[0]] and names[0].endswith("-value")
            and kinds[names[0]] == "input"
        ]  # fmt: skip
        self.ready.wait()
        time.sleep(self.rng.uniform(0, self.every[1]))  # not all at the same second
        n = 0
        while time.time() < self.until:
            n += 1
            unit = self.rng.choice(numbers) if numbers and self.rng.random() < 0.3 else None
            unit = unit or self.rng.choice(choices)
            name = units[unit][0]
            value = (
                str(self.rng.randint(50, 1500))
                if unit.startswith("indicator-")
                else f"Đã triển khai, lần lưu {n} ({self.spec['agency']})."
            )
            status, body, ms = self.post(
                page_url + "draft/",
                {"revision": revision, "action": "save", name: value},
                "application/json",
            )
            self.latencies.append(ms)
            self.moments.append(time.time() - self.until)
            answer = _json(body)
            if status == 200 and answer.get("ok"):
                revision = str(answer["revision"])
                values[name] = value
                values["revision"] = revision
                self.last[name] = value
            else:
                self.errors.append(f"save {status}: {body[:200]!r}")
            time.sleep(max(0.0, self.rng.uniform(*self.every) - ms / 1000))
        values["action"] = "submit"
        values["revision"] = revision
        status, body, self.submit_ms = self.post(page_url, values, "text/html")
        self.submitted = status in (302, 303)
        if not self.submitted:
            self.errors.append(f"submit {status}: {body[:300]!r}")


def _json(body: bytes) -> dict:
    try:
        return json.loads(body)
    except ValueError:
        return {}


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def _windows(timed: list[tuple[float, float]], duration: int) -> list[dict]:
    """The saves' p50/p95 by tenth of the rush (seconds before its end: the submits
    come at the end), to see where a tail comes from."""
    out = []
    step = duration / 10
    for k in range(10):
        lo, hi = -duration + k * step, -duration + (k + 1) * step
        chunk = [ms for m, ms in timed if lo <= m < hi or (k == 9 and m >= hi)]
        if chunk:
            out.append({"from_s": round(lo), "saves": len(chunk),
                        "p50_ms": round(statistics.median(chunk), 1),
                        "p95_ms": round(_percentile(chunk, 95), 1)})  # fmt: skip
    return out


def _inprocess(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench/inprocess.py"), *args],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cpu_s(pids: list[int], master: int | None = None) -> float:
    """User and system CPU seconds of these processes, and (``master``) of its children
    that have exited and been waited for: gunicorn replaces a worker after
    ``max_requests``, and the replaced one's time moves to its master's cutime/cstime."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(x) for x in fields[11:13]) / tick  # utime, stime
    if master is not None:
        fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(x) for x in fields[13:15]) / tick  # cutime, cstime
    return total


def _kept_request(conn, method: str, path: str, headers: dict, body: str | None = None):
    """One request on the kept connection ``conn``: (status, body, its Set-Cookie values)."""
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    cookies = http.cookies.SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookies.load(header)
    return response.status, response.read(), {k: m.value for k, m in cookies.items()}


def kept_connection(base: str, env: dict, rounds: int = 300, workers=None,
                    master: int | None = None) -> dict:  # fmt: skip
    """One reporter saving one field after another on one kept connection, as nginx
    sends them to gunicorn (decision 94), then the trivial view as many times on it:
    gunicorn's workers' CPU a request of each (what a new connection costs left out)."""
    with tempfile.TemporaryDirectory(prefix="bench-kept-") as tmp:
        specs_file = Path(tmp) / "reporters.json"
        _inprocess(env, "--rush-prepare", "1", str(specs_file))
        spec = json.loads(specs_file.read_text(encoding="utf-8"))[0]
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    page_url = f"/reporting/{spec['report']}/"
    cookies = {"sessionid": spec["session"]}
    jar = lambda: "; ".join(f"{k}={v}" for k, v in cookies.items())  # noqa: E731
    status, page, given = _kept_request(conn, "GET", page_url, {"Cookie": jar()})
    cookies.update(given)
    values, units, _kinds = read_form(page.decode())
    name = units[next(u for u in units if u.endswith("-done"))][0]
    revision, errors, out = values["revision"], 0, {}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
               "X-CSRFToken": cookies.get("csrftoken", "")}  # fmt: skip
    before = _cpu_s(workers(), master) if workers else 0.0
    for n in range(rounds):
        body = urllib.parse.urlencode({"revision": revision, "action": "save",
                                       name: f"Lưu trên một kết nối, lần {n}."})  # fmt: skip
        status, answer, _given = _kept_request(
            conn, "POST", page_url + "draft/", {**headers, "Cookie": jar()}, body
        )
        parsed = _json(answer)
        if status == 200 and parsed.get("ok"):
            revision = str(parsed["revision"])
        else:
            errors += 1
    middle = _cpu_s(workers(), master) if workers else 0.0
    for _n in range(rounds):
        status, _answer, _given = _kept_request(conn, "GET", "/bench/trivial/", {"Cookie": jar()})
        errors += status != 200
    after = _cpu_s(workers(), master) if workers else 0.0
    conn.close()
    out = {"rounds": rounds, "errors": errors, "load": " ".join(
        Path("/proc/loadavg").read_text().split()[:3])}  # fmt: skip
    if workers:
        out["save_cpu_ms"] = (middle - before) * 1000 / rounds
        out["trivial_cpu_ms"] = (after - middle) * 1000 / rounds
    return out


def run(base: str, env: dict, reporters: int, duration: int, low: float, high: float,
        workers=None, master: int | None = None) -> dict:  # fmt: skip
    """``workers``: a function giving the server's worker pids, for its CPU a save
    (``master``: their parent, for the workers replaced meanwhile)."""
    with tempfile.TemporaryDirectory(prefix="bench-rush-") as tmp:
        specs_file = Path(tmp) / "reporters.json"
        _inprocess(env, "--rush-prepare", str(reporters), str(specs_file))
        specs = json.loads(specs_file.read_text(encoding="utf-8"))
        ready = threading.Barrier(len(specs) + 1)
        threads: list[Reporter] = []
        for k, spec in enumerate(specs):
            threads.append(Reporter(base, spec, 0.0, (low, high), ready, k))
            threads[-1].start()
        ready.wait()  # every reporter has its form
        until = time.time() + duration
        cpu_before = _cpu_s(workers(), master) if workers else None
        for t in threads:
            t.until = until
        loads = []
        cpu_saves: float | None = None
        while any(t.is_alive() for t in threads):
            time.sleep(min(5.0, max(0.05, until - time.time())) if cpu_saves is None else 5)
            if cpu_saves is None and cpu_before is not None and time.time() >= until:
                # The saves are over (the submits start): the server's CPU for them.
                cpu_saves = _cpu_s(workers(), master) - cpu_before
            loads.append(" ".join(Path("/proc/loadavg").read_text().split()[:3]))
        latencies = [ms for t in threads for ms in t.latencies]
        timed = [(m, ms) for t in threads for m, ms in zip(t.moments, t.latencies, strict=True)]
        errors = [e for t in threads for e in t.errors]
        runs = [{**t.spec, "last": t.last, "submitted": t.submitted} for t in threads]
        (Path(tmp) / "runs.json").write_text(json.dumps(runs), encoding="utf-8")
        verified = _inprocess(env, "--rush-verify", str(Path(tmp) / "runs.json"))
    submits = [t.submit_ms for t in threads if t.submitted]
    return {
        "reporters": len(threads),
        "every_s": f"{low:g}–{high:g}",
        "duration_s": duration,
        "saves": len(latencies),
        "saves_per_s": len(latencies) / duration,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": _percentile(latencies, 95),
        "max_ms": max(latencies, default=None),
        "by_window": _windows(timed, duration),
        "server_cpu_ms_a_save": (
            cpu_saves * 1000 / len(latencies) if cpu_saves is not None and latencies else None
        ),
        "saves_from": until - duration,
        "saves_until": until,
        "submit_p50_ms": statistics.median(submits) if submits else None,
        "submit_max_ms": max(submits, default=None),
        "errors": len(errors),
        "error_samples": errors[:10],
        "submitted": sum(t.submitted for t in threads),
        "db": verified,
        "load": loads[len(loads) // 2] if loads else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8104")
    parser.add_argument("--reporters", type=int, default=200)
    parser.add_argument("--duration", type=int, default=90)
    parser.add_argument("--every", default="2-5", help="seconds between saves: low-high")
    args = parser.parse_args()
    low, high = (float(x) for x in args.every.split("-"))
    env = {**os.environ, "LOG_LEVEL": "ERROR"}
    print(json.dumps(run(args.base, env, args.reporters, args.duration, low, high), indent=1))


if __name__ == "__main__":
    main()
