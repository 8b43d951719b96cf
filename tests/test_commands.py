"""Management commands: load_demo, export_plan, load_plan; settings helpers."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import User, UserRole
from audit.models import AuditEntry
from plans.models import Plan, Task
from planwatch.env import env_bool, env_int, env_list, env_str


def test_load_demo_loads_everything_and_prints_the_logins(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert Plan.objects.count() == 1 and Task.objects.count() == 26
    for spec in DEMO_ACCOUNTS:
        assert spec.username in out
    assert "demo-planwatch" in out
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {r.value for r in UserRole}
    assert User.objects.filter(is_demo=False).count() == 0


def test_load_demo_is_idempotent(full_demo, capsys):
    """Again on what it loaded (the data state: load_demo into an empty database)."""
    counts = (
        Plan.objects.count(),
        Task.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )
    call_command("load_demo")
    assert "không đổi" in capsys.readouterr().out
    assert (
        Plan.objects.count(),
        Task.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_load_demo_refuses_a_database_with_real_accounts(db):
    User.objects.create_user("real-person", "a@b.vn", "x" * 20)
    with pytest.raises(CommandError, match="tài khoản thật"):
        call_command("load_demo")
    assert Plan.objects.count() == 0


def test_load_seed_plan_loads_the_plan_without_demo_accounts(db):
    call_command("load_seed_plan")
    assert Plan.objects.count() == 1 and User.objects.count() == 0


def test_export_plan_of_an_unknown_code_fails_clearly(plan):
    with pytest.raises(CommandError, match="Không có kế hoạch mã nope"):
        call_command("export_plan", "nope")


def test_load_plan_refuses_garbage(registry, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\xff garbage")
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("load_plan", str(bad))
    bad.write_text(json.dumps({"format": "planwatch.plan/1"}), encoding="utf-8")
    with pytest.raises(CommandError, match="Kế hoạch không hợp lệ"):
        call_command("load_plan", str(bad))
    assert Plan.objects.count() == 0


def test_env_helpers_fail_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_BOOL", "Yes")
    assert env_bool("X_BOOL", False) is True
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("X_INT", 1, minimum=1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.delenv("X_STR", raising=False)
    with pytest.raises(ImproperlyConfigured, match="required"):
        env_str("X_STR")
    assert env_str("X_STR", "d") == "d"
