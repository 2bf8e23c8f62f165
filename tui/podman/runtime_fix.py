"""Detect the two runtime failures of hosts like ours and write a visible, undoable fix.

Some hosts (cgroups v1 "hybrid", no CAP_SYS_RESOURCE) break Podman's defaults: crun refuses
hybrid cgroups, and the default rlimits cannot be raised. We find out with a smoke container,
explain what failed, and write a project-scoped containers.conf (never a system file) that
the engine then points Podman at through CONTAINERS_CONF.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tui.config import DEMO_IMAGE

HYBRID_CGROUPS = "cgroups in hybrid mode not supported"
RLIMIT_FAILURE = "error setting rlimit"

CONF_HEADER = """\
# Written by `podtui setup` because Podman's defaults failed on this machine:
{reasons}
# podtui points Podman at this file (CONTAINERS_CONF) for the services and commands it starts.
# Undo: `podtui setup --undo` or delete this file.
"""


@dataclass(frozen=True)
class RuntimeFix:
    """One containers.conf override, with the failure that called for it."""

    reason: str
    section: str
    line: str


@dataclass(frozen=True)
class SmokeResult:
    """What a throwaway container printed and returned."""

    ok: bool
    output: str


def smoke_container(
    env: dict[str, str], image: str = DEMO_IMAGE, timeout: float = 60
) -> SmokeResult:
    """Run ``true`` in a throwaway container with the podman CLI and report how it went."""
    podman = shutil.which("podman")
    if podman is None:
        return SmokeResult(False, "podman is not installed")
    try:
        done = subprocess.run(
            [podman, "run", "--rm", "--pull=never", "--network=none", image, "true"],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return SmokeResult(False, f"the smoke container did not finish within {timeout:.0f}s")
    return SmokeResult(done.returncode == 0, (done.stdout + done.stderr).strip())


def safe_ulimits() -> tuple[int, int]:
    """NOFILE and NPROC values the runtime can set without CAP_SYS_RESOURCE.

    Values at the host's hard limit still fail here (conmon runs with lower limits), so we use
    the values measured to work, or half the hard limit where that is lower.
    """
    nofile_hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc_hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    nofile = 10000 if nofile_hard == resource.RLIM_INFINITY else min(10000, nofile_hard // 2)
    nproc = 9000 if nproc_hard == resource.RLIM_INFINITY else min(9000, nproc_hard // 2)
    return nofile, nproc


def diagnose(output: str) -> list[RuntimeFix]:
    """The overrides that the smoke container's error message calls for (possibly none)."""
    fixes: list[RuntimeFix] = []
    if HYBRID_CGROUPS in output or "crun" in output and "cgroup" in output:
        fixes.append(
            RuntimeFix(
                "crun refuses cgroups v1 'hybrid' mode; runc works",
                "engine",
                'runtime = "runc"',
            )
        )
    if RLIMIT_FAILURE in output:
        nofile, nproc = safe_ulimits()
        fixes.append(
            RuntimeFix(
                "the runtime lacks CAP_SYS_RESOURCE and cannot raise Podman's default rlimits",
                "containers",
                f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]',
            )
        )
    return fixes


def all_fixes() -> list[RuntimeFix]:
    """Both overrides; used when one failure hid the other behind it."""
    return diagnose(f"{HYBRID_CGROUPS} {RLIMIT_FAILURE}")


def render_conf(fixes: list[RuntimeFix]) -> str:
    """The containers.conf text for these fixes, with comments saying why and how to undo."""
    reasons = "\n".join(f"#   - {fix.reason}" for fix in fixes)
    body: list[str] = [CONF_HEADER.format(reasons=reasons)]
    for section in ("containers", "engine"):
        lines = [fix.line for fix in fixes if fix.section == section]
        if lines:
            body.append(f"[{section}]")
            body.extend(lines)
            body.append("")
    return "\n".join(body)


def write_conf(path: Path, fixes: list[RuntimeFix]) -> None:
    """Write the project-scoped containers.conf atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_conf(fixes))
    tmp.replace(path)


def runtime_override(conf: Path) -> str | None:
    """The ``runtime = ...`` that a containers.conf sets, if any (for doctor's report)."""
    try:
        for raw in conf.read_text().splitlines():
            line = raw.strip()
            if line.startswith("runtime") and "=" in line:
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        return None
    return None
