"""podtui: Kubernetes Pod manifests run as real Podman pods, with the kubelet's rules.

The package is laid out along the data flow:

    manifest file -> spec -> reconciler -> podman -> status -> screen

``tui.manifest`` reads and validates files, ``tui.reconciler`` turns specs into Podman
actions, ``tui.podman`` talks to the Podman service, ``tui.status`` computes kubelet-style
status, ``tui.screen`` is the Textual app and ``tui.cli`` the kubectl-style command line.
Everything but ``tui.screen`` is "the engine" and never imports Textual.
"""

from __future__ import annotations

__version__ = "0.1.0"
