"""What the HTTP benchmarks share: gunicorn on a free local port, one-connection-per-request
HTTP calls fired from threads, the CSRF cookie and token a browser would hold, and the
figures (rate, p99, median). Imported by accept_burst.py and survey_submit.py, which run as
scripts, so this folder is on sys.path."""

import http.client
import math
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
# A RedirectView through the whole middleware stack, no template, no query.
TRIVIAL_PATH = "/accounts/login/"


# gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, database_url: str) -> subprocess.Popen:
    """gunicorn `config.wsgi` with sync workers, DEBUG=true and ALLOWED_HOSTS=127.0.0.1 (no TLS,
    no collected static files), tasks on the database backend as in production (nothing runs
    them). Returns once it answers."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "DLW_TESTING": "false",
        "TASKS_IMMEDIATE": "false",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status, _, _ = request(port, "GET", TRIVIAL_PATH)
            if status == 302:
                return server
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(server)
    raise RuntimeError("gunicorn did not start")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# HTTP -------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, body: str = "", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def burst(port: int, calls: list, connections: int) -> tuple[float, list[float], list]:
    """Runs the calls (method, path, body, headers) over `connections` threads, all released
    together. Returns the elapsed seconds, each call's latency and each call's
    (status, Location)."""
    work: queue.Queue = queue.Queue()
    for index, call in enumerate(calls):
        work.put((index, call))
    latencies = [0.0] * len(calls)
    statuses: list = [None] * len(calls)
    start = threading.Barrier(connections + 1)

    def client():
        start.wait()
        while True:
            try:
                index, (method, path, body, headers) = work.get_nowait()
            except queue.Empty:
                return
            began = time.perf_counter()
            try:
                status, response_headers, _ = request(port, method, path, body, headers)
                statuses[index] = (status, dict(response_headers).get("Location", ""))
            except OSError as error:
                statuses[index] = (repr(error), "")
            latencies[index] = time.perf_counter() - began

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, statuses


def csrf_for(port: int, path: str) -> tuple[str, str]:
    """What a browser has after opening a page with a form: the CSRF cookie and the form's token."""
    status, headers, body = request(port, "GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    cookie = next(CSRF_COOKIE.search(value).group(1) for name, value in headers if name.lower() == "set-cookie")
    return cookie, CSRF_INPUT.search(body.decode()).group(1)


# Figures ----------------------------------------------------------------------------------


def rate(count: int, seconds: float) -> float:
    return count / seconds


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
