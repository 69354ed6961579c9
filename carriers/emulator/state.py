"""The emulator's only mutable state: tokens, faults, counters, trackers, webhooks, messages."""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime

FAULT_MODES = ("none", "500", "429", "slow", "malformed")
NUMBER_FAULT_RETRY_AFTER = 30.0
NUMBER_FAULT_DELAY = 20.0


@dataclass
class FaultPlan:
    mode: str = "none"
    count: int | None = None  # requests left to spoil; None = until reset
    retry_after: float = 30.0  # seconds, for 429
    delay: float = 5.0  # seconds, for slow
    carrier: str | None = None  # spoil only this carrier's tracking requests; None = all

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Tracker:
    """An EasyPost tracker the emulator created: its number and what its webhooks sent."""

    id: str
    tracking_code: str
    carrier: str  # the emulator number family the code decoded as
    created_at: datetime
    steps_sent: int = 0
    status_sent: str | None = None


@dataclass
class WebhookTarget:
    url: str
    secret: str
    deliveries: list[dict] = field(default_factory=list)  # {"event", "status"} per send


class EmulatorState:
    """Thread-safe state shared by the emulator's request threads."""

    def __init__(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.lock = threading.RLock()
        self._tokens: dict[str, float] = {}
        self._fault = FaultPlan()
        self._requests: Counter[str] = Counter()
        self.trackers: dict[str, Tracker] = {}
        self.webhooks: list[WebhookTarget] = []
        self.messages: list[dict] = []
        self.webhook_stop = threading.Event()

    def issue_token(self, lifetime: float) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self._tokens[token] = time.time() + lifetime
        return token

    def token_valid(self, token: str) -> bool:
        with self.lock:
            expires_at = self._tokens.get(token)
        return expires_at is not None and time.time() < expires_at

    def expire_tokens(self) -> None:
        with self.lock:
            self._tokens.clear()

    def set_fault(self, plan: FaultPlan) -> None:
        with self.lock:
            self._fault = plan

    def fault(self) -> FaultPlan:
        with self.lock:
            return FaultPlan(**self._fault.as_dict())

    def take_fault(self, carrier: str | None = None) -> FaultPlan | None:
        """Return the global fault for this carrier's request (using up one of its count),
        or None."""
        with self.lock:
            plan = self._fault
            if plan.mode == "none" or (plan.carrier and carrier and plan.carrier != carrier):
                return None
            if plan.count is not None:
                plan.count -= 1
                if plan.count <= 0:
                    self._fault = FaultPlan()
            return FaultPlan(**plan.as_dict())

    def count_request(self, path: str) -> None:
        with self.lock:
            self._requests[path] += 1

    def stats(self) -> dict:
        with self.lock:
            return {"requests": dict(self._requests), "total": sum(self._requests.values())}

    def reset(self) -> None:
        """Clear faults, counters, trackers, webhook targets and received messages."""
        with self.lock:
            self._requests.clear()
            self._fault = FaultPlan()
            self.trackers.clear()
            self.webhooks.clear()
            self.messages.clear()
            self.webhook_stop.set()
            self.webhook_stop = threading.Event()
