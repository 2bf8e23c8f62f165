"""``python -m tui`` behaves exactly like the ``podtui`` console script."""

from __future__ import annotations

import sys

from tui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
