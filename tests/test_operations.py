"""What an operator sees: /healthz (public, says little), logs as JSON lines with
the request id and the user, errors e-mailed to ADMINS, security headers with a
Content-Security-Policy the pages work under (no inline handlers, nonced scripts)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from planwatch.logs import JsonFormatter
from planwatch.security import production_problems, weak_secret_key
from worker.models import WorkerProcess

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_healthz_reports_database_worker_and_disk_without_signing_in(client, db):
    WorkerProcess.objects.create(
        worker_id="w", host="h", pid=1, started_at=timezone.now(), last_beat=timezone.now()
    )
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "worker", "disk"}
    assert body["checks"]["worker"]["queued"] == 0 and body["checks"]["disk"]["free_mb"] > 0
    assert "h" not in json.dumps(body["checks"]["worker"])  # no host names, pids or paths
    assert "/" not in json.dumps(body)


def test_healthz_fails_without_a_live_worker(client, db):
    WorkerProcess.objects.create(
        worker_id="w",
        host="h",
        pid=1,
        started_at=timezone.now(),
        last_beat=timezone.now() - timezone.timedelta(minutes=5),
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_healthz_fails_when_the_disk_is_nearly_full(client, db, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12
    body = client.get("/healthz").json()
    assert body["checks"]["disk"]["ok"] is False and body["status"] == "failing"


def test_each_request_logs_one_json_line_with_its_id_and_user(client, coordinator, caplog):
    client.force_login(coordinator)
    with caplog.at_level(logging.INFO, logger="planwatch.request"):
        response = client.get("/", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert response["X-Request-ID"] == "nginx-0123456789abcdef"
    (record,) = [r for r in caplog.records if r.name == "planwatch.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "nginx-0123456789abcdef" and line["user"] == "coordinator"
    assert line["path"] == "/" and line["status"] in (200, 302) and line["level"] == "INFO"


def test_a_forged_request_id_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x\n{injected}")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_an_error_is_emailed_to_the_admins_and_logged_as_json(rf, coordinator, settings, caplog):
    settings.ADMINS = [("IT", "it@example.vn")]
    logger = logging.getLogger("django.request")
    mailer = next(h for h in logger.handlers if h.__class__.__name__ == "AdminEmailHandler")
    mailer.email_backend = "django.core.mail.backends.locmem.EmailBackend"
    request = rf.get("/plans/")
    request.user = coordinator
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with caplog.at_level("ERROR", logger="django.request"):
            # What Django's handler logs for a 500.
            logger.error(
                "Internal Server Error: /plans/",
                exc_info=True,
                extra={"status_code": 500, "request": request},
            )
    assert [m.to for m in mail.outbox] == [["it@example.vn"]]
    assert "RuntimeError at /plans/\nboom" in mail.outbox[0].body
    line = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert "RuntimeError: boom" in line["exception"] and line["level"] == "ERROR"


def test_pages_carry_a_content_security_policy_with_a_fresh_nonce(client, coordinator):
    client.force_login(coordinator)
    first, second = client.get(reverse("plans:import")), client.get(reverse("plans:import"))
    policy = first["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]


def test_no_template_has_an_inline_event_handler_or_an_unnonced_inline_script():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "nonce=" in tag or "application/json" in tag, (path, tag)


@pytest.mark.parametrize(
    ("key", "weak"),
    [("x", True), ("k" * 60, True), ("django-insecure-" + "a1b2c3d4e5f6g7h8" * 3, True),
     ("Zt3-q9LmN0pXw8RvYb2HsK4jDf6GaEc1Uo7iT5yQrWnMlVkJhBgF", False)],
)  # fmt: skip
def test_weak_secret_keys(key, weak):
    assert weak_secret_key(key) is weak


def test_production_problems_name_each_problem():
    problems = production_problems(
        debug=True,
        secret_key="x",
        email_backend="django.core.mail.backends.console.EmailBackend",
        allow_test_email=False,
    )
    assert len(problems) == 3
    assert not production_problems(
        debug=False,
        secret_key="Zt3-q9LmN0pXw8RvYb2HsK4jDf6GaEc1Uo7iT5yQrWnMlVkJhBgF",
        email_backend="django.core.mail.backends.smtp.EmailBackend",
        allow_test_email=False,
    )
