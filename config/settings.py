"""One env-driven settings module.

Every value comes from the environment through the small helpers below, which fail
loudly on a bad value. DEBUG is off unless set: then the security settings are strict and
start-up refuses missing or unsafe production values, each with what to set. Local defaults
(SQLite, console email, development keys) apply only with DEBUG=true and under pytest.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turns DATABASE_URL into Django's dict with dj-database-url, so query options such as
    ?sslmode=require reach the driver. SQLite gets the tuning below; other engines are refused."""
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True)
    except (ValueError, dj_database_url.UnknownSchemeError) as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL ({error}).") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = config["NAME"]
        return sqlite_database(BASE_DIR / "db.sqlite3" if name in {"", ":memory:"} else Path(name))
    if engine != "django.db.backends.postgresql":
        scheme = url.split(":", 1)[0]
        raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported (use sqlite or postgres).")
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://user@host:5432/dlw.")
    config["PORT"] = str(config["PORT"] or "")
    return config


def sqlite_database(path: Path) -> dict:
    # IMMEDIATE transactions plus WAL and a busy timeout make concurrent writers queue
    # rather than fail with "database is locked" (see RECIPES.md).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        },
    }


# Off unless set explicitly: an unset or empty DEBUG is production, and production refuses
# to start without the values below (PRODUCTION_PROBLEMS). `make run` and `make test` set
# DEBUG=true for local work.
DEBUG = env_bool("DEBUG", False)
# Under pytest: immediate tasks, no rate limits, no lockouts, plain static storage.
TESTING = env_bool("DLW_TESTING", "pytest" in sys.modules)
# Local defaults (development keys, SQLite, console email) are for DEBUG and the test run only.
LOCAL = DEBUG or TESTING
# What production lacks, each with what to set; raised together at the end of this module.
PRODUCTION_PROBLEMS: list[str] = []

if LOCAL:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-never-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be a long random value when DEBUG is off.")

# The key of the keyed hash (feedback.pseudonyms) that turns a person into the pseudonymous
# participant key the evaluation tells people apart by. Kept apart from SECRET_KEY so rotating
# one does not change the other.
if LOCAL:
    PSEUDONYMISATION_KEY = env_str("PSEUDONYMISATION_KEY", "insecure-local-pseudonymisation-key")
