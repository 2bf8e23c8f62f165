"""What ``podtui`` with no command does: open the app on the manifests folder."""

from __future__ import annotations

import argparse


def run_default(args: argparse.Namespace) -> int:
    """Open the terminal app (the app imports Textual; nothing else here does)."""
    from tui.screen.launch import launch_app

    return launch_app(args)
