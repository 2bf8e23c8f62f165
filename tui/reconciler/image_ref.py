"""Image references normalised the way the kubelet and containerd see them.

``nginx`` means ``docker.io/library/nginx:latest`` to Kubernetes, whatever Podman's
short-name configuration says; handing Podman the fully qualified reference keeps the
meaning identical (and keeps Podman from matching a local ``localhost/x/nginx``). The grammar
is the one of github.com/distribution/reference; an invalid reference is not a refusal of the
pod but a runtime waiting reason (``InvalidImageName``), so ``parse`` raises and the plan
carries the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.errors import PodtuiError

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"
NAME_TOTAL_LENGTH_MAX = 255

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN = rf"(?:{_DOMAIN_NAME}|{_IPV6})(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_REFERENCE = re.compile(rf"^({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$")
_ANCHORED_DOMAIN = re.compile(rf"^{_DOMAIN}$")
_SHA256 = re.compile(r"^sha256:[a-f0-9]{64}$")


class InvalidImageName(PodtuiError):
    """The image reference cannot be parsed: the kubelet's ``InvalidImageName`` waiting reason."""

    reason = "InvalidImageName"


@dataclass(frozen=True)
class ImageRef:
    """A parsed, normalised reference: ``domain/path[:tag][@digest]``."""

    domain: str
    path: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """Repository name with its domain, without tag or digest."""
        return f"{self.domain}/{self.path}"

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def _failure(ref: str, detail: str) -> InvalidImageName:
    """The kubelet's wording: ``Failed to apply default image tag ...``."""
    return InvalidImageName(
        f'Failed to apply default image tag "{ref}": couldn\'t parse image name "{ref}": {detail}'
    )


def _split_domain(name: str) -> tuple[str, str]:
    """containerd's splitDockerDomain: the first component is a domain if it looks like one."""
    first, sep, rest = name.partition("/")
    if not sep or (
        "." not in first and ":" not in first and first != "localhost" and first.lower() == first
    ):
        domain, path = DEFAULT_DOMAIN, name
    else:
        domain, path = first, rest
    if domain == LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = OFFICIAL_REPO_PREFIX + path
    return domain, path


def parse(ref: str) -> ImageRef:
    """Normalise ``ref`` (default domain, ``library/``, ``:latest`` unless pinned by digest)."""
    if not isinstance(ref, str) or not ref:
        raise _failure(str(ref or ""), "invalid reference format")
    if _SHA256.match(ref) or re.fullmatch(r"[a-f0-9]{64}", ref):
        raise _failure(ref, "invalid reference format: a bare image ID is not a reference")
    match = _REFERENCE.match(ref)
    if match is None:
        lowered = ref.lower()
        if lowered != ref and _REFERENCE.match(lowered):
            raise _failure(ref, "invalid reference format: repository name must be lowercase")
        raise _failure(ref, "invalid reference format")
    name, tag, digest = match.group(1), match.group(2), match.group(3)
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise _failure(
            ref, f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
        )
    domain, path = _split_domain(name)
    if not _ANCHORED_DOMAIN.match(domain):
        raise _failure(ref, "invalid reference format")
    if path.lower() != path:
        raise _failure(ref, "invalid reference format: repository name must be lowercase")
    if tag is None and digest is None:
        tag = "latest"
    return ImageRef(domain=domain, path=path, tag=tag, digest=digest)


def normalise(ref: str) -> str:
    """The fully qualified string form of ``ref``; raises ``InvalidImageName``."""
    return str(parse(ref))


def default_pull_policy(ref: str) -> str:
    """The API server's default: ``Always`` for ``:latest`` or no tag unless pinned by digest."""
    name, _, digest = ref.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else ""
    if digest and not tag:
        return "IfNotPresent"
    return "Always" if tag in ("", "latest") else "IfNotPresent"
