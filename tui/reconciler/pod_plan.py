"""The contract between translation and execution: what to create in Podman for one Pod.

``tui.reconciler.translate`` builds a ``PodPlan`` from a validated Pod (pure, no Podman);
the pod supervisor executes it step by step (volumes and secrets, the pod and its infra
container, then containers one attempt at a time). Anything the plan cannot honour is
refused while translating, before anything is created.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui.status.model import ContainerKind

# Labels podtui puts on every Podman object it creates.
LABEL_MANAGED = "io.podtui.managed"  # "true"
LABEL_NAMESPACE = "io.podtui.namespace"
LABEL_NAME = "io.podtui.name"
LABEL_UID = "io.podtui.uid"
LABEL_MANIFEST = "io.podtui.manifest"  # absolute path of the manifest file
LABEL_SPEC_HASH = "io.podtui.spec-hash"
LABEL_FOLDER = "io.podtui.folder"  # which manifests folder owns the pod (see folder_id)
LABEL_CONTAINER = "io.podtui.container"  # the Kubernetes container name
LABEL_KIND = "io.podtui.kind"  # init | sidecar | app
LABEL_ATTEMPT = "io.podtui.attempt"  # 0, 1, 2, ... (one Podman container per attempt)
LABEL_ANNOTATIONS = "io.podtui.annotations"  # JSON of metadata.annotations
LABEL_VOLUME_KIND = "io.podtui.volume"  # emptyDir | pvc
LABEL_VOLUME = "io.podtui.volume-name"  # the pod's volume name (emptyDir) or the claim (pvc)
LABEL_SECRET_ENV = "io.podtui.secret-env"  # the env var a Podman secret feeds

# ``fieldRef: status.podIP`` before the pod IP is known: replaced at create time. A NUL byte
# cannot occur in a manifest string, so the mark never collides with user data.
POD_IP_MARK = "\x00podtui-pod-ip\x00"


def folder_id(manifests_dir: Path) -> str:
    """A short stable id of a manifests folder, so that two folders sharing one Podman
    service never adopt or delete each other's pods."""
    return hashlib.sha256(str(manifests_dir.resolve()).encode()).hexdigest()[:12]


PODMAN_POD_ANNOTATION = "podtui.io/podman-pod"


def podman_pod_name(namespace: str, name: str, manifests_dir: Path) -> str:
    """The Podman pod that runs (namespace, name) for one manifests folder.

    Podman pod names are global on a host, so the folder's id is part of the name: two
    folders (a user's app and a test run, two projects) may both declare ``default/web``.
    ``_`` cannot occur in Kubernetes names, so the parts never run together.
    """
    return f"{namespace}_{name}_{folder_id(manifests_dir)[:8]}"


@dataclass(frozen=True)
class VolumePlan:
    """A Podman named volume to ensure before the pod starts."""

    name: str
    kind: Literal["emptyDir", "pvc"]
    labels: dict[str, str]
    driver_options: dict[str, str] = field(default_factory=dict)  # tmpfs for medium: Memory
    keep_on_delete: bool = False  # PVCs outlive the pod
    size_limit_bytes: int | None = None  # emptyDir.sizeLimit, enforced by the supervisor
    mode: int = 0o777  # the volume root, as the kubelet makes emptyDirs (setgid with fsGroup)
    fs_group: int | None = None  # group owner of the root (and, for PVCs, of their content)
    fs_group_change_policy: Literal["Always", "OnRootMismatch"] = "Always"
    tmpfs: bool = False  # medium: Memory; the infra container keeps it mounted


@dataclass(frozen=True)
class ProjectedFile:
    """One file of a configMap or secret volume."""

    path: str  # relative to the volume root (an item's path, or the key)
    data: bytes = field(repr=False)
    mode: int


@dataclass(frozen=True)
class FileVolumePlan:
    """A host directory written kubelet-style (atomic ``..data`` swap) and bind-mounted.

    configMap volumes live in the state directory; secret volumes on a tmpfs so secret bytes
    never touch disk and never show in ``podman inspect``.
    """

    volume: str  # the pod volume name
    source: Literal["configMap", "secret", "downwardAPI", "projected"]
    object_name: str  # the ConfigMap or Secret name ("" for downwardAPI/projected)
    host_dir: str
    files: tuple[ProjectedFile, ...]
    owner_uid: int | None = None  # chown so runAsUser can read 0400 files
    owner_gid: int | None = None  # fsGroup: group owner, and group read is added to modes
    optional_missing: bool = False  # optional reference whose object is absent: empty dir
    on_tmpfs: bool = False  # holds secret bytes: lives on a tmpfs, never on disk
    mount_error: str | None = None  # FailedMount message (missing object or key): do not start


