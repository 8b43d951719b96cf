"""Loading or correcting agencies from a CSV or Excel sheet (the commune-level units
of a new province, say): one row per agency, created or updated by code, all or
nothing, each problem named by its row in the user's language.

Columns (header row, any order; Vietnamese or English names): code / mã, name / tên,
kind / loại, province / tỉnh, parent / trực thuộc, valid_from / từ ngày, valid_to /
đến ngày, email, certain / chắc chắn, source / nguồn, note / ghi chú; for a local
administrative unit also unit_type / loại đơn vị (xã, phường, đặc khu), admin_code /
mã đvhc, established_by / văn bản, formed_from / hình thành từ (the former units, "; "
between them), former_district / huyện cũ, former_province / tỉnh cũ, and formed_on /
trên địa bàn (codes of the registry's former district-level units, "; " between them).
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

from agencies.models import Agency, AgencyKind, UnitType
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
    "unit_type": "unit_type",
    "loai don vi": "unit_type",
    "admin_code": "admin_code",
    "ma dvhc": "admin_code",
    "established_by": "established_by",
    "van ban": "established_by",
    "formed_from": "formed_from",
    "hinh thanh tu": "formed_from",
    "former_district": "former_district",
    "huyen cu": "former_district",
    "former_province": "former_province",
    "tinh cu": "former_province",
    "formed_on": "formed_on",
    "tren dia ban": "formed_on",
}
UNIT_WORDS = {
    "": "",
    "xa": UnitType.XA,
    "phuong": UnitType.PHUONG,
    "dac khu": UnitType.DAC_KHU,
    **{v: v for v in UnitType.values},
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
        from planwatch import uploads

        try:
            uploads.check_workbook(data)  # size, parts, rows and cells before parsing
        except uploads.UploadRefused as exc:
            raise AgencyImportError([str(exc)]) from None
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


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _local_fields(row: dict[str, str], where: str, by_code, errors: list[str]) -> dict:
    """A local unit's own columns: its type, code, act, former units and territory."""
    unit_type = UNIT_WORDS.get(fold(row.get("unit_type", "")).strip())
    if unit_type is None:
        errors.append(
            _("%(where)s: the unit type “%(type)s” is not valid (xã, phường, đặc khu).")
            % {"where": where, "type": row.get("unit_type", "")}
        )
    formed_on = []
    for code in _split(row.get("formed_on", "")):
        if code in by_code:
            formed_on.append(by_code[code])
        else:
            errors.append(
                _("%(where)s: there is no agency with code “%(code)s” (formed on).")
                % {"where": where, "code": code}
            )
    place = {k: row[f"former_{k}"] for k in ("district", "province") if row.get(f"former_{k}")}
    return {
        "unit_type": unit_type or "",
        "admin_code": row.get("admin_code", "")[:10],
        "established_by": row.get("established_by", "")[:300],
        "formed_from": [{"name": name, **place} for name in _split(row.get("formed_from", ""))],
        "_formed_on": formed_on,
    }


def _row_fields(number: int, row: dict[str, str], by_code, errors: list[str]) -> dict | None:
    """The model fields of one row, or None (with its problems in ``errors``)."""
    where = _("Row %(n)s") % {"n": number}
    count = len(errors)
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
    dates = _dates(row, where, errors)
    email = _email(row, where, errors)
    if dates is None or email is None:
        return None
    fields = {
        "name": name,
        "kind": kind,
        "province": refs["province"],
        "parent": refs["parent"] or refs["province"],
        "valid_from": dates[0],
        "valid_to": dates[1],
        "email": email,
        "note": _note(row),
        **_local_fields(row, where, by_code, errors),
        "_certain": fold(row.get("certain", "yes")) in YES,
    }
    return fields if len(errors) == count else None


def _dates(row: dict[str, str], where: str, errors: list[str]):
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
    return valid_from, valid_to


def _email(row: dict[str, str], where: str, errors: list[str]) -> str | None:
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
    return email


def _note(row: dict[str, str]) -> str:
    """The registry's note (kept in Vietnamese: it is data, read by every user)."""
    note = row.get("note", "")
    if row.get("source"):
        note = f"{note} Nguồn: {row['source']}".strip()
    if fold(row.get("certain", "yes")) not in YES:
        note = f"{note} (Chưa xác nhận: cần điều phối viên đối chiếu.)".strip()
    return note


def _save(code: str, fields: dict, by_code, actor, result: ImportResult) -> Agency:
    formed_on = fields.pop("_formed_on")
    agency = by_code.get(code)
    if agency is None:
        agency = Agency(code=code, **fields)
        agency.save()
        agency.formed_on.set(formed_on)
        record(actor, "create", agency, after=_snapshot(agency), note="agency import")
        result.created.append(agency.name)
        return agency
    before = _snapshot(agency)
    for key, value in fields.items():
        setattr(agency, key, value)
    agency.save()
    agency.formed_on.set(formed_on)
    if before != _snapshot(agency):
        record(actor, "update", agency, before=before, after=_snapshot(agency))
        result.updated.append(agency.name)
    else:
        result.unchanged += 1
    return agency


def _snapshot(agency: Agency) -> dict:
    return {
        **snapshot(agency),
        "formed_on": sorted(agency.formed_on.values_list("code", flat=True)),
    }


def _aliases(agency: Agency) -> None:
    """The unit's name, and its name without "UBND" ("phường Ba Đồn"), in its province."""
    scope = province_of(agency)
    add_alias(agency.name, scope=scope, agency=agency)
    if agency.kind == AgencyKind.COMMUNE_COMMITTEE and agency.name.startswith("UBND "):
        add_alias(agency.name.removeprefix("UBND "), scope=scope, agency=agency)


@transaction.atomic
def import_agencies(rows: list[dict[str, str]], actor=None) -> ImportResult:
    """Create or correct agencies; nothing is saved if any row is wrong."""
    by_code = {a.code: a for a in Agency.objects.all()}
    errors: list[str] = []
    result = ImportResult()
    for number, row in enumerate(rows, start=2):
        fields = _row_fields(number, row, by_code, errors)
        if fields is None:
            continue
        if not fields.pop("_certain"):
            result.uncertain.append(fields["name"])
        code = row.get("code") or slugify(fold(fields["name"]))[:80]
        agency = _save(code, fields, by_code, actor, result)
        by_code[code] = agency
        _aliases(agency)
    if errors:
        raise AgencyImportError(errors)  # the transaction rolls back: nothing saved
    return result
