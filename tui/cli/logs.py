"""``podtui logs NAME``: a container's log, read from conmon's files like ``kubectl logs``.

Without ``-f`` it prints the current attempt of the container (``--previous``: the last
terminated one); ``-f`` keeps following, and when the kubelet rules restart the container
the new attempt's lines follow too (a new attempt is a new Podman container with a higher
``io.podtui.attempt``, found through Podman's events) until the pod is deleted or Ctrl-C.
A pod with several containers and no ``-c``: the default-container annotation's, else the
first app container, with kubectl's "Defaulted container" line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.cli.kubectl_parser import add_kubectl_parser
from tui.cli.log_output import follow_attempts, history
from tui.cli.pod_names import DEFAULT_NAMESPACE, UsageError, podman_pod_name
from tui.cli.podman_access import LOST, PodmanConnection
from tui.cli.printing import ServerError, not_found
from tui.config import Settings
from tui.errors import PodtuiError
from tui.podman.gateway import PodmanGateway
from tui.podman.log_files import LogInstance, PodLogs, discover_instances
from tui.podman.log_format import since_from_duration
from tui.reconciler.foreign_pods import FOREIGN_NAMESPACE
from tui.reconciler.pod_plan import LABEL_ANNOTATIONS, LABEL_KIND, LABEL_NAME, LABEL_NAMESPACE
from tui.reconciler.state_store import StateStore

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``logs``."""
    parser = add_kubectl_parser(
        subparsers,
        "logs",
        help="print (-f: follow) a container's logs, like kubectl logs",
        description="Print the logs of a container in a pod.",
    )
    parser.add_argument("pod", metavar="NAME", help="the pod (or pod/NAME)")
    parser.add_argument("-c", "--container", help="the container (needed when there are several)")
    parser.add_argument("-n", "--namespace", default=None)
    parser.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    parser.add_argument(
        "-p", "--previous", action="store_true", help="the previous terminated attempt"
    )
    parser.add_argument("--tail", type=int, default=-1, help="only the last N lines")
    parser.add_argument("--timestamps", action="store_true", help="prefix each line's time")
    parser.add_argument("--since", metavar="DURATION", help="only lines newer than 5s, 2m, 1h")
    parser.add_argument("--all-containers", action="store_true", help="every container of the pod")
    parser.add_argument(
        "--prefix", action="store_true", help="prefix each line with [pod/NAME/CONTAINER]"
    )
    parser.set_defaults(func=run)


@dataclass
class PodContainers:
    """A pod's containers as Podman knows them: names by kind, in the spec's order."""

    init: list[str] = field(default_factory=list)
    app: list[str] = field(default_factory=list)
    default: str | None = None

    @property
    def all(self) -> list[str]:
        """Init (and sidecar) containers first, as kubectl's --all-containers orders them."""
        return [*self.init, *self.app]


def pod_containers(
    instances: list[LogInstance],
    kinds: dict[str, str],
    order: list[str],
    annotations: dict[str, Any],
) -> PodContainers:
    """Sort the pod's containers into kubectl's lists."""
    names = list(dict.fromkeys([*order, *(i.container for i in instances)]))
    found = PodContainers()
    for name in names:
        if kinds.get(name) in ("init", "sidecar"):
            found.init.append(name)
        else:
            found.app.append(name)
    default = annotations.get(DEFAULT_CONTAINER_ANNOTATION)
    found.default = default if isinstance(default, str) and default in names else None
    return found


def choose_containers(
    pod: str, containers: PodContainers, wanted: str | None, everything: bool
) -> list[str]:
    """The containers to print, or kubectl's error for an ambiguous or unknown one."""
    if everything:
        return containers.all
    if wanted is not None:
        if wanted not in containers.all:
            raise PodtuiError(f"container {wanted} is not valid for pod {pod}")
        return [wanted]
    if containers.default is not None:
        return [containers.default]
    if not containers.app:
        raise PodtuiError(f"pod {pod} has no containers yet")
    return containers.app[:1]


def defaulted_note(containers: PodContainers, wanted: str | None, everything: bool) -> str | None:
    """kubectl's stderr line when it picks the container itself among several."""
    if everything or wanted is not None or containers.default is not None:
        return None
    if len(containers.all) < 2 or not containers.app:
        return None
    others = [*containers.app, *(f"{name} (init)" for name in containers.init)]
    return f'Defaulted container "{containers.app[0]}" out of: {", ".join(others)}'


