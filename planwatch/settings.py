"""planwatch settings, read from environment variables (see docs/configuration.md).

A fresh clone needs no configuration: SQLite under var/, a secret key generated
into var/ on first start, e-mail printed to the console.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from planwatch.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PLANWATCH_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# bench/: the trivial view the page benchmark compares against (planwatch.views).
BENCH_VIEWS = env_bool("PLANWATCH_BENCH", False)


def _secret_key() -> str:
    from planwatch.security import weak_secret_key

    key = env_str("SECRET_KEY", "")
    if key:
        if weak_secret_key(key):
            raise ImproperlyConfigured(
                "SECRET_KEY is weak: use at least 40 random characters, or leave it unset "
                "to have one generated into the data directory."
            )
        return key
    # No key configured: keep one generated key in var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "template_partials",
    "planwatch",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "worker",
    "audit",
    "agencies",
    "accounts",
    "notices",
    "plans",
    "reporting",
    "indicators",
    "budget",
    "documents",
    "outgoing",
    "todo",
    "api",
]

MIDDLEWARE = [
    "planwatch.logs.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "planwatch.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "planwatch.middleware.LanguageMiddleware",
    "planwatch.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # the user read with its session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "planwatch.urls"

# The main pages kept as rendered until the data changes (planwatch.pagecache).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "TIMEOUT": 6 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 3000, "CULL_FREQUENCY": 3},
    },
}
WSGI_APPLICATION = "planwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.site",
                "access.context_processors.capabilities",
                "notices.context_processors.unread",
            ],
        },
    }
]

_database_url = env_str("DATABASE_URL", "")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "planwatch.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Sign-in throttling (django-axes, docs/decisions.md): after AXES_FAILURE_LIMIT wrong
# passwords for a username, that username is locked for AXES_COOLOFF_MINUTES, on the
# sign-in form and on POST /api/v1/auth/token alike; an administrator unlocks it on
# the account's page. By username, not by address: behind nginx every address is
# the proxy's.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_VERBOSE = False
# axes.W006 warns that a lock by username alone can be dodged by changing the
# User-Agent or cookies: it cannot, it is the username that is locked (see below).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Database sessions with the user's id in a column: one query for both (accounts.sessions).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind nginx with TLS (docs/deployment.md): HSTS, the redirect to https, and the
# scheme nginx saw (it sets X-Forwarded-Proto itself, overwriting the client's).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Browsers' preload list takes registrable domains only; planwatch is served from a
# host under the province's domain, which the province's portal decides about.
# models.W040: SQLite ignores the INCLUDE columns of a covering index (value_progress_cover,
# indicators.models), which PostgreSQL, where a province runs, uses.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"] + (
    [] if SECURE_HSTS_PRELOAD else ["security.W021"]
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a probe on the loopback speaks plain http
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; served only through views
FILE_UPLOAD_PERMISSIONS = 0o640  # evidence is read through planwatch's views only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Static files are public and nginx (www-data) serves them from disk: readable by
    # all, whatever the umask (the units' 0027) or the upload modes above say.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
BACKUP_DIR = Path(env_str("PLANWATCH_BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP_DAYS = env_int("PLANWATCH_BACKUP_KEEP_DAYS", 30, minimum=1)

# Mail goes through the task queue (worker.mail): EMAIL_BACKEND names the backend
# that delivers it, run by the worker with retries.
EMAIL_BACKEND = "worker.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "planwatch <no-reply@localhost>")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Logs: JSON lines on stderr (the journal under systemd) with the request id and
# the user (planwatch.logs); LOG_FORMAT=text for a terminal. Errors are e-mailed
# to ADMINS (directly, not through the queue: the database may be what failed),
# and sent to a Sentry-compatible service when SENTRY_DSN is set.
ADMINS = [
    (address.split("<")[0].strip() or address, address.split("<")[-1].strip(" >"))
    for address in env_list("ADMINS", [])
]
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "planwatch.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "email_backend": EMAIL_DELIVERY_BACKEND,
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        "planwatch": {
            "handlers": ["console", "mail_admins"],
            "level": env_str("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # A request naming a host not in ALLOWED_HOSTS (scanners, a probe by IP) is
        # answered 400 and logged, not e-mailed to ADMINS with the whole settings.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
        },
        "planwatch.request": {
            "handlers": ["console"],
            "level": env_str("ACCESS_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,  # no user names, addresses or cookies leave the province
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=0.0,
    )

NINJA_PAGINATION_PER_PAGE = 100

# Reminders before the due date (days before it) and after it (every N days).
try:
    REMINDER_DAYS_BEFORE = sorted(
        {int(d) for d in env_list("REMINDER_DAYS_BEFORE", ["7", "3"])}, reverse=True
    )
except ValueError:
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE must be whole numbers, e.g. 7,3") from None
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 3, minimum=1)

# Official documents: LibreOffice for PDF (found on PATH when empty).
PLANWATCH_SOFFICE = env_str("PLANWATCH_SOFFICE", "")
# A kept-warm LibreOffice per profile slot (documents.pdf, scripts/office_server.py),
# run by the Python that has Debian's python3-uno; off (or missing uno): one soffice
# per document. It stops after the idle seconds.
PLANWATCH_OFFICE_WARM = env_bool("PLANWATCH_OFFICE_WARM", True)
PLANWATCH_OFFICE_PYTHON = env_str("PLANWATCH_OFFICE_PYTHON", "/usr/bin/python3")
PLANWATCH_OFFICE_IDLE_SECONDS = env_int("PLANWATCH_OFFICE_IDLE_SECONDS", 600, minimum=5)
# A coordinator's Word template is filled within these bounds (documents.sandbox):
# a child process killed after the seconds, rounds of its loops, size of the document.
TEMPLATE_RENDER_SECONDS = env_int("TEMPLATE_RENDER_SECONDS", 30, minimum=1)
TEMPLATE_MAX_LOOPS = env_int("TEMPLATE_MAX_LOOPS", 200_000, minimum=100)
TEMPLATE_MAX_OUTPUT_BYTES = 20 * 1024 * 1024

# Digital signatures of issued documents (outgoing.signing, docs/documents.md): a key
# in a PKCS#12 file, or on a PKCS#11 token (a USB token; SoftHSM2 in the tests); a
# timestamp service (RFC 3161) for PAdES B-LT; the roots a signature's chain must
# reach (PEM or DER files and folders, separated by ":"); the font of the visible
# signature. Nothing configured: issued PDFs are not signed (load_demo makes a demo key).
PLANWATCH_SIGN_PKCS12 = env_str("PLANWATCH_SIGN_PKCS12", "")
PLANWATCH_SIGN_PKCS12_PASSWORD = env_str("PLANWATCH_SIGN_PKCS12_PASSWORD", "")
PLANWATCH_SIGN_PKCS11_MODULE = env_str("PLANWATCH_SIGN_PKCS11_MODULE", "")
PLANWATCH_SIGN_PKCS11_TOKEN = env_str("PLANWATCH_SIGN_PKCS11_TOKEN", "")
PLANWATCH_SIGN_PKCS11_PIN = env_str("PLANWATCH_SIGN_PKCS11_PIN", "")
PLANWATCH_SIGN_PKCS11_KEY = env_str("PLANWATCH_SIGN_PKCS11_KEY", "")
PLANWATCH_TSA_URL = env_str("PLANWATCH_TSA_URL", "")
PLANWATCH_TRUST_ROOTS = env_str("PLANWATCH_TRUST_ROOTS", "")
PLANWATCH_SIGN_FONT = env_str("PLANWATCH_SIGN_FONT", "")

# The task worker (docs/decisions.md): django-tasks with its database backend, run
# by `manage.py worker`. A worker renews its lease every HEARTBEAT seconds; one
# silent for LEASE seconds is dead and its tasks are settled by another worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5, minimum=1)
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 30, minimum=2)
WORKER_STOP_GRACE_SECONDS = env_int("WORKER_STOP_GRACE_SECONDS", 30, minimum=0)
WORKER_KEEP_DAYS = env_int("WORKER_KEEP_DAYS", 30, minimum=1)
if WORKER_LEASE_SECONDS <= 2 * WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("WORKER_LEASE_SECONDS must exceed twice WORKER_HEARTBEAT_SECONDS.")
HEALTH_MIN_FREE_MB = env_int("HEALTH_MIN_FREE_MB", 1024, minimum=0)
try:
    REMINDERS_AT = dt.time.fromisoformat(env_str("REMINDERS_AT", "07:00"))
except ValueError:
    raise ImproperlyConfigured("REMINDERS_AT must be a time of day, e.g. 07:00") from None

# A production server (the systemd units set PLANWATCH_PRODUCTION=1) refuses to
# start with DEBUG on, a weak SECRET_KEY or an e-mail backend that only prints.
PRODUCTION = env_bool("PLANWATCH_PRODUCTION", False)
if PRODUCTION:
    from planwatch.security import refuse_unsafe_production

    refuse_unsafe_production(
        debug=DEBUG,
        secret_key=SECRET_KEY,
        email_backend=EMAIL_DELIVERY_BACKEND,
        allow_test_email=env_bool("ALLOW_CONSOLE_EMAIL", False),
    )
