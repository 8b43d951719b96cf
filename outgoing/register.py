"""The outgoing register: the next number of an agency's register for a calendar
year and a document kind, never a gap and never a duplicate when several people
issue at the same moment.

The counter row is locked (``select_for_update``; on SQLite the write lock that
``BEGIN IMMEDIATE`` takes) and the entry is written in the same transaction, so a
number is taken only with its entry; the unique constraint on (agency, year,
kind, number) stands behind it, and a collision (two first numbers of a year
made at once, a locked SQLite database) is tried again."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import QuerySet

from agencies.models import Agency
from audit.log import record, snapshot
from outgoing.models import RegisterCounter, RegisterEntry
from planwatch.text import fold

ATTEMPTS = 60  # a shared-cache SQLite database answers 'locked' at once


def symbol_of(kind: str, agency: Agency) -> str:
    """ "BC-SCT": the kind and the agency's initials (documents.formatting)."""
    from documents.formatting import initials

    return f"{kind}-{initials(agency.name)}"


def _take(
    agency: Agency, year: int, kind: str, fields: dict[str, Any], actor: Any
) -> RegisterEntry:
    with transaction.atomic():
        counter, _created = RegisterCounter.objects.select_for_update().get_or_create(
            agency=agency, year=year, kind=kind
        )
        number = counter.last + 1
        RegisterCounter.objects.filter(pk=counter.pk).update(last=number)
        entry = RegisterEntry(agency=agency, year=year, kind=kind, number=number, **fields)
        entry.search_text = fold(f"{entry.symbol} {entry.summary} {entry.signer_name}")
        entry.save()
        record(actor, "create", entry, after=snapshot(entry), note="outgoing register")
        return entry


def allocate(
    agency: Agency,
    kind: str,
    issued_on: dt.date,
    *,
    summary: str,
    actor: Any,
    symbol: str = "",
    signer_name: str = "",
    recipients: str = "",
    document: Any = None,
    report: Any = None,
) -> RegisterEntry:
    """The next number of ``agency``'s register for ``issued_on``'s year and ``kind``,
    with its entry recorded (and audited) in the caller's transaction."""
    fields = {
        "symbol": symbol or symbol_of(kind, agency),
        "issued_on": issued_on,
        "summary": summary[:500],
        "signer_name": signer_name[:150],
        "recipients": recipients,
        "document": document,
        "report": report,
        "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    for attempt in range(ATTEMPTS):
        try:
            return _take(agency, issued_on.year, kind, fields, actor)
        except (IntegrityError, OperationalError):
            if attempt == ATTEMPTS - 1 or transaction.get_connection().needs_rollback:
                raise
            time.sleep(random.uniform(0.005, 0.02) * min(attempt + 1, 10))
    raise RuntimeError("unreachable")  # pragma: no cover


def search(entries: QuerySet[RegisterEntry], query: str) -> QuerySet[RegisterEntry]:
    """Entries whose number, symbol, summary or signer contain ``query`` (diacritics
    and case ignored); "12/BC" finds number 12 of kind BC."""
    query = (query or "").strip()
    if not query:
        return entries
    head, _sep, _rest = query.partition("/")
    if head.isdigit():
        entries = entries.filter(number=int(head))
        query = query[len(head) + 1 :] if _sep else ""
    for word in fold(query).split():
        entries = entries.filter(search_text__contains=word)
    return entries
