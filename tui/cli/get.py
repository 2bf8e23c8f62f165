"""``podtui get pods``: kubectl's table (or JSON, YAML, names) of the folder's pods.

Columns and STATUS are kubectl's (``tui.status.kubectl_columns``); ``-A`` adds NAMESPACE
and shows foreign Podman pods (namespace ``podman``, read-only); ``-o wide`` adds IP,
PORTS, MANIFEST, NOMINATED NODE and READINESS GATES. ``-w`` prints the table, then one row
per change until Ctrl-C. A missing named pod is kubectl's NotFound error (exit 1); an empty
list says "No resources found in default namespace." on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import Any

from tui.cli.kubectl_parser import add_kubectl_parser
from tui.cli.label_selector import Selector, parse_selector, pod_labels
from tui.cli.pod_names import (
    UsageError,
    add_namespace_flags,
    namespace_of,
    pod_key,
    pod_names,
)
from tui.cli.pod_source import PodSource
from tui.cli.printing import (
    Table,
    error_line,
    no_resources,
    not_found,
    resource_name,
    to_json,
    to_yaml,
)
from tui.config import Settings
from tui.status.kubectl_columns import POD_COLUMNS, POD_WIDE_COLUMNS, pod_row
from tui.status.pod_status import pod_list

OUTPUTS = ("wide", "json", "yaml", "name")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``get``."""
    parser = add_kubectl_parser(
        subparsers,
        "get",
        help="list pods like kubectl get pods",
        description="Display pods: get pods, get pod NAME, get po NAME..., get pod/NAME.",
    )
    parser.add_argument("words", nargs="*", metavar="TYPE [NAME...]", help="pods [NAME...]")
    add_namespace_flags(parser)
    parser.add_argument("-o", "--output", choices=OUTPUTS, help="wide, json, yaml or name")
    parser.add_argument("-l", "--selector", help="label selector (app=web,tier!=db,env in (a,b))")
    parser.add_argument("-w", "--watch", action="store_true", help="print changes until Ctrl-C")
    parser.add_argument("--no-headers", action="store_true", help="leave out the header row")
    parser.add_argument("--show-labels", action="store_true", help="add a LABELS column")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui get``."""
    names = pod_names(args.words, "get")
    namespace = namespace_of(args)
    if names and namespace is None:
        raise UsageError("a resource cannot be retrieved by name across all namespaces")
    if names and args.selector:
        raise UsageError("selectors cannot be used when passing resource names")
    selector = parse_selector(args.selector)
    settings = Settings.from_env(args.manifests)
    printer = PodPrinter(args.output, namespace is None, args.no_headers, args.show_labels)
    return asyncio.run(get(settings, namespace, names, selector, printer, args.watch))


class PodPrinter:
    """Prints pods in the chosen format; tables keep their widths across watch updates."""

    def __init__(
        self, output: str | None, all_namespaces: bool, no_headers: bool, show_labels: bool
    ) -> None:
        self.output = output
        self.all_namespaces = all_namespaces
        self.headers = not no_headers
        self.show_labels = show_labels
        self.table = Table()
        self._header_done = False

    @property
    def tabular(self) -> bool:
        """Human-readable output (where "No resources found" is said)."""
        return self.output in (None, "wide")

    def header(self) -> list[str]:
        """The column titles."""
        columns = list(POD_WIDE_COLUMNS if self.output == "wide" else POD_COLUMNS)
        if self.all_namespaces:
            columns.insert(0, "NAMESPACE")
        if self.show_labels:
            columns.append("LABELS")
        return columns

    def row(self, pod: dict[str, Any], now: datetime) -> list[str]:
        """One table row."""
        cells = pod_row(pod, now, wide=self.output == "wide")
        if self.all_namespaces:
            cells.insert(0, str(pod["metadata"].get("namespace", "")))
        if self.show_labels:
            labels = pod_labels(pod)
            cells.append(",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>")
        return cells

    def print_list(self, pods: list[dict[str, Any]], single: bool) -> None:
        """The initial listing."""
        if self.output == "json":
            sys.stdout.write(to_json(pods[0] if single else pod_list(pods)) + "\n")
        elif self.output == "yaml":
            sys.stdout.write(to_yaml(pods[0] if single else pod_list(pods)))
        elif self.output == "name":
            for pod in pods:
                sys.stdout.write(resource_name("Pod", pod) + "\n")
        else:
            self.print_rows(pods)
        sys.stdout.flush()

    def print_rows(self, pods: list[dict[str, Any]]) -> None:
        """Rows (with the header before the first one) in the chosen format."""
        if not pods:
            return
        if not self.tabular:
            for pod in pods:
                if self.output == "json":
                    sys.stdout.write(to_json(pod) + "\n")
                elif self.output == "yaml":
                    sys.stdout.write("---\n" + to_yaml(pod))
                else:
                    sys.stdout.write(resource_name("Pod", pod) + "\n")
            sys.stdout.flush()
            return
        now = datetime.now(UTC)
        rows = [self.row(pod, now) for pod in pods]
        if self.headers and not self._header_done:
            rows.insert(0, self.header())
        self._header_done = True
        self.table.write(rows)


def select(
    source: PodSource, names: list[str], namespace: str | None, selector: Selector
) -> tuple[list[dict[str, Any]], list[str]]:
    """The pods to show and the names that were not found."""
    if names:
        assert namespace is not None
        found, missing = [], []
        for name in names:
            pod = source.find(namespace, name)
            if pod is None:
                missing.append(name)
            else:
                found.append(pod)
        return found, missing
    return [p for p in source.pods() if selector.matches(pod_labels(p))], []


def fingerprint(pod: dict[str, Any]) -> str:
    """What makes a watch print a row again: a change kubectl's columns can show.

    Timestamps are left out: an observed pod's conditions are recomputed on every look,
    and a new transition time alone is not news.
    """
    metadata = pod.get("metadata") or {}
    status = pod.get("status") or {}
    containers = []
    for item in [
        *(status.get("initContainerStatuses") or []),
        *(status.get("containerStatuses") or []),
    ]:
        state = item.get("state") or {}
        kind = next(iter(state), "")
        detail = state.get(kind) or {}
        containers.append(
            [item.get("name"), item.get("ready"), item.get("restartCount"), kind,
             detail.get("reason"), detail.get("exitCode")]
        )  # fmt: skip
    conditions = [[c.get("type"), c.get("status")] for c in status.get("conditions") or []]
    return json.dumps(
        [
            status.get("phase"),
            status.get("reason"),
            status.get("podIP"),
            conditions,
            containers,
            metadata.get("deletionTimestamp") is not None,
            metadata.get("labels"),
        ],
        sort_keys=True,
        default=str,
    )


async def get(
    settings: Settings,
    namespace: str | None,
    names: list[str],
    selector: Selector,
    printer: PodPrinter,
    watch: bool,
) -> int:
    """List (and with ``watch``, follow) the pods; returns the exit code."""
    async with PodSource(settings, namespace) as source:
        pods, missing = select(source, names, namespace, selector)
        for name in missing:
            error_line(not_found("pods", name))
        if watch:
            printer.print_rows(pods)  # a watch prints objects one by one, never a list
        elif pods or (not printer.tabular and not names):
            printer.print_list(pods, single=len(names) == 1 and bool(pods))
        elif not names:
            error_line(no_resources(namespace))
        if not watch:
            return 1 if missing else 0
        seen = {pod_key(p): (fingerprint(p), p) for p in pods}
        async for _ in source.changes():
            current, _missing = select(source, names, namespace, selector)
            changed = []
            now_keys = set()
            for pod in current:
                key = pod_key(pod)
                now_keys.add(key)
                mark = fingerprint(pod)
                if key not in seen or seen[key][0] != mark:
                    changed.append(pod)
                seen[key] = (mark, pod)
            for key in [k for k in seen if k not in now_keys]:
                changed.append(seen.pop(key)[1])  # deleted: its last state, as kubectl does
            printer.print_rows(changed)
    return 0
