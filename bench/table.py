"""The markdown tables of bench/issue17.py from its results (var/bench-issue17.json).

.venv/bin/python bench/table.py [var/bench-issue17.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CSV_COMMAND = "BENCH_CSV_URL=/path/of/the/values.csv .venv/bin/python bench/issue17.py"


def _ms(value) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def _s(value) -> str:
    return f"{value:.2f} s" if isinstance(value, int | float) else str(value or "—")


def pages_table(results: dict, sizes: list[int]) -> list[str]:
    pages = results.get("pages", {})
    rendered = results.get("pages_rendered", {})
    trivial = pages.get("trivial view", {}).get("p50")
    trivial_r = rendered.get("trivial view", {}).get("p50")
    head = " | ".join(f"queries at {n}" for n in sizes)
    lines = [
        f"| page | {head} | p50 | p95 | p50 ÷ trivial view (goal ≤ 3×) "
        "| rendered each time (kept pages off): p50 | ÷ its trivial view |",
        "|---|" + "---|" * len(sizes) + "---|---|---|---|---|",
    ]
    for name, t in pages.items():
        counts = " | ".join(
            str(results["queries"].get(n, results["queries"].get(str(n), {})).get(name, "—"))
            for n in sizes
        )
        ratio = f"{t['p50'] / trivial:.1f}×" if trivial and name != "trivial view" else "1×"
        r = rendered.get(name)
        r_ratio = (
            "—" if not r or not trivial_r else
            "1×" if name == "trivial view" else f"{r['p50'] / trivial_r:.1f}×"
        )  # fmt: skip
        lines.append(
            f"| {name} | {counts} | {_ms(t['p50'])} | {_ms(t['p95'])} | {ratio} "
            f"| {_ms(r['p50'] if r else None)} | {r_ratio} |"
        )
    return lines


def _worst(pages: dict) -> tuple[str | None, float, float | None]:
    trivial = pages.get("trivial view", {}).get("p50")
    name, ratio = max(
        ((n, t["p50"] / trivial) for n, t in pages.items() if n != "trivial view" and trivial),
        key=lambda x: x[1],
        default=(None, 0.0),
    )
    return name, ratio, trivial


def rush_pages_table(results: dict) -> list[str]:
    """The coordinator's pages read while the reporters rush (bench/issue17.py Reader)."""
    lines: list[str] = []
    for key, label in (("rush", "every 2–5 s"), ("browser", "every 10–30 s")):
        pages = (results.get(key) or {}).get("pages_meanwhile") or {}
        if not pages:
            continue
        if not lines:
            lines = ["| page, read while 200 reporters save | p50 | p95 | readings | slowest "
                     "reading before (200 forms read at once) or after (200 submits at once) |",
                     "|---|---|---|---|---|"]  # fmt: skip
        for name, t in pages.items():
            outside = _ms(t["max_outside"]) if t.get("max_outside") is not None else "—"
            lines.append(
                f"| {name} ({label}) | {_ms(t['p50'])} | {_ms(t['p95'])} | {t['n']} | {outside} |"
            )
    return lines


def constant_queries(results: dict, sizes: list[int]) -> bool:
    counts = [results["queries"].get(n) or results["queries"].get(str(n)) for n in sizes]
    return all(c == counts[0] for c in counts)


