"""Issue 17 in one command: build (or reuse) the national datasets on PostgreSQL, then
measure, and print the goals' table in markdown (bench/README.md).

    .venv/bin/python bench/issue17.py             # ~9 min with the datasets built
    .venv/bin/python bench/issue17.py --rebuild   # the datasets built again first (~+25 min)
    .venv/bin/python bench/issue17.py --quick     # 10 rounds a page, 60 s rushes

1. ``bench/dataset.py`` builds 1, 8 and 34 provinces into ``pw_bench_p1``,
   ``pw_bench_p8`` and ``pw_bench`` (``--db-prefix``), or reuses them.
2. In-process, on each database (Django test client, a coordinator of one province):
   the query count of every main page, so that 1, 8 and 34 provinces can be compared;
   on the largest, the cost of saving one changed field through the browser's autosave
   endpoint (``reporting:draft``: queries, and the server's CPU time), and the time of
   the province-year .docx, .xlsx and .pdf (``documents.generate.build``).
3. gunicorn (deploy/gunicorn.conf.py, 2 workers, PLANWATCH_BENCH=1 for the trivial
   view ``/bench/trivial/``) on the largest database: the p50 and p95 of each main page
   over HTTP with the coordinator's session cookie, the trivial view in the same rounds.
4. The deadline rush (bench/rush.py) against the same gunicorn: 200 reporters saving
   every 2–5 s, then submitting; and the variant of browsers saving every 10–30 s. The
   database is then asked whether every submit and every reporter's last save arrived;
   the reports are put back to drafts afterwards, so that the run can be repeated.
5. The national CSV of values (``BENCH_CSV_URL``, by default the API's
   ``/api/v1/exports/values.csv``, read by an administrator; empty to skip): its time
   and the web worker's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432/"
PORT = int(os.environ.get("BENCH_PORT", "8104"))


def db_url(prefix: str, provinces: int) -> str:
    """The national dataset (34 provinces) in ``prefix``, the others in ``prefix_pN``."""
    return PG + (prefix if provinces == 34 else f"{prefix}_p{provinces}")


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    found = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not found:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def env_for(url: str) -> dict:
    var = ROOT / "var" / ("bench-" + url.rsplit("/", 1)[1])
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PLANWATCH_VAR_DIR": str(var),
        "LOG_LEVEL": "ERROR",
        "ACCESS_LOG_LEVEL": "WARNING",
        "PLANWATCH_BENCH": "1",
    }


def build(url: str, provinces: int, rebuild: bool = False) -> float:
    if rebuild:
        name = url.rsplit("/", 1)[1]
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True
        )
    ensure_database(url)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "bench/dataset.py"), "--provinces", str(provinces)],
        env=env_for(url), check=True,
    )  # fmt: skip
    return time.perf_counter() - start


def in_process(url: str, province: int, deep: bool) -> dict:
    args = [sys.executable, str(ROOT / "bench/inprocess.py"), "--province", str(province)]
    out = subprocess.run(
        [*args, *(["--deep"] if deep else [])],
        env=env_for(url), check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def say(what: str) -> None:
    print(
        f"[{time.strftime('%H:%M:%S')}] {what} (load {load_average()})", file=sys.stderr, flush=True
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Server:
    """gunicorn with the deploy configuration, 2 workers."""

    def __init__(self, url: str, **extra: str):
        self.url, self.base, self.extra = url, f"http://127.0.0.1:{PORT}", extra

    def __enter__(self) -> Server:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", PORT)) == 0:
                sys.exit(f"port {PORT} is in use (BENCH_PORT)")
        env = {**env_for(self.url), "GUNICORN_WORKERS": "2", **self.extra}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
             "-b", f"127.0.0.1:{PORT}", "planwatch.wsgi:application"],
            cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + "/accounts/login/", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def timed_get(opener, url: str) -> tuple[float, int]:
    start = time.perf_counter()
    try:
        with opener.open(url, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return (time.perf_counter() - start) * 1000, status


def pages_over_http(server: Server, info: dict, rounds: int) -> dict:
    from bench.rush import session_opener

    opener = session_opener(server.base, info["session"])
    pages = {**info["pages"], "trivial view": "/bench/trivial/"}
    times: dict[str, list[float]] = {name: [] for name in pages}
    for name, path in pages.items():  # warm up, and check that each page answers
        _ms, status = timed_get(opener, server.base + path)
        if status != 200:
            raise RuntimeError(f"{name} {path}: {status}")
    for _ in range(rounds):
        for name, path in pages.items():
            ms, _status = timed_get(opener, server.base + path)
            times[name].append(ms)
    return {
        name: {"p50": statistics.median(v), "p95": percentile(v, 95), "n": len(v)}
        for name, v in times.items()
    }


class Reader(threading.Thread):
    """The coordinator reading the main pages in turn while the reporters rush (one
    page a second): what a leader waits for at the deadline, kept pages and all."""

    def __init__(self, server: Server, info: dict):
        super().__init__(daemon=True)
        from bench.rush import session_opener

        self.opener = session_opener(server.base, info["session"])
        self.base, self.pages = server.base, info["pages"]
        self.stop = threading.Event()
        self.times: dict[str, list[tuple[float, float]]] = {name: [] for name in self.pages}

    def run(self) -> None:
        while not self.stop.is_set():
            for name, path in self.pages.items():
                at = time.time()
                ms, _status = timed_get(self.opener, self.base + path)
                self.times[name].append((at, ms))
                if self.stop.wait(1.0):
                    return

    def result(self, saves_from: float, saves_until: float) -> dict:
        """Each page's readings while the reporters saved, and the slowest of those
        before (200 forms read at once) and after (200 submits at once)."""
        out = {}
        for name, readings in self.times.items():
            during = [ms for at, ms in readings if saves_from <= at < saves_until]
            other = [ms for at, ms in readings if not saves_from <= at < saves_until]
            if during:
                out[name] = {
                    "p50": statistics.median(during),
                    "p95": percentile(during, 95),
                    "n": len(during),
                    "max_outside": max(other, default=None),
                }
        return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def csv_export(server: Server, info: dict) -> dict | None:
    path = os.environ.get("BENCH_CSV_URL", "/api/v1/exports/values.csv")
    if not path:
        return None
    from bench.rush import session_opener

    opener = session_opener(server.base, info["admin_session"])
    rss: list[float] = []
    start = time.perf_counter()
    size = 0
    with opener.open(server.base + path, timeout=600) as response:
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if len(rss) < 1000:
                rss.append(max(_rss(pid) for pid in server.workers()))
    return {"seconds": time.perf_counter() - start, "bytes": size, "rss_mb": rss}


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-prefix", default="pw_bench")
    parser.add_argument("--sizes", default="1,8,34", help="provinces of each dataset")
    parser.add_argument("--province", type=int, default=17, help="the coordinator's province")
    parser.add_argument("--rounds", type=int, default=30, help="requests per page")
    parser.add_argument("--reporters", type=int, default=200)
    parser.add_argument("--duration", type=int, default=90, help="seconds of each rush")
    parser.add_argument("--quick", action="store_true", help="10 rounds, 60 s rushes")
    parser.add_argument("--no-rush", action="store_true")
    parser.add_argument(
        "--rebuild", action="store_true", help="drop and build the datasets again (see README)"
    )
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 10, 60
    sys.path.insert(0, str(ROOT))
    sizes = sorted(int(s) for s in args.sizes.split(","))
    biggest = sizes[-1]
    started = time.perf_counter()
    results: dict = {"load": {}, "build": {}, "queries": {}}
    for n in sizes:
        url = db_url(args.db_prefix, n)
        say(f"dataset of {n} provinces: build or reuse")
        results["build"][n] = build(url, n, args.rebuild)
        say(f"{n} provinces: queries{', save, documents' if n == biggest else ''}")
        province = min(args.province, n)
        info = in_process(url, province, deep=n == biggest)
        results["queries"][n] = info["queries"]
        if n == biggest:
            results["deep"] = info
    url = db_url(args.db_prefix, biggest)
    results["load"]["in-process"] = load_average()
    from bench import rush

    with Server(url) as server:
        results["load"]["pages"] = load_average()
        say(f"pages over HTTP, {args.rounds} rounds")
        results["pages"] = pages_over_http(server, results["deep"], args.rounds)
        results["load"]["pages, after"] = load_average()
        say("one reporter saving on one kept connection")
        results["kept_connection"] = rush.kept_connection(
            server.base, env_for(url), workers=server.workers, master=server.process.pid
        )
        if not args.no_rush:
            for variant, (low, high) in (("rush", (2, 5)), ("browser", (10, 30))):
                say(f"{args.reporters} reporters saving every {low}–{high} s")
                reader = Reader(server, results["deep"])
                reader.start()
                results[variant] = rush.run(
                    server.base,
                    env_for(url),
                    args.reporters,
                    args.duration,
                    low,
                    high,
                    workers=server.workers,
                    master=server.process.pid,
                )
                reader.stop.set()
                reader.join()
                results[variant]["pages_meanwhile"] = reader.result(
                    results[variant]["saves_from"], results[variant]["saves_until"]
                )
                results["load"][variant] = results[variant]["load"]
        results["csv"] = csv_export(server, results["deep"])
    with Server(url, PAGE_CACHE="0") as server:
        say(f"pages over HTTP, kept pages off (each one rendered), {args.rounds} rounds")
        results["pages_rendered"] = pages_over_http(server, results["deep"], args.rounds)
        results["load"]["pages rendered"] = load_average()
    results["total_s"] = time.perf_counter() - started
    out = ROOT / "var" / "bench-issue17.json"
    out.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    from bench.table import markdown

    print(markdown(results, sizes))
    print(f"\n(all figures in {out}; the run took {results['total_s'] / 60:.1f} min)")


if __name__ == "__main__":
    main()
