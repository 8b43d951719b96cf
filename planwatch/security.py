"""Security headers and the refusals of a production start.

The Content-Security-Policy allows scripts from this site only (and the inline
scripts that carry this response's nonce), no inline event handlers (the pages
use static/planwatch/behaviour.js), no eval (htmx runs with allowEval off),
nothing from other sites: provincial networks are closed anyway, and an
injected script cannot load or send anything elsewhere."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WEAK_KEY_LENGTH = 40
TEST_BACKENDS = ("console", "locmem", "dummy", "filebased")


def policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            # Progress bars and Chart.js set style attributes; styles cannot run code.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault(self.header, policy(request.csp_nonce))
        return response


def weak_secret_key(key: str) -> bool:
    """Too short, too few distinct characters, or Django's sample key."""
    return (
        len(key) < WEAK_KEY_LENGTH
        or len(set(key)) < 10
        or key.startswith("django-insecure")
        or key.lower() in {"changeme", "secret", "planwatch"}
    )


def production_problems(
    *, debug: bool, secret_key: str, email_backend: str, allow_test_email: bool
) -> list[str]:
    """Why a production server must not start with these settings (empty: fine)."""
    problems = []
    if debug:
        problems.append("DEBUG is on: pages would show code and settings to anyone.")
    if weak_secret_key(secret_key):
        problems.append(
            f"SECRET_KEY is weak: use at least {WEAK_KEY_LENGTH} random characters "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if not allow_test_email and any(name in email_backend for name in TEST_BACKENDS):
        problems.append(
            f"EMAIL_BACKEND is {email_backend}: password-reset and invitation links "
            "would be written to the log instead of being sent. Configure SMTP, or set "
            "ALLOW_CONSOLE_EMAIL=1 to accept that knowingly."
        )
    return problems


def refuse_unsafe_production(**values) -> None:
    problems = production_problems(**values)
    if problems:
        raise ImproperlyConfigured(
            "PLANWATCH_PRODUCTION=1 but: " + " ".join(problems) + " (docs/deployment.md)"
        )
