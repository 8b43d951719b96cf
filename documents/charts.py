"""Charts inside the documents (matplotlib, no screen): where a picture says it
better than a table. PNG bytes, 150 dpi, sized for an A4 page.

A chart's PNG is kept on disk (``_kept``) by a hash of everything its drawing reads:
the numbers and labels it shows, this module's code, the versions of matplotlib,
Pillow and zlib, matplotlib's settings and the font files it would draw with. The
same data give the same bytes, so the next document of the same data is not drawn
again (drawing was a third of a province-year .docx, issue 17).

Each figure is laid out once as it is drawn (``layout="constrained"`` makes room for
the title, the labels and a legend below the axes) and saved at its own size:
``bbox_inches="tight"`` drew every chart twice, once to measure it (issue 17)."""

from __future__ import annotations

import hashlib
import io
import os
import sys
import zlib
from collections.abc import Callable

from django.conf import settings

# matplotlib keeps its font cache in $HOME/.config, which a service cannot write
# (ProtectSystem=strict): it would warn and rebuild the cache for every document.
os.environ.setdefault("MPLCONFIGDIR", str(settings.VAR_DIR / "cache" / "matplotlib"))

import matplotlib

matplotlib.use("Agg")

from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from documents.content import STATUS_COLOURS, Chart, ConsolidatedReport
from indicators.progress import LABELS, Status
from planwatch.i18n import in_vietnamese

FONT = ["Liberation Serif", "Times New Roman", "DejaVu Serif", "serif"]


KEEP_CHARTS = 256  # PNG files kept under VAR_DIR/cache/charts (the newest)


def _charts_dir():
    return settings.VAR_DIR / "cache" / "charts"


@cache
def _code_key() -> str:
    """This module's source and the drawing libraries' versions."""
    import PIL

    source = Path(__file__).read_bytes()
    versions = (matplotlib.__version__, PIL.__version__, zlib.ZLIB_RUNTIME_VERSION, sys.version)
    return hashlib.sha256(source + repr(versions).encode()).hexdigest()


def _fonts_key() -> tuple:
    """The font files matplotlib would draw with now (path, size, time), and its settings."""
    found: list[tuple] = []
    for family in chart_fonts():
        path = font_manager.findfont(font_manager.FontProperties(family=family))
        try:
            stat = os.stat(path)
            found.append((family, path, stat.st_size, stat.st_mtime_ns))
        except OSError:
            found.append((family, path, None, None))
    return (tuple(found), sorted((k, repr(v)) for k, v in matplotlib.rcParams.items()))


def _kept(name: str, data: tuple, draw: Callable[[], bytes]) -> bytes:
    """The PNG ``draw()`` makes of ``data``: read back from disk when it was made before."""
    _style()
    key = hashlib.sha256(repr((name, data, _code_key(), _fonts_key())).encode()).hexdigest()
    path = _charts_dir() / f"{key}.png"
    try:
        png = path.read_bytes()
        os.utime(path)  # used: among the newest again
        return png
    except OSError:
        pass
    png = draw()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.part")
        part.write_bytes(png)
        os.replace(part, path)
        _prune(path.parent)
    except OSError:  # pragma: no cover - a read-only VAR_DIR: drawn each time
        pass
    return png


def _prune(folder: Path) -> None:
    """Only the KEEP_CHARTS newest PNG files are kept."""
    files = sorted(folder.glob("*.png"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP_CHARTS:]:
        old.unlink(missing_ok=True)


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150)
    plt.close(fig)
    return out.getvalue()


VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def _covers_vietnamese(path: str) -> bool:
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(c) in charmap for c in VIETNAMESE + VIETNAMESE.upper())


@cache
def chart_fonts() -> tuple[str, ...]:
    """FONT's families, each drawn from a file that has every Vietnamese letter.
    Where two packages give one family (Debian's fonts-liberation 1.x has no
    Vietnamese, fonts-liberation2 has), matplotlib could pick either: the file
    without is forgotten. A family with no such file is skipped."""
    manager = font_manager.fontManager
    families = []
    for family in FONT[:-1]:
        entries = [f for f in manager.ttflist if f.name == family]
        good = [f for f in entries if _covers_vietnamese(f.fname)]
        if good:
            manager.ttflist = [f for f in manager.ttflist if f.name != family or f in good]
            families.append(family)
    return (*families, FONT[-1])


