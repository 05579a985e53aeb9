"""A real SMTP server for tests and benchmarks (aiosmtpd on 127.0.0.1): records what it
accepts, counts connections, and refuses chosen addresses with a chosen reply."""

import logging
import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

PORTS = range(9100, 9200)  # this project's ports for local servers

# aiosmtpd logs every command at INFO: quiet, or a benchmark measures the logging.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port in 9100-9199")


@dataclass
class Recorder:
    """The handler: `messages` is [(recipients, raw bytes)], `refuse` maps an address to the
    reply its RCPT gets (e.g. "550 5.1.1 No such user")."""

    messages: list = field(default_factory=list)
    # When each message was accepted (time.perf_counter()), for benchmarks.
    accepted_at: list = field(default_factory=list)
    connections: int = 0
    refuse: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            self.accepted_at.append(time.perf_counter())
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for rcpt_tos, _ in self.messages for address in rcpt_tos]


class SMTPServer:
    """Starts on a free port in 9100-9199; `stop()` closes it."""

    def __init__(self, port: int | None = None):
        self.recorder = Recorder()
        self.port = port or free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