@dataclass
class LogRequest:
    """What to print."""

    namespace: str
    name: str
    container: str | None
    all_containers: bool
    follow: bool
    previous: bool
    tail: int | None
    timestamps: bool
    since: datetime | None
    prefix: bool
    waiting: dict[str, str] = field(default_factory=dict)  # why containers have not started


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui logs``."""
    name = args.pod
    if "/" in name:
        kind, _, name = name.partition("/")
        if kind.lower() not in ("pod", "pods", "po"):
            raise UsageError(f'podtui shows logs of pods only, not "{kind}"')
    try:
        since = since_from_duration(args.since) if args.since else None
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    request = LogRequest(
        namespace=args.namespace or DEFAULT_NAMESPACE,
        name=name,
        container=args.container,
        all_containers=args.all_containers,
        follow=args.follow,
        previous=args.previous,
        tail=args.tail if args.tail >= 0 else None,
        timestamps=args.timestamps,
        since=since,
        prefix=args.prefix,
    )
    settings = Settings.from_env(args.manifests)
    return asyncio.run(print_logs(settings, request))


async def print_logs(settings: Settings, request: LogRequest) -> int:
    """Print (and follow) the logs; the exit code."""
    connection = PodmanConnection(settings)
    gateway = await connection.open()
    client = gateway.client
    podman_name = podman_pod_name(request.namespace, request.name, settings.manifests_dir)
    try:
        attrs = await gateway.call(podman_pod_attrs, client, podman_name, request.namespace)
        if attrs is None:
            print(not_found("pods", request.name), file=sys.stderr)
            return 1
        # Subscribe before reading the attempts: a restart in between is not missed.
        events = await connection.subscribe() if request.follow else None
        instances = await gateway.call(discover_instances, client, podman_name)
        kinds, order = await gateway.call(_container_kinds, client, podman_name)
        if request.namespace != FOREIGN_NAMESPACE:
            order = spec_order(settings, request.namespace, request.name) or order
        annotations = pod_annotations(attrs)
        if request.namespace != FOREIGN_NAMESPACE:
            request.waiting = waiting_reasons(settings, request.namespace, request.name)
        containers = pod_containers(instances, kinds, order, annotations)
        chosen = choose_containers(
            request.name, containers, request.container, request.all_containers
        )
        note = defaulted_note(containers, request.container, request.all_containers)
        if note:
            print(note, file=sys.stderr)
        with PodLogs(podman_name, instances, client=client) as pod_logs:
            if not request.follow:
                return await asyncio.to_thread(_print_history, pod_logs, chosen, request)
            assert events is not None
            return await _follow(pod_logs, chosen, request, events, gateway, podman_name, attrs)
    finally:
        await connection.close()


def podman_pod_attrs(client: Any, podman_name: str, namespace: str) -> dict[str, Any] | None:
    """The Podman pod's inspect data, None when there is no such pod of ours."""
    from podman.errors import NotFound

    try:
        attrs: dict[str, Any] = client.pods.get(podman_name).attrs
    except NotFound:
        return None
    labels = attrs.get("Labels") or {}
    if namespace != FOREIGN_NAMESPACE and labels.get(LABEL_NAMESPACE) != namespace:
        return None
    return attrs


def _container_kinds(client: Any, podman_name: str) -> tuple[dict[str, str], list[str]]:
    """Container name -> kind (init, sidecar, app), and names in creation order."""
    from tui.reconciler.pod_plan import LABEL_CONTAINER

    kinds: dict[str, str] = {}
    order: list[str] = []
    listed = client.containers.list(all=True, filters={"pod": podman_name})
    for container in sorted(listed, key=lambda c: str(c.attrs.get("Created", ""))):
        attrs = container.attrs
        if attrs.get("IsInfra"):
            continue
        labels = attrs.get("Labels") or {}
        names = attrs.get("Names") or [""]
        name = labels.get(LABEL_CONTAINER) or str(names[0]).lstrip("/")
        kinds.setdefault(name, labels.get(LABEL_KIND, "app"))
        if name not in order:
            order.append(name)
    return kinds, order


def spec_order(settings: Settings, namespace: str, name: str) -> list[str]:
    """Container names in the order the pod's spec lists them (init containers first)."""
    saved = StateStore(settings.state_dir).load_spec(namespace, name) or {}
    spec = (saved.get("pod") or {}).get("spec") or {}
    return [
        str(c.get("name"))
        for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
        if isinstance(c, dict)
    ]


def pod_annotations(attrs: dict[str, Any]) -> dict[str, Any]:
    labels = attrs.get("Labels") or {}
    with contextlib.suppress(ValueError, TypeError):
        value = json.loads(labels.get(LABEL_ANNOTATIONS) or "{}")
        if isinstance(value, dict):
            return value
    return {}


def _current(
    pod_logs: PodLogs, container: str, pod: str, waiting: dict[str, str] | None = None
) -> LogInstance:
    attempts = pod_logs.instances(container)
    if not attempts:
        reason = (waiting or {}).get(container) or "ContainerCreating"
        if reason in ("ErrImagePull", "ImagePullBackOff"):
            reason = "trying and failing to pull image"
        raise ServerError(
            "BadRequest", f'container "{container}" in pod "{pod}" is waiting to start: {reason}'
        )
    return attempts[-1]


