"""``podtui`` with no command: open the app on the manifests folder, never a traceback."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tui.config import Settings
from tui.errors import PodtuiError
from tui.log_file import log_to_file

LOG_FILE = "podtui-app.log"


def farewell(role: str) -> str | None:
    """The line printed once the terminal is back: what happens to the pods now."""
    if role == "reconciler":
        return "podtui: stopped; pods keep running (podtui serve or podtui reconciles them again)"
    if role == "viewer":
        return "podtui: viewer closed"
    return None


def launch_app(args: argparse.Namespace) -> int:
    """Run the app until the user quits; errors come back as one line and exit code 1."""
    log_path: Path | None = None
    try:
        settings = Settings.from_env(getattr(args, "manifests", None))
        log_path = log_to_file(settings.state_dir, LOG_FILE)
        from tui.screen.app import make_app

        app = make_app(settings)
        app.one_line_errors = True
        app.run()
    except PodtuiError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - a person gets one line, the log the rest
        logging.getLogger("tui").error("podtui failed", exc_info=error)
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    if app.fatal_message:
        where = f" (details in {log_path})" if log_path else ""
        print(f"error: {app.fatal_message}{where}", file=sys.stderr)
        return 1
    line = farewell(app.role)
    if line:
        print(line, flush=True)
    return int(app.return_code or 0)
