"""Exceptions raised by the carrier HTTP layer; adapters turn them into failed results."""

from __future__ import annotations

from carriers.models import ErrorKind


class CarrierHTTPError(Exception):
    """A carrier request that gave no usable answer, classified by `kind`."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after


class CircuitOpen(CarrierHTTPError):
    """The carrier failed repeatedly and is paused; `retry_after` says for how long."""

    def __init__(self, carrier: str, retry_after: float) -> None:
        super().__init__(
            ErrorKind.TEMPORARY,
            f"{carrier}: paused after repeated failures, retry in {retry_after:.0f} s",
            retry_after=retry_after,
        )
        self.carrier = carrier