def waiting_reasons(settings: Settings, namespace: str, name: str) -> dict[str, str]:
    """Container -> waiting reason from the latest published status (for error messages)."""
    from tui.cli.engine_access import snapshot_pod

    pod = snapshot_pod(StateStore(settings.state_dir), (namespace, name)) or {}
    status = pod.get("status") or {}
    found = {}
    for item in [
        *(status.get("initContainerStatuses") or []),
        *(status.get("containerStatuses") or []),
    ]:
        waiting = (item.get("state") or {}).get("waiting") or {}
        if waiting.get("reason"):
            found[str(item.get("name"))] = str(waiting["reason"])
    return found


def _previous(pod_logs: PodLogs, container: str, pod: str) -> LogInstance:
    instance = pod_logs.previous_instance(container)
    if instance is None:
        raise ServerError(
            "BadRequest", f'previous terminated container "{container}" in pod "{pod}" not found'
        )
    return instance


def _line_prefix(request: LogRequest, container: str) -> str:
    return f"[pod/{request.name}/{container}] " if request.prefix else ""


def _print_history(pod_logs: PodLogs, chosen: list[str], request: LogRequest) -> int:
    """Without -f: each container's current (or previous) attempt, one after the other."""
    out = sys.stdout
    for container in chosen:
        if request.previous:
            instance = _previous(pod_logs, container, request.name)
        else:
            instance = _current(pod_logs, container, request.name, request.waiting)
        for text in history(
            pod_logs.index_of(instance),
            request.since,
            request.tail,
            timestamps=request.timestamps,
            prefix=_line_prefix(request, container),
        ):
            out.write(text + "\n")
    out.flush()
    return 0


async def _follow(
    pod_logs: PodLogs,
    chosen: list[str],
    request: LogRequest,
    events: asyncio.Queue[Any],
    gateway: PodmanGateway,
    podman_name: str,
    attrs: dict[str, Any],
) -> int:
    """-f: every chosen container concurrently, across restarts, until the pod goes."""
    pod_id = str(attrs.get("Id") or "")
    followed: dict[str, asyncio.Task[None]] = {}

    def start(container: str) -> None:
        if container in followed or not pod_logs.instances(container):
            return
        followed[container] = asyncio.create_task(_follow_one(pod_logs, container, request))

    if request.previous:
        for container in chosen:
            _previous(pod_logs, container, request.name)
    elif not request.all_containers:
        _current(pod_logs, chosen[0], request.name, request.waiting)
    for container in chosen:
        start(container)

    def discovered() -> None:
        for container in chosen:  # a container that had no attempt yet may have one now
            start(container)

    watcher = asyncio.create_task(
        _watch_attempts(pod_logs, events, gateway, podman_name, pod_id, request, discovered)
    )
    try:
        while True:
            waiting = [watcher, *(t for t in followed.values() if not t.done())]
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # re-raise a follower's or the watcher's failure
            if watcher in done:
                break  # the pod is gone
            if request.previous and all(t.done() for t in followed.values()):
                break  # a previous attempt is finished: its history is all there is
    finally:
        for task in [watcher, *followed.values()]:
            task.cancel()
        for task in [watcher, *followed.values()]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    return 0


async def _follow_one(pod_logs: PodLogs, container: str, request: LogRequest) -> None:
    prefix = _line_prefix(request, container)
    out = sys.stdout
    if request.previous:
        instance = _previous(pod_logs, container, request.name)
        lines = history(
            pod_logs.index_of(instance),
            request.since,
            request.tail,
            timestamps=request.timestamps,
            prefix=prefix,
        )
        for text in await asyncio.to_thread(list, lines):
            out.write(text + "\n")
        out.flush()
        return
    async for text in follow_attempts(
        pod_logs,
        container,
        pod_logs.instances(container)[-1],
        since=request.since,
        tail=request.tail,
        timestamps=request.timestamps,
        prefix=prefix,
    ):
        out.write(text + "\n")
        out.flush()


async def _watch_attempts(
    pod_logs: PodLogs,
    events: asyncio.Queue[Any],
    gateway: PodmanGateway,
    podman_name: str,
    pod_id: str,
    request: LogRequest,
    discovered: Callable[[], None],
) -> None:
    """Add new attempts as Podman reports them; return when the pod is removed."""
    client = gateway.client
    while True:
        event = await events.get()
        if event is LOST:
            raise PodtuiError("lost the Podman service while following logs")
        actor = event.get("Actor") or {}
        attributes = actor.get("Attributes") or {}
        if event.get("Type") == "pod":
            gone = str(event.get("Action") or event.get("status")) == "remove"
            if gone and (actor.get("ID") == pod_id or attributes.get("name") == podman_name):
                return
            continue
        ours = attributes.get("podId") == pod_id or (
            attributes.get(LABEL_NAMESPACE) == request.namespace
            and attributes.get(LABEL_NAME) == request.name
        )
        if not ours:
            continue
        try:
            instances = await gateway.call(discover_instances, client, podman_name)
        except Exception:  # noqa: BLE001 - the pod went away mid-listing: its remove event ends us
            continue
        for instance in sorted(instances, key=lambda item: (item.container, item.attempt)):
            pod_logs.add_instance(instance)
        discovered()
