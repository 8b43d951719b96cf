"""Adding to the registries of counted things (models, value chains, events…)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from access import rules
from audit.log import record, snapshot
from indicators.models import Category, RegistryEntry
from indicators.values import ValueError_


@transaction.atomic
def add_entry(
    plan, actor, *, category: str, name: str, year, agency, locality: str = "", evidence: str = ""
) -> RegistryEntry:
    """REGISTER_ANY_AGENCY adds for any agency, REGISTER_OWN_AGENCY for the own one."""
    if not rules.can_register(actor) or (
        agency is not None and not rules.can_register_for(actor, agency.pk)
    ):
        raise PermissionDenied
    errors = []
    if category not in Category.values:
        errors.append(_("Choose a registry."))
    name = " ".join((name or "").split())[:300]
    if not name:
        errors.append(_("Give the name of what is registered."))
    try:
        year = int(str(year).strip())
    except ValueError:
        year = None
    if year is None or not plan.period_start <= year <= plan.period_end:
        errors.append(
            _("The year must be between %(start)s and %(end)s.")
            % {"start": plan.period_start, "end": plan.period_end}
        )
    if agency is None:
        errors.append(_("Choose the agency."))
    if errors:
        raise ValueError_(errors)
    entry = RegistryEntry.objects.create(
        plan=plan,
        category=category,
        name=name,
        year=year,
        agency=agency,
        locality=(locality or "")[:120],
        evidence=(evidence or "")[:500],
        created_by=actor,
    )
    record(actor, "create", entry, after=snapshot(entry))
    return entry
