"""The Textual app. The only package allowed to import Textual.

Textual paints at most ``TEXTUAL_FPS`` frames a second (default 60) and reads it once, when
``textual.screen`` is first imported, so it is set here, before any widget module loads.
At 60 the frame clock alone can hold a change back for up to two frame periods (its
catch-up step skips a slot after an idle moment: 16.7-33.3 ms, measured in bench/ui); at
120 a changed pod reaches the screen in under 20 ms (p95) and keys under a log flood answer
sooner. Idle costs nothing more: frames are only made when something changed.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")
