"""Settings shared by the engine, the CLI and the app, read once from flags and environment.

Every knob has one documented environment variable (see README "Settings") so that a test, a
benchmark or a user can change it without code.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_NETWORK = "podtui"
DEFAULT_HOSTPORT_ADDRESS = "127.0.0.1"
DEFAULT_BACKOFF = (10.0, 300.0)
DEMO_IMAGE = "localhost/podtui/busybox:latest"


def _parse_backoff(text: str | None) -> tuple[float, float]:
    """Parse ``BASE:CAP`` seconds, e.g. ``0.5:4`` for tests; anything else keeps the kubelet's 10:300."""
    if not text:
        return DEFAULT_BACKOFF
    try:
        base_text, cap_text = text.split(":", 1)
        base, cap = float(base_text), float(cap_text)
    except ValueError:
        return DEFAULT_BACKOFF
    if base <= 0 or cap < base:
        return DEFAULT_BACKOFF
    return base, cap


def _default_state_root() -> Path:
    xdg = os.environ.get("XDG_STATE_HOME")
    return Path(xdg) if xdg else Path.home() / ".local" / "state"


def state_dir_for(manifests_dir: Path) -> Path:
    """The per-folder state directory: one per manifests folder, outside that folder.

    Named after the folder and a hash of its absolute path so that two projects never share
    a lock or a status store.
    """
    absolute = manifests_dir.resolve()
    digest = hashlib.sha256(str(absolute).encode()).hexdigest()[:12]
    return _default_state_root() / "podtui" / f"{absolute.name or 'root'}-{digest}"


@dataclass(frozen=True)
class Settings:
    """Where things live and how the engine behaves; immutable so it can be shared freely."""

    manifests_dir: Path
    state_dir: Path
    containers_conf: Path
    network: str = DEFAULT_NETWORK
    hostport_address: str = DEFAULT_HOSTPORT_ADDRESS
    backoff_base: float = DEFAULT_BACKOFF[0]
    backoff_cap: float = DEFAULT_BACKOFF[1]
    resync_seconds: float = 15.0
    eviction_seconds: float = 10.0  # how often disk-backed emptyDir sizeLimits are measured
    container_host: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(
        cls, manifests: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None
    ) -> Settings:
        """Build settings from an explicit ``--manifests`` value and the environment."""
        environ = os.environ if env is None else env
        manifests_dir = Path(manifests or environ.get("PODTUI_MANIFESTS") or "manifests")
        manifests_dir = manifests_dir.expanduser().absolute()
        state_dir = Path(environ["PODTUI_STATE_DIR"]) if environ.get("PODTUI_STATE_DIR") else None
        conf = environ.get("PODTUI_CONTAINERS_CONF")
        base, cap = _parse_backoff(environ.get("PODTUI_BACKOFF"))
        return cls(
            manifests_dir=manifests_dir,
            state_dir=(state_dir or state_dir_for(manifests_dir)).absolute(),
            containers_conf=Path(conf) if conf else project_containers_conf(manifests_dir),
            network=environ.get("PODTUI_NETWORK") or DEFAULT_NETWORK,
            hostport_address=environ.get("PODTUI_HOSTPORT_ADDRESS") or DEFAULT_HOSTPORT_ADDRESS,
            backoff_base=base,
            backoff_cap=cap,
            resync_seconds=float(environ.get("PODTUI_RESYNC_SECONDS") or 15.0),
            eviction_seconds=float(environ.get("PODTUI_EVICTION_SECONDS") or 10.0),
            container_host=environ.get("CONTAINER_HOST") or None,
        )

    def with_changes(self, **changes: object) -> Settings:
        """A copy with some fields replaced (tests and benchmarks use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def project_containers_conf(manifests_dir: Path) -> Path:
    """The project-scoped containers.conf: ``.podtui/containers.conf`` beside manifests/.

    It sits in the project, visible and removable, never in /etc or the user's own
    containers config.
    """
    return manifests_dir.absolute().parent / ".podtui" / "containers.conf"
