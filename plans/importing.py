"""The importer connected to the registry and the database: known wordings for
the issuer's province, and saving an imported plan (with new agencies proposed
by the document) in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyGroup, AgencyKind, Alias
from agencies.registry import Resolver, add_alias, province_of
from audit.log import record, snapshot
from plans import versions
from plans.format import export_plan, plan_queryset
from plans.importer import DocumentError, ImportFailure, ImportResult, KnownNames, import_bytes
from plans.importer.document import MAX_BYTES
from plans.importer.names import Name, looks_like_group
from plans.models import Plan, PlanImport
from plans.saving import save_plan


def known_names_for(issuer: str | None) -> KnownNames:
    """The registry's wordings as the issuer's province reads them (national ones too)."""
    scope = None
    if issuer:
        scope = province_of(Resolver().resolve(issuer).agency)
    aliases = Alias.objects.select_related("agency", "group").filter(scope__isnull=True)
    if scope is not None:
        aliases = aliases | Alias.objects.select_related("agency", "group").filter(scope=scope)
    pairs = []
    # National first, then the province's own, so that its wordings win.
    for alias in sorted(aliases, key=lambda a: a.scope_id is not None):
        if alias.agency is not None:
            pairs.append((alias.wording, alias.agency.name, False))
        else:
            pairs.append((alias.wording, alias.wording, True))
    return KnownNames.from_pairs(pairs)


Progress = Callable[[int, str], None]
# Read by the task worker rather than in the request: formats whose reading is slow
# or heavy (pdfplumber and OCR of scans; LibreOffice converting a .doc).
BACKGROUND_EXTENSIONS = (".pdf", ".doc")


def import_document(
    data: bytes, filename: str, code: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Read a document against the registry; DocumentError/ImportFailure say why not.
    ``progress(percent, step)`` is told as the reading goes (the worker shows it)."""
    step = progress or (lambda _p, _s: None)
    step(10, _("Reading the document"))
    if filename.lower().endswith(".doc"):
        step(10, _("Converting the Word 97-2003 file with LibreOffice"))
    result = import_bytes(data, filename, known_names_for, code, progress=progress)
    step(90, _("Comparing with the registry"))
    return result


def reads_in_background(filename: str) -> bool:
    return filename.lower().endswith(BACKGROUND_EXTENSIONS)


def import_fields(result: ImportResult) -> dict:
    """The PlanImport fields of what the importer understood."""
    return {
        "data": result.plan,
        "warnings": [w.as_json() for w in result.warnings],
        "roles": result.roles,
        "wordings": result.wordings,
        "proposed": [[n.canonical, n.is_group] for n in result.proposed],
        "source_lines": result.source_lines,
        "reading": result.reading,
    }


@transaction.atomic
def queue_import(data: bytes, filename: str, actor) -> PlanImport:
    """Keep the document and queue its reading for the task worker (plans.tasks)."""
    from plans.tasks import read_plan_document

    item = PlanImport.objects.create(
        created_by=actor,
        filename=filename[:255],
        status=PlanImport.Status.READING,
        data={},
        source=data,
        progress=0,
        step=_("Waiting for the task worker"),
    )
    item.task_id = read_plan_document.enqueue(item.pk).id
    item.save(update_fields=["task_id"])
    return item


def read_queued_import(pk: int) -> None:
    """Read a queued document (in the task worker); a document that cannot be read
    raises GiveUp with the reason, shown on the import's page."""
    from worker.registry import GiveUp

    item = PlanImport.objects.filter(pk=pk, status=PlanImport.Status.READING).first()
    if item is None:
        return

    def progress(percent: int, step: str) -> None:
        PlanImport.objects.filter(pk=pk).update(progress=percent, step=step[:200])

    try:
        result = import_document(bytes(item.source or b""), item.filename, progress=progress)
    except (DocumentError, ImportFailure) as exc:
        raise GiveUp(f"{item.filename}: {exc}") from exc
    PlanImport.objects.filter(pk=pk).update(
        **import_fields(result), status=PlanImport.Status.PREVIEW, source=None, progress=100
    )


def _guess_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("sở "):
        return AgencyKind.DEPARTMENT
    if lowered.startswith(("ubnd huyện", "ubnd thị xã", "ubnd thành phố", "ủy ban nhân dân huyện")):
        return AgencyKind.DISTRICT_COMMITTEE
    if lowered.startswith(("ubnd xã", "ubnd phường", "ubnd thị trấn")):
        return AgencyKind.COMMUNE_COMMITTEE
    if lowered.startswith(("ban ", "văn phòng", "thanh tra", "đài ")):
        return AgencyKind.BOARD
    if lowered.startswith("bộ "):
        return AgencyKind.MINISTRY
    return AgencyKind.OTHER