@dataclass(frozen=True)
class HostPathCheck:
    """A hostPath volume's type check (or creation) done before the container starts."""

    volume: str
    path: str
    type: (
        str  # "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice
    )


@dataclass(frozen=True)
class SecretEnvPlan:
    """A Podman secret exposed as one environment variable (value not in inspect)."""

    podman_secret: str
    env_name: str
    data: bytes = field(repr=False)  # may contain POD_IP_MARK (a value that expanded $(POD_IP))
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubPathMount:
    """A mount resolved on the host when the container is created.

    Podman 4.3 ignores ``SubPath`` on named volumes, so a subPath mount binds
    ``<volume mountpoint or host dir>/<sub_path>`` directly; tmpfs volumes are only mounted
    once the infra container runs, hence the late resolution.
    """

    volume: str  # the pod volume name (for messages)
    base_kind: Literal["volume", "host"]  # base is a Podman volume name, or a host directory
    base: str
    sub_path: str
    destination: str
    read_only: bool = False
    propagation: str = "rprivate"
    create: bool = True  # make a missing sub path as a directory (not in file volumes)


@dataclass
class ContainerPlan:
    """One spec container: how to create an instance of it.

    ``create_body(pod_ip)`` returns the libpod SpecGenerator JSON for ``POST
    /libpod/containers/create``; the pod IP is only known once the infra container runs and
    ``fieldRef: status.podIP`` needs it.
    """

    name: str
    kind: ContainerKind
    image: str  # normalised reference, e.g. docker.io/library/nginx:latest
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"]
    spec: dict[str, Any]  # the container's (defaulted) Kubernetes spec: probes, lifecycle, ports
    body: dict[str, Any]  # SpecGenerator JSON without name, pod and attempt-specific fields
    pod_ip_env: tuple[str, ...] = ()  # env vars to fill with the pod IP at create time
    config_error: str | None = None  # CreateContainerConfigError message (missing ref)
    secret_env: tuple[SecretEnvPlan, ...] = ()
    image_error: str | None = None  # InvalidImageName message: the image reference is unusable
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool = False  # checked against the image's USER at create time
    subpath_mounts: tuple[SubPathMount, ...] = ()
    termination_message_path: str | None = None  # in the container; a host file is bound there

    def create_body(
        self,
        podman_pod: str,
        container_name: str,
        attempt: int,
        pod_ip: str | None,
        labels: dict[str, str],
    ) -> dict[str, Any]:
        """The full create request for one attempt of this container."""
        body = dict(self.body)
        ip = pod_ip or ""
        env = {k: v.replace(POD_IP_MARK, ip) for k, v in (body.get("env") or {}).items()}
        for var in self.pod_ip_env:
            env[var] = ip
        body["env"] = env
        for key in ("entrypoint", "command"):
            if body.get(key):
                body[key] = [item.replace(POD_IP_MARK, ip) for item in body[key]]
        body["name"] = container_name
        body["pod"] = podman_pod
        body["labels"] = {**(body.get("labels") or {}), **labels, LABEL_ATTEMPT: str(attempt)}
        return body


@dataclass
class PodPlan:
    """Everything needed to run one Pod in Podman."""

    namespace: str
    name: str
    uid: str
    podman_name: str  # unique across namespaces
    spec_hash: str
    pod_body: dict[str, Any]  # PodSpecGenerator JSON for POST /libpod/pods/create
    labels: dict[str, str]
    volumes: list[VolumePlan] = field(default_factory=list)
    file_volumes: list[FileVolumePlan] = field(default_factory=list)
    host_paths: list[HostPathCheck] = field(default_factory=list)
    init_containers: list[ContainerPlan] = field(default_factory=list)  # init + sidecars, in order
    containers: list[ContainerPlan] = field(default_factory=list)
    restart_policy: Literal["Always", "OnFailure", "Never"] = "Always"
    grace_period_seconds: int = 30
    warnings: list[str] = field(default_factory=list)  # fields accepted but without effect here
    active_deadline_seconds: int | None = None  # spec.activeDeadlineSeconds, for the supervisor
    network: str | None = None  # the Podman network (None with hostNetwork)
    cluster_dns_extra: list[str] = field(
        default_factory=list
    )  # dnsConfig.nameservers after Podman's DNS
    host_dns: bool = False  # dnsPolicy Default: the host's resolvers instead of Podman's DNS
    pending_reason: str | None = None  # e.g. a missing PVC: stay Pending, create nothing
    termination_dir: str | None = None  # host files bound at terminationMessagePath

    def container_plans(self) -> list[ContainerPlan]:
        """Init containers (and sidecars) first, then app containers."""
        return [*self.init_containers, *self.containers]

    def podman_container_name(self, container: str, attempt: int) -> str:
        """Podman name of one attempt, unique across pods and namespaces."""
        return f"{self.podman_name}_{container}_{attempt}"
