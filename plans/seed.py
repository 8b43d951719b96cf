"""The bundled default: the agency registry of Quảng Bình (2021) and the plan of
Quyết định 800/QĐ-UBND, loaded idempotently."""

from __future__ import annotations

from django.db import transaction

from agencies.registry import load_registry
from plans.format import SEED_PLAN
from plans.models import Plan
from plans.saving import load_plan_file


@transaction.atomic
def load_seed(actor=None) -> tuple[dict[str, int], Plan, bool]:
    """Load the registry and the seed plan; (registry counts, plan, plan changed)."""
    counts = load_registry(actor=actor)
    plan, changed = load_plan_file(SEED_PLAN, actor)
    return counts, plan, changed


def summary(counts: dict[str, int], plan: Plan, changed: bool) -> str:
    return (
        f"Cơ quan: {counts['agencies']} mới/cập nhật. Kế hoạch {plan.code}: "
        f"{'đã nạp' if changed else 'không đổi'}."
    )
