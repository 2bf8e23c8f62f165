"""Health checks behind ``podtui doctor``: one result per check, each with its fix.

The checks run in order and later ones are skipped when an earlier one they need failed, so
the first red line is the one to act on.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tui.config import DEMO_IMAGE, Settings
from tui.errors import PodmanUnavailable
from tui.podman.client import connect
from tui.podman.runtime_fix import diagnose, runtime_override
from tui.podman.service import PodmanService

MIN_PODMAN = (4, 0)
DOCTOR_LABEL = "io.podtui.doctor"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: a name, ok or not, what was seen, and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    skipped: bool = False


def podman_version() -> Check:
    """The podman binary exists and is recent enough for the libpod API we use."""
    path = shutil.which("podman")
    if path is None:
        return Check(
            "podman", False, "not installed", "make setup  (or: apt-get install -y podman runc)"
        )
    done = subprocess.run([path, "--version"], capture_output=True, text=True)
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", done.stdout)
    if done.returncode != 0 or match is None:
        return Check(
            "podman", False, f"{path} --version failed: {done.stderr.strip()}", "reinstall podman"
        )
    version = tuple(int(part) for part in match.groups())
    if version[:2] < MIN_PODMAN:
        return Check(
            "podman", False, f"{match.group(0)} at {path}", "podman 4.0 or newer is needed"
        )
    return Check("podman", True, f"{match.group(0)} at {path}")


def run_checks(settings: Settings) -> Iterator[Check]:
    """Yield each check's result as soon as it is known."""
    binary = podman_version()
    yield binary
    service = PodmanService(settings)
    try:
        try:
            endpoint = service.open() if binary.ok else None
        except PodmanUnavailable as exc:
            endpoint = None
            yield Check(
                "api socket",
                False,
                str(exc),
                "podtui doctor shows the service log; check `podman info`",
            )
        if endpoint is None:
            for name in ("runtime", "smoke pod", "demo image"):
                yield Check(name, False, "needs the API socket", skipped=True)
        else:
            client = connect(endpoint)
            yield socket_check(client, endpoint.source, endpoint.url)
            yield runtime_check(client, settings)
            yield smoke_pod_check(client)
            yield demo_image_check(client)
    finally:
        service.close()
    yield manifests_check(settings)


def socket_check(client: object, source: str, url: str) -> Check:
    """The API answers and says which version it is."""
    try:
        version = client.version()["Version"]  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - any failure here is the finding
        return Check("api socket", False, f"{url}: {exc}", "is `podman system service` running?")
    return Check("api socket", True, f"{url} ({source}), service {version}")


def runtime_check(client: object, settings: Settings) -> Check:
    """Which OCI runtime and cgroups the service uses, and whether our conf is in effect."""
    try:
        info = client.info()  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001
        return Check("runtime", False, str(exc), "check `podman info`")
    host = info.get("host", {})
    runtime = host.get("ociRuntime", {}) or {}
    name = runtime.get("name", "?")
    version_line = (runtime.get("version") or "").splitlines()[:1]
    cgroups = host.get("cgroupVersion", "?")
    conf = settings.containers_conf
    conf_note = f", project conf {conf}" if conf.is_file() else ""
    override = runtime_override(conf) if conf.is_file() else None
    detail = f"{name} ({' '.join(version_line) or 'version unknown'}), cgroups {cgroups}{conf_note}"
    if override and override != name and os.environ.get("CONTAINERS_CONF") is None:
        return Check(
            "runtime",
            False,
            detail,
            f"the running service ignores {conf}; stop it or export CONTAINERS_CONF={conf}",
        )
    return Check("runtime", True, detail)


def smoke_pod_check(client: object) -> Check:
    """A pod with one container starts, exits 0 and is removed."""
    name = f"podtui-doctor-{os.getpid()}"
    pods = client.pods  # type: ignore[attr-defined]
    containers = client.containers  # type: ignore[attr-defined]
    pod = None
    try:
        pod = pods.create(name=name, labels={DOCTOR_LABEL: "1"})
        container = containers.create(
            DEMO_IMAGE, command=["true"], pod=pod.id, name=f"{name}-smoke"
        )
        container.start()
        code = container.wait(condition="exited")
        if code != 0:
            return Check(
                "smoke pod", False, f"smoke container exited {code}", "run `podtui doctor` again"
            )
        return Check("smoke pod", True, "a pod started, its container exited 0, and it was removed")
    except Exception as exc:  # noqa: BLE001
        text = str(exc)
        fixes = diagnose(text)
        fix = (
            "run `podtui setup` (writes .podtui/containers.conf: "
            + "; ".join(f.reason for f in fixes)
            + ")"
            if fixes
            else "see the message; `podman run --rm " + DEMO_IMAGE + " true` shows the same"
        )
        return Check("smoke pod", False, text.splitlines()[0][:300] if text else repr(exc), fix)
    finally:
        if pod is not None:
            _quietly(lambda: pod.remove(force=True))


def demo_image_check(client: object) -> Check:
    """The offline demo image exists locally."""
    try:
        exists = client.images.exists(DEMO_IMAGE)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001
        return Check("demo image", False, str(exc), "make setup")
    if not exists:
        return Check(
            "demo image", False, f"{DEMO_IMAGE} is missing", "podtui setup  (builds it offline)"
        )
    return Check("demo image", True, DEMO_IMAGE)


def manifests_check(settings: Settings) -> Check:
    """The manifests folder exists and its files validate."""
    from tui.manifest import scan_folder

    folder = settings.manifests_dir
    if not folder.is_dir():
        return Check("manifests", False, f"{folder} does not exist", f"mkdir -p {folder}")
    scan = scan_folder(folder)
    problems = scan.problems()
    errors = [p for p in problems if p.is_error]
    warnings = len(problems) - len(errors)
    files = len(scan.files)
    if errors:
        return Check(
            "manifests",
            False,
            f"{folder}: {files} files, {len(errors)} errors, first: {errors[0]}",
            f"podtui validate {folder}",
        )
    return Check("manifests", True, f"{folder}: {files} files valid, {warnings} warnings")


def _quietly(action: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):  # cleanup must not hide the check's result
        action()