else:
    PSEUDONYMISATION_KEY = env_str("PSEUDONYMISATION_KEY")
    if len(PSEUDONYMISATION_KEY) < 32 or PSEUDONYMISATION_KEY.startswith("insecure"):
        raise ImproperlyConfigured("PSEUDONYMISATION_KEY must be a long random value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if LOCAL else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site: used in emails, calendar UIDs and links.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if LOCAL else "").rstrip("/")
if not LOCAL and not (SITE_URL.startswith("https://") and urlsplit(SITE_URL).hostname):
    PRODUCTION_PROBLEMS.append(
        "Set SITE_URL to the site's public https address, e.g. https://workshops.example.nhs.uk "
        f"(got {SITE_URL!r}): links, emails and calendar UIDs are built from it."
    )
SITE_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"
SERVICE_NAME = "Digital Leadership Workshops"

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # superusers with a password only, edits audit-logged
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` command is outbox's, which adds the periodic jobs.
    "outbox",
    "django_tasks_db",
    "summits",
    "attendees",
    "feedback",
    "evaluation",
    "privacy",
    "health",
]

MIDDLEWARE = [
    "config.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.RejectNulCharacters",
    "config.middleware.NoStorePrivatePages",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns lockouts into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "config.context_processors.service",
            ],
        },
    },
]
# Our templates folder overrides Django's form widget templates with NHS.UK markup.
FORM_RENDERER = "config.forms.NHSFormRenderer"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL and not LOCAL:
    PRODUCTION_PROBLEMS.append(
        "Set DATABASE_URL, e.g. postgres://dlw:password@db.internal:5432/dlw?sslmode=require "
        "(the SQLite file in the code folder is for local development only)."
    )
DATABASES = {"default": database_from_url(DATABASE_URL) if DATABASE_URL else sqlite_database(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared between processes in production: sign-in rate limits and the import preview's upload
# live here, and a per-process cache breaks both across gunicorn workers.
USE_DATABASE_CACHE = env_bool("USE_DATABASE_CACHE", not LOCAL)
if not USE_DATABASE_CACHE and not LOCAL:
    PRODUCTION_PROBLEMS.append(
        "Remove USE_DATABASE_CACHE=false (or set it to true): production needs the shared database cache "
        "(run `manage.py createcachetable`); a per-process cache breaks sign-in limits and imports across workers."
    )
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
        if USE_DATABASE_CACHE
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]  # the compiled NHS.UK frontend and our SCSS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: console locally; in production SMTP (EMAIL_HOST) or an explicitly named backend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if LOCAL else "")
    if not LOCAL and EMAIL_BACKEND in {"", "django.core.mail.backends.console.EmailBackend"}:
        PRODUCTION_PROBLEMS.append(
            "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) for SMTP, or EMAIL_BACKEND "
            "to another email backend: the console backend would write sign-in codes to the logs."
        )
EXAMPLE_MAILBOX = "workshops@example.nhs.uk"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Digital Leadership Workshops <{EXAMPLE_MAILBOX}>" if LOCAL else "")
if not LOCAL and (not DEFAULT_FROM_EMAIL or "example." in DEFAULT_FROM_EMAIL):
    PRODUCTION_PROBLEMS.append(
        "Set DEFAULT_FROM_EMAIL to the service's sender, e.g. Digital Leadership Workshops <workshops@england.nhs.uk>."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The monitored mailbox that calendar invites name as ORGANIZER (DOMAIN.md rule 4).
CALENDAR_ORGANIZER_EMAIL = env_str("CALENDAR_ORGANIZER_EMAIL", EXAMPLE_MAILBOX if LOCAL else "")
if not LOCAL and (not CALENDAR_ORGANIZER_EMAIL or "example." in CALENDAR_ORGANIZER_EMAIL):
    PRODUCTION_PROBLEMS.append(
        "Set CALENDAR_ORGANIZER_EMAIL to a monitored mailbox: calendar invites name it as ORGANIZER "
        "and replies from calendars go there."
    )

# How long an SMTP connection may hang before the send counts as a temporary failure.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# The outbox (outbox/sending.py): rows claimed per batch (one SMTP connection each), how long a
# sender holds a claimed batch before another may take it over, and the retries of temporary
# failures (doubling from OUTBOX_RETRY_SECONDS up to OUTBOX_RETRY_MAX_SECONDS).
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 100)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)

# Periodic jobs, enqueued by the worker itself (outbox/schedule.py): no cron entry needed.
PERIODIC_JOBS = {
    "outbox": {"task": "outbox.tasks.send_queued_messages", "every_seconds": 60},
    "reminders": {"task": "attendees.reminders.send_reminders_task", "every_seconds": 15 * 60},
    "survey-emails": {"task": "feedback.dispatch.send_survey_emails_task", "every_seconds": 15 * 60},
    "housekeeping": {"task": "outbox.tasks.housekeeping", "every_seconds": 24 * 60 * 60},
    # Data protection: erases people whose retention period has run out (docs/retention.md).
    "purge-personal-data": {"task": "privacy.tasks.purge_personal_data_task", "every_seconds": 24 * 60 * 60},
}
SCHEDULER_TICK_SECONDS = env_int("SCHEDULER_TICK_SECONDS", 15)
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 14)

# Reminders before a session, in days (sent by the worker's "reminders" job every 15 minutes).
try:
    REMINDER_DAYS_BEFORE = tuple(sorted({int(day) for day in env_list("REMINDER_DAYS_BEFORE", "7,1")}, reverse=True))
except ValueError:
    raise ImproperlyConfigured(
        "REMINDER_DAYS_BEFORE must be whole numbers of days separated by commas, like 7,1"
    ) from None

# Sections that later apps add to a board member's My sessions page (attendees cannot import them).
MY_SESSIONS_EXTRAS = ["feedback.queries.my_sessions_extras"]

# Background tasks: Django's tasks API, stored in the database, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE", TESTING)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Sign-in: django-allauth, email only, passwordless by emailed code.
LOGIN_URL = "account_request_login_code"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "summits:programme"
ACCOUNT_ADAPTER = "config.accounts.AccountAdapter"
ACCOUNT_FORMS = {
    "request_login_code": "config.accounts.RequestLoginCodeForm",
    "confirm_login_code": "config.accounts.ConfirmLoginCodeForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env_int("LOGIN_CODE_TIMEOUT_SECONDS", 15 * 60)
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Digital Leadership Workshops] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
}
if TESTING:
    ACCOUNT_RATE_LIMITS = False

# django-axes guards password logins to /admin/ (superusers): lockout answers 429.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)
AXES_VERBOSE = False

# How many proxies in front of the app append to X-Forwarded-For (a load balancer and nginx: 2).
# With 0 behind a proxy every client shares the proxy's address, and so one sign-in rate limit.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]

# Content security policy with a per-request nonce for our one inline module script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not LOCAL:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# One line per event with time, level, logger and the request id (JSON in production, text
# locally); secret link tokens are blanked out of every message (config/logging.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if LOCAL else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "redact_links": {"()": "config.logging.RedactLinkTokens"},
    },
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_links"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Blanked where the paths are logged, before any handler sees them; runserver's own
    # access log goes through the same handler.
    "loggers": {
        "django.request": {"filters": ["redact_links"]},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False, "filters": ["redact_links"]},
    },
}

# Error reporting, only when SENTRY_DSN is set (sentry-sdk): no personal data is sent, and link
# tokens are blanked out of URLs before an event leaves.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.logging import start_sentry

    start_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

# The worker writes a heartbeat to the cache; /healthz calls it stopped after this many seconds.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 120)
# /healthz reports unhealthy when the oldest queued email has waited longer than this.
OUTBOX_MAX_AGE_SECONDS = env_int("OUTBOX_MAX_AGE_SECONDS", 900)

# Personal data is purged this many days after a programme's last phase ends
# (`manage.py purge_personal_data`; the retention schedule is in docs/retention.md).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 2 * 365)
# A research extract's record-level file is deleted this many days after it was built (by the
# same daily purge); the request and its audit entries stay.
RESEARCH_EXTRACT_RETENTION_DAYS = env_int("RESEARCH_EXTRACT_RETENTION_DAYS", 30)

if PRODUCTION_PROBLEMS:
    raise ImproperlyConfigured(
        "DEBUG is off, so this is production, and it is not ready:\n- "
        + "\n- ".join(PRODUCTION_PROBLEMS)
        + "\n(For local development set DEBUG=true.)"
    )
