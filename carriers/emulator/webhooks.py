"""EasyPost-style signed webhooks: a tracker.updated Event for each new scenario step."""

from __future__ import annotations

import json
import logging
import secrets
import threading
from datetime import UTC, datetime

import requests
from flask import Blueprint, jsonify, request

from carriers.easypost_parse import SIGNATURE_HEADER, webhook_signature
from carriers.emulator import common
from carriers.emulator.easypost import render_tracker
from carriers.emulator.state import EmulatorState, WebhookTarget

logger = logging.getLogger("carriers.emulator.webhooks")
admin = Blueprint("emulator_easypost_webhooks", __name__, url_prefix="/_emulator/easypost")


def send_due(state: EmulatorState, now: datetime | None = None, timeout: float = 5.0) -> int:
    """POST a signed tracker.updated Event to every target for each tracker whose timeline
    has a step it was not told about yet; returns the number of events sent.

    A target that fails or answers non-2xx is recorded and retried on the next step only.
    """
    now = now or datetime.now(UTC)
    with state.lock:
        trackers, targets = list(state.trackers.values()), list(state.webhooks)
    sent = 0
    for tracker in trackers:
        rendered = render_tracker(state, tracker, now)
        steps = len(rendered["tracking_details"])
        with state.lock:
            if steps <= tracker.steps_sent:
                continue
            previous = tracker.status_sent
            tracker.steps_sent, tracker.status_sent = steps, rendered["status"]
        event = {
            "id": "evt_" + secrets.token_hex(12),
            "object": "Event",
            "mode": "test",
            "description": "tracker.updated",
            "result": rendered,
            "previous_attributes": {"status": previous} if previous != rendered["status"] else {},
            "pending_urls": [target.url for target in targets],
            "completed_urls": [],
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        body = json.dumps(event).encode()
        for target in targets:
            _deliver(target, event, body, timeout)
            sent += 1
    return sent


def _deliver(target: WebhookTarget, event: dict, body: bytes, timeout: float) -> None:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "EasyPost WebHook Agent 1.0",
        SIGNATURE_HEADER: webhook_signature(target.secret, body),
    }
    try:
        answer = requests.post(target.url, data=body, headers=headers, timeout=timeout)
        status: int | str = answer.status_code
    except requests.RequestException as exc:
        status = type(exc).__name__
        logger.info("webhook to %s failed: %s", target.url, status)
    target.deliveries.append({"event": event["id"], "status": status})


def _tick_forever(state: EmulatorState, interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            send_due(state)
        except Exception:  # a broken target must not end the ticker
            logger.exception("webhook tick failed")


@admin.post("/webhooks")
def register():
    """Add a webhook target {url, secret, interval}; a positive interval starts a ticker."""
    body = request.get_json(silent=True) or {}
    url, secret = body.get("url"), body.get("secret")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return jsonify(error="url must be an http(s) URL"), 400
    if not isinstance(secret, str) or not secret:
        return jsonify(error="secret is required"), 400
    try:
        interval = float(body.get("interval", 0))
    except (TypeError, ValueError):
        return jsonify(error="interval must be a number of seconds"), 400
    state = common.state()
    with state.lock:
        state.webhooks.append(WebhookTarget(url, secret))
        stop = state.webhook_stop
    if interval > 0:
        thread = threading.Thread(
            target=_tick_forever, args=(state, interval, stop), daemon=True, name="easypost-hooks"
        )
        thread.start()
    return jsonify(url=url, interval=interval), 201


@admin.get("/webhooks")
def targets():
    """List the webhook targets and what was delivered to each."""
    state = common.state()
    with state.lock:
        return jsonify(
            webhooks=[{"url": t.url, "deliveries": list(t.deliveries)} for t in state.webhooks]
        )


@admin.post("/tick")
def tick():
    """Send the webhooks due now; answers how many were sent."""
    return jsonify(sent=send_due(common.state()))
