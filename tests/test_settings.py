"""Settings read from the environment mean what the administrator wrote."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent / "planwatch" / "settings.py"


def _settings_with(monkeypatch, tmp_path, **env):
    """The settings module evaluated afresh under ``env`` (the running settings stay)."""
    monkeypatch.setenv("PLANWATCH_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("planwatch_settings_probe", SETTINGS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A boolean setting (env_bool): "off" used to read as true for DOCUMENTS_IN_BACKGROUND,
# which the task worker has since replaced; every boolean is read the same way.
@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "no"])
def test_a_boolean_setting_can_be_turned_off(monkeypatch, tmp_path, value):
    probe = _settings_with(monkeypatch, tmp_path, SECURE_COOKIES=value)
    assert probe.SESSION_COOKIE_SECURE is False


@pytest.mark.parametrize("value", ["on", "1", "true", "yes"])
def test_a_boolean_setting_can_be_turned_on(monkeypatch, tmp_path, value):
    probe = _settings_with(monkeypatch, tmp_path, SECURE_COOKIES=value)
    assert probe.SESSION_COOKIE_SECURE is True


def test_a_typo_in_a_boolean_setting_fails_loudly(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECURE_COOKIES"):
        _settings_with(monkeypatch, tmp_path, SECURE_COOKIES="of")
