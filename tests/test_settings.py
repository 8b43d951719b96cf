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


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "no"])
def test_documents_in_background_can_be_turned_off(monkeypatch, tmp_path, value):
    probe = _settings_with(monkeypatch, tmp_path, DOCUMENTS_IN_BACKGROUND=value)
    assert probe.DOCUMENTS_IN_BACKGROUND is False


@pytest.mark.parametrize("value", ["on", "1", "true", "yes"])
def test_documents_in_background_can_be_turned_on(monkeypatch, tmp_path, value):
    probe = _settings_with(monkeypatch, tmp_path, DOCUMENTS_IN_BACKGROUND=value)
    assert probe.DOCUMENTS_IN_BACKGROUND is True


def test_documents_in_background_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("DOCUMENTS_IN_BACKGROUND", raising=False)
    assert _settings_with(monkeypatch, tmp_path).DOCUMENTS_IN_BACKGROUND is True


def test_a_typo_in_documents_in_background_fails_loudly(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DOCUMENTS_IN_BACKGROUND"):
        _settings_with(monkeypatch, tmp_path, DOCUMENTS_IN_BACKGROUND="of")
