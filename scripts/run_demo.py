"""`make run`: migrate, seed the demo, then run web, worker and emulator until Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WEB = "127.0.0.1:8000"
EMULATOR_PORT = 8100
EMULATOR = f"http://127.0.0.1:{EMULATOR_PORT}"


def demo_environment() -> dict[str, str]:
    """The demo's carriers point at the emulator with its demo credentials."""
    env = dict(os.environ)
    env.setdefault("PUBLIC_BASE_URL", f"http://{WEB}")
    for code in ("UPS", "FEDEX", "USPS", "DHL", "EASYPOST"):
        env.setdefault(f"CARRIER_{code}_BASE_URL", EMULATOR)
        env.setdefault(f"CARRIER_{code}_CLIENT_ID", "demo")
        env.setdefault(f"CARRIER_{code}_CLIENT_SECRET", "demo")
        env.setdefault(f"CARRIER_{code}_API_KEY", "demo")
    env.setdefault("CARRIER_EASYPOST_WEBHOOK_SECRET", "demo-webhook-secret")
    env.setdefault("TWILIO_BASE_URL", EMULATOR)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def flask(*args: str) -> list[str]:
    return [str(BIN / "flask"), "--app", "wsgi", *args]


def wait_for(url: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def register_easypost_webhook(env: dict[str, str]) -> None:
    """Have the emulator push EasyPost tracker updates to us, as EasyPost would."""
    if not wait_for(f"{EMULATOR}/_emulator/"):
        return
    body = json.dumps(
        {
            "url": f"http://{WEB}/hooks/carriers/easypost",
            "secret": env["CARRIER_EASYPOST_WEBHOOK_SECRET"],
            "interval": 30,
        }
    ).encode()
    request = urllib.request.Request(
        f"{EMULATOR}/_emulator/easypost/webhooks",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=5).close()


def main() -> int:
    env = demo_environment()
    os.chdir(ROOT)
    setup = subprocess.run(flask("db", "upgrade"), env=env)
    if setup.returncode:
        return setup.returncode
    seeded = subprocess.run(flask("seed-demo"), env=env, capture_output=True, text=True)
    if seeded.returncode:
        sys.stderr.write(seeded.stdout + seeded.stderr)
        return seeded.returncode

    processes = {
        "emulator": subprocess.Popen(flask("emulator", "--port", str(EMULATOR_PORT)), env=env),
        "worker": subprocess.Popen(flask("worker"), env=env),
        "web": subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", WEB, "--workers", "2", "--threads", "4",
             "--access-logfile", "-", "--log-level", "warning", "wsgi:app"],
            env=env,
        ),
    }  # fmt: skip

    def stop(*_):
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        wait_for(f"http://{WEB}/healthz")
        register_easypost_webhook(env)
        print(
            "\n"
            "  Porchlight is running\n"
            f"  portal:    http://{WEB}/\n"
            f"  agent:     http://{WEB}/agent/\n"
            f"  merchant:  http://{WEB}/merchant/\n"
            f"  emulator:  {EMULATOR}/\n"
            + "".join(f"  {line}\n" for line in seeded.stdout.splitlines() if "login" in line)
            + "  Ctrl-C stops web, worker and emulator.\n",
            flush=True,
        )
        while all(process.poll() is None for process in processes.values()):
            time.sleep(0.5)
        failed = [name for name, process in processes.items() if process.poll() is not None]
        print(f"stopped: {', '.join(failed)} exited", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
