"""A validated Pod -> ``PodPlan``: every field honoured, or refused before anything is created.

Pure: no Podman, no filesystem writes. Fields that mean nothing on one node (scheduling,
service accounts...) are accepted with a warning in ``PodPlan.warnings``; fields that
podtui cannot honour raise ``TranslationError`` naming the field path.

The pod ``uid`` is deterministic: a UUIDv5 of (namespace, name, spec hash). A changed spec is
a new pod (new uid), as in Kubernetes; translating the same spec again (podtui restarted)
gives the uid of the pod that is already running, so adoption needs no lookup.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from tui.config import Settings
from tui.reconciler.downward import PodFacts, local_node_name
from tui.reconciler.pod_plan import (
    LABEL_ANNOTATIONS,
    LABEL_ATTEMPT,
    LABEL_CONTAINER,
    LABEL_FOLDER,
    LABEL_KIND,
    LABEL_MANAGED,
    LABEL_MANIFEST,
    LABEL_NAME,
    LABEL_NAMESPACE,
    LABEL_SECRET_ENV,
    LABEL_SPEC_HASH,
    LABEL_UID,
    LABEL_VOLUME,
    LABEL_VOLUME_KIND,
    ContainerPlan,
    PodPlan,
    folder_id,
    podman_pod_name,
)
from tui.reconciler.translate_base import (
    MappingLookup,
    ObjectLookup,
    TranslationError,
    as_dict,
    as_list,
    refuse_unknown,
)
from tui.reconciler.translate_container import ContainerContext, container_plan
from tui.reconciler.translate_env import env_consumed_objects
from tui.reconciler.translate_network import network_plan
from tui.reconciler.translate_ports import port_mappings
from tui.reconciler.translate_resources import memory_limit_bytes
from tui.reconciler.translate_security import container_security, pod_security_checks, pod_sysctls
from tui.reconciler.translate_volumes import VolumeContext, pod_volumes
from tui.status.model import ContainerKind

__all__ = ["MappingLookup", "ObjectLookup", "TranslationError", "spec_hash", "translate_pod"]

UID_NAMESPACE = uuid.UUID("6f1d4b8e-2c59-5c4f-9a57-706f64747569")  # fixed: uids stay stable
RESERVED_LABELS = frozenset(
    {
        LABEL_MANAGED, LABEL_NAMESPACE, LABEL_NAME, LABEL_UID, LABEL_MANIFEST, LABEL_SPEC_HASH,
        LABEL_CONTAINER, LABEL_KIND, LABEL_ATTEMPT, LABEL_ANNOTATIONS, LABEL_VOLUME_KIND,
        LABEL_VOLUME, LABEL_SECRET_ENV, LABEL_FOLDER,
    }
)  # fmt: skip
# Accepted, with no effect on one node: field -> why.
IGNORED = {
    "affinity": "there is one node",
    "nodeSelector": "there is one node",
    "nodeName": "the pod runs on this node",
    "tolerations": "there is one node and it has no taints",
    "topologySpreadConstraints": "there is one node",
    "schedulerName": "there is no scheduler",
    "priority": "nothing is preempted on one node",
    "priorityClassName": "nothing is preempted on one node",
    "preemptionPolicy": "nothing is preempted on one node",
    "serviceAccountName": "there is no API server (the name is still given to the downward API)",
    "serviceAccount": "there is no API server",
    "automountServiceAccountToken": "there is no API server, so no token is mounted",
    "imagePullSecrets": "images are pulled with Podman's own registry credentials (podman login)",
    "enableServiceLinks": "there are no Services, so no service environment variables",
    "overhead": "there is no RuntimeClass overhead",
    "readinessGates": "kept for status: nothing here sets these conditions, so the pod does not become Ready",
}
# Refused: field -> why.
REFUSED = {
    "ephemeralContainers": "ephemeral containers are added by `kubectl debug`, not by manifests",
    "resourceClaims": "dynamic resource allocation is not supported by podtui",
    "resources": "pod-level resources are not supported by podtui",
    "runtimeClassName": "RuntimeClasses are not supported by podtui (Podman's configured runtime is used)",
    "schedulingGates": "there is no scheduler to remove scheduling gates",
}
HONOURED = (
    "containers", "initContainers", "volumes", "restartPolicy", "terminationGracePeriodSeconds",
    "activeDeadlineSeconds", "dnsPolicy", "dnsConfig", "hostAliases", "hostNetwork", "hostPID",
    "hostIPC", "hostUsers", "shareProcessNamespace", "securityContext", "hostname", "subdomain",
    "setHostnameAsFQDN", "os",
)  # fmt: skip


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def spec_hash(pod: dict[str, Any], objects: ObjectLookup) -> str:
    """sha256 of the pod's identity, labels, annotations and spec, plus env-consumed data.

    ConfigMaps and Secrets read as environment variables are part of the hash because a
    change there needs a restart; mounted ones are not (their files are updated in place).
    """
    meta = as_dict(pod.get("metadata"))
    spec = as_dict(pod.get("spec"))
    namespace = str(meta.get("namespace") or "default")
    consumed: dict[str, Any] = {}
    for container in [*as_list(spec.get("initContainers")), *as_list(spec.get("containers"))]:
        for kind, name in env_consumed_objects(container):
            if kind == "ConfigMap":
                obj = objects.config_map(namespace, name)
                data = None if obj is None else {"data": obj.get("data")}
            else:
                obj = objects.secret(namespace, name)
                data = (
                    None
                    if obj is None
                    else {"data": obj.get("data"), "stringData": obj.get("stringData")}
                )
            consumed[f"{kind}/{name}"] = data
    document = {
        "metadata": {
            "name": meta.get("name"),
            "namespace": namespace,
            "labels": meta.get("labels") or {},
            "annotations": meta.get("annotations") or {},
        },
        "spec": spec,
        "envFrom": consumed,
    }
    return hashlib.sha256(_canonical(document).encode()).hexdigest()


def pod_uid(namespace: str, name: str, digest: str) -> str:
    """The deterministic uid of one (namespace, name, spec hash)."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{namespace}/{name}/{digest}"))


