"""Local images: the offline demo image built from Debian's busybox-static.

No public registry is reachable on the machines we target, and tests must never try one, so
the demo manifests use an image built here in about a second from a static busybox binary.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from tui.config import DEMO_IMAGE

BUSYBOX_CANDIDATES = (Path("/bin/busybox"), Path("/usr/bin/busybox"))
DEMO_TAGS = (DEMO_IMAGE, "localhost/podtui/busybox:1.35")
DIGEST_LABEL = "io.podtui.busybox-sha256"

CONTAINERFILE = """\
FROM scratch
COPY busybox /bin/busybox
COPY printenv /bin/printenv
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY passwd group /etc/
RUN ["/bin/busybox", "sh", "-c", "mkdir -p /tmp /var/www /root /home && chmod 1777 /tmp"]
LABEL {label}="{digest}"
CMD ["sh"]
"""

# Enough of /etc for runAsUser, `id` and `whoami` to behave.
PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"
GROUP = "root:x:0:\nnobody:x:65534:\n"

# Debian's busybox-static has no printenv applet; kubectl-style env tests expect one.
PRINTENV = r"""#!/bin/sh
# printenv for busybox images: all variables, or the named ones (exit 1 if one is unset).
[ $# -eq 0 ] && exec env
rc=0
for name in "$@"; do
  awk -v n="$name" 'BEGIN { if (n in ENVIRON) print ENVIRON[n]; else exit 1 }' || rc=1
done
exit $rc
"""


def find_static_busybox() -> Path | None:
    """A statically linked busybox on this host (dynamic ones cannot run FROM scratch)."""
    for candidate in BUSYBOX_CANDIDATES:
        if candidate.is_file():
            try:
                head = candidate.read_bytes()[:4096]
            except OSError:
                continue
            if (
                head.startswith(b"\x7fELF")
                and b"/lib64/ld-linux" not in head
                and b"ld-linux" not in head
            ):
                return candidate
    return None


def busybox_digest(path: Path) -> str:
    """sha256 of the busybox binary: the image is rebuilt only when it changes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def image_label(image: str, label: str, env: dict[str, str]) -> str | None:
    """A label of a local image through the podman CLI, or None when the image is absent."""
    done = subprocess.run(
        ["podman", "image", "inspect", "--format", f'{{{{index .Labels "{label}"}}}}', image],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return None
    return done.stdout.strip()


def demo_image_current(env: dict[str, str]) -> bool:
    """True when every demo tag exists and was built from this host's busybox."""
    busybox = find_static_busybox()
    if busybox is None:
        return all(image_label(tag, DIGEST_LABEL, env) is not None for tag in DEMO_TAGS)
    digest = busybox_digest(busybox)
    return all(image_label(tag, DIGEST_LABEL, env) == digest for tag in DEMO_TAGS)


def build_demo_image(env: dict[str, str]) -> str:
    """Build (or keep) the demo image offline; returns a one-line account of what happened."""
    busybox = find_static_busybox()
    if busybox is None:
        raise RuntimeError("no static busybox found; install it: apt-get install -y busybox-static")
    if demo_image_current(env):
        return f"{DEMO_IMAGE} is up to date"
    digest = busybox_digest(busybox)
    with tempfile.TemporaryDirectory(prefix="podtui-build-") as tmp:
        context = Path(tmp)
        shutil.copy2(busybox, context / "busybox")
        printenv = context / "printenv"
        printenv.write_text(PRINTENV)
        printenv.chmod(0o755)
        (context / "passwd").write_text(PASSWD)
        (context / "group").write_text(GROUP)
        (context / "Containerfile").write_text(
            CONTAINERFILE.format(label=DIGEST_LABEL, digest=digest)
        )
        args = ["podman", "build", "--pull=never", "-q", "-f", str(context / "Containerfile")]
        for tag in DEMO_TAGS:
            args += ["-t", tag]
        done = subprocess.run(args + [str(context)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building {DEMO_IMAGE} failed: {done.stderr.strip()[-400:]}")
    return f"built {', '.join(DEMO_TAGS)} from {busybox}"
