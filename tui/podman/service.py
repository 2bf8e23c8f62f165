"""Find a live Podman API socket, or start a private ``podman system service``.

Order of preference: ``CONTAINER_HOST``, the rootless default socket, the rootful default
socket, a service another podtui process advertised in the state directory, and finally an
embedded service of our own on a private socket (mode 0600 in a 0700 directory) that lives
exactly as long as this process needs it. Nothing has to be started by hand.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tui.config import Settings
from tui.errors import PodmanUnavailable

PING_TIMEOUT = 1.0
START_TIMEOUT = 20.0


@dataclass
class Endpoint:
    """A Podman API URL and how it was found (shown by doctor and the app header)."""

    url: str
    source: str
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    private_dir: Path | None = None

    @property
    def socket_path(self) -> str | None:
        """The filesystem path of a ``unix://`` URL, else None."""
        if self.url.startswith("unix://"):
            return self.url[len("unix://") :]
        return None


def rootless_socket() -> Path | None:
    """``$XDG_RUNTIME_DIR/podman/podman.sock`` for non-root users."""
    if os.geteuid() == 0:
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.geteuid()}"
    return Path(runtime) / "podman" / "podman.sock"


ROOTFUL_SOCKET = Path("/run/podman/podman.sock")


def normalise_url(url: str) -> str:
    """Accept ``unix:/path``, ``unix:///path`` and bare paths; return ``unix:///path``."""
    if url.startswith("unix://"):
        return url
    if url.startswith("unix:"):
        return "unix://" + url[len("unix:") :]
    if url.startswith("/"):
        return "unix://" + url
    return url


def ping(url: str, timeout: float = PING_TIMEOUT) -> bool:
    """True when a Podman (or Docker-compatible) API answers ``GET /_ping`` with OK."""
    url = normalise_url(url)
    if not url.startswith("unix://"):
        return False  # ssh:// and tcp:// are left to podman-py; we only probe local sockets
    path = url[len("unix://") :]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
            reply = sock.recv(64)
    except OSError:
        return False
    return reply.startswith(b"HTTP/1.") and b" 200 " in reply[:16]


def candidates(settings: Settings, use_shared: bool = True) -> list[tuple[str, str]]:
    """Sockets to try, in order, as (source, url).

    ``use_shared``: also another podtui's embedded service. Short commands use it (no
    service start); a long-running session must not, because that service stops when its
    owner exits.
    """
    found: list[tuple[str, str]] = []
    if settings.container_host:
        found.append(("CONTAINER_HOST", normalise_url(settings.container_host)))
    rootless = rootless_socket()
    if rootless is not None:
        found.append(("rootless", f"unix://{rootless}"))
    found.append(("rootful", f"unix://{ROOTFUL_SOCKET}"))
    shared = read_advertised(settings) if use_shared else None
    if shared:
        found.append(("shared", shared))
    return found


def advert_path(settings: Settings) -> Path:
    """Where a podtui process that started its own service tells the others about it."""
    return settings.state_dir / "podman-service.json"


def read_advertised(settings: Settings) -> str | None:
    """The URL of an embedded service another live podtui process started, if any."""
    try:
        data = json.loads(advert_path(settings).read_text())
        pid = int(data["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None
    url = data.get("url")
    return url if isinstance(url, str) else None


def find_live(settings: Settings, use_shared: bool = True) -> Endpoint | None:
    """The first candidate socket that answers, or None."""
    for source, url in candidates(settings, use_shared):
        if ping(url):
            return Endpoint(url=url, source=source)
    return None


def podman_env(settings: Settings) -> dict[str, str]:
    """Environment for podman commands we run: the project's containers.conf when present."""
    env = dict(os.environ)
    if settings.containers_conf.is_file() and "CONTAINERS_CONF" not in os.environ:
        env["CONTAINERS_CONF"] = str(settings.containers_conf)
    return env


def start_embedded(settings: Settings, advertise: bool = False) -> Endpoint:
    """Start ``podman system service`` on a private socket and wait until it answers."""
    podman = shutil.which("podman")
    if podman is None:
        raise PodmanUnavailable(
            "podman is not installed; run `make setup` (or: apt-get install -y podman runc)"
        )
    base = os.environ.get("XDG_RUNTIME_DIR") if os.geteuid() != 0 else None
    private_dir = Path(tempfile.mkdtemp(prefix="podtui-", dir=base))
    private_dir.chmod(0o700)
    sock = private_dir / "podman.sock"
    url = f"unix://{sock}"
    log = (private_dir / "service.log").open("wb")
    process = subprocess.Popen(
        [podman, "system", "service", "--time=0", url],
        env=podman_env(settings),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        cwd=private_dir,  # conmon drops its "oom" flag files in the service's cwd
        start_new_session=True,
    )
    log.close()
    endpoint = Endpoint(url=url, source="embedded", process=process, private_dir=private_dir)
    deadline = time.monotonic() + START_TIMEOUT
    delay = 0.01
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = (private_dir / "service.log").read_text(errors="replace").strip()
            stop_embedded(endpoint)
            raise PodmanUnavailable(f"podman system service exited: {detail[-300:] or 'no output'}")
        if sock.exists():
            with contextlib.suppress(OSError):
                sock.chmod(0o600)
            if ping(url):
                if advertise:
                    write_advert(settings, url)
                return endpoint
        time.sleep(delay)  # waiting on an external process to bind; bounded by START_TIMEOUT
        delay = min(delay * 2, 0.1)
    stop_embedded(endpoint)
    raise PodmanUnavailable(f"podman system service did not answer within {START_TIMEOUT:.0f}s")


def write_advert(settings: Settings, url: str) -> None:
    """Record our embedded service so other podtui commands reuse it instead of starting one."""
    path = advert_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": url, "pid": os.getpid()}))
    tmp.replace(path)


def stop_embedded(endpoint: Endpoint) -> None:
    """Stop a service we started (SIGTERM, then SIGKILL) and remove its private directory."""
    process = endpoint.process
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    if endpoint.private_dir is not None:
        shutil.rmtree(endpoint.private_dir, ignore_errors=True)


class PodmanService:
    """Context manager owning the connection target: found, or started and later stopped."""

    def __init__(self, settings: Settings, advertise: bool = False, use_shared: bool = True) -> None:
        self.settings = settings
        self.advertise = advertise
        self.use_shared = use_shared
        self.endpoint: Endpoint | None = None

    def __enter__(self) -> Endpoint:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> Endpoint:
        """Find a live socket or start an embedded service."""
        if self.endpoint is None:
            self.endpoint = find_live(self.settings, self.use_shared) or start_embedded(
                self.settings, advertise=self.advertise
            )
        return self.endpoint

    def restart_embedded(self) -> Endpoint:
        """Start a fresh embedded service after ours died (used by the reconnect loop)."""
        old = self.endpoint
        if old is not None and old.source == "embedded":
            stop_embedded(old)
        self.endpoint = None
        return self.open()

    def close(self) -> None:
        """Stop the embedded service if we own one; leave anything else alone."""
        endpoint, self.endpoint = self.endpoint, None
        if endpoint is not None and endpoint.source == "embedded":
            if self.advertise:
                with contextlib.suppress(OSError):
                    path = advert_path(self.settings)
                    data = json.loads(path.read_text())
                    if data.get("pid") == os.getpid():
                        path.unlink()
            stop_embedded(endpoint)
