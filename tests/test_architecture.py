"""Imports run one way (DESIGN.md): audit <- agencies <- plans <- later apps;
domain modules never import views or a higher app. Views, URLs, admin and
commands sit on top and may import any domain module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "audit",
    "agencies",
    "accounts",
    "plans",
    "reporting",
    "indicators",
    "budget",
    "documents",
    "api",
    "planwatch",
    "worker",
]
ALLOWED = {
    "audit": set(),
    "agencies": {"audit"},
    "accounts": {"agencies", "audit"},
    "plans": {"agencies", "audit"},
    "reporting": {"plans", "agencies", "audit", "accounts"},
    "indicators": {"reporting", "plans", "agencies", "audit", "accounts"},
    "budget": {"reporting", "plans", "agencies", "audit", "accounts"},
    "documents": {"indicators", "budget", "reporting", "plans", "agencies", "audit", "accounts"},
    "planwatch": set(),
    "worker": set(),  # the task worker sits at the bottom: tasks are found by name
}
TOP_LAYER = {
    "views.py",
    "import_views.py",
    "urls.py",
    "admin.py",
    "apps.py",
    "context_processors.py",
    "middleware.py",
    "settings.py",
    "errors.py",
    "wsgi.py",
    "asgi.py",
}


def _domain_modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT / app).parts
        if path.name in TOP_LAYER or {"migrations", "management", "templatetags"} & set(parts):
            continue
        yield path


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(APPS)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_domain_modules_import_only_lower_apps(app):
    for path in _domain_modules(app):
        extra = _imported_apps(path) - ALLOWED[app] - {app, "planwatch", "worker"}
        assert not extra, f"{path.relative_to(ROOT)} imports {sorted(extra)}"


def test_no_domain_module_imports_views():
    for app in APPS:
        for path in _domain_modules(app):
            source = path.read_text(encoding="utf-8")
            assert ".views import" not in source and "import views" not in source, path
