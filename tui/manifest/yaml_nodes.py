"""YAML text -> plain Python objects, keeping every node's line:col and refusing hostile input.

libyaml (PyYAML's C parser) composes the node tree; we build the objects ourselves so that:
keys stay the strings that were written (``on:`` is the key "on", not True), duplicate keys
are an error, alias expansion and nesting depth are bounded (no billion laughs), and plain
scalars resolve like the Go YAML library the API server uses (YAML 1.1 booleans and octal
numbers, but ``22:22`` is a string, not a base-60 number). The node tree is kept so that a
field path can be located later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tui.manifest.problems import DUPLICATE, INVALID, FieldPath, Findings, Key
from tui.manifest.yaml_scalars import PLAIN_TAG, STR_TAG, TAG_PREFIX, resolve_plain, scalar_value

_MAP_TAG = TAG_PREFIX + "map"
_SEQ_TAG = TAG_PREFIX + "seq"
_MERGE_TAG = TAG_PREFIX + "merge"


class _NoResolver:
    """Skips PyYAML's implicit tag resolution (a Python call per scalar): the builder does it."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN_TAG if implicit[0] else STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    def descend_resolver(self, *args: object) -> None:
        return None

    def ascend_resolver(self, *args: object) -> None:
        return None


try:
    from yaml._yaml import CParser

    class _Loader(_NoResolver, CParser):
        """libyaml's parser and composer, without implicit resolution."""

