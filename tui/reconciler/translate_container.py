"""One spec container -> ``ContainerPlan``: the SpecGenerator body every attempt starts from.

Kubernetes ``command`` replaces the image ENTRYPOINT (and then the image CMD is ignored),
``args`` replaces the image CMD: that is exactly libpod's ``entrypoint``/``command`` pair
(checked against a real image with both). Every attempt is created with restart policy "no":
the supervisor decides restarts, as the kubelet does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from tui.reconciler import image_ref
from tui.reconciler.downward import PodFacts
from tui.reconciler.pod_plan import (
    LABEL_CONTAINER,
    LABEL_KIND,
    LABEL_SECRET_ENV,
    ContainerPlan,
    SecretEnvPlan,
)
from tui.reconciler.translate_base import ObjectLookup, TranslationError, refuse_unknown
from tui.reconciler.translate_env import ConfigError, resolve_env
from tui.reconciler.translate_mounts import container_mounts
from tui.reconciler.translate_resources import container_resources
from tui.reconciler.translate_security import container_security
from tui.reconciler.translate_volumes import VolumeSet
from tui.status.model import ContainerKind

CONTAINER_FIELDS = (
    "name",
    "image",
    "imagePullPolicy",
    "command",
    "args",
    "workingDir",
    "env",
    "envFrom",
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "securityContext",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "stdin",
    "stdinOnce",
    "tty",
)
DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log"


@dataclass
class ContainerContext:
    """Pod-wide inputs of container translation."""

    pod_spec: dict[str, Any]
    facts: PodFacts
    objects: ObjectLookup
    volumes: VolumeSet
    labels: dict[str, str]  # labels every container of the pod carries
    podman_name: str
    pod_label: str  # "name_namespace(uid)", as the kubelet names pods in messages
    grace_period: int


def secret_name(podman_name: str, container: str, env_name: str) -> str:
    """A deterministic, short Podman secret name for one env var of one container."""
    digest = hashlib.sha256(f"{podman_name}/{container}/{env_name}".encode()).hexdigest()[:32]
    return f"podtui-env-{digest}"


def container_plan(
    container: dict[str, Any], kind: ContainerKind, path: str, ctx: ContainerContext
) -> tuple[ContainerPlan, list[str]]:
    """The plan of one container and the warnings its translation produced."""
    refuse_unknown(container, CONTAINER_FIELDS, path)
    name = str(container.get("name") or "")
    warnings: list[str] = []
    if container.get("volumeDevices"):
        raise TranslationError(f"{path}.volumeDevices", "block volumes are not supported by podtui")
    if container.get("resizePolicy"):
        warnings.append(
            f"{path}.resizePolicy: ignored: resources change only by re-creating the pod"
        )
    if container.get("stdinOnce"):
        warnings.append(f"{path}.stdinOnce: ignored: podtui never attaches to stdin")

    raw_image = str(container.get("image") or "")
    image, image_error = raw_image, None
    try:
        image = image_ref.normalise(raw_image)
    except image_ref.InvalidImageName as exc:
        image_error = str(exc)
    policy = str(container.get("imagePullPolicy") or image_ref.default_pull_policy(raw_image))
    if policy not in ("Always", "IfNotPresent", "Never"):
        raise TranslationError(f"{path}.imagePullPolicy", f'unsupported value "{policy}"')

    env = resolve_env(ctx.facts, ctx.objects, container, path)
    warnings.extend(env.warnings)
    config_error = env.config_error
    security = container_security(ctx.pod_spec, container, path, ctx.facts.annotations)
    warnings.extend(security.warnings)
    if config_error is None and security.run_as_non_root and security.run_as_user == 0:
        config_error = f'container\'s runAsUser breaks non-root policy (pod: "{ctx.pod_label}", container: {name})'
    limits, resource_warnings = container_resources(container, path)
    warnings.extend(resource_warnings)
    env_values = {
        **env.plain,
        **{k: v.decode("utf-8", "surrogateescape") for k, v in env.secret.items()},
    }
    try:
        mounts = container_mounts(container, path, ctx.volumes, env_values)
    except ConfigError as exc:
        config_error = config_error or str(exc)
        mounts = None

    labels = {**ctx.labels, LABEL_CONTAINER: name, LABEL_KIND: kind}
    secrets = tuple(
        SecretEnvPlan(
            podman_secret=secret_name(ctx.podman_name, name, var),
            env_name=var,
            data=data,
            labels={**labels, LABEL_SECRET_ENV: var},
        )
        for var, data in env.secret.items()
    )
    body: dict[str, Any] = {
        "image": image,
        "labels": labels,
        "env": env.plain,
        "restart_policy": "no",
        "systemd": "false",  # Kubernetes never sets up systemd inside a container
        "stop_timeout": ctx.grace_period,
    }
    if secrets:
        body["secret_env"] = {s.env_name: s.podman_secret for s in secrets}
    if env.command is not None:
        body["entrypoint"] = env.command
    if env.args is not None:
        body["command"] = env.args
    if container.get("workingDir"):
        body["work_dir"] = str(container["workingDir"])
    if container.get("tty") is True:
        body["terminal"] = True
    if container.get("stdin") is True:
        body["stdin"] = True
    if limits:
        body["resource_limits"] = limits
    if mounts is not None and mounts.named:
        body["volumes"] = mounts.named
    if mounts is not None and mounts.binds:
        body["mounts"] = mounts.binds
    body.update(security.body)
    if ctx.pod_spec.get("hostPID") is True:
        body["pidns"] = {"nsmode": "host"}
    if ctx.pod_spec.get("hostIPC") is True:
        body["ipcns"] = {"nsmode": "host"}
    plan = ContainerPlan(
        name=name,
        kind=kind,
        image=image,
        image_pull_policy=policy,  # type: ignore[arg-type]  # checked above
        spec=container,
        body=body,
        pod_ip_env=env.pod_ip_vars,
        config_error=config_error,
        secret_env=secrets,
        image_error=image_error,
        run_as_user=security.run_as_user,
        run_as_group=security.run_as_group,
        run_as_non_root=security.run_as_non_root,
        subpath_mounts=tuple(mounts.deferred) if mounts is not None else (),
        termination_message_path=str(
            container.get("terminationMessagePath") or DEFAULT_TERMINATION_MESSAGE_PATH
        ),
    )
    return plan, warnings