# API-server defaults of ignored fields: a defaulted manifest must not warn for them.
DEFAULTS = {
    "schedulerName": "default-scheduler",
    "enableServiceLinks": True,
    "priority": 0,
    "preemptionPolicy": "PreemptLowerPriority",
    "serviceAccountName": "default",
    "serviceAccount": "default",
}


def _check_spec(spec: dict[str, Any], warnings: list[str]) -> None:
    refuse_unknown(spec, (*HONOURED, *IGNORED, *REFUSED), "spec")
    for key, why in REFUSED.items():
        if spec.get(key):
            raise TranslationError(f"spec.{key}", why)
    for key, why in IGNORED.items():
        value = spec.get(key)
        if value not in (None, [], {}, "") and not (key in DEFAULTS and value == DEFAULTS[key]):
            warnings.append(f"spec.{key}: ignored: {why}")
    if spec.get("hostUsers") is False:
        raise TranslationError("spec.hostUsers", "user namespaces are not supported by podtui")
    os_name = as_dict(spec.get("os")).get("name")
    if os_name not in (None, "linux"):
        raise TranslationError("spec.os.name", f'"{os_name}" pods cannot run on this Linux node')
    if spec.get("activeDeadlineSeconds") is not None:
        warnings.append(
            "spec.activeDeadlineSeconds: recorded: the supervisor fails the pod when it passes"
        )


def _labels(
    meta: dict[str, Any], uid: str, digest: str, manifest_path: str | None, folder: str
) -> dict[str, str]:
    own = {str(k): str(v) for k, v in as_dict(meta.get("labels")).items()}
    for key in own:
        if key in RESERVED_LABELS:
            raise TranslationError(f"metadata.labels[{key}]", "this label is reserved for podtui")
    labels = {
        **own,
        LABEL_MANAGED: "true",
        LABEL_NAMESPACE: str(meta["namespace"]),
        LABEL_NAME: str(meta["name"]),
        LABEL_UID: uid,
        LABEL_SPEC_HASH: digest,
        LABEL_FOLDER: folder,
    }
    if manifest_path:
        labels[LABEL_MANIFEST] = manifest_path
    return labels


def _pod_memory_limit(spec: dict[str, Any]) -> int | None:
    """The pod's effective memory limit when every container has one (sizes Memory emptyDirs)."""
    apps = [memory_limit_bytes(c) for c in as_list(spec.get("containers"))]
    if not apps or any(v is None for v in apps):
        return None
    inits = [memory_limit_bytes(c) or 0 for c in as_list(spec.get("initContainers"))]
    return max(sum(v for v in apps if v), max(inits, default=0))


def _file_owners(
    spec: dict[str, Any], annotations: dict[str, str], warnings: list[str]
) -> dict[str, int | None]:
    """Per file volume, the runAsUser that must be able to read its (0400) files."""
    users: dict[str, list[int | None]] = {}
    for list_name in ("initContainers", "containers"):
        for index, container in enumerate(as_list(spec.get(list_name))):
            user = container_security(
                spec, container, f"spec.{list_name}[{index}]", annotations
            ).run_as_user
            for mount in as_list(container.get("volumeMounts")):
                users.setdefault(str(mount.get("name")), []).append(user)
    owners: dict[str, int | None] = {}
    fs_group = as_dict(spec.get("securityContext")).get("fsGroup")
    for volume, candidates in users.items():
        distinct = list(dict.fromkeys(u for u in candidates if u))
        owners[volume] = distinct[0] if distinct else None
        if len(distinct) > 1 and fs_group is None:
            warnings.append(
                f"volume {volume}: its files are owned by uid {distinct[0]}; containers running as "
                f"{', '.join(map(str, distinct[1:]))} need spec.securityContext.fsGroup to read them"
            )
    return owners


