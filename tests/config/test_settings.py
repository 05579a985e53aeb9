"""The settings helpers fail loudly on bad values; production settings are strict."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import BASE_DIR, database_from_url, env_bool, env_int, env_list, env_str

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
}


def test_database_from_url_reads_an_absolute_sqlite_path():
    assert database_from_url("sqlite:////var/lib/dlw/db.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path("/var/lib/dlw/db.sqlite3"),
        "OPTIONS": SQLITE_OPTIONS,
    }


def test_database_from_url_reads_a_relative_sqlite_path():
    assert database_from_url("sqlite:///data/db.sqlite3")["NAME"] == Path("data/db.sqlite3")


def test_database_from_url_defaults_sqlite_to_the_project_database():
    assert database_from_url("sqlite://")["NAME"] == BASE_DIR / "db.sqlite3"


def test_database_from_url_reads_a_postgres_url(monkeypatch):
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)

    assert database_from_url("postgres://dlw:s%40cret@db.example.nhs.uk:6543/workshops") == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "workshops",
        "USER": "dlw",
        "PASSWORD": "s@cret",
        "HOST": "db.example.nhs.uk",
        "PORT": "6543",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": False,
    }


def test_database_from_url_passes_query_options_to_the_driver():
    config = database_from_url("postgres://dlw@db.example.nhs.uk/workshops?sslmode=require&connect_timeout=5")

    assert config["OPTIONS"] == {"sslmode": "require", "connect_timeout": 5}


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_database_from_url_accepts_each_postgres_scheme(monkeypatch, scheme):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "0")

    config = database_from_url(f"{scheme}://postgres@127.0.0.1/test")

    assert (config["ENGINE"], config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "test",
        "postgres",
        "",
        "127.0.0.1",
        "",
    )
    assert config["CONN_MAX_AGE"] == 0


def test_database_from_url_refuses_postgres_without_a_database_name():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("postgres://postgres@127.0.0.1:5432/")


@pytest.mark.parametrize("url", ["mysql://root@localhost/dlw", "db.sqlite3", "oracle://x/y"])
def test_database_from_url_refuses_an_unsupported_scheme(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" ON ", True), ("0", False), ("false", False), ("No", False)],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DLW_FLAG", raw)

    assert env_bool("DLW_FLAG", not expected) is expected


@pytest.mark.parametrize("raw", [None, ""])
def test_env_bool_unset_or_empty_gives_the_default(monkeypatch, raw):
    monkeypatch.delenv("DLW_FLAG", raising=False)
    if raw is not None:
        monkeypatch.setenv("DLW_FLAG", raw)

    assert env_bool("DLW_FLAG", True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled"])
def test_env_bool_refuses_a_bad_value(monkeypatch, raw):
    monkeypatch.setenv("DLW_FLAG", raw)

    with pytest.raises(ImproperlyConfigured):
        env_bool("DLW_FLAG", False)


def test_env_int_reads_a_number_and_refuses_words(monkeypatch):
    monkeypatch.setenv("DLW_NUMBER", "42")
    assert env_int("DLW_NUMBER", 1) == 42

    monkeypatch.setenv("DLW_NUMBER", "forty-two")
    with pytest.raises(ImproperlyConfigured):
        env_int("DLW_NUMBER", 1)


def test_env_int_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv("DLW_NUMBER", raising=False)

    assert env_int("DLW_NUMBER", 7) == 7


def test_env_str_without_value_or_default_refuses(monkeypatch):
    monkeypatch.delenv("DLW_TEXT", raising=False)

    with pytest.raises(ImproperlyConfigured):
        env_str("DLW_TEXT")
    assert env_str("DLW_TEXT", "fallback") == "fallback"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("DLW_HOSTS", " a.example , b.example,,")

    assert env_list("DLW_HOSTS") == ["a.example", "b.example"]


def test_settings_use_london_time_and_immediate_tasks_in_tests():
    assert (settings.TIME_ZONE, settings.USE_TZ) == ("Europe/London", True)
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert settings.LOGIN_URL == "account_request_login_code"
    assert settings.ACCOUNT_LOGIN_BY_CODE_ENABLED is True


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    """Imports config.settings in a fresh interpreter with exactly these variables."""
    script = (
        "import config.settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS)"
    )
    clean = {"PATH": os.environ.get("PATH", ""), "DLW_TESTING": "false", **env}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=clean, capture_output=True, text=True, check=False
    )


def test_settings_without_debug_need_a_secret_key():
    result = _import_settings({"DEBUG": "false"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set the SECRET_KEY environment variable."
    )


def test_settings_without_debug_refuse_a_short_secret_key():
    result = _import_settings({"DEBUG": "false", "SECRET_KEY": "short"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be a long random value when DEBUG is off."
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 60,
    "PSEUDONYMISATION_KEY": "p" * 40,
    "ALLOWED_HOSTS": "workshops.example.nhs.uk",
    "SITE_URL": "https://workshops.example.nhs.uk",
    "DATABASE_URL": "postgres://dlw@db.internal:5432/dlw?sslmode=require",
    "EMAIL_HOST": "smtp.example.nhs.uk",
    "DEFAULT_FROM_EMAIL": "Digital Leadership Workshops <workshops@england.nhs.uk>",
    "CALENDAR_ORGANIZER_EMAIL": "workshops@england.nhs.uk",
}


def test_settings_without_debug_are_strict():
    result = _import_settings(PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True True True 31536000 ['workshops.example.nhs.uk']"


def _production_problems(result: subprocess.CompletedProcess) -> list[str]:
    lines = result.stderr.strip().splitlines()
    start = lines.index(
        "django.core.exceptions.ImproperlyConfigured: DEBUG is off, so this is production, and it is not ready:"
    )
    assert lines[-1] == "(For local development set DEBUG=true.)"
    return lines[start + 1 : -1]


SITE_URL_PROBLEM = (
    "- Set SITE_URL to the site's public https address, e.g. https://workshops.example.nhs.uk (got {!r}): "
    "links, emails and calendar UIDs are built from it."
)
DATABASE_PROBLEM = (
    "- Set DATABASE_URL, e.g. postgres://dlw:password@db.internal:5432/dlw?sslmode=require "
    "(the SQLite file in the code folder is for local development only)."
)
EMAIL_PROBLEM = (
    "- Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) for SMTP, or EMAIL_BACKEND "
    "to another email backend: the console backend would write sign-in codes to the logs."
)
FROM_PROBLEM = (
    "- Set DEFAULT_FROM_EMAIL to the service's sender, e.g. Digital Leadership Workshops <workshops@england.nhs.uk>."
)
ORGANIZER_PROBLEM = (
    "- Set CALENDAR_ORGANIZER_EMAIL to a monitored mailbox: calendar invites name it as ORGANIZER "
    "and replies from calendars go there."
)
CACHE_PROBLEM = (
    "- Remove USE_DATABASE_CACHE=false (or set it to true): production needs the shared database cache "
    "(run `manage.py createcachetable`); a per-process cache breaks sign-in limits and imports across workers."
)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"SITE_URL": None}, SITE_URL_PROBLEM.format("")),
        ({"SITE_URL": "workshops.example.nhs.uk"}, SITE_URL_PROBLEM.format("workshops.example.nhs.uk")),
        ({"SITE_URL": "http://workshops.example.nhs.uk"}, SITE_URL_PROBLEM.format("http://workshops.example.nhs.uk")),
        ({"DATABASE_URL": None}, DATABASE_PROBLEM),
        ({"EMAIL_HOST": None}, EMAIL_PROBLEM),
        ({"EMAIL_HOST": None, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, EMAIL_PROBLEM),
        ({"DEFAULT_FROM_EMAIL": None}, FROM_PROBLEM),
        ({"DEFAULT_FROM_EMAIL": "Workshops <workshops@example.nhs.uk>"}, FROM_PROBLEM),
        ({"CALENDAR_ORGANIZER_EMAIL": None}, ORGANIZER_PROBLEM),
        ({"CALENDAR_ORGANIZER_EMAIL": "workshops@example.nhs.uk"}, ORGANIZER_PROBLEM),
        ({"USE_DATABASE_CACHE": "false"}, CACHE_PROBLEM),
    ],
)
def test_settings_without_debug_refuse_a_missing_or_unsafe_production_value(change, problem):
    env = {key: value for key, value in {**PRODUCTION, **change}.items() if value is not None}

    result = _import_settings(env)

    assert result.returncode == 1
    assert _production_problems(result) == [problem]


def test_settings_with_an_empty_debug_are_production_and_list_every_missing_value():
    result = _import_settings({"DEBUG": "", "SECRET_KEY": "k" * 60, "PSEUDONYMISATION_KEY": "p" * 40})

    assert result.returncode == 1
    assert _production_problems(result) == [
        SITE_URL_PROBLEM.format(""),
        DATABASE_PROBLEM,
        EMAIL_PROBLEM,
        FROM_PROBLEM,
        ORGANIZER_PROBLEM,
    ]


def test_settings_without_any_debug_variable_need_the_production_secret_key():
    result = _import_settings({})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set the SECRET_KEY environment variable."
    )


def test_settings_with_an_explicit_email_backend_start():
    env = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_HOST"}

    result = _import_settings({**env, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"})

    assert result.returncode == 0, result.stderr


def test_settings_without_debug_need_a_pseudonymisation_key():
    result = _import_settings({"DEBUG": "false", "SECRET_KEY": "k" * 60, "PSEUDONYMISATION_KEY": "short"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "PSEUDONYMISATION_KEY must be a long random value when DEBUG is off."
    )


def test_settings_refuse_a_bad_debug_value():
    result = _import_settings({"DEBUG": "sometimes"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DEBUG must be true or false, not 'sometimes'."
    )


def test_trusted_proxy_count_reaches_allauth_and_axes():
    script = (
        "import config.settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), "DEBUG": "true", "TRUSTED_PROXY_COUNT": "2"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stdout.strip() == "2 2 ['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR']"


def test_behind_one_proxy_allauth_limits_the_real_client(rf, settings):
    from allauth.account.adapter import get_adapter

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="127.0.0.1")

    assert get_adapter(request).get_client_ip(request) == "203.0.113.5"


def _manage_check(folder, env: dict) -> subprocess.CompletedProcess:
    """`manage.py check` from a copy of manage.py in `folder` (next to that folder's .env)."""
    shutil.copy(BASE_DIR / "manage.py", folder / "manage.py")
    clean = {"PATH": os.environ.get("PATH", ""), "DLW_TESTING": "false", "PYTHONPATH": str(BASE_DIR), **env}
    return subprocess.run(
        [sys.executable, str(folder / "manage.py"), "check"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_manage_py_reads_the_checkouts_env_file(tmp_path):
    (tmp_path / ".env").write_text("# written by make setup\nDEBUG=true\n")

    result = _manage_check(tmp_path, {})

    assert (result.returncode, result.stdout) == (0, "System check identified no issues (0 silenced).\n")


def test_the_environment_wins_over_the_env_file(tmp_path):
    (tmp_path / ".env").write_text("DEBUG=true\n")

    result = _manage_check(tmp_path, {"DEBUG": "false"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set the SECRET_KEY environment variable."
    )


def test_without_an_env_file_manage_py_fails_closed(tmp_path):
    result = _manage_check(tmp_path, {})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set the SECRET_KEY environment variable."
    )