def _rush_rows(results: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for key, label in (("rush", "saving every 2–5 s"), ("browser", "saving every 10–30 s")):
        r = results.get(key)
        if not r:
            continue
        lost = (r["reporters"] - r["db"]["submitted_in_db"]) + r["db"]["lost"]
        aim = " ≤ 300 ms, 0 errors, 0 lost" if key == "rush" else " (no goal; issue: 469 ms)"
        rows.append(
            (
                f"{r['reporters']} reporters {label}: p95{aim}",
                f"p50 {_ms(r['p50_ms'])}, p95 {_ms(r['p95_ms'])}, max {_ms(r['max_ms'])}; "
                f"{r['saves']} saves ({r['saves_per_s']:.0f}/s), {r['errors']} errors, "
                f"{r['db']['submitted_in_db']}/{r['reporters']} submits in the database, "
                f"{r['db']['lost']} of {r['db']['fields_checked']} last saves lost",
                f"{r['p95_ms'] / 300:.1f}" + ("" if lost == 0 and not r["errors"] else " ✗"),
                r.get("load", ""),
            )
        )
    return rows


def _worst_row(label: str, worst: tuple, load: str) -> tuple[str, str, str, str]:
    name, ratio, trivial = worst
    if not name:
        return (label, "—", "—", load)
    return (
        label,
        f"worst: {name} {ratio:.1f}× (trivial view {_ms(trivial)})",
        f"{ratio / 3:.1f}",
        load,
    )


def _page_and_save_rows(results: dict, sizes: list[int]) -> list[tuple[str, str, str, str]]:
    load = results.get("load", {})
    worst = _worst(results.get("pages", {}))
    rendered = _worst(results.get("pages_rendered", {}))
    deep = results.get("deep", {})
    save = deep.get("save", {}).get("item text", {})
    value = deep.get("save", {}).get("indicator value", {})
    rows = [
        _worst_row(
            "main pages p50 ≤ 3× the trivial view (34 provinces)", worst, load.get("pages", "")
        ),
        _worst_row(
            "the same, each page rendered (kept pages off: the first reading after a change)",
            rendered,
            load.get("pages rendered", ""),
        ),
        (
            f"queries constant in data size ({', '.join(map(str, sizes))} provinces)",
            "same counts" if constant_queries(results, sizes) else "counts differ",
            "—",
            load.get("in-process", ""),
        ),
        (
            "one changed field ≤ 8 queries",
            f"{save.get('queries', '—')} (an indicator value: {value.get('queries', '—')})",
            f"{save['queries'] / 8:.1f}" if save else "—",
            load.get("in-process", ""),
        ),
        (
            "one changed field ≤ 5 ms server CPU",
            f"{_ms(save.get('cpu_ms'))} (an indicator value: {_ms(value.get('cpu_ms'))})",
            f"{save['cpu_ms'] / 5:.1f}" if save else "—",
            load.get("in-process", ""),
        ),
    ]
    rush = results.get("rush") or {}
    if rush.get("server_cpu_ms_a_save"):
        rows.append(
            (
                "the same on gunicorn: its workers' CPU during the 2–5 s rush ÷ its saves",
                f"{_ms(rush['server_cpu_ms_a_save'])} (items and values; HTTP, and the coordinator reading a page a second, included)",
                f"{rush['server_cpu_ms_a_save'] / 5:.1f}",
                rush.get("load", ""),
            )
        )
    kept = results.get("kept_connection") or {}
    if kept.get("save_cpu_ms"):
        rows.append(
            (
                "the same on gunicorn, one kept connection (as nginx sends them): its "
                "workers' CPU a save",
                f"{_ms(kept['save_cpu_ms'])} (an item's text, {kept['rounds']} saves in a "
                f"row, {kept['errors']} errors; the trivial view "
                f"{_ms(kept['trivial_cpu_ms'])} on the same connection)",
                f"{kept['save_cpu_ms'] / 5:.1f}",
                kept.get("load", ""),
            )
        )
    return rows


def goals_table(results: dict, sizes: list[int]) -> list[str]:
    load = results.get("load", {})
    docs = results.get("deep", {}).get("documents", {})
    rows = _page_and_save_rows(results, sizes)
    rows += _rush_rows(results)
    csv = results.get("csv")
    if csv:
        rss = csv["rss_mb"] or [0]
        rows.append(
            (
                "1M values as CSV ≤ 30 s, memory flat",
                f"{_s(csv['seconds'])}, {csv['bytes'] / 1e6:.0f} MB; worker RSS "
                f"{rss[0]:.0f} → {max(rss):.0f} MB",
                f"{csv['seconds'] / 30:.1f}",
                load.get("pages, after", ""),
            )
        )
    else:
        rows.append(("1M values as CSV ≤ 30 s, memory flat", f"— (`{CSV_COMMAND}`)", "—", ""))
    for fmt, goal in (("docx", 0.5), ("xlsx", 0.5), ("pdf", 2.0)):
        t = docs.get(fmt)
        over = f"{t / goal:.1f}" if isinstance(t, int | float) else "—"
        rows.append(
            (
                f"a province-year .{fmt} ≤ {goal:g} s",
                _s(t),
                over,
                load.get("in-process", ""),
            )
        )
    lines = ["| goal | measured | ÷ goal | load average (1, 5, 15 min) |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return lines


def markdown(results: dict, sizes: list[int]) -> str:
    data = results.get("deep", {}).get("dataset", {})
    built = ", ".join(f"{n}: {float(s):.0f} s" for n, s in results.get("build", {}).items())
    out = [
        "Dataset: " + ", ".join(f"{v:,} {k}" for k, v in data.items()) + f" (build/check {built})",
        "",
        *goals_table(results, sizes),
        "",
        *pages_table(results, sizes),
        "",
        *rush_pages_table(results),
    ]
    return "\n".join(out)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "var/bench-issue17.json")
    results = json.loads(path.read_text(encoding="utf-8"))
    sizes = sorted(int(n) for n in results["queries"])
    print(markdown(results, sizes))
