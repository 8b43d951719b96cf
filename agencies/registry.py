"""Resolving the wording of a document to an agency or a group reference, and
loading the bundled registry. Plain functions; views, importers and tests call them."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from agencies.models import Agency, AgencyGroup, AgencyKind, Alias
from audit.log import record, snapshot
from planwatch.text import clean, fold

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_REGISTRY = DATA_DIR / "quang-binh-2021.json"

_AMP = re.compile(r"\s*&\s*")
_DASH_SPACES = re.compile(r"\s*-\s*")
_TRAILING = re.compile(r"[\s.;,:]+$")


def wording_key(text: str) -> str:
    """The key under which a wording is looked up.

    Folds case and diacritics, writes "Ủy ban nhân dân" as "ubnd", and ignores the
    spaces around "&" and "-" and trailing punctuation, so that "Sở NN & PTNT",
    "Sở NN&PTNT" and "sở nn&ptnt;" meet.
    """
    key = fold(text)
    key = key.replace("uy ban nhan dan", "ubnd").replace("u.b.n.d", "ubnd")
    key = _AMP.sub("&", key)
    key = _DASH_SPACES.sub("-", key)
    return _TRAILING.sub("", key)


@dataclass(frozen=True)
class Resolution:
    wording: str
    agency: Agency | None = None
    group: AgencyGroup | None = None

    @property
    def found(self) -> bool:
        return self.agency is not None or self.group is not None


class Resolver:
    """Resolves many wordings with one query for the alias table.

    With a ``scope`` (a provincial People's Committee), the province's own
    wordings come first, then the national ones.
    """

    def __init__(self, scope: Agency | None = None) -> None:
        self.scope = scope
        aliases = Alias.objects.select_related("agency", "group").filter(
            Q(scope__isnull=True) | Q(scope=scope) if scope else Q(scope__isnull=True)
        )
        self._national: dict[str, Alias] = {}
        self._local: dict[str, Alias] = {}
        for alias in aliases:
            (self._national if alias.scope_id is None else self._local)[alias.key] = alias

    def resolve(self, wording: str) -> Resolution:
        text = clean(wording)
        key = wording_key(text)
        alias = self._local.get(key) or self._national.get(key)
        if alias is None:
            return Resolution(text)
        return Resolution(text, agency=alias.agency, group=alias.group)


def resolve(wording: str, scope: Agency | None = None) -> Resolution:
    """Resolve one wording against the registry (within a province if given)."""
    key = wording_key(wording)
    candidates = Alias.objects.select_related("agency", "group").filter(key=key)
    candidates = (
        candidates.filter(Q(scope__isnull=True) | Q(scope=scope))
        if scope
        else (candidates.filter(scope__isnull=True))
    )
    found = sorted(candidates, key=lambda a: a.scope_id is None)
    text = clean(wording)
    if not found:
        return Resolution(text)
    return Resolution(text, agency=found[0].agency, group=found[0].group)


def province_of(agency: Agency | None) -> Agency | None:
    """The provincial People's Committee an agency belongs to (itself for one)."""
    if agency is None:
        return None
    if agency.kind == AgencyKind.PROVINCE_COMMITTEE:
        return agency
    return agency.province


def add_alias(
    wording: str,
    *,
    scope: Agency | None = None,
    agency: Agency | None = None,
    group: AgencyGroup | None = None,
) -> Alias:
    """Register a wording (idempotent on its scope and key)."""
    alias, _created = Alias.objects.update_or_create(
        key=wording_key(wording),
        scope=scope,
        defaults={"wording": clean(wording), "agency": agency, "group": group},
    )
    return alias


@transaction.atomic
def load_registry(path: Path = SEED_REGISTRY, actor=None) -> dict[str, int]:
    """Create or update the agencies, groups and wordings of a registry file.

    Idempotent: loading twice changes nothing the second time. Every created or
    changed agency is written to the audit log.
    """
    return load_registry_data(json.loads(path.read_text(encoding="utf-8")), actor)


def load_registry_data(data: dict, actor=None) -> dict[str, int]:
    """``load_registry`` on parsed data; validity dates are set only where the data
    gives them, so that reloading the 2021 registry does not undo a succession."""
    counts = {"agencies": 0, "groups": 0, "aliases": 0}
    by_code: dict[str, Agency] = {a.code: a for a in Agency.objects.all()}
    for item in data["agencies"]:
        fields = {
            "name": clean(item["name"]),
            "abbreviation": item.get("abbreviation", ""),
            "kind": item["kind"],
            "parent": by_code.get(item["parent"]) if item.get("parent") else None,
            "province": by_code.get(item["province"]) if item.get("province") else None,
            "note": item.get("note", ""),
        }
        for key in ("valid_from", "valid_to"):
            if key in item:
                value = item[key]
                fields[key] = dt.date.fromisoformat(value) if isinstance(value, str) else value
        agency = by_code.get(item["code"])
        if agency is None:
            agency = Agency(code=item["code"], **fields)
            agency.save()
            record(actor, "create", agency, after=snapshot(agency), note="registry")
            counts["agencies"] += 1
        else:
            before = snapshot(agency)
            for name, value in fields.items():
                setattr(agency, name, value)
            agency.save()
            after = snapshot(agency)
            if {k: v for k, v in before.items() if k != "search_key"} != {
                k: v for k, v in after.items() if k != "search_key"
            }:
                record(actor, "update", agency, before=before, after=after, note="registry")
                counts["agencies"] += 1
        by_code[agency.code] = agency
        # Ministries and provinces are named the same way everywhere; a
        # department's wordings ("Sở Công Thương", "Sở NN&PTNT") only in its province.
        national = agency.kind in (AgencyKind.MINISTRY, AgencyKind.PROVINCE_COMMITTEE)
        scope = None if national else province_of(agency)
        for wording in [item["name"], *item.get("aliases", [])]:
            add_alias(wording, scope=scope, agency=agency)
            counts["aliases"] += 1
        for wording in item.get("local_aliases", []):
            add_alias(wording, scope=province_of(agency), agency=agency)
            counts["aliases"] += 1
    for item in data.get("groups", []):
        group, created = AgencyGroup.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": clean(item["name"]),
                "description": item.get("description", ""),
                "rule": item["rule"],
                "member_kinds": item.get("member_kinds", []),
                "scope": by_code.get(item["scope"]) if item.get("scope") else None,
            },
        )
        if created:
            record(actor, "create", group, after=snapshot(group), note="registry")
            counts["groups"] += 1
        if item.get("members"):
            group.members.set([by_code[c] for c in item["members"]])
        for wording in [item["name"], *item.get("aliases", [])]:
            add_alias(wording, scope=group.scope, group=group)
            counts["aliases"] += 1
    return counts


def find_agency(key: str) -> Agency | None:
    """The agency whose id (all ASCII digits, within the range of an id) or code is ``key``."""
    agencies = Agency.objects.select_related("province")
    if key.isascii() and key.isdigit():
        pk = int(key)
        return agencies.filter(pk=pk).first() if 0 < pk < 2**31 else None
    return agencies.filter(code=key).first()