@transaction.atomic
def add_proposed(names: list[Name], issuer: str | None, actor=None) -> list[Agency | AgencyGroup]:
    """Create the agencies and groups a document names that the registry lacks,
    in the issuer's province (the province itself first, when it is new too);
    each is in the audit log."""
    from django.utils.text import slugify

    scope = province_of(Resolver().resolve(issuer).agency) if issuer else None
    created: list[Agency | AgencyGroup] = []
    for name in sorted(names, key=lambda n: n.canonical != issuer):
        base = slugify(name.canonical.replace("đ", "d").replace("Đ", "D"))[:60] or "co-quan"
        is_province = name.canonical == issuer and scope is None
        prefix = f"{scope.code.split('-')[0]}-" if scope and not is_province else ""
        code = _free_code(f"{prefix}{base}")
        obj: Agency | AgencyGroup
        if is_province:
            obj = Agency.objects.create(
                code=code,
                name=name.canonical,
                kind=AgencyKind.PROVINCE_COMMITTEE,
                note="Đề xuất khi nhập kế hoạch",
            )
            add_alias(name.canonical, agency=obj)
            scope = obj
        elif name.is_group:
            obj = AgencyGroup.objects.create(
                code=code,
                name=name.canonical,
                rule=AgencyGroup.Rule.OPEN,
                scope=scope,
                description="Đề xuất khi nhập kế hoạch",
            )
            add_alias(name.canonical, scope=scope, group=obj)
        else:
            obj = Agency.objects.create(
                code=code,
                name=name.canonical,
                kind=_guess_kind(name.canonical),
                province=scope,
                parent=scope,
                note="Đề xuất khi nhập kế hoạch",
            )
            add_alias(name.canonical, scope=scope, agency=obj)
            if name.wording != name.canonical:
                add_alias(name.wording, scope=scope, agency=obj)
        record(actor, "create", obj, after=snapshot(obj), note="plan import")
        created.append(obj)
    return created


def _free_code(code: str) -> str:
    candidate, suffix = code, 1
    while (
        Agency.objects.filter(code=candidate).exists()
        or AgencyGroup.objects.filter(code=candidate).exists()
    ):
        suffix += 1
        candidate = f"{code}-{suffix}"
    return candidate


def unknown_names(data: dict) -> list[str]:
    """The names a plan document uses that the registry cannot resolve (within the
    issuer's province, then nationally): the agencies saving would add."""
    issuer = Resolver().resolve(data["issuer"]).agency if data.get("issuer") else None
    resolver = Resolver(scope=province_of(issuer))
    return sorted(n for n in _names_in(data) if not resolver.resolve(n).found)


@transaction.atomic
def save_import(
    data: dict,
    *,
    wordings: dict | None = None,
    groups: set[str] | None = None,
    actor=None,
    source: str = "",
) -> tuple[Plan, dict]:
    """Save an imported plan, all or nothing: first the agencies it names that the
    registry lacks (``groups``: which of those names are group references), then
    the plan: a new plan, or the next version of the plan with the same code
    (none when nothing changed). Returns (plan, changes)."""
    changes = preview_changes(data)
    if changes is not None and versions.is_empty(changes):
        return Plan.objects.get(code=data["code"]), changes
    groups = groups or set()
    proposed = [Name(n, n, False, n in groups or looks_like_group(n)) for n in unknown_names(data)]
    add_proposed(proposed, data.get("issuer"), actor)
    plan = save_plan(data, actor, replace=changes is not None, wordings=wordings, source=source)
    version = plan.versions.order_by("-number").first()
    return plan, version.changes if version else {}


def save_result(result: ImportResult, actor=None, source: str = "") -> tuple[Plan, dict]:
    """Save what the importer read, as it read it."""
    return save_import(
        result.plan,
        wordings=result.wordings,
        actor=actor,
        source=source,
        groups={n.canonical for n in result.proposed if n.is_group},
    )


def preview_changes(data: dict) -> dict | None:
    """What saving ``data`` would change in the plan of the same code (None: new plan)."""
    existing = plan_queryset().filter(code=data.get("code")).first()
    if existing is None:
        return None
    return versions.diff(export_plan(existing), data)


def _names_in(data: dict) -> set[str]:
    """Every agency name a plan document uses."""
    names = {data.get("issuer"), data.get("coordinator")}
    for group in data.get("task_groups", []):
        for task in group.get("tasks", []):
            names.update(task.get("lead", []))
            names.update(task.get("partners", []))
    names.update(d.get("agency") for d in data.get("duties", []))
    return {n for n in names if n}


def check_upload_size(size: int) -> None:
    """DocumentError when an upload is larger than a plan document can be, before it is read."""
    if size > MAX_BYTES:
        raise DocumentError(
            _("The file is too large (%(mb)s MB); the limit is %(limit)s MB.")
            % {"mb": size // 1048576, "limit": MAX_BYTES // 1048576}
        )


def import_upload(data: bytes, filename: str, actor=None, *, save: bool) -> dict:
    """Read a document; with ``save``, also save the plan it holds (a new plan, or a
    new version of the plan with the same code). The plan in planwatch.plan/1 with its
    ``warnings`` and, when saved, ``saved`` (code, version, changes). DocumentError,
    ImportFailure and PlanFormatError say why not."""
    result = import_document(data, filename)
    body = result.as_json()
    if save:
        plan, changes = save_result(result, actor=actor, source=filename)
        body["saved"] = {"code": plan.code, "version": plan.version, "changes": changes}
    return body
