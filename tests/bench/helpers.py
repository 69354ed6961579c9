"""Running a bench script from a smoke test: as its own program, or loaded to call main()."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def run_quick(name: str) -> subprocess.CompletedProcess[str]:
    """`python bench/<name>.py --quick` run from the project root, its output captured as text.

    For the scripts that end their process themselves or start copies of themselves.
    """
    return subprocess.run(
        [sys.executable, f"bench/{name}.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )


def load_script(name: str) -> ModuleType:
    """bench/<name>.py loaded as a module, so the test can call its main() and read stdout."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script
