"""From a read document to a plan in the ``planwatch.plan/1`` format, with every
source line accounted for: mapped to a field, recognised as a part of the
document that the plan does not store, or listed among the warnings."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from plans.importer import appendix as appendix_mod
from plans.importer.document import Document, Paragraph
from plans.importer.headings import fold, is_caps, marker, section_kind
from plans.importer.layout import (
    flatten_layout_tables,
    looks_like_agency,
    make_code,
    merge_paragraphs,
    milestone_of,
    single_year,
)
from plans.importer.names import KnownNames, Name, looks_like_group, split_names
from plans.importer.numbers import (
    parse_date,
    parse_period,
    parse_report_due,
    parse_timeframe,
)
from plans.importer.targets import read_targets

FORMAT = "planwatch.plan/1"


class ImportFailure(ValueError):
    """The document cannot become a plan; the message is Vietnamese and says why."""


@dataclass
class Warning:
    where: str
    message: str

    def as_json(self) -> dict:
        return {"where": self.where, "message": self.message}


@dataclass
class ImportResult:
    plan: dict
    warnings: list[Warning]
    roles: dict[str, str]  # where -> what the line became
    wordings: dict[str, dict[str, list[str]]]  # task code -> lead/partners as worded
    proposed: list[Name]  # agencies and groups the registry lacks
    source_lines: list[list[str]] = field(default_factory=list)  # [where, text] in order
    # How the document was read: "converted_from" (.doc), and for a scan "ocr": the
    # confidence of every line and field, and the page images (base64 JPEG).
    reading: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {**self.plan, "warnings": [w.as_json() for w in self.warnings]}


_ACT = re.compile(
    r"(Quyết định|Nghị quyết|Chỉ thị)\s+(?:số\s+)?(\d+[\w/.-]*?/[\w.-]*[A-ZĐa-zđ])"
    r"(?:\s+ngày\s+(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm"
    r"\s+\d{4}))?",
    re.IGNORECASE,
)
_OWN_NUMBER = re.compile(r"^Số\s*:\s*([\w/.-]+)", re.IGNORECASE)
_ATTACHED = re.compile(r"kèm\s+theo", re.IGNORECASE)
_ISSUER_IN_TEXT = re.compile(
    r"(?:của\s+)?((?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(?:tỉnh|thành phố)\s+"
    r"[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*(?:\s+[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*)*)"
)
_PROVINCE_CAPS = re.compile(r"^(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND)\s+(TỈNH|THÀNH PHỐ)\s+(.+)$")
_AGENCY_SENTENCE = re.compile(
    r"^((?:Sở|Ban|UBND|Ủy ban|Uỷ ban|Các|Văn phòng|Đài|Công an|Bộ Chỉ huy|Thanh tra|Báo)\b.+?)"
    r"\s+((?:chủ trì|có trách nhiệm|phối hợp|báo cáo|thực hiện|tham mưu|theo dõi|hướng dẫn|"
    r"xây dựng|tổ chức|căn cứ|định kỳ)\b.*)$"
)
_SIGNATURE = re.compile(r"^(TM\.|KT\.|Q\.|TL\.|TUQ\.)|^(CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC)$")


def _title_case(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words.split())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not is_caps(text[:2]) else text


def _iso(text: str | None) -> str | None:
    date = parse_date(text or "")
    return date.isoformat() if date else None


def decision_end(items) -> int:
    """Where the plan starts when the document is the decision that issues it ("QUYẾT
    ĐỊNH … Điều 1 … Nơi nhận", then "KẾ HOẠCH"): the plan's own header block; 0 when
    the document is the plan itself."""
    paragraphs = [(i, item) for i, item in enumerate(items) if isinstance(item, Paragraph)]
    decision_at = next(
        (n for n, (_i, p) in enumerate(paragraphs[:15]) if fold(p.text) == "quyet dinh"), None
    )
    if decision_at is None:
        return 0
    for n, (index, para) in enumerate(paragraphs[decision_at + 1 :], start=decision_at + 1):
        if fold(para.text) in ("ke hoach", "chuong trinh hanh dong", "chuong trinh", "de an"):
            start = index
            for back in range(n - 1, max(n - 4, decision_at), -1):  # its issuer lines
                previous_index, previous = paragraphs[back]
                if is_caps(previous.text) and not _SIGNATURE.match(previous.text):
                    start = previous_index
                else:
                    break
            return start
    return 0


class Parser:
    def __init__(
        self,
        document: Document,
        known_for: Callable[[str | None], KnownNames],
        code: str | None = None,
    ):
        self.document = document
        self.known_for = known_for
        self.code = code
        self.roles: dict[str, str] = {}
        self.warnings: list[Warning] = []
        self.proposed: dict[str, Name] = {}
        self.wordings: dict[str, dict[str, list[str]]] = {}
        self.fields: dict[str, list[str]] = {}  # a field of the plan -> the lines it came from

    # -- helpers
    def mark(self, wheres, role: str) -> None:
        for where in [wheres] if isinstance(wheres, str) else wheres:
            self.roles.setdefault(where, role)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Warning(where, message))

    # -- main
    def parse(self) -> ImportResult:
        items, decision_merged, body_paras, appendix_paras, tables = self._parts()
        merged = merge_paragraphs(body_paras, self.document.kind)
        header = self._header(decision_merged) if decision_merged else {}
        header = {**self._header(merged), **header}
        title = self._title(merged)
        attached = self._attached_decision(appendix_paras + body_paras)
        self._decision_part(decision_merged)
        issuer_text = header.get("issuer") or attached.get("issuer") or self._issuer_in_body(merged)
        known = self.known_for(issuer_text)
        self.known = known
        issuer = self._canonical(issuer_text) if issuer_text else None
        self.issuer = issuer
        if issuer and not known.lookup(issuer):
            self._register(Name(issuer, issuer, False, False), "(tài liệu)")
        decision = (
            attached.get("decision") or header.get("decision") or {"number": None, "date": None}
        )
        if not attached.get("decision") and not header.get("decision"):
            self.warn("(tài liệu)", "Không thấy số và ngày văn bản ban hành kế hoạch.")

        sections = self._sections(merged)
        period = parse_period(title or "") or single_year(title or "") or self._period_from(merged)
        general = self._general_objective(sections)
        targets = self._targets(sections, period)
        duties = self._duties(sections)
        implements = self._implements(decision_merged + merged, decision)
        due = self._report_due(merged)
        coordinator = self._coordinator(merged, duties)

        result = appendix_mod.read_tables(tables)
        if result is None:
            raise ImportFailure(
                'Không tìm thấy bảng phụ lục nhiệm vụ (bảng có cột "Nội dung nhiệm vụ" và '
                '"Đơn vị chủ trì"). Hãy kiểm tra tài liệu có phần phụ lục dạng bảng.'
            )
        task_groups = self._task_groups(result, period)
        period = period or self._period_of_tasks(task_groups, targets)
        for where in [i.where for i in appendix_paras]:
            self.mark(where, "phụ lục: tiêu đề")

        plan = {
            "format": FORMAT,
            "code": self.code or make_code(title or "", issuer, decision, period),
            "title": title or "",
            "issuer": issuer,
            "decision": decision,
            "implements": implements,
            "period": {"start": period[0], "end": period[1]},
            "coordinator": coordinator,
            "report_due": {"month": due[0], "day": due[1]} if due else None,
            "general_objective": general,
            "targets": targets,
            "task_groups": task_groups,
            "duties": duties,
        }
        return self._result(plan, items)

    def _parts(self):
        """The document's items (running headers set aside), the covering decision's
        paragraphs, the plan's, the appendix's and the tables."""
        items = flatten_layout_tables(self.document.items)
        for item in items:
            if isinstance(item, Paragraph) and item.role:
                self.mark(item.where, item.role)  # a running header, a page number
        items = [i for i in items if not (isinstance(i, Paragraph) and i.role)]
        plan_at = decision_end(items)
        decision_merged = merge_paragraphs(
            [i for i in items[:plan_at] if isinstance(i, Paragraph)], self.document.kind
        )
        appendix_at, headed = self._appendix_start(items)
        # A task table inline in the body (no "Phụ lục" heading) is no appendix: the
        # paragraphs after it are the plan's.
        body = items[plan_at:appendix_at] if headed else items[plan_at:]
        body_paras = [i for i in body if isinstance(i, Paragraph)]
        appendix_paras = (
            [i for i in items[appendix_at:] if isinstance(i, Paragraph)] if headed else []
        )
        tables = [i for i in items if not isinstance(i, Paragraph)]
        return items, decision_merged, body_paras, appendix_paras, tables

    def _period_of_tasks(self, task_groups, targets) -> tuple[int, int]:
        """No period in the title: the years of the tasks and milestones, warned."""
        years = [
            t["timeframe"][k]
            for g in task_groups
            for t in g["tasks"]
            for k in ("start", "end")
            if t["timeframe"][k]
        ]
        years += [t["milestone"] for t in targets]
        if not years:
            raise ImportFailure(
                "Không xác định được giai đoạn (năm bắt đầu, kết thúc) của kế hoạch."
            )
        period = (min(years), max(years))
        self.warn(
            "(tài liệu)",
            f"Không thấy giai đoạn của kế hoạch; lấy "
            f"{period[0]}-{period[1]} từ các mốc và thời gian.",
        )
        return period

    def _result(self, plan: dict, items) -> ImportResult:
        if not plan["title"]:
            self.warn("(tài liệu)", "Không thấy tên kế hoạch.")
        if not plan["targets"]:
            self.warn("(tài liệu)", "Không thấy mục tiêu cụ thể (chỉ tiêu).")
        if plan["report_due"] is None:
            self.warn("(tài liệu)", 'Không thấy hạn báo cáo hằng năm ("trước ngày …").')
        self._unmapped(items)
        source = []
        for item in items:
            if isinstance(item, Paragraph):
                source.append([item.where, item.text])
            else:
                source += [[r.where, " | ".join(r.cells)] for r in item.rows]
        return ImportResult(
            plan,
            self.warnings,
            self.roles,
            self.wordings,
            list(self.proposed.values()),
            source,
            self._reading(items),
        )

    def _reading(self, items) -> dict:
        """How the document was read, for the review screen."""
        document = self.document
        reading: dict = {}
        if document.converted_from:
            reading["converted_from"] = document.converted_from
        if document.kind == "ocr":
            import base64

            lines = document.confidence
            for item in items:
                if isinstance(item, Paragraph) and item.where in self.roles:
                    self.fields.setdefault(f"role-{self.roles[item.where]}", []).append(item.where)
            reading["ocr"] = {
                "lines": lines,
                "fields": {
                    key: min((lines[w] for w in wheres if w in lines), default=None)
                    for key, wheres in self.fields.items()
                },
                "pages": [base64.b64encode(image).decode("ascii") for image in document.pages],
            }
        return reading

    # -- parts
    def _appendix_start(self, items) -> tuple[int, bool]:
        """Where the appendix starts, and whether a "Phụ lục" heading opens it."""
        for index, item in enumerate(items):
            if isinstance(item, Paragraph) and re.match(r"^ph[uụ]\s*l[uụ]c\b", fold(item.text)):
                return index, True
        for index, item in enumerate(items):
            if not isinstance(item, Paragraph) and appendix_mod.find_header(item):
                return index, False
        return len(items), False

    def _header(self, merged) -> dict:
        found: dict = {}
        previous = ""
        for para, wheres in merged[:12]:
            text = para.text
            joined = f"{previous} {text}" if previous else text
            previous = text if fold(text) in ("uy ban nhan dan", "ubnd") else ""
            if previous:
                self.mark(wheres, "cơ quan ban hành")
                continue
            caps = _PROVINCE_CAPS.match(joined.upper() if is_caps(joined) else "")
            if caps and "issuer" not in found:
                found["issuer"] = f"UBND {caps[1].lower()} {_title_case(caps[2])}"
                self.mark(wheres, "cơ quan ban hành")
                continue
            own = _OWN_NUMBER.match(text)
            if own:
                found.setdefault("decision", {"number": own[1].rstrip("."), "date": None})
                date = parse_date(text)
                if date:
                    found["decision"]["date"] = date.isoformat()
                self.mark(wheres, "số văn bản")
                continue
            if re.search(r",\s*ngày\s+\d", text) and parse_date(text) and "decision" in found:
                found["decision"]["date"] = found["decision"]["date"] or _iso(text)
                self.mark(wheres, "ngày văn bản")
                continue
            if fold(text).startswith(("cong hoa xa hoi", "doc lap - tu do", "doc lap – tu do")):
                self.mark(wheres, "quốc hiệu")
        return found

    def _title(self, merged) -> str | None:
        for index, (para, wheres) in enumerate(merged[:20]):
            key = fold(para.text)
            if key in ("ke hoach", "chuong trinh hanh dong", "de an"):
                if index + 1 < len(merged):
                    subject, sub_wheres = merged[index + 1]
                    self.mark(wheres, "tên kế hoạch")
                    self.mark(sub_wheres, "tên kế hoạch")
                    return f"{para.text[:1]}{para.text[1:].lower()} {_lower_first(subject.text)}"
            if key.startswith("ke hoach ") and len(key) > 30 and marker(para.text).level == "none":
                self.mark(wheres, "tên kế hoạch")
                return para.text
        return None

    def _attached_decision(self, paragraphs) -> dict:
        for para in paragraphs:
            if _ATTACHED.search(para.text):
                act = _ACT.search(para.text)
                if act:
                    found: dict[str, object] = {
                        "decision": {"number": act[2], "date": _iso(para.text[act.start() :])}
                    }
                    issuer = _ISSUER_IN_TEXT.search(para.text[act.end() :])
                    if issuer:
                        found["issuer"] = issuer[1]
                    self.mark(para.where, "quyết định ban hành")
                    return found
        return {}

    def _decision_part(self, merged) -> None:
        """The covering decision's lines: its articles, grounds, signature, recipients."""
        recipients = False
        for para, wheres in merged:
            key = fold(para.text)
            if key.startswith("noi nhan"):
                recipients = True
            if recipients:
                role = "quyết định: nơi nhận, chữ ký"
            elif re.match(r"^dieu\s+\d+", key):
                role = "quyết định: điều khoản"
            elif key.startswith("can cu") or key.startswith("theo de nghi"):
                role = "quyết định: căn cứ"
            else:
                role = "quyết định ban hành kế hoạch"
            self.mark(wheres, role)

    def _issuer_in_body(self, merged) -> str | None:
        for para, _w in merged[:15]:
            match = re.search(r"((?:UBND|Ủy ban nhân dân)\s+tỉnh\s+[^,]+?)\s+ban hành", para.text)
            if match:
                return match[1]
        return None

    def _canonical(self, wording: str) -> str:
        found = self.known.lookup(wording)
        return found.canonical if found else " ".join(wording.split())

    def _sections(self, merged) -> dict[str, list[tuple[Paragraph, list[str], str, str]]]:
        """Paragraphs grouped by top-level section kind, with their markers."""
        sections: dict[str, list] = {"preamble": []}
        current = "preamble"
        for para, wheres in merged:
            if para.where in self.roles:
                continue
            if fold(para.text).startswith("noi nhan"):
                current = "closing"
            mark = marker(para.text)
            # A numbered section after "Nơi nhận" is more of the plan, not its signature.
            if mark.level == "roman" and (
                current != "closing" or section_kind(mark.rest) != "other"
            ):
                current = section_kind(mark.rest)
                sections.setdefault(current, [])
                self.mark(wheres, f"mục {mark.number}")
                continue
            sections.setdefault(current, []).append((para, wheres, mark.level, mark.rest))
        for _p, wheres, _l, _r in sections.get("preamble", []):
            role = "căn cứ" if _ACT.search(_p.text) else "mở đầu"
            self.mark(wheres, role)
        # The closing lines (recipients, signature) are recognised one by one in
        # _unmapped: anything else there is warned, never swallowed.
        for kind, role in (
            ("purpose", "mục đích, yêu cầu (không lưu)"),
            ("funding", "kinh phí (không lưu)"),
            ("tasks", "nhiệm vụ (xem phụ lục)"),
        ):
            for _p, wheres, _l, _r in sections.get(kind, []):
                self.mark(wheres, role)
        return sections

    def _general_objective(self, sections) -> str | None:
        paras = sections.get("objectives", [])
        text: list[str] = []
        inside = False
        for para, wheres, level, rest in paras:
            key = fold(rest)
            if level in ("arabic", "letter") and (
                "muc tieu tong quat" in key or "muc tieu chung" in key
            ):
                inside = True
                self.mark(wheres, "mục tiêu tổng quát")
                tail = rest.split(":", 1)[1].strip() if ":" in rest else ""
                if tail:
                    text.append(tail)
                continue
            if inside and level in ("arabic", "letter"):
                break
            if inside:
                text.append(para.text if level == "none" else rest)
                self.mark(wheres, "mục tiêu tổng quát")
        return " ".join(text) if text else None

    def _targets(self, sections, period) -> list[dict]:
        paras = sections.get("objectives", [])
        targets: list[dict] = []
        inside = False
        milestone = None
        for para, wheres, level, rest in paras:
            key = fold(rest)
            if level in ("arabic", "letter") and (
                "muc tieu cu the" in key or key.startswith(("chi tieu", "cac chi tieu"))
            ):
                inside = True  # "2. Mục tiêu cụ thể", "2. Chỉ tiêu đến năm 2025"
                milestone = milestone_of(rest) or milestone
                self.mark(wheres, "mục tiêu cụ thể")
                continue
            if not inside:
                continue
            year = milestone_of(rest) if level in ("letter", "arabic", "none") else None
            if year and len(rest) < 80:
                milestone = year
                self.mark(wheres, f"mốc {year}")
                continue
            if level in ("arabic",) and "muc tieu" in key:
                break
            if level in ("bullet", "none", "letter", "arabic"):
                text = rest if level != "none" else para.text
                if milestone is None:
                    milestone = period[1] if period else None
                    self.warn(
                        para.where, "Chỉ tiêu không nằm dưới mốc năm nào; lấy năm cuối giai đoạn."
                    )
                if milestone is None:
                    continue
                for target in read_targets(text, milestone):
                    self.fields[f"target-{len(targets)}"] = list(wheres)
                    targets.append(target)
                self.mark(wheres, f"chỉ tiêu {milestone}")
        return targets

    def _duties(self, sections) -> list[dict]:
        duties: list[dict] = []
        current: dict | None = None
        for para, wheres, level, rest in sections.get("organisation", []) + sections.get(
            "reporting", []
        ):
            if level in ("arabic", "letter") and len(rest) < 150 and not rest.endswith((";", ".")):
                heading = rest.rstrip(":").strip()
                current = {
                    "agency": heading,
                    "items": [],
                    "_where": para.where,
                    "_heading_known": bool(self.known.lookup(heading)),
                }
                duties.append(current)
                self.mark(wheres, "tổ chức thực hiện: cơ quan")
                continue
            sentence = _AGENCY_SENTENCE.match(rest) if level == "arabic" else None
            if sentence:  # "1. Sở Công Thương chủ trì theo dõi, …": agency and duty in one
                item = sentence[2][:1].upper() + sentence[2][1:]
                current = {
                    "agency": sentence[1].strip(),
                    "items": [item],
                    "_where": para.where,
                    "_heading_known": True,
                }
                duties.append(current)
                self.mark(wheres, "tổ chức thực hiện: cơ quan, nhiệm vụ")
                continue
            if current is None:
                self.mark(wheres, "tổ chức thực hiện")
                self.warn(
                    para.where,
                    "Đoạn thuộc phần tổ chức thực hiện nhưng không rõ cơ quan "
                    "nào; chưa lưu thành trách nhiệm.",
                )
                continue
            item = rest if level in ("bullet", "letter", "arabic") else para.text
            current["items"].append(item)
            current.setdefault("_wheres", []).append(wheres)
            self.mark(wheres, "tổ chức thực hiện: nhiệm vụ")
        result = []
        for duty in duties:
            if not duty["items"]:
                continue
            agency = duty["agency"]
            if not duty["_heading_known"] and not looks_like_agency(agency):
                subject = self.known.longest_prefix(duty["items"][0])
                if subject:
                    length, _found = subject
                    agency = duty["items"][0][:length].strip()
                    rest = duty["items"][0][length:].strip()
                    duty["items"][0] = rest[:1].upper() + rest[1:]
                else:
                    self._not_a_duty(duty)
                    continue
            names = [self._self_reference(n) for n in split_names(agency, self.known)]
            if len(names) == 1:
                agency = self._register(names[0], duty["_where"])
            elif not self.known.lookup(agency):
                # "Các sở, ban, ngành, UBND các huyện…" as one heading: a group as worded.
                agency = self._register(Name(agency, agency, False, True), duty["_where"])
            result.append({"agency": agency, "items": duty["items"]})
        return result

    def _not_a_duty(self, duty: dict) -> None:
        """A heading that names no agency ("Chế độ báo cáo"): never proposed as one; its
        lines are the reporting regime when they set the yearly deadline, else warned."""
        self.roles[duty["_where"]] = "tổ chức thực hiện: mục"
        for wheres, text in zip(duty.get("_wheres", []), duty["items"], strict=False):
            for where in wheres:
                self.roles.pop(where, None)
            if parse_report_due(text):
                self.mark(wheres, "chế độ báo cáo")
                continue
            self.warn(
                wheres[0],
                f'Mục "{duty["agency"][:60]}" không nêu cơ quan nào; đoạn này chưa lưu '
                "thành trách nhiệm của cơ quan nào.",
            )

    def _implements(self, merged, decision) -> list[dict]:
        mentions: list[tuple[str, str | None, str]] = []  # (number, date, context)
        for para, _w in merged:
            for act in _ACT.finditer(para.text):
                mentions.append((act[2], _iso("ngày " + act[3]) if act[3] else None, para.text))
        own = (decision or {}).get("number")
        chosen: dict[tuple[str, str | None], Counter] = {}
        for number, date, _context in mentions:
            if own and number == own:
                continue
            base = number.split("/")[0]
            chosen.setdefault((base, date), Counter())[number] += 1
        result = []
        for (base, date), forms in chosen.items():
            contexts = [c for n, d, c in mentions if n.split("/")[0] == base and d == date]
            if date is None or not any(
                re.search(r"chương trình|kế hoạch", c, re.IGNORECASE) for c in contexts
            ):
                continue
            best, _count = forms.most_common(1)[0]
            if len(forms) > 1:
                others = ", ".join(f for f in forms if f != best)
                self.warn(
                    "(tài liệu)",
                    f"Văn bản ghi số hiệu không thống nhất: {others} và "
                    f"{best}; dùng {best} (được ghi nhiều lần hơn).",
                )
            result.append({"number": best, "date": date})
        return result

    def _report_due(self, merged) -> tuple[int, int] | None:
        for para, wheres in merged:
            due = parse_report_due(para.text)
            if due:
                self.mark(wheres, "chế độ báo cáo")
                return due
        return None

    def _coordinator(self, merged, duties) -> str | None:
        """The agency the yearly reports go to (sentences with the yearly deadline
        first), else the one that is "cơ quan thường trực", else the first agency with
        duties that is not the issuer. Only a name that reads as an agency is taken."""
        ordered = sorted(merged, key=lambda pw: parse_report_due(pw[0].text) is None)
        for para, _w in ordered:
            match = re.search(
                r"\b(?:gửi|về)\s+((?:(?!\b(?:gửi|về)\s).)+?)\s+trước\s+ngày", para.text
            )
            if match and looks_like_agency(match[1]):
                names = [self._self_reference(n) for n in split_names(match[1], self.known)]
                if names and not names[0].is_group and names[0].canonical != self.issuer:
                    return self._register(names[0], para.where)
        for duty in duties:
            if any("co quan thuong truc" in fold(item) for item in duty["items"][:2]):
                return duty["agency"]
        for para, _w in merged:
            match = re.match(r"^(.+?)\s+là cơ quan thường trực", marker(para.text).rest)
            if match and looks_like_agency(match[1]):
                names = split_names(match[1], self.known)
                if len(names) == 1 and not names[0].is_group:
                    return self._register(names[0], para.where)
        for duty in duties:
            found = self.known.lookup(duty["agency"])
            if (found and not found.is_group) or (
                not found and not looks_like_group(duty["agency"]) and duty["agency"] != self.issuer
            ):
                return found.canonical if found else duty["agency"]
        return None

    def _period_from(self, merged) -> tuple[int, int] | None:
        for para, _w in merged[:10]:
            if _ACT.search(para.text):  # the period of the programme, not of this plan
                continue
            period = parse_period(para.text)
            if period:
                return period
        return None

    def _self_reference(self, name: Name) -> Name:
        """ "UBND tỉnh" in a province's own plan is the issuer."""
        if self.issuer and fold(name.wording) in ("ubnd tinh", "uy ban nhan dan tinh"):
            known = bool(self.known.lookup(self.issuer))
            return Name(name.wording, self.issuer, known, False)
        return name

    def _register(self, name: Name, where: str) -> str:
        if not name.known:
            key = fold(name.canonical)
            if key not in self.proposed:
                self.proposed[key] = name
                kind = "nhóm cơ quan" if name.is_group else "cơ quan"
                self.warn(
                    where, f'"{name.wording}" chưa có trong danh mục; sẽ thêm {kind} mới khi lưu.'
                )
        return name.canonical

    def _task_groups(self, result, period) -> list[dict]:
        for where, why in result.skipped.items():
            self.mark(where, why)
        for where, message in result.problems:
            self.warn(where, message)
        groups = []
        for group in result.groups:
            self.mark(group.where, f"nhóm {group.number}")
            tasks = []
            for row in group.tasks:
                code = f"{group.number}.{row.number}"
                self.mark([row.where, *row.extra], f"nhiệm vụ {code}")
                self.fields[f"task-{code}"] = [row.where, *row.extra]
                lead = [self._self_reference(n) for n in split_names(row.lead, self.known)]
                partners = [self._self_reference(n) for n in split_names(row.partners, self.known)]
                if not lead:
                    self.warn(row.where, f"Nhiệm vụ {code} không có đơn vị chủ trì.")
                self.wordings[code] = {
                    "lead": [n.wording for n in lead],
                    "partners": [n.wording for n in partners],
                }
                timeframe = parse_timeframe(row.timeframe, period)
                if timeframe.recurrence is None:
                    self.warn(
                        row.where,
                        f'Nhiệm vụ {code}: chưa hiểu thời gian thực hiện "{row.timeframe[:60]}".',
                    )
                content = row.content if not row.note else f"{row.content} ({row.note})"
                tasks.append(
                    {
                        "number": row.number,
                        "content": content,
                        "lead": [self._register(n, row.where) for n in lead],
                        "partners": [self._register(n, row.where) for n in partners],
                        "output": row.output or None,
                        "timeframe": timeframe.as_json(),
                    }
                )
            if not tasks:
                self.warn(group.where, f"Nhóm {group.number} không có nhiệm vụ nào.")
            groups.append({"number": group.number, "title": group.title, "tasks": tasks})
        return groups

    def _unmapped(self, items) -> None:
        for item in items:
            wheres = [item.where] if isinstance(item, Paragraph) else [r.where for r in item.rows]
            texts = (
                [item.text]
                if isinstance(item, Paragraph)
                else [" | ".join(r.cells) for r in item.rows]
            )
            for where, text in zip(wheres, texts, strict=True):
                if where in self.roles:
                    continue
                # The recipients: "Nơi nhận:" and its list, never what follows the list.
                recipient = self.roles.get("_recipients") and re.match(r"^[-+•]|^Lưu\b", text)
                if text.startswith("Nơi nhận") or recipient:
                    self.roles["_recipients"] = "1"
                    self.mark(where, "nơi nhận")
                    continue
                self.roles.pop("_recipients", None)
                if _SIGNATURE.match(text) or (is_caps(text) and len(text) < 60):
                    self.mark(where, "chữ ký")
                    continue
                if re.fullmatch(r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]+(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]+){1,4}", text):
                    self.mark(where, "người ký")
                    continue
                self.warn(where, f'Chưa hiểu đoạn này: "{text[:80]}"')
        self.roles.pop("_recipients", None)


def parse(
    document: Document, known_for: Callable[[str | None], KnownNames], code: str | None = None
) -> ImportResult:
    """Read the plan in ``document``; ``known_for(issuer)`` gives the registry's
    wordings for the issuer's province."""
    return Parser(document, known_for, code).parse()
