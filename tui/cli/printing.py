"""Output the way kubectl writes it: aligned tables, JSON, YAML, names, and error lines.

Tables follow kubectl's tabwriter settings (minimum width 6, padding 3, the last column
unpadded). A watch keeps the widest column seen so far so that later rows line up with the
header, as kubectl's RememberWidths tabwriter does. JSON and YAML sort keys as kubectl's
unstructured printers do.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

import yaml

from tui.errors import PodtuiError

MIN_WIDTH = 6
PADDING = 3
OUTPUT_FORMATS = ("json", "yaml", "name", "wide")


class Table:
    """Rows aligned in kubectl's columns; widths only grow, so a watch stays aligned."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out
        self.widths: list[int] = []

    def write(self, rows: Sequence[Sequence[str]]) -> None:
        """Print ``rows`` aligned with each other and with every earlier call."""
        for row in rows:
            for index, cell in enumerate(row[:-1]):
                width = max(MIN_WIDTH, len(cell) + PADDING)
                if index < len(self.widths):
                    self.widths[index] = max(self.widths[index], width)
                else:
                    self.widths.append(width)
        out = self.out or sys.stdout
        for row in rows:
            cells = [cell.ljust(self.widths[i]) for i, cell in enumerate(row[:-1])]
            out.write("".join(cells) + (row[-1] if row else "") + "\n")
        out.flush()


def to_json(obj: Any) -> str:
    """kubectl's ``-o json``: four-space indent, sorted keys."""
    return json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False, default=str)


class _KubectlDumper(yaml.SafeDumper):
    """Block style with lists flush under their key (go-yaml's style, which kubectl uses)."""


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_KubectlDumper.add_representer(str, _str_presenter)


def to_yaml(obj: Any) -> str:
    """kubectl's ``-o yaml``: block style, sorted keys."""
    clean = json.loads(json.dumps(obj, default=str))  # plain types only
    return yaml.dump(
        clean, Dumper=_KubectlDumper, sort_keys=True, default_flow_style=False, allow_unicode=True
    )


def resource_name(kind: str, obj: Mapping[str, Any]) -> str:
    """``pod/web``, as ``-o name`` prints it."""
    return f"{kind.lower()}/{(obj.get('metadata') or {}).get('name', '')}"


def error_line(message: str) -> None:
    """One error line on stderr (kubectl prints ``Error from server (...)`` lines verbatim)."""
    print(message, file=sys.stderr, flush=True)


def not_found(resource: str, name: str) -> str:
    """kubectl's NotFound error text: ``Error from server (NotFound): pods "x" not found``."""
    return f'Error from server (NotFound): {resource} "{name}" not found'


def already_exists(resource: str, name: str, source: str | None = None) -> str:
    """kubectl's AlreadyExists error text, optionally naming the file being created."""
    where = f'error when creating "{source}": ' if source else ""
    return f'Error from server (AlreadyExists): {where}{resource} "{name}" already exists'


def no_resources(namespace: str | None) -> str:
    """The empty-list message kubectl prints on stderr."""
    if namespace is None:
        return "No resources found"
    return f"No resources found in {namespace} namespace."


def print_objects(objects: Iterable[str]) -> None:
    """Print pre-rendered objects, one after another."""
    out = sys.stdout
    for text in objects:
        out.write(text if text.endswith("\n") else text + "\n")
    out.flush()


class ServerError(PodtuiError):
    """An error kubectl reports as ``Error from server (Reason): ...``, printed verbatim."""

    verbatim = True

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"Error from server ({reason}): {message}")
