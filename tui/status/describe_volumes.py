"""The Volumes section of ``kubectl describe pod`` (describeVolumes and its printers).

Only the volume sources a pod can use under podtui get their own lines; anything else is
printed as ``<unknown>``, as kubectl does for a source it does not know.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tui.status.tabwriter import PrefixWriter

Printer = Callable[[PrefixWriter, Mapping[str, Any]], None]


def _go_bool(value: object) -> str:
    return "true" if value is True else "false"


def _host_path(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    w.write(
        2,
        "Type:\tHostPath (bare host directory volume)\n"
        f"    Path:\t{source.get('path', '')}\n"
        f"    HostPathType:\t{source.get('type') or '<none>'}\n",
    )


def _empty_dir(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    size = source.get("sizeLimit")
    w.write(
        2,
        "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
        f"    Medium:\t{source.get('medium') or ''}\n"
        f"    SizeLimit:\t{size if size not in (None, '', 0, '0') else '<unset>'}\n",
    )


def _secret(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    w.write(
        2,
        "Type:\tSecret (a volume populated by a Secret)\n"
        f"    SecretName:\t{source.get('secretName', '')}\n"
        f"    Optional:\t{_go_bool(source.get('optional'))}\n",
    )


def _config_map(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    w.write(
        2,
        "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
        f"    Name:\t{source.get('name', '')}\n"
        f"    Optional:\t{_go_bool(source.get('optional'))}\n",
    )


def _claim(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    w.write(
        2,
        "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
        f"    ClaimName:\t{source.get('claimName', '')}\n"
        f"    ReadOnly:\t{_go_bool(source.get('readOnly'))}\n",
    )


def _downward_api(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
    for item in source.get("items") or []:
        if item.get("fieldRef"):
            w.write(3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
        if item.get("resourceFieldRef"):
            w.write(
                3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n"
            )


def _projected(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for part in source.get("sources") or []:
        if part.get("secret") is not None:
            secret = part["secret"]
            w.write(
                2,
                f"SecretName:\t{secret.get('name', '')}\n    Optional:\t{_go_bool(secret.get('optional'))}\n",
            )
        elif part.get("downwardAPI") is not None:
            w.write(2, "DownwardAPI:\ttrue\n")
        elif part.get("configMap") is not None:
            config = part["configMap"]
            w.write(
                2,
                f"ConfigMapName:\t{config.get('name', '')}\n    Optional:\t{_go_bool(config.get('optional'))}\n",
            )
        elif part.get("serviceAccountToken") is not None:
            seconds = part["serviceAccountToken"].get("expirationSeconds", 3600)
            w.write(2, f"TokenExpirationSeconds:\t{seconds}\n")


def _image(w: PrefixWriter, source: Mapping[str, Any]) -> None:
    w.write(
        2,
        "Type:\tImage (a container image or OCI artifact)\n"
        f"    Reference:\t{source.get('reference', '')}\n"
        f"    PullPolicy:\t{source.get('pullPolicy', '')}\n",
    )


_PRINTERS: tuple[tuple[str, Printer], ...] = (
    ("hostPath", _host_path),
    ("emptyDir", _empty_dir),
    ("secret", _secret),
    ("configMap", _config_map),
    ("persistentVolumeClaim", _claim),
    ("downwardAPI", _downward_api),
    ("projected", _projected),
    ("image", _image),
)


def describe_volumes(w: PrefixWriter, volumes: Sequence[Mapping[str, Any]]) -> None:
    """Write the ``Volumes:`` section (``<none>`` without volumes)."""
    if not volumes:
        w.write(0, "Volumes:\t<none>\n")
        return
    w.write(0, "Volumes:\n")
    for volume in volumes:
        w.write(1, f"{volume.get('name', '')}:\n")
        for key, printer in _PRINTERS:
            if volume.get(key) is not None:
                printer(w, volume[key])
                break
        else:
            w.write(1, "<unknown>\n")
