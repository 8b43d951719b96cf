"""The consolidated report as data: the one model every writer (Word, Excel, PDF, the
printable page) is fed from. ``documents.content.assemble`` fills it from the accepted
reports, the targets' progress and the money, section by section (documents.sections).

Its texts are the document's, in Vietnamese whatever the language of the interface:
the report is an official document of a Vietnamese province.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from documents.formatting import money, number, percent
from indicators.progress import Status
from plans.models import Role


class Kind:
    ANNUAL = "annual"
    MIDTERM = "midterm"
    FINAL = "final"


KIND_LABELS = {
    Kind.ANNUAL: "Báo cáo năm",
    Kind.MIDTERM: "Sơ kết giữa kỳ",
    Kind.FINAL: "Tổng kết",
}
ITEM_STATUS: dict[str, str] = {
    "not_started": "chưa triển khai",
    "in_progress": "đang thực hiện",
    "done": "đã hoàn thành",
    "not_done": "không thực hiện",
}
MET_STATUSES = (Status.ACHIEVED, Status.RANGE_MET)
ROLE_LABELS: dict[str, str] = {Role.LEAD: "chủ trì", Role.PARTNER: "phối hợp"}
STATUS_COLOURS = {
    Status.ACHIEVED: "#198754",
    Status.RANGE_MET: "#0f5132",
    Status.ON_TRACK: "#20c997",
    Status.ACCELERATION_NEEDED: "#ffc107",
    Status.LIMITED_PROGRESS: "#fd7e14",
    Status.DETERIORATION: "#dc3545",
    Status.NOT_ACHIEVED: "#842029",
    Status.NOT_ASSESSABLE: "#adb5bd",
}


# The appendices (the Excel workbook), numbered as the body refers to them.
APPENDICES: list[tuple[str, str, str]] = [
    ("tasks", "I", "TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ"),
    ("entries", "II", "BÁO CÁO CỦA CÁC ĐƠN VỊ THEO TỪNG NHIỆM VỤ"),
    ("targets", "III", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"),
    ("compliance", "IV", "TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ"),
    ("funds", "V", "KINH PHÍ THỰC HIỆN"),
]
APPENDIX = {key: numeral for key, numeral, _title in APPENDICES}


def millions(value: int | None) -> str:
    """Đồng as a table in "triệu đồng" writes them: 1 297 000 000 → "1.297"; short
    enough never to break inside a cell."""
    return "—" if value is None else number(value / 1_000_000, 1)


# The quantities agencies give in their task results, added up: their own counts of
# their activities, not the verified registry the targets are counted from.
TOTALS_LABEL = "Số lượng do các đơn vị tự báo cáo (cộng các báo cáo, chưa đối chiếu danh mục): "


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


class DocumentError(ValueError):
    """A report that cannot be made (unknown year, bad range): in the user's language."""


@dataclass
class Entry:
    """What one agency reported on one task in one year."""

    agency: str
    role: str
    status: str
    done: list[str]
    results: list[str]
    reason: list[str]
    quantities: list[str]
    spent: int | None
    figures: list[tuple[str, float, str]] = field(default_factory=list)

    @property
    def money(self) -> str:
        return money(self.spent)

    @property
    def has_content(self) -> bool:
        return bool(self.done or self.results or self.quantities or self.spent or self.reason)


@dataclass
class TaskYear:
    year: int
    active: bool
    entries: list[Entry]

    @property
    def detailed(self) -> list[Entry]:
        """The lead agencies' entries with something written, in full. (Every
        agency's own words are in the Excel appendix, one row each.)"""
        return [e for e in self.entries if e.has_content and e.role == ROLE_LABELS[Role.LEAD]]

    @property
    def brief(self) -> list[str]:
        """Everything else, one line per role and status: "Phối hợp, đang thực hiện:
        Sở A, Sở B." and "Chưa triển khai: …"."""
        lines: dict[str, list[str]] = {}
        for e in self.entries:
            if e.has_content and e.role == ROLE_LABELS[Role.LEAD]:
                continue
            label = f"{e.role.capitalize()}, {e.status}" if e.has_content else e.status.capitalize()
            lines.setdefault(label, []).append(e.agency)
        return [f"{label}: {', '.join(names)}." for label, names in lines.items()]

    @property
    def totals(self) -> str:
        """The figures every agency reported, added up by label and unit, and money."""
        sums: dict[tuple[str, str], float] = {}
        for e in self.entries:
            for label, value, unit in e.figures:
                sums[(label, unit)] = sums.get((label, unit), 0) + value
        parts = [f"{label}: {number(v)}\u00a0{unit}".strip() for (label, unit), v in sums.items()]
        spent = sum(e.spent or 0 for e in self.entries)
        if spent:
            parts.append(f"kinh phí {money(spent)}")
        if not parts or len(self.entries) < 2:
            return ""
        return TOTALS_LABEL + "; ".join(parts) + "."


