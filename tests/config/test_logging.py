"""Error reports to Sentry only when SENTRY_DSN is set, without link tokens, cookies or bodies;
the request id is taken from the proxy when sane."""

import logging
import os
import subprocess
import sys

from config.logging import RedactLinkTokens, _scrub_event, redact
from config.settings import BASE_DIR


def test_sentry_starts_only_with_a_dsn():
    script = "import config.settings, sentry_sdk; print(sentry_sdk.get_client().is_active())"
    base = {"PATH": os.environ.get("PATH", ""), "DEBUG": "true"}

    def active(env):
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    assert active(base) == "False"
    assert active({**base, "SENTRY_DSN": "https://public@sentry.example.invalid/1"}) == "True"


def test_sentry_events_lose_tokens_cookies_and_bodies():
    event = {
        "request": {
            "url": "https://workshops.example.nhs.uk/s/12/SeCrEt-ToKeN/",
            "query_string": "next=/i/3/AnotherSecret/accept/",
            "cookies": {"sessionid": "abc"},
            "data": {"email": "someone@example.nhs.uk"},
        }
    }

    assert _scrub_event(event, {}) == {
        "request": {
            "url": "https://workshops.example.nhs.uk/s/12/[token]/",
            "query_string": "next=/i/3/[token]/accept/",
        }
    }


def test_redact_blanks_every_kind_of_secret_link():
    assert redact(
        '"GET /i/1/abc/ HTTP/1.1" /r/2/def/cancel/ /calendar/ghi.ics /organise/people/import/jkl/ /sessions/PIL-01/'
    ) == (
        '"GET /i/1/[token]/ HTTP/1.1" /r/2/[token]/cancel/ /calendar/[token].ics /organise/people/import/[token]/ '
        "/sessions/PIL-01/"
    )


def test_a_request_id_from_the_proxy_is_kept_only_when_sane(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert (len(made), made.isalnum()) == (32, True)


def test_redact_blanks_email_addresses_such_as_a_mail_servers_refusal():
    assert redact("Message 7 (invitation) not sent: 550 5.1.1 <jo.o'neil+dlw@nhs.net>: user unknown") == (
        "Message 7 (invitation) not sent: 550 5.1.1 <[email]>: user unknown"
    )


def test_the_console_handler_never_writes_an_email_address():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    record = logging.LogRecord("outbox.sending", logging.WARNING, __file__, 1, "to %s", ("a.person@nhs.net",), None)
    redacting = RedactLinkTokens()

    assert ("redact_links" in handler["filters"], redacting.filter(record), record.getMessage()) == (
        True,
        True,
        "to [email]",
    )
