"""Loading or correcting agencies from a CSV or Excel sheet (the commune-level units
of a new province, say): one row per agency, created or updated by code, all or
nothing, each problem named by its row in the user's language.

Columns (header row, any order; Vietnamese or English names): code / mã, name / tên,
kind / loại, province / tỉnh, parent / trực thuộc, valid_from / từ ngày, valid_to /
đến ngày, email, certain / chắc chắn, source / nguồn, note / ghi chú.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind
from agencies.registry import add_alias, province_of
from audit.log import record, snapshot
from planwatch.text import clean, fold

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
HEADERS = {
    "code": "code",
    "ma": "code",
    "name": "name",
    "ten": "name",
    "kind": "kind",
    "loai": "kind",
    "province": "province",
    "tinh": "province",
    "parent": "parent",
    "truc thuoc": "parent",
    "valid_from": "valid_from",
    "tu ngay": "valid_from",
    "valid_to": "valid_to",
    "den ngay": "valid_to",
    "email": "email",
    "certain": "certain",
    "chac chan": "certain",
    "source": "source",
    "nguon": "source",
    "note": "note",
    "ghi chu": "note",
}
KIND_WORDS = {fold(str(label)): value for value, label in AgencyKind.choices} | {
    "xa": AgencyKind.COMMUNE_COMMITTEE,
    "ubnd cap xa": AgencyKind.COMMUNE_COMMITTEE,
    "so": AgencyKind.DEPARTMENT,
    "ban": AgencyKind.BOARD,
    **{v: v for v in AgencyKind.values},
}
YES = {"yes", "co", "x", "1", "true", "chac chan", "da xac nhan"}


class AgencyImportError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    uncertain: list[str] = field(default_factory=list)


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The sheet's rows as {column: text}; AgencyImportError for an unreadable file."""
    if len(data) > MAX_BYTES:
        raise AgencyImportError(
            [
                _("The file is too large; the limit is %(mb)s MB.")
                % {"mb": MAX_BYTES // 1024 // 1024}
            ]
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise AgencyImportError([_("The .xlsx file is not valid.")])
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            if sheet is None:
                raise ValueError("no worksheet")
            table = [
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as exc:
            raise AgencyImportError(
                [_("The Excel file cannot be read: %(error)s") % {"error": exc}]
            ) from exc
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AgencyImportError([_("A CSV file must be in UTF-8.")]) from None
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise AgencyImportError([_("Only .csv or .xlsx files are accepted.")])
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise AgencyImportError([_("The file has no rows.")])
    if len(table) > MAX_ROWS + 1:
        raise AgencyImportError([_("The file has more than %(n)s rows.") % {"n": MAX_ROWS}])
    columns = [HEADERS.get(fold(h).strip()) for h in table[0]]
    if "name" not in columns:
        raise AgencyImportError([_("The first row must have a “tên” (name) column.")])
    return [
        {col: clean(cell) for col, cell in zip(columns, row, strict=False) if col}
        for row in table[1:]
    ]


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@transaction.atomic
def import_agencies(rows: list[dict[str, str]], actor=None) -> ImportResult:
    """Create or correct agencies; nothing is saved if any row is wrong."""
    by_code = {a.code: a for a in Agency.objects.all()}
    errors: list[str] = []
    result = ImportResult()
    for number, row in enumerate(rows, start=2):
        where = _("Row %(n)s") % {"n": number}
        fields = _row_fields(row, where, by_code, errors)
        if fields is None:
            continue
        code = row.get("code") or slugify(fold(fields["name"]))[:80]
        if fold(row.get("certain", "yes")) not in YES:
            result.uncertain.append(fields["name"])
        agency = _save(by_code.get(code), code, fields, result, actor)
        by_code[code] = agency
        add_alias(fields["name"], scope=province_of(agency), agency=agency)
    if errors:
        raise AgencyImportError(errors)  # the transaction rolls back: nothing saved
    return result


def _row_fields(
    row: dict[str, str], where: str, by_code: dict[str, Agency], errors: list[str]
) -> dict | None:
    """The agency's fields from one row, or None (with the row's problems in ``errors``)."""
    name = row.get("name", "")
    if not name:
        errors.append(_("%(where)s: the agency's name is missing.") % {"where": where})
        return None
    kind = KIND_WORDS.get(fold(row.get("kind", "")).strip())
    if kind is None:
        errors.append(
            _("%(where)s: the kind “%(kind)s” is not valid.")
            % {"where": where, "kind": row.get("kind", "")}
        )
        return None
    refs = {}
    for key in ("province", "parent"):
        code = row.get(key, "")
        if code and code not in by_code:
            errors.append(
                _("%(where)s: there is no agency with code “%(code)s” (%(column)s).")
                % {"where": where, "code": code, "column": key}
            )
        refs[key] = by_code.get(code) if code else None
    try:
        valid_from, valid_to = _date(row.get("valid_from", "")), _date(row.get("valid_to", ""))
    except ValueError as exc:
        errors.append(
            _("%(where)s: the date “%(value)s” is not in the right form; enter day/month/year.")
            % {"where": where, "value": exc}
        )
        return None
    if valid_from and valid_to and valid_to < valid_from:
        errors.append(_("%(where)s: the end date is before the start date.") % {"where": where})
        return None
    email = row.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("%(where)s: the e-mail address “%(email)s” is not valid.")
                % {"where": where, "email": email}
            )
            return None
    return {
        "name": name,
        "kind": kind,
        "province": refs["province"],
        "parent": refs["parent"] or refs["province"],
        "valid_from": valid_from,
        "valid_to": valid_to,
        "email": email,
        "note": _note(row),
    }


def _note(row: dict[str, str]) -> str:
    """The registry's note (kept in Vietnamese: it is data, read by every user)."""
    note = row.get("note", "")
    if row.get("source"):
        note = f"{note} Nguồn: {row['source']}".strip()
    if fold(row.get("certain", "yes")) not in YES:
        note = f"{note} (Chưa xác nhận: cần điều phối viên đối chiếu.)".strip()
    return note


def _save(agency: Agency | None, code: str, fields: dict, result: ImportResult, actor) -> Agency:
    if agency is None:
        agency = Agency(code=code, **fields)
        agency.save()
        record(actor, "create", agency, after=snapshot(agency), note="agency import")
        result.created.append(fields["name"])
        return agency
    before = snapshot(agency)
    for key, value in fields.items():
        setattr(agency, key, value)
    agency.save()
    if before != snapshot(agency):
        record(actor, "update", agency, before=before, after=snapshot(agency))
        result.updated.append(fields["name"])
    else:
        result.unchanged += 1
    return agency
