"""The planwatch.plan/1 format: schema, validation, saving all or nothing."""

import copy
import json

import jsonschema
import pytest

from audit.models import AuditEntry
from plans.format import SEED_PLAN, PlanFormatError, export_plan, plan_queryset, schema, validate
from plans.models import Plan, Task
from plans.saving import load_plan_file, save_plan


@pytest.fixture
def seed_data():
    return json.loads(SEED_PLAN.read_text(encoding="utf-8"))


def test_bundled_seed_is_valid_against_the_json_schema(seed_data):
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(seed_data, schema())
    assert validate(seed_data) == []


def test_export_round_trips_through_save(plan, seed_data):
    exported = export_plan(plan_queryset().get(pk=plan.pk))
    assert exported == seed_data
    other = copy.deepcopy(exported)
    other["code"] = "copy-of-seed"
    saved = save_plan(other)
    again = export_plan(plan_queryset().get(pk=saved.pk))
    assert again == other


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.pop("targets"), "targets"),
        (lambda d: d.update(format="planwatch.plan/9"), "format"),
        (lambda d: d["targets"][0].update(measure="percent"), "targets/0/measure"),
        (lambda d: d["period"].update(start=2031), "kết thúc"),
        (lambda d: d["targets"][0].update(min=9, max=3), "tối đa"),
        (lambda d: d["task_groups"][0]["tasks"][0].update(lead=[]), "chủ trì"),
        (lambda d: d["decision"].update(date="2021-02-30"), "không phải là ngày"),
        (lambda d: d.update(code="Bad Code!"), "code"),
    ],
)
def test_invalid_documents_are_refused_in_vietnamese(registry, seed_data, mutate, fragment):
    mutate(seed_data)
    with pytest.raises(PlanFormatError) as err:
        save_plan(seed_data)
    assert fragment in " ".join(err.value.errors)
    assert Plan.objects.count() == 0


def test_an_unknown_agency_saves_nothing_and_is_named(registry, seed_data):
    seed_data["task_groups"][2]["tasks"][0]["lead"] = ["Sở Không Tồn Tại"]
    with pytest.raises(PlanFormatError) as err:
        save_plan(seed_data)
    assert "Sở Không Tồn Tại" in err.value.errors[0]
    assert "chưa có trong danh mục" in err.value.errors[0]
    assert Plan.objects.count() == 0 and Task.objects.count() == 0


def test_saving_a_plan_twice_without_replace_is_refused(plan, seed_data):
    with pytest.raises(PlanFormatError, match="Đã có kế hoạch"):
        save_plan(seed_data)


def test_replacing_a_plan_is_audited_with_before_and_after(plan, seed_data):
    seed_data["title"] = "Kế hoạch sửa đổi"
    save_plan(seed_data, replace=True)
    entry = AuditEntry.objects.filter(object_type="plans.plan").first()
    assert entry.action == "update"
    assert entry.before["title"] != entry.after["title"] == "Kế hoạch sửa đổi"


def test_loading_the_same_file_again_changes_nothing(plan):
    _plan, changed = load_plan_file(SEED_PLAN)
    assert changed is False


def test_text_is_stored_in_nfc(registry, seed_data):
    import unicodedata

    seed_data["title"] = unicodedata.normalize("NFD", seed_data["title"])
    saved = save_plan(seed_data)
    assert saved.title == unicodedata.normalize("NFC", saved.title)