except ImportError:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(_NoResolver, yaml.SafeLoader):  # type: ignore[no-redef]
        """The pure-Python composer, without implicit resolution."""


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile files cheap: checked before or while building, never after."""

    max_bytes: int = 3 * 1024 * 1024
    max_depth: int = 100
    max_nodes: int = 500_000
    max_alias_nodes: int = 20_000
    max_aliases: int = 1_000
    max_documents: int = 10_000


LIMITS = Limits()


class InputRefused(Exception):
    """The text cannot be read safely; ``line``/``col`` are 1-based and point at the cause."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def decode_bytes(data: bytes) -> str:
    """Bytes -> text, refusing binary data and anything that is not UTF-8 (BOM allowed)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col_of_offset(data, nul)
        raise InputRefused("binary file: contains NUL bytes, expected YAML text", line, col)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_offset(data, exc.start)
        raise InputRefused(
            f"not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at offset {exc.start}", line, col
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _line_col_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


@dataclass
class RawDocument:
    """One YAML document: its node tree (for positions), the object built from it, and the
    problems found while building it (duplicate keys and the like)."""

    index: int
    node: Node
    value: object
    line: int
    findings: Findings


def iter_documents(
    text: str, file: str | None = None, limits: Limits = LIMITS
) -> Iterator[RawDocument]:
    """Yield each non-empty document of ``text`` with the problems found building it.

    Raises InputRefused for syntax errors and exceeded limits (the documents before the bad
    one have been yielded already).
    """
    loader = _Loader(text)
    index = -1
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                message = _yaml_message(exc)
                if mark is None:
                    raise InputRefused(message) from None
                raise InputRefused(message, mark.line + 1, mark.column + 1) from None
            except yaml.YAMLError as exc:
                raise InputRefused(f"YAML error: {exc}") from None
            except RecursionError:
                raise InputRefused(
                    f"nesting too deep (more than {limits.max_depth} levels)"
                ) from None
            index += 1
            if index >= limits.max_documents:
                raise InputRefused(f"too many YAML documents (more than {limits.max_documents})")
            if node is None or (type(node) is ScalarNode and scalar_value(node) is None):
                continue
            findings = Findings(file, node_locator(node))
            value = _Builder(findings, limits).build(node, (), 0)
            yield RawDocument(index, node, value, node.start_mark.line + 1, findings)
    finally:
        loader.dispose()


class NodeSource:
    """The node trees of one text, composed again only when a position is asked for.

    Keeping every node of every file alive costs ~100 bytes a node and slows Python's garbage
    collector; positions are rarely needed once a file has been validated, so the documents
    keep the text and re-compose it (once) on demand.
    """

    __slots__ = ("text", "_nodes")

    def __init__(self, text: str) -> None:
        self.text = text
        self._nodes: dict[int, Node] | None = None

    def node(self, index: int, inner: FieldPath = ()) -> Node | None:
        """The root node of document ``index`` (or the node at ``inner`` within it)."""
        if self._nodes is None:
            self._nodes = compose_nodes(self.text)
        found = self._nodes.get(index)
        if found is None or not inner:
            return found
        return child_node(found, inner)


def compose_nodes(text: str, limits: Limits = LIMITS) -> dict[int, Node]:
    """Document index -> root node, for as many documents as compose without error."""
    nodes: dict[int, Node] = {}
    loader = _Loader(text)
    index = -1
    try:
        while index < limits.max_documents and loader.check_node():
            node = loader.get_node()
            index += 1
            if node is not None:
                nodes[index] = node
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        loader.dispose()
    return nodes


def node_locator(node: Node) -> Callable[[FieldPath, bool], tuple[int, int] | None]:
    """A Findings locator for paths inside ``node``."""

    def find(path: FieldPath, on_key: bool) -> tuple[int, int] | None:
        return locate(node, path, on_key)

    return find


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    text = "; ".join(parts) or "invalid YAML"
    return f"YAML syntax error: {text}"


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def is_merge_key(node: Node) -> bool:
    """``<<`` as a plain key (or tagged !!merge) merges another mapping into this one."""
    return type(node) is ScalarNode and (
        node.tag == _MERGE_TAG or (node.tag == PLAIN_TAG and node.value == "<<")
    )


class _Builder:
    """Builds one document's objects, bounding depth, nodes and alias expansion as it goes."""

    __slots__ = ("findings", "limits", "nodes", "aliases", "alias_nodes", "seen", "sizes", "inside")

    def __init__(self, findings: Findings, limits: Limits) -> None:
        self.findings = findings
        self.limits = limits
        self.nodes = 0
        self.aliases = 0
        self.alias_nodes = 0
        self.seen: set[int] = set()
        self.sizes: dict[int, int] = {}
        self.inside = 0  # > 0 while expanding an alias

    def build(self, node: Node, path: FieldPath, depth: int) -> object:
        self.nodes += 1
        if type(node) is ScalarNode:
            if self.nodes > self.limits.max_nodes:
                self._refuse(node, f"document too large: more than {self.limits.max_nodes} nodes")
            return scalar_value(node)
        if depth >= self.limits.max_depth:
            self._refuse(node, f"nesting too deep (more than {self.limits.max_depth} levels)")
        if self.nodes > self.limits.max_nodes:
            self._refuse(node, f"document too large: more than {self.limits.max_nodes} nodes")
        key = id(node)
        if key not in self.seen:
            self.seen.add(key)
            return self._collection(node, path, depth)
        # A node seen before is an alias. Cost it (memoised) before expanding anything.
        if self.inside:
            return self._collection(node, path, depth)
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            self._refuse(node, f"too many YAML aliases (more than {self.limits.max_aliases})")
        self.alias_nodes += self._size(node, 0)
        if self.alias_nodes > self.limits.max_alias_nodes:
            self._refuse(
                node,
                f"YAML aliases expand to more than {self.limits.max_alias_nodes} nodes "
                '(a "billion laughs" document?)',
            )
        self.inside += 1
        try:
            return self._collection(node, path, depth)
        finally:
            self.inside -= 1

    def _collection(self, node: Node, path: FieldPath, depth: int) -> object:
        if type(node) is MappingNode:
            return self._mapping(node, path, depth)
        return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]

    def _refuse(self, node: Node, message: str) -> None:
        line, col = _mark(node)
        raise InputRefused(message, line, col)

    def _size(self, node: Node, depth: int) -> int:
        """Nodes in ``node`` once its aliases are expanded (memoised, so a bomb costs little)."""
        if type(node) is ScalarNode:
            return 1
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        if depth > self.limits.max_depth:
            return self.limits.max_alias_nodes + 1
        total = 1
        if type(node) is MappingNode:
            for key_node, value_node in node.value:
                total += self._size(key_node, depth + 1) + self._size(value_node, depth + 1)
        else:
            for item in node.value:
                total += self._size(item, depth + 1)
        self.sizes[id(node)] = total
        return total

    def _mapping(self, node: MappingNode, path: FieldPath, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        key_lines: dict[str, int] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                self.findings.add_at(
                    path, _mark(key_node), INVALID, None, "mapping keys must be strings"
                )
                continue
            if is_merge_key(key_node):
                merges.append(value_node)
                continue
            key = key_node.value
            if key in key_lines:
                self.findings.add_at(
                    path + (key,),
                    _mark(key_node),
                    DUPLICATE,
                    key,
                    f"key already defined at line {key_lines[key]}",
                )
                continue
            key_lines[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, path + (key,), depth + 1)
        for merge in merges:
            sources = merge.value if type(merge) is SequenceNode else [merge]
            for source in sources:
                if type(source) is not MappingNode:
                    self.findings.add_at(
                        path, _mark(source), INVALID, None, "a merge key (<<) needs a mapping"
                    )
                    continue
                merged = self.build(source, path, depth + 1)
                if isinstance(merged, dict):
                    for merged_key, merged_value in merged.items():
                        result.setdefault(merged_key, merged_value)
        return result


def locate(node: Node, path: FieldPath, on_key: bool = False) -> tuple[int, int] | None:
    """1-based (line, col) of the node at ``path``, or of its deepest existing ancestor."""
    current = node
    last = len(path) - 1
    for i, part in enumerate(path):
        child: Node | None = None
        key_node: Node | None = None
        if type(current) is MappingNode and isinstance(part, str):
            key_node, child = _find_key(current, part, 0)
        elif type(current) is SequenceNode and type(part) is int and 0 <= part < len(current.value):
            child = current.value[part]
        if child is None:
            break
        if i == last and key_node is not None and (on_key or _is_empty_scalar(child)):
            return _mark(key_node)
        current = child
    return _mark(current)


def _find_key(node: MappingNode, key: str, depth: int) -> tuple[Node | None, Node | None]:
    for key_node, value_node in node.value:
        if type(key_node) is ScalarNode and key_node.value == key and not is_merge_key(key_node):
            return key_node, value_node
    if depth > 8:
        return None, None
    for key_node, value_node in node.value:
        if is_merge_key(key_node):
            sources = value_node.value if type(value_node) is SequenceNode else [value_node]
            for source in sources:
                if type(source) is MappingNode:
                    found = _find_key(source, key, depth + 1)
                    if found[1] is not None:
                        return found
    return None, None


def _is_empty_scalar(node: Node) -> bool:
    return type(node) is ScalarNode and node.value == "" and not node.style


def child_node(node: Node, path: FieldPath) -> Node | None:
    """The node at ``path`` inside ``node``, or None when there is none."""
    current: Node | None = node
    for part in path:
        if type(current) is MappingNode and isinstance(part, str):
            current = _find_key(current, part, 0)[1]
        elif type(current) is SequenceNode and type(part) is int and 0 <= part < len(current.value):
            current = current.value[part]
        else:
            return None
        if current is None:
            return None
    return current


def source_text(node: Node, path: FieldPath) -> str | None:
    """The text of the plain scalar at ``path`` as written, if there is one there."""
    found = child_node(node, path)
    if type(found) is ScalarNode and not found.style:
        return str(found.value)
    return None


__all__ = [
    "LIMITS",
    "InputRefused",
    "Key",
    "Limits",
    "RawDocument",
    "child_node",
    "decode_bytes",
    "iter_documents",
    "locate",
    "NodeSource",
    "compose_nodes",
    "node_locator",
    "resolve_plain",
    "scalar_value",
    "source_text",
]