def translate_pod(
    pod: dict[str, Any], objects: ObjectLookup, settings: Settings, manifest_path: str | None = None
) -> PodPlan:
    """The plan to run ``pod`` (a defaulted Pod dict) in Podman; raises ``TranslationError``."""
    meta = as_dict(pod.get("metadata"))
    spec = as_dict(pod.get("spec"))
    name, namespace = str(meta.get("name") or ""), str(meta.get("namespace") or "default")
    meta = {**meta, "namespace": namespace}
    for key, value in (("metadata.name", name), ("metadata.namespace", namespace)):
        if not value or "_" in value:
            raise TranslationError(key, "must be a non-empty DNS name (no '_')")
    warnings: list[str] = []
    _check_spec(spec, warnings)
    warnings.extend(pod_security_checks(spec))
    digest = spec_hash({**pod, "metadata": meta}, objects)
    uid = pod_uid(namespace, name, digest)
    podman_name = podman_pod_name(namespace, name, settings.manifests_dir)
    labels = _labels(meta, uid, digest, manifest_path, folder_id(settings.manifests_dir))
    annotations = {str(k): str(v) for k, v in as_dict(meta.get("annotations")).items()}
    containers = as_list(spec.get("containers"))
    init_containers = as_list(spec.get("initContainers"))
    facts = PodFacts(
        namespace=namespace,
        name=name,
        uid=uid,
        labels={str(k): str(v) for k, v in as_dict(meta.get("labels")).items()},
        annotations=annotations,
        node_name=str(spec.get("nodeName") or local_node_name()),
        service_account=str(
            spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        ),
        containers={str(c.get("name")): c for c in [*init_containers, *containers]},
    )
    pod_ctx = as_dict(spec.get("securityContext"))
    volume_ctx = VolumeContext(
        facts=facts,
        objects=objects,
        settings=settings,
        podman_name=podman_name,
        labels=labels,
        fs_group=pod_ctx.get("fsGroup"),
        fs_group_policy=str(pod_ctx.get("fsGroupChangePolicy") or "Always"),
        pod_memory_limit=_pod_memory_limit(spec),
        file_owners=_file_owners(spec, annotations, warnings),
    )
    volumes = pod_volumes(as_list(spec.get("volumes")), volume_ctx)
    warnings.extend(volumes.warnings)
    grace_value = spec.get("terminationGracePeriodSeconds")
    grace = int(grace_value) if isinstance(grace_value, int) else 30
    ctx = ContainerContext(
        pod_spec=spec,
        facts=facts,
        objects=objects,
        volumes=volumes,
        labels=labels,
        podman_name=podman_name,
        pod_label=f"{name}_{namespace}({uid})",
        grace_period=grace,
    )
    init_plans: list[ContainerPlan] = []
    for index, container in enumerate(init_containers):
        kind: ContainerKind = "sidecar" if container.get("restartPolicy") == "Always" else "init"
        plan, notes = container_plan(container, kind, f"spec.initContainers[{index}]", ctx)
        init_plans.append(plan)
        warnings.extend(notes)
    app_plans: list[ContainerPlan] = []
    for index, container in enumerate(containers):
        plan, notes = container_plan(container, "app", f"spec.containers[{index}]", ctx)
        app_plans.append(plan)
        warnings.extend(notes)

    net = network_plan(meta, spec, settings.network)
    warnings.extend(net.warnings)
    published = [
        (f"spec.initContainers[{i}]", c)
        for i, c in enumerate(init_containers)
        if c.get("restartPolicy") == "Always"
    ] + [(f"spec.containers[{i}]", c) for i, c in enumerate(containers)]
    pod_body: dict[str, Any] = {
        "name": podman_name,
        "labels": {**labels, LABEL_ANNOTATIONS: _canonical(annotations)},
        "infra_name": f"{podman_name}_infra",
        **net.body,
    }
    mappings = port_mappings(published, spec.get("hostNetwork") is True, settings.hostport_address)
    if mappings:
        pod_body["portmappings"] = mappings
    sysctls = pod_sysctls(spec)
    if sysctls:
        pod_body["sysctl"] = sysctls
    if volumes.infra_volumes:
        pod_body["volumes"] = volumes.infra_volumes
    return PodPlan(
        namespace=namespace,
        name=name,
        uid=uid,
        podman_name=podman_name,
        spec_hash=digest,
        pod_body=pod_body,
        labels=labels,
        volumes=volumes.volumes,
        file_volumes=volumes.file_volumes,
        host_paths=volumes.host_paths,
        init_containers=init_plans,
        containers=app_plans,
        restart_policy=spec.get("restartPolicy") or "Always",
        grace_period_seconds=grace,
        warnings=list(dict.fromkeys(warnings)),
        active_deadline_seconds=spec.get("activeDeadlineSeconds"),
        network=net.network,
        cluster_dns_extra=net.cluster_dns_extra,
        host_dns=net.host_dns,
        pending_reason=volumes.pending_reason,
        termination_dir=str(settings.state_dir / "termination" / podman_name),
    )
