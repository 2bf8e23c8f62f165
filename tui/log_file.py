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


# asyncio reports a background task's unretrieved exception through its own logger, with a
# traceback: that belongs in the file too
LOGGERS = ("tui", "asyncio")


def log_to_file(state_dir: Path, file_name: str = LOG_FILE) -> Path | None:
    """Send podtui's loggers to ``state_dir/file_name`` (nowhere if it cannot be written)."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        logger.propagate = False
        for old in list(logger.handlers):
            logger.removeHandler(old)
            old.close()
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / file_name
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        for logger in loggers:
            logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for logger in loggers:
        logger.addHandler(handler)
    loggers[0].setLevel(logging.INFO)
    return path
