"""The emulator's Flask app: carrier and Twilio paths at the root, admin under /_emulator/."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from carriers.emulator import dhl, easypost, fedex, twilio, ups, usps, webhooks
from carriers.emulator.numbers import CODECS
from carriers.emulator.scenarios import SCENARIOS, make_tracking_number
from carriers.emulator.state import FAULT_MODES, EmulatorState, FaultPlan

admin = Blueprint("emulator_admin", __name__, url_prefix="/_emulator")


def create_emulator_app(speed: float = 60.0) -> Flask:
    """Return the emulator app; scenarios run `speed` times faster than real time."""
    app = Flask("carriers.emulator")
    app.extensions["porchlight_emulator"] = EmulatorState(speed)
    for blueprint in (
        ups.bp,
        fedex.bp,
        usps.bp,
        dhl.bp,
        easypost.bp,
        twilio.bp,
        admin,
        webhooks.admin,
        twilio.admin,
    ):
        app.register_blueprint(blueprint)

    @app.before_request
    def count_request() -> None:
        rule = request.url_rule
        if rule is not None and not rule.rule.startswith("/_emulator"):
            _state().count_request(rule.rule)

    return app


def _state() -> EmulatorState:
    return current_app.extensions["porchlight_emulator"]


@admin.get("/")
def index():
    now = datetime.now(UTC)
    return jsonify(
        speed=_state().speed,
        scenarios={
            name: {
                "summary": scenario.summary,
                **{f"example_{code}": make_tracking_number(code, name, now, 0) for code in CODECS},
            }
            for name, scenario in SCENARIOS.items()
        },
    )


@admin.get("/stats")
def stats():
    return jsonify(_state().stats())


@admin.get("/faults")
def get_faults():
    return jsonify(_state().fault().as_dict())


@admin.post("/faults")
def set_faults():
    body = request.get_json(silent=True) or {}
    mode = str(body.get("mode", "none"))
    if mode == "expire_tokens":
        _state().expire_tokens()
        return jsonify(_state().fault().as_dict())
    if mode not in FAULT_MODES:
        return jsonify(error=f"mode must be one of {', '.join(FAULT_MODES)}, expire_tokens"), 400
    try:
        count = None if body.get("count") is None else int(body["count"])
        plan = FaultPlan(
            mode,
            count,
            float(body.get("retry_after", 30.0)),
            float(body.get("delay", 5.0)),
            str(body["carrier"]) if body.get("carrier") else None,
        )
    except (TypeError, ValueError):
        return jsonify(error="count, retry_after and delay must be numbers"), 400
    _state().set_fault(plan)
    return jsonify(plan.as_dict())


@admin.post("/reset")
def reset():
    _state().reset()
    return jsonify(_state().stats())


class _QuietHandler(WSGIRequestHandler):
    # A background emulator (tests, `make run`) would otherwise log every request.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class RunningEmulator:
    """An emulator serving from a background thread; `url` is its base URL."""

    server: BaseWSGIServer
    thread: threading.Thread
    app: Flask

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def stop(self) -> None:
        self.app.extensions["porchlight_emulator"].webhook_stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_background(
    host: str = "127.0.0.1", port: int = 0, speed: float = 60.0
) -> RunningEmulator:
    """Start the emulator on a threaded server in a daemon thread (port 0 = any free port).

    Returns the running emulator; call stop() when done.
    """
    app = create_emulator_app(speed)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    # A short poll interval keeps shutdown() fast for per-test servers.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return RunningEmulator(server, thread, app)


def serve(host: str = "127.0.0.1", port: int = 8100, speed: float = 60.0) -> None:
    """Serve the emulator in the foreground on a threaded werkzeug server until interrupted."""
    server = make_server(host, port, create_emulator_app(speed), threaded=True)
    print(f"carrier emulator on http://{host}:{server.port} (speed {speed:g}x)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