def _figure(height: float):
    """An A4-wide figure, laid out as it is drawn; not one of pyplot's (no window
    manager made and forgotten for each chart: the same picture)."""
    fig = Figure(figsize=(6.3, height), layout="constrained")
    return fig, fig.subplots()


def _style():
    plt.rcParams.update(
        {"font.family": "serif", "font.serif": list(chart_fonts()), "font.size": 10}
    )


def targets_chart(report: ConsolidatedReport) -> Chart | None:
    """How many targets stand where, by milestone: one bar per status."""
    if not report.targets:
        return None
    milestones = sorted({t.milestone for t in report.targets})
    statuses = [s for s in Status if any(t.status == s for t in report.targets)]
    bars = tuple(
        (
            STATUS_COLOURS[status],
            str(LABELS[status]),
            tuple(
                sum(1 for t in report.targets if t.milestone == m and t.status == status)
                for m in milestones
            ),
        )
        for status in statuses
    )
    data = (tuple(milestones), bars, report.years[-1])
    png = _kept("targets", data, lambda: _draw_targets(*data))
    return Chart("targets", "Tình hình thực hiện các chỉ tiêu", png)


def _draw_targets(milestones: tuple, bars: tuple, year: int) -> bytes:
    fig, ax = _figure(0.5 + 0.55 * len(milestones) + 0.4 + 0.8)
    left = [0] * len(milestones)
    for colour, label, counts in bars:
        drawn = ax.barh(
            [f"Mốc {m}" for m in milestones], counts, left=left, color=colour, label=label
        )
        for bar, n in zip(drawn, counts, strict=True):
            if n:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=9,
                )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_xlabel("Số chỉ tiêu")
    ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    ax.set_title(f"Tình hình thực hiện các chỉ tiêu (số liệu đến năm {year})")
    return _png(fig)


def compliance_chart(report: ConsolidatedReport) -> Chart | None:
    """Reports on time, late and missing, year by year (reviews)."""
    if len(report.compliance_years) < 2:
        return None
    data = tuple((str(c.year), c.on_time, c.late, c.missing) for c in report.compliance_years)
    png = _kept("compliance", data, lambda: _draw_compliance(data))
    return Chart("compliance", "Tình hình báo cáo qua các năm", png)


def _draw_compliance(data: tuple) -> bytes:
    fig, ax = _figure(2.8 + 0.4)
    years = [d[0] for d in data]
    on_time = [d[1] for d in data]
    late = [d[2] for d in data]
    missing = [d[3] for d in data]
    ax.bar(years, on_time, color="#198754", label="Đúng hạn")
    ax.bar(years, late, bottom=on_time, color="#ffc107", label="Muộn")
    ax.bar(
        years,
        missing,
        bottom=[a + b for a, b in zip(on_time, late, strict=True)],
        color="#dc3545",
        label="Chưa báo cáo",
    )
    ax.set_ylabel("Số đơn vị")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    ax.set_title("Tình hình báo cáo của các đơn vị qua các năm")
    return _png(fig)


def funds_chart(report: ConsolidatedReport) -> Chart | None:
    """Money spent year by year (reviews), in million đồng."""
    if len(report.funds_years) < 2 or not any(f.spent for f in report.funds_years):
        return None
    data = tuple((f.label, f.spent / 1e6) for f in report.funds_years)
    return Chart("funds", "Kinh phí theo năm", _kept("funds", data, lambda: _draw_funds(data)))


def _draw_funds(data: tuple) -> bytes:
    fig, ax = _figure(2.6)
    ax.bar([d[0] for d in data], [d[1] for d in data], color="#0d6efd")
    ax.set_ylabel("Triệu đồng")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Kinh phí các đơn vị đã sử dụng theo năm")
    return _png(fig)


@in_vietnamese
def add_charts(report: ConsolidatedReport) -> ConsolidatedReport:
    """The report with its charts (legends in Vietnamese, as the document)."""
    for make in (targets_chart, compliance_chart, funds_chart):
        chart = make(report)
        if chart:
            report.charts[chart.name] = chart
    return report
