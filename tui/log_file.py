"""Where podtui's own log goes: a file in the folder's state directory, never the terminal.

Without a handler, Python's last-resort handler prints warnings and ``log.exception``
tracebacks to stderr. The app owns the terminal, and ``serve`` prints its actions to stdout
one per line already, so both (and every other command) log to
``<state dir>/podtui.log`` instead; the user sees one clear line, the file keeps the detail.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FILE = "podtui.log"


def log_to_file(state_dir: Path, file_name: str = LOG_FILE) -> Path | None:
    """Send the ``tui`` logger to ``state_dir/file_name`` (nowhere if it cannot be written)."""
    logger = logging.getLogger("tui")
    logger.propagate = False
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / file_name
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
