"""Where a main page's time goes: cProfile over N requests of one page through the
Django test client, as a province's coordinator (the pages of bench/inprocess.py), on
the database of ``DATABASE_URL`` (a dataset of bench/dataset.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pw_bench \\
        .venv/bin/python bench/profile_page.py "task table" [--rounds 20] [--sort tottime]
    ... bench/profile_page.py all          # each page's mean time, no profile

Not a timed test: a tool for finding what to make faster.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import inprocess  # sets Django up


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", help='a page of bench/inprocess.py, "trivial", or "all"')
    parser.add_argument("--province", type=int, default=17)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--callees", default="", help="print what this function calls")
    args = parser.parse_args()
    from accounts.models import User

    user = User.objects.get(username=f"bench-coordinator-p{args.province:02d}")
    client, _cookie = inprocess.signed_in(user)
    pages = inprocess.main_pages(args.province)
    pages["trivial"] = "/bench/trivial/"
    chosen = pages if args.page == "all" else {args.page: pages[args.page]}
    for name, url in chosen.items():
        assert client.get(url).status_code == 200, name  # warm up
        start, wall = time.process_time(), time.perf_counter()
        for _ in range(args.rounds):
            client.get(url)
        cpu = (time.process_time() - start) / args.rounds * 1000
        wall = (time.perf_counter() - wall) / args.rounds * 1000
        print(f"{name:24} {cpu:8.1f} ms CPU {wall:8.1f} ms wall a request", flush=True)
    if args.page != "all":
        url = pages[args.page]
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.rounds):
            client.get(url)
        profile.disable()
        stats = pstats.Stats(profile).sort_stats(args.sort)
        if args.callees:
            stats.print_callees(args.callees)
        else:
            stats.print_stats(args.lines)


if __name__ == "__main__":
    main()
