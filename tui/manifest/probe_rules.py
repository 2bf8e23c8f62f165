"""Probe and lifecycle-hook rules (validateProbe, validateHandler): exactly one handler each."""

from __future__ import annotations

from typing import Any

from tui.manifest.formats import is_http_header_name, is_port_name, is_port_number
from tui.manifest.problems import FORBIDDEN, INVALID, NOT_SUPPORTED, REQUIRED, FieldPath, Findings
from tui.manifest.shapes import as_dict, items_of, text

PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
HTTP_SCHEMES = ("HTTP", "HTTPS")
_NON_NEGATIVE = (
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
)


def validate_probe(
    probe: object, kind: str, grace: int | None, path: FieldPath, findings: Findings
) -> None:
    """A liveness, readiness or startup probe; ``kind`` is the field name."""
    body = as_dict(probe)
    if body is None or probe is None:
        return
    validate_handler(body, PROBE_HANDLERS, grace, path, findings)
    for name in _NON_NEGATIVE:
        value = body.get(name)
        if type(value) is int and value < 0:
            findings.add(path + (name,), INVALID, value, "must be greater than or equal to 0")
    grace_override = body.get("terminationGracePeriodSeconds")
    if type(grace_override) is int and grace_override <= 0:
        findings.add(
            path + ("terminationGracePeriodSeconds",),
            INVALID,
            grace_override,
            "must be greater than 0",
        )
    if kind in ("livenessProbe", "startupProbe"):
        threshold = body.get("successThreshold")
        if type(threshold) is int and threshold != 1:
            findings.add(path + ("successThreshold",), INVALID, threshold, "must be 1")
    if kind == "readinessProbe" and grace_override is not None:
        findings.add(
            path + ("terminationGracePeriodSeconds",),
            INVALID,
            grace_override,
            "must not be set for readinessProbes",
        )


def validate_lifecycle(
    lifecycle: object, grace: int | None, path: FieldPath, findings: Findings
) -> None:
    """postStart and preStop hooks."""
    body = as_dict(lifecycle)
    if not body:
        return
    for hook in ("postStart", "preStop"):
        handler = body.get(hook)
        if type(handler) is dict:
            validate_handler(handler, LIFECYCLE_HANDLERS, grace, path + (hook,), findings)


def validate_handler(
    handler: dict[str, Any],
    kinds: tuple[str, ...],
    grace: int | None,
    path: FieldPath,
    findings: Findings,
) -> None:
    """Exactly one handler type, and that one well formed."""
    count = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        if kind not in kinds or handler.get(kind) is None:
            continue
        if count:
            findings.add(
                path + (kind,), FORBIDDEN, None, "may not specify more than 1 handler type"
            )
            continue
        count += 1
        action = handler[kind]
        if type(action) is not dict:
            continue
        here = path + (kind,)
        if kind == "exec":
            if not action.get("command"):
                findings.add(here + ("command",), REQUIRED)
        elif kind == "httpGet":
            _http_get(action, here, findings)
        elif kind == "tcpSocket":
            validate_port_num_or_name(action.get("port"), here + ("port",), findings)
        elif kind == "grpc":
            validate_port_num_or_name(
                action.get("port"), here + ("port",), findings, numbers_only=True
            )
        elif kind == "sleep":
            seconds = action.get("seconds")
            if type(seconds) is int and grace is not None and (seconds < 0 or seconds > grace):
                findings.add(
                    here,
                    INVALID,
                    seconds,
                    f"must be non-negative and less than terminationGracePeriodSeconds ({grace})",
                )
    if count == 0:
        findings.add(path, REQUIRED, None, "must specify a handler type")


def _http_get(action: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if text(action.get("path")) == "":
        findings.add(path + ("path",), REQUIRED)
    validate_port_num_or_name(action.get("port"), path + ("port",), findings)
    scheme = text(action.get("scheme"))
    if scheme is not None and scheme not in HTTP_SCHEMES:
        findings.add(path + ("scheme",), NOT_SUPPORTED, scheme, 'supported values: "HTTP", "HTTPS"')
    for _, header in items_of(action.get("httpHeaders")):
        name = text(header.get("name"))
        if name is not None:
            for message in is_http_header_name(name):
                findings.add(path + ("httpHeaders",), INVALID, name, message)


def validate_port_num_or_name(
    port: object, path: FieldPath, findings: Findings, numbers_only: bool = False
) -> None:
    """A port given as a number (1-65535) or as the name of a container port."""
    if port is None:
        return
    if type(port) is int:
        for message in is_port_number(port):
            findings.add(path, INVALID, port, message)
    elif type(port) is str and not numbers_only:
        for message in is_port_name(port):
            findings.add(path, INVALID, port, message)
