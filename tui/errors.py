"""Errors the engine raises on purpose.

Anything derived from ``PodtuiError`` carries a message meant for the user; the CLI and the
app print it as one line instead of a traceback.
"""

from __future__ import annotations


class PodtuiError(Exception):
    """An error with a message that is fit to show to the user as it is."""


class PodmanUnavailable(PodtuiError):
    """The Podman service cannot be found, started or reached."""


class ManifestError(PodtuiError):
    """A manifest could not be read or is invalid."""