@dataclass
class TaskPart:
    code: str
    number: str
    content: str
    output: str
    leads: str
    partners: str
    timeframe: str
    years: list[TaskYear]
    spent: int = 0

    @property
    def reported(self) -> bool:
        return any(y.entries for y in self.years)

    @property
    def period_lines(self) -> list[str]:
        """What a review says of the task over its years, in a few lines (every
        agency's entry of every year is in Phụ lục II): the last statuses, the lead's
        last results, the quantities the agencies reported over the period."""
        reported = [y for y in self.years if y.entries]
        if not reported:
            active = any(y.active for y in self.years)
            return ["Chưa có báo cáo được chấp nhận về nhiệm vụ này." if active
                    else "Nhiệm vụ không triển khai trong giai đoạn."]  # fmt: skip
        last = reported[-1]
        lines = [f"Năm {last.year}: {self.status_line}."]
        lead = next((e for e in last.detailed), None)
        if lead is not None:
            text = " ".join(lead.results or lead.done)
            if text:
                lines.append(f"{lead.agency}: {_shorten(text, 360)}")
        period = TaskYear(0, True, [e for y in reported for e in y.entries])
        if period.totals:
            lines.append(
                period.totals.replace(TOTALS_LABEL, TOTALS_LABEL.replace(":", " cả giai đoạn:"))
            )
        return lines

    @property
    def status_line(self) -> str:
        """The statuses agencies gave in the last year reported ("đã hoàn thành (2)…")."""
        for year in reversed(self.years):
            if year.entries:
                counts: dict[str, int] = {}
                for e in year.entries:
                    counts[e.status] = counts.get(e.status, 0) + 1
                return "; ".join(f"{s} ({n})" if n > 1 else s for s, n in counts.items())
        return ""


@dataclass
class GroupPart:
    number: str
    title: str
    tasks: list[TaskPart]

    @property
    def spent(self) -> int:
        return sum(t.spent for t in self.tasks)


@dataclass
class TargetRow:
    position: int
    milestone: int
    text: str
    indicator: str
    unit: str
    baseline: str
    value: str
    value_year: str
    status: str
    status_label: str
    reason: str
    values: dict[int, str] = field(default_factory=dict)
    source: str = ""  # where the value comes from ("danh mục đã xác minh", reports)


@dataclass
class ComplianceYear:
    year: int
    due_date: dt.date
    expected: int
    on_time: int
    late: int
    missing: int
    accepted: int

    @property
    def completeness(self) -> str:
        return percent(100 * (self.on_time + self.late) / self.expected) if self.expected else ""

    @property
    def timeliness(self) -> str:
        return percent(100 * self.on_time / self.expected) if self.expected else ""


@dataclass
class ComplianceRow:
    agency: str
    on_time: int
    late: int
    missing: int
    detail: str


@dataclass
class FundRow:
    """Money of a group, a year, a source or the total. ``allocated`` is None where no
    allocation was decided; the execution rate is spent ÷ allocated over what was
    allocated (``rated_spent``: the spending of the years with an allocation), as the
    funding pages compute it (budget.summary.Figures.rate), and blank without one."""

    label: str
    estimated: int | None
    allocated: int | None
    spent: int
    rated_spent: int | None = None

    @property
    def rate_value(self) -> float | None:
        if not self.allocated:
            return None
        spent = self.spent if self.rated_spent is None else self.rated_spent
        return round(100 * spent / self.allocated, 1)

    @property
    def rate(self) -> str:
        value = self.rate_value
        return percent(value) if value is not None else ""

    @property
    def estimated_text(self) -> str:
        return money(self.estimated) if self.estimated is not None else "—"

    @property
    def allocated_text(self) -> str:
        return money(self.allocated) if self.allocated is not None else "—"

    @property
    def spent_text(self) -> str:
        return money(self.spent)

    @property
    def estimated_m(self) -> str:
        return millions(self.estimated)

    @property
    def allocated_m(self) -> str:
        return millions(self.allocated)

    @property
    def spent_m(self) -> str:
        return millions(self.spent)


@dataclass
class AgencyNote:
    agency: str
    year: int
    difficulties: list[str]
    proposals: list[str]


@dataclass
class Direction:
    code: str
    content: str
    leads: str


@dataclass
class Chart:
    name: str
    title: str
    png: bytes


