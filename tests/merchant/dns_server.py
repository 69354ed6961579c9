"""A tiny DNS server on a loopback UDP port answering the TXT records it holds; fixtures."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from portal.services.custom_hosts import dns_txt_resolver


class TxtServer:
    """Answers TXT queries from `records` (name → strings), NXDOMAIN for any other name."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.queries: list[str] = []
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.serve, daemon=True)
        self._thread.start()

    def serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, client = self.socket.recvfrom(4096)
            except TimeoutError:
                continue
            self.socket.sendto(self.answer(wire), client)

    def answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.queries.append(name)
        strings = self.records.get(name)
        if strings is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.TXT:
            quoted = [f'"{value}"' for value in strings]
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", *quoted))
        return response.to_wire()

    def stop(self) -> None:
        """Stop answering; the port stays bound, so a query now goes unanswered."""
        self._stop.set()
        self._thread.join(timeout=5)


@contextmanager
def txt_server() -> Iterator[TxtServer]:
    server = TxtServer()
    try:
        yield server
    finally:
        server.stop()
        server.socket.close()


@pytest.fixture
def zone() -> Iterator[TxtServer]:
    """The DNS the app asks: a real server on a loopback port, with the records a test sets."""
    with txt_server() as server:
        yield server


@pytest.fixture
def app(make_app, zone):
    """The app, asking `zone` for TXT records."""
    return make_app(HOST_TXT_RESOLVER=dns_txt_resolver(["127.0.0.1"], zone.port, timeout=1.0))
