"""The engine must run headless: importing it must not pull in Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui


def engine_modules() -> list[str]:
    """Every module of the package except the screen (the Textual app)."""
    names = []
    for info in pkgutil.walk_packages(tui.__path__, prefix="tui."):
        if info.name.startswith("tui.screen"):
            continue
        names.append(info.name)
    return names


def test_engine_modules_found() -> None:
    names = engine_modules()
    assert "tui.cli.main" in names
    assert "tui.podman.service" in names
    assert any(name.startswith("tui.manifest.") for name in names)


def test_engine_imports_no_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {engine_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, f"engine imported textual: {done.stdout} {done.stderr}"
