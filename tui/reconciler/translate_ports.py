"""Container ports: ``containerPort`` is kept for display; ``hostPort`` publishes on the pod.

A host port is published by the pod's infra container (it owns the network namespace), on
``port.hostIP`` when set, else on ``settings.hostport_address``: 127.0.0.1 unless
PODTUI_HOSTPORT_ADDRESS=0.0.0.0 opens it on every interface. With hostNetwork the container
binds the host's ports itself and nothing is published.
"""

from __future__ import annotations

from typing import Any

from tui.reconciler.translate_base import TranslationError, as_list, refuse_unknown

PORT_FIELDS = ("name", "containerPort", "hostPort", "hostIP", "protocol")
PROTOCOLS = {"TCP": "tcp", "UDP": "udp", "SCTP": "sctp"}


def port_mappings(
    containers: list[tuple[str, dict[str, Any]]], host_network: bool, default_address: str
) -> list[dict[str, Any]]:
    """Podman ``portmappings`` for the pod, from (field path, container) pairs."""
    mappings: list[dict[str, Any]] = []
    seen: dict[tuple[str, int, str], str] = {}
    for path, container in containers:
        for index, port in enumerate(as_list(container.get("ports"))):
            where = f"{path}.ports[{index}]"
            refuse_unknown(port, PORT_FIELDS, where)
            protocol = str(port.get("protocol") or "TCP")
            if protocol not in PROTOCOLS:
                raise TranslationError(f"{where}.protocol", f'unsupported value "{protocol}"')
            host_port = port.get("hostPort") or 0
            if not host_port or host_network:
                continue
            address = str(port.get("hostIP") or default_address)
            key = (address, int(host_port), protocol)
            if key in seen:
                raise TranslationError(f"{where}.hostPort", f"duplicate of {seen[key]}")
            seen[key] = f"{where}.hostPort"
            mappings.append(
                {
                    "host_ip": address,
                    "host_port": int(host_port),
                    "container_port": int(port.get("containerPort") or host_port),
                    "protocol": PROTOCOLS[protocol],
                }
            )
    return mappings