@dataclass
class ConsolidatedReport:
    kind: str
    years: list[int]
    plan_code: str
    plan_title: str
    plan_reference: str
    parent_body: str
    issuer: str
    issuer_name: str
    symbol: str
    place: str
    date_line: str
    title: str
    intro: str
    situation: list[str]
    groups: list[GroupPart]
    targets: list[TargetRow]
    compliance_years: list[ComplianceYear]
    compliance: list[ComplianceRow]
    funds: list[FundRow]
    funds_years: list[FundRow]
    funds_total: FundRow
    budget_available: bool
    funds_sources: list[FundRow]
    funds_reported: int
    funds_unbudgeted: int
    funds_rated_years: list[int]
    notes: list[AgencyNote]
    directions: list[Direction]
    directions_targets: list[TargetRow]
    next_label: str
    accepted_reports: int
    generated_on: dt.date
    charts: dict[str, Chart] = field(default_factory=dict)

    recipients: list[str] = field(default_factory=list)

    @property
    def review(self) -> bool:
        return self.kind != Kind.ANNUAL

    @property
    def appendix(self) -> dict[str, str]:
        """{"targets": "III", …}: how the body refers to each appendix."""
        return dict(APPENDIX)

    @property
    def attached(self) -> str:
        """The line under each appendix's title: which report it goes with."""
        return (
            f"(Kèm theo Báo cáo số …/{self.symbol} ngày …/…/{self.generated_on.year} "
            f"của {self.issuer_name})"
        )

    @property
    def funds_reported_text(self) -> str:
        return money(self.funds_reported)

    @property
    def funds_unbudgeted_text(self) -> str:
        return money(self.funds_unbudgeted)

    @property
    def notes_body(self) -> list[AgencyNote]:
        """The difficulties and proposals the body quotes: a review, those of its last
        year (every year's are in the agencies' reports)."""
        if not self.review:
            return self.notes
        return [n for n in self.notes if n.year == self.years[-1]]

    @property
    def targets_met(self) -> list[TargetRow]:
        return [
            t for t in self.targets if t.status in MET_STATUSES and t.milestone <= self.years[-1]
        ]

    @property
    def targets_missed(self) -> list[TargetRow]:
        return [t for t in self.targets if t.status == Status.NOT_ACHIEVED]

    @property
    def tasks_not_done(self) -> list[str]:
        """Tasks an agency reported as not carried out in the last year, with why."""
        out = []
        for g in self.groups:
            for t in g.tasks:
                last = t.years[-1] if t.years else None
                for e in last.entries if last else []:
                    if e.status == ITEM_STATUS["not_done"]:
                        why = " ".join(e.reason) or "không nêu lý do"
                        out.append(f"{t.code} ({e.agency}): {_shorten(why, 200)}")
        return out

    @property
    def lessons(self) -> list[str]:
        """Lessons a review draws from its own figures."""
        out = []
        years = self.compliance_years
        if len(years) > 1 and years[0].expected and years[-1].expected:
            first, last = years[0], years[-1]
            out.append(
                f"Tỷ lệ đơn vị gửi báo cáo đúng hạn từ {first.timeliness} (năm {first.year}) "
                f"đến {last.timeliness} (năm {last.year}): việc giao rõ đơn vị chủ trì, thời hạn "
                "và theo dõi, nhắc hạn thường xuyên quyết định chất lượng tổng hợp."
            )
        if self.targets_missed:
            out.append(
                f"{len(self.targets_missed)} chỉ tiêu không đạt ở mốc {self.years[-1]}: cần số "
                "liệu theo dõi hằng năm cho từng chỉ tiêu và điều chỉnh giải pháp ngay khi tiến "
                "độ chậm, không đợi đến cuối giai đoạn."
            )
        rate, rated = self.funds_total.rate, self.funds_rated_years
        if rate and rated:
            out.append(
                f"Kinh phí được giao các năm {rated[0]}–{rated[-1]} đã sử dụng {rate}: việc "
                "giao dự toán sớm và theo dõi giải ngân theo từng nhiệm vụ cần được duy trì."
            )
        return out

    @property
    def recipient_lines(self) -> list[str]:
        """ "- UBND tỉnh Quảng Trị;" … "- Bộ Công Thương." (the Kính gửi block)."""
        last = len(self.recipients) - 1
        return [f"- {r}{'.' if i == last else ';'}" for i, r in enumerate(self.recipients)]

    @property
    def year_label(self) -> str:
        if len(self.years) == 1:
            return str(self.years[0])
        return f"{self.years[0]}–{self.years[-1]}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def empty(self) -> bool:
        return self.accepted_reports == 0

    @property
    def filename(self) -> str:
        stem = {"annual": "bao-cao", "midterm": "so-ket", "final": "tong-ket"}[self.kind]
        years = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        return f"{stem}-{self.plan_code}-{years}"
