"""How long a manage.py command takes to start (not a timed test). Each command
runs N times in a fresh process on a migrated database with the seed plan; the
median wall time is printed with the interpreter's own start for reference.

    .venv/bin/python bench/startup.py [N]

Run it on a quiet machine; the goal is under 1 s for every command. The
bytecode must be compiled (make install does it for the dependencies; the first
run compiles the project's own modules unless PYTHONDONTWRITEBYTECODE is set)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "plans" / "data" / "ke-hoach-sxtdbv-quang-binh-2021.txt"
COMMANDS = [
    ("python -c pass", [sys.executable, "-c", "pass"]),
    ("manage.py help", ["help"]),
    ("manage.py check", ["check"]),
    ("manage.py showmigrations", ["showmigrations"]),
    ("manage.py import_plan --dry-run (seed)", ["import_plan", str(SEED_TXT), "--dry-run"]),
    ("manage.py send_reminders", ["send_reminders"]),
    ("manage.py worker --until-empty", ["worker", "--until-empty", "--no-schedule"]),
]


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="planwatch-bench-") as var:
        env = {**os.environ, "PLANWATCH_VAR_DIR": var, "LOG_LEVEL": "ERROR"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("DATABASE_URL", None)  # SQLite: the database is not what is measured
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "load_seed_plan"], env=env, check=True, capture_output=True)
        print(f"| command | median of {runs} (s) | max (s) |\n|---|---|---|")
        for label, args in COMMANDS:
            argv = args if args[0] == sys.executable else [*manage, *args]
            times = []
            for _ in range(runs + 1):  # the first run warms the caches
                start = time.perf_counter()
                subprocess.run(argv, env=env, check=True, capture_output=True, cwd=ROOT)
                times.append(time.perf_counter() - start)
            times = times[1:]
            print(f"| `{label}` | {statistics.median(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
