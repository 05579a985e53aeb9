"""Operable logs: every line carries a timestamp, level, logger and the id of the request it
belongs to, and never a secret link token or an email address.

The request id comes from the proxy's `X-Request-ID` when it sends a sane one (so a line in
the proxy's log and ours can be matched), or is made here; it is sent back on the response.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Paths whose last parts are secrets: invitation, registration and survey links
# (/i|r|s/<id>/<token>/), personal calendar feeds and the import previews' upload keys.
_SECRET_PATHS = [
    (re.compile(r"(/[irs]/\d+/)[^/\s\"'?]+"), r"\1[token]"),
    (re.compile(r"(/calendar/)[^/\s\"'?]+(\.ics)"), r"\1[token]\2"),
    (re.compile(r"(/organise/(?:people|surveys)/import/)[^/\s\"'?]+"), r"\1[token]"),
]
# Email addresses are personal data: a log outlives an erasure, so no line carries one (a mail
# server's refusal often quotes the address).
_EMAIL_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def is_secret_link(path: str) -> bool:
    """Whether the path carries a secret token (a page opened from an emailed link)."""
    return any(pattern.search(path) for pattern, _ in _SECRET_PATHS)


def redact(text: str) -> str:
    """The text with every secret link token replaced by [token] and every email address by
    [email]."""
    for pattern, replacement in _SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return _EMAIL_ADDRESS.sub("[email]", text)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a response after the middleware has finished, with the request attached.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class RedactLinkTokens(logging.Filter):
    """Blanks link tokens and email addresses out of the message (Django logs "Not Found:
    /i/1/<token>/" for a wrong link, runserver logs every path, a mail server's refusal quotes
    the address)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, request_id, message and,
    for an error, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def _scrub_event(event: dict, hint: dict) -> dict:
    request = event.get("request") or {}
    for key in ("url", "query_string"):
        if isinstance(request.get(key), str):
            request[key] = redact(request[key])
    request.pop("cookies", None)
    request.pop("data", None)
    return event


def start_sentry(dsn: str, *, environment: str) -> None:
    """Error reporting (sentry-sdk) without personal data: no user details, cookies, request
    bodies or link tokens."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        before_send=_scrub_event,
        traces_sample_rate=0.0,
    )
