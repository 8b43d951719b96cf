"""The files in deploy/ are valid for the tools that read them (systemd-analyze,
nginx -t, logrotate, gunicorn), the environment file names only settings that
exist, and the documented production settings pass `check --deploy` while unsafe
ones stop the start. A tool that is not installed skips its test (CI installs
nginx: scripts/ensure-deploy-tools)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scenario import ROOT

pytestmark = pytest.mark.slow  # seconds each: scheduled first (tests/README.md)

DEPLOY = ROOT / "deploy"


def _tool(name: str) -> str:
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if Path(p).exists()), None
    )
    if path is None:
        if os.environ.get("CI") and name == "nginx":
            raise AssertionError("nginx is required on CI (scripts/ensure-deploy-tools)")
        pytest.skip(f"{name} is not installed")
    return path


def _env_example(tmp_path: Path) -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "planwatch.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    values["SECRET_KEY"] = "a-real-key-" + "x1y2z3w4v5u6t7s8r9q0" * 3
    values["PLANWATCH_VAR_DIR"] = str(tmp_path / "var")
    values["PLANWATCH_BACKUP_DIR"] = str(tmp_path / "backups")
    return values


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").iterdir()))
def test_systemd_units_verify(unit, tmp_path):
    analyze = _tool("systemd-analyze")
    env_file = tmp_path / "planwatch.env"
    env_file.write_text("PLANWATCH_PRODUCTION=1\n")
    for path in (DEPLOY / "systemd").iterdir():  # a timer needs its service beside it
        text = path.read_text().replace("/srv/planwatch", str(ROOT))
        (tmp_path / path.name).write_text(
            text.replace("/etc/planwatch/planwatch.env", str(env_file))
        )
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / unit)], capture_output=True, text=True
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if unit.split(".")[0] in line or "Unknown" in line or "not executable" in line
    ]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


def _self_signed(folder: Path) -> tuple[Path, Path]:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "planwatch.example.gov.vn")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem, private = folder / "fullchain.pem", folder / "privkey.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem, private


def test_nginx_site_passes_nginx_t(tmp_path):
    nginx = _tool("nginx")
    pem, private = _self_signed(tmp_path)
    site = (DEPLOY / "nginx" / "planwatch.conf").read_text()
    site = site.replace("/etc/ssl/planwatch/fullchain.pem", str(pem))
    site = site.replace("/etc/ssl/planwatch/privkey.pem", str(private))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "planwatch.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  access_log {tmp_path}/access.log;\n"
        f"  include {tmp_path}/planwatch.conf;\n}}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def test_logrotate_config_parses(tmp_path):
    logrotate = _tool("logrotate")
    config = (DEPLOY / "logrotate" / "planwatch").read_text()
    (tmp_path / "planwatch").write_text(config.replace("/var/log/nginx/", f"{tmp_path}/"))
    (tmp_path / "planwatch-access.log").write_text("x\n")
    done = subprocess.run(
        [logrotate, "-d", "-s", str(tmp_path / "state"), str(tmp_path / "planwatch")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "error" not in done.stderr.lower(), done.stderr


def test_gunicorn_config_loads_the_application(tmp_path):
    env = {**os.environ, **_env_example(tmp_path)}
    env.pop("DATABASE_URL")
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", str(DEPLOY / "gunicorn.conf.py"),
         "planwatch.wsgi:application"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_environment_file_names_only_real_settings():
    read = set(
        re.findall(
            r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"',
            (ROOT / "planwatch/settings.py").read_text(),
        )
    )
    read |= {"GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS"}  # deploy/gunicorn.conf.py
    example = _env_example(Path("/tmp"))
    assert set(example) <= read, set(example) - read


def test_postgresql_settings_are_known_to_the_server(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite")
    pairs = [
        line.split("#")[0].split("=")[0].strip()
        for line in (DEPLOY / "postgresql" / "planwatch.conf").read_text().splitlines()
        if "=" in line.split("#")[0]
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_settings")
        known = {row[0].lower() for row in cursor.fetchall()}  # names ignore case
    wanted = {name.lower() for name in pairs}
    assert pairs and wanted <= known, wanted - known


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    # The browser tests' Playwright needs DJANGO_ALLOW_ASYNC_UNSAFE in their process;
    # a production server never has it.
    env = {k: v for k, v in env.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path):
    env = {**os.environ, **_env_example(tmp_path)}
    done = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0 and "no issues" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"SECRET_KEY": "x"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "k" * 60}, "SECRET_KEY is weak"),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "ALLOW_CONSOLE_EMAIL",
        ),
    ],
)
def test_an_unsafe_production_start_is_refused(tmp_path, change, reason):
    env = {**os.environ, **_env_example(tmp_path), **change}
    done = _manage(env, "check")
    assert done.returncode != 0 and reason in done.stderr, done.stderr[-1500:]


def test_console_email_is_accepted_when_explicitly_allowed(tmp_path):
    env = {
        **os.environ,
        **_env_example(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "ALLOW_CONSOLE_EMAIL": "1",
    }
    assert _manage(env, "check").returncode == 0


def test_collected_static_files_are_readable_by_nginx(tmp_path):
    """nginx (www-data) serves /static/ from disk: collectstatic under the units'
    umask 0027 must still leave the files readable by others (uploads stay 0640)."""
    from django.core.management import call_command
    from django.test import override_settings

    root = tmp_path / "staticfiles"
    old = os.umask(0o027)
    try:
        with override_settings(STATIC_ROOT=root):
            call_command("collectstatic", "--no-input", verbosity=0)
    finally:
        os.umask(old)
    files = [p for p in root.rglob("*") if p.is_file()]
    folders = [p for p in root.rglob("*") if p.is_dir()]
    assert files and folders
    assert {p.stat().st_mode & 0o777 for p in files} == {0o644}
    assert {p.stat().st_mode & 0o777 for p in folders} == {0o755}


def test_a_disallowed_host_is_logged_not_mailed_to_admins():
    """Scanners and probes by IP send hosts outside ALLOWED_HOSTS: every one of them
    would otherwise e-mail ADMINS a traceback with the settings (seen when
    docs/deployment.md was followed)."""
    import logging

    from django.utils.log import AdminEmailHandler

    logger: logging.Logger | None = logging.getLogger("django.security.DisallowedHost")
    reached = []
    while logger is not None:
        reached += logger.handlers
        logger = logger.parent if logger.propagate else None
    assert reached, "a disallowed host must still be logged"
    assert not [h for h in reached if isinstance(h, AdminEmailHandler)], reached


def test_matplotlib_keeps_its_cache_in_the_data_directory(tmp_path):
    """The services' home (/srv/planwatch) is read-only: matplotlib's font cache goes
    to PLANWATCH_VAR_DIR, not $HOME/.config or a new temporary folder per document."""
    env = {
        **os.environ,
        "HOME": str(tmp_path / "read-only-home"),
        "PLANWATCH_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("MPLCONFIGDIR", None)
    code = (
        "import django; django.setup(); import documents.charts, matplotlib; "
        "print(matplotlib.get_configdir())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "planwatch.settings"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stdout.strip() == str(tmp_path / "var" / "cache" / "matplotlib"), done.stdout
