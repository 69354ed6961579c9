"""A webhook goes to the address that was checked, never to a second DNS answer, with TLS
verified for the URL's name. The sandbox has no public address, so 127.0.0.1 plays the
public one here; the name `hooks.shop.test` resolves only through the test's resolver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from portal.notify import PermanentFailure, TemporaryFailure
from portal.notify import webhook as webhook_module
from portal.notify.webhook import WebhookSender, verify
from tests.notify.conftest import SECRET
from tests.notify.tls import self_signed

NAME = "hooks.shop.test"


@contextmanager
def serving_https(directory: Path, bind: str) -> Iterator[dict]:
    """An HTTPS endpoint for hooks.shop.test on `bind` and a free port; yields what it saw."""
    cert, key = self_signed(directory, dns=NAME)
    seen: dict = {"requests": [], "status": 204}

    @Request.application
    def endpoint(request: Request) -> Response:
        body = request.get_data()
        seen["requests"].append(
            {
                "host": request.host,
                "path": request.full_path,
                "signed": verify(SECRET, request.headers, body),
            }
        )
        headers = {"Location": "https://elsewhere.test/"} if seen["status"] == 302 else {}
        return Response(status=seen["status"], headers=headers)

    server = make_server(bind, 0, endpoint, threaded=True, ssl_context=(str(cert), str(key)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    seen["port"], seen["cert"] = server.server_port, cert
    try:
        yield seen
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def https_receiver(tmp_path, monkeypatch) -> Iterator[dict]:
    """The endpoint on 127.0.0.1, its certificate trusted by this test."""
    with serving_https(tmp_path, "127.0.0.1") as seen:
        monkeypatch.setenv("SSL_CERT_FILE", str(seen["cert"]))
        yield seen


@pytest.fixture
def loopback_is_public(monkeypatch):
    monkeypatch.setattr(webhook_module, "is_public_address", lambda a: a == "127.0.0.1")


class Rebinding:
    """Answers with the checked address first, then a private one (a rebinding attack)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return ["127.0.0.1"] if len(self.calls) == 1 else ["10.0.0.7"]


def test_the_post_goes_to_the_checked_address_with_the_names_tls_and_host(
    https_receiver, loopback_is_public
):
    resolver = Rebinding()
    sender = WebhookSender(allow_private=False, resolver=resolver)
    url = f"https://{NAME}:{https_receiver['port']}/in?shop=acme"

    result = sender.send(url, SECRET, "msg_1", b'{"type":"order.created"}')

    assert result.provider_message_id == "msg_1"
    assert resolver.calls == [NAME]  # looked up once: nothing left to rebind
    [request] = https_receiver["requests"]
    assert request == {
        "host": f"{NAME}:{https_receiver['port']}",
        "path": "/in?shop=acme",
        "signed": True,
    }


def test_a_certificate_for_another_name_is_refused(https_receiver, loopback_is_public):
    sender = WebhookSender(allow_private=False, resolver=lambda host, port: ["127.0.0.1"])

    with pytest.raises(TemporaryFailure, match="unreachable"):
        sender.send(f"https://other.shop.test:{https_receiver['port']}/in", SECRET, "m", b"{}")

    assert https_receiver["requests"] == []


def test_a_redirect_is_not_followed(https_receiver, loopback_is_public):
    https_receiver["status"] = 302
    sender = WebhookSender(allow_private=False, resolver=lambda host, port: ["127.0.0.1"])

    with pytest.raises(PermanentFailure, match="redirects are not followed"):
        sender.send(f"https://{NAME}:{https_receiver['port']}/in", SECRET, "m", b"{}")

    assert len(https_receiver["requests"]) == 1


def test_the_next_address_is_tried_when_one_does_not_answer(tmp_path, monkeypatch):
    monkeypatch.setattr(webhook_module, "is_public_address", lambda a: a.startswith("127.0.0."))
    with serving_https(tmp_path, "127.0.0.2") as seen:
        monkeypatch.setenv("SSL_CERT_FILE", str(seen["cert"]))
        # Nothing listens on 127.0.0.1 at that port: refused, then 127.0.0.2 answers.
        sender = WebhookSender(
            allow_private=False, resolver=lambda host, port: ["127.0.0.2", "127.0.0.1"]
        )

        sender.send(f"https://{NAME}:{seen['port']}/in", SECRET, "m", b"{}")

    assert len(seen["requests"]) == 1
