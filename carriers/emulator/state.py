"""The emulator's only mutable state: issued tokens, the global fault plan, request counts."""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass

FAULT_MODES = ("none", "500", "429", "slow", "malformed")
NUMBER_FAULT_RETRY_AFTER = 30.0
NUMBER_FAULT_DELAY = 20.0


@dataclass
class FaultPlan:
    mode: str = "none"
    count: int | None = None  # requests left to spoil; None = until reset
    retry_after: float = 30.0  # seconds, for 429
    delay: float = 5.0  # seconds, for slow

    def as_dict(self) -> dict:
        return asdict(self)


class EmulatorState:
    """Thread-safe state shared by the emulator's request threads."""

    def __init__(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._fault = FaultPlan()
        self._requests: Counter[str] = Counter()

    def issue_token(self, lifetime: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = time.time() + lifetime
        return token

    def token_valid(self, token: str) -> bool:
        with self._lock:
            expires_at = self._tokens.get(token)
        return expires_at is not None and time.time() < expires_at

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def set_fault(self, plan: FaultPlan) -> None:
        with self._lock:
            self._fault = plan

    def fault(self) -> FaultPlan:
        with self._lock:
            return FaultPlan(**self._fault.as_dict())

    def take_fault(self) -> FaultPlan | None:
        """Return the global fault for this request (using up one of its count), or None."""
        with self._lock:
            plan = self._fault
            if plan.mode == "none":
                return None
            if plan.count is not None:
                plan.count -= 1
                if plan.count <= 0:
                    self._fault = FaultPlan()
            return FaultPlan(plan.mode, plan.count, plan.retry_after, plan.delay)

    def count_request(self, path: str) -> None:
        with self._lock:
            self._requests[path] += 1

    def stats(self) -> dict:
        with self._lock:
            return {"requests": dict(self._requests), "total": sum(self._requests.values())}

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._fault = FaultPlan()
