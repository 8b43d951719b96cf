"""Charts inside the documents (matplotlib, no screen): where a picture says it
better than a table. PNG bytes, 150 dpi, sized for an A4 page.

Each figure is laid out once as it is drawn (``layout="constrained"`` makes room for
the title, the labels and a legend below the axes) and saved at its own size:
``bbox_inches="tight"`` drew every chart twice, once to measure it (issue 17)."""

from __future__ import annotations

import io
import os

from django.conf import settings

# matplotlib keeps its font cache in $HOME/.config, which a service cannot write
# (ProtectSystem=strict): it would warn and rebuild the cache for every document.
os.environ.setdefault("MPLCONFIGDIR", str(settings.VAR_DIR / "cache" / "matplotlib"))

import matplotlib

matplotlib.use("Agg")

from functools import cache

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from documents.content import STATUS_COLOURS, Chart, ConsolidatedReport
from indicators.progress import LABELS, Status
from planwatch.i18n import in_vietnamese

FONT = ["Liberation Serif", "Times New Roman", "DejaVu Serif", "serif"]


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
    _style()
    milestones = sorted({t.milestone for t in report.targets})
    statuses = [s for s in Status if any(t.status == s for t in report.targets)]
    fig, ax = _figure(0.5 + 0.55 * len(milestones) + 0.4 + 0.8)
    left = [0] * len(milestones)
    for status in statuses:
        counts = [
            sum(1 for t in report.targets if t.milestone == m and t.status == status)
            for m in milestones
        ]
        bars = ax.barh(
            [f"Mốc {m}" for m in milestones],
            counts,
            left=left,
            color=STATUS_COLOURS[status],
            label=str(LABELS[status]),
        )
        for bar, n in zip(bars, counts, strict=True):
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
    ax.set_title(f"Tình hình thực hiện các chỉ tiêu (số liệu đến năm {report.years[-1]})")
    return Chart("targets", "Tình hình thực hiện các chỉ tiêu", _png(fig))


def compliance_chart(report: ConsolidatedReport) -> Chart | None:
    """Reports on time, late and missing, year by year (reviews)."""
    if len(report.compliance_years) < 2:
        return None
    _style()
    years = [str(c.year) for c in report.compliance_years]
    fig, ax = _figure(2.8 + 0.4)
    on_time = [c.on_time for c in report.compliance_years]
    late = [c.late for c in report.compliance_years]
    missing = [c.missing for c in report.compliance_years]
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
    return Chart("compliance", "Tình hình báo cáo qua các năm", _png(fig))


def funds_chart(report: ConsolidatedReport) -> Chart | None:
    """Money spent year by year (reviews), in million đồng."""
    if len(report.funds_years) < 2 or not any(f.spent for f in report.funds_years):
        return None
    _style()
    fig, ax = _figure(2.6)
    ax.bar(
        [f.label for f in report.funds_years],
        [f.spent / 1e6 for f in report.funds_years],
        color="#0d6efd",
    )
    ax.set_ylabel("Triệu đồng")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Kinh phí các đơn vị đã sử dụng theo năm")
    return Chart("funds", "Kinh phí theo năm", _png(fig))


@in_vietnamese
def add_charts(report: ConsolidatedReport) -> ConsolidatedReport:
    """The report with its charts (legends in Vietnamese, as the document)."""
    for make in (targets_chart, compliance_chart, funds_chart):
        chart = make(report)
        if chart:
            report.charts[chart.name] = chart
    return report
