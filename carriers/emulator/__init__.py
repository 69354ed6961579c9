"""Carrier emulator: real carriers' paths and shapes, driven by scenario tracking numbers."""

from carriers.emulator.app import RunningEmulator, create_emulator_app, serve, start_background
from carriers.emulator.scenarios import SCENARIOS, decode_tracking_number, make_tracking_number

__all__ = [
    "SCENARIOS",
    "RunningEmulator",
    "create_emulator_app",
    "decode_tracking_number",
    "make_tracking_number",
    "serve",
    "start_background",
]
