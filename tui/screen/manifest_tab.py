"""The Manifest tab: the pod's YAML file, syntax highlighted, with Secret values masked.

``data`` and ``stringData`` values of every ``kind: Secret`` document are replaced on
screen until the user presses ``x``; env values from ``secretKeyRef`` are references and
never hold a value. A file that does not parse is masked by indentation instead, erring
on the side of hiding. Pods without a file (foreign Podman pods) show their object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static, TextArea

from tui.screen.pod_table import PodEntry

MASK = "••••••••"
SECRET_FIELDS = ("data", "stringData")


def _node_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of Secret values, from PyYAML's node positions."""
    spans: list[tuple[int, int]] = []
    for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if not isinstance(document, yaml.MappingNode):
            continue
        fields = {key.value: value for key, value in document.value if isinstance(key, yaml.ScalarNode)}
        kind = fields.get("kind")
        if not isinstance(kind, yaml.ScalarNode) or kind.value != "Secret":
            continue
        for name in SECRET_FIELDS:
            section = fields.get(name)
            if isinstance(section, yaml.MappingNode):
                for _, value in section.value:
                    start, end = value.start_mark.index, value.end_mark.index
                    while end > start and text[end - 1] in " \t\r\n":
                        end -= 1
                    if end > start:
                        spans.append((start, end))
            elif section is not None and not (
                isinstance(section, yaml.ScalarNode) and section.value in ("", "null", "~")
            ):
                spans.append((section.start_mark.index, section.end_mark.index))
    return spans


_SECTION = re.compile(r"^(\s*)(data|stringData)\s*:(.*)$")
_KIND_SECRET = re.compile(r"^\s*kind\s*:\s*['\"]?Secret['\"]?\s*(#.*)?$", re.MULTILINE)


def _mask_by_lines(text: str) -> str:
    """Fallback for text that does not parse: mask under data/stringData of Secret documents."""
    out: list[str] = []
    chunks = re.split(r"(?m)^(?=---)", text)
    for chunk in chunks:
        if not _KIND_SECRET.search(chunk):
            out.append(chunk)
            continue
        section_indent: int | None = None
        for line in chunk.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            ending = line[len(body) :]
            indent = len(body) - len(body.lstrip())
            if section_indent is not None and body.strip() and indent <= section_indent:
                section_indent = None
            match = _SECTION.match(body)
            if section_indent is None and match:
                rest = match.group(3).strip()
                if rest and not rest.startswith("#"):
                    body = f"{match.group(1)}{match.group(2)}: {MASK}"
                else:
                    section_indent = len(match.group(1))
            elif section_indent is not None and body.strip():
                key, colon, value = body.partition(":")
                body = f"{key}: {MASK}" if colon and value.strip() else " " * indent + MASK
            out.append(body + ending)
    return "".join(out)


def mask_secrets(text: str) -> tuple[str, bool]:
    """The text with Secret values masked, and whether anything was masked."""
    try:
        spans = _node_spans(text)
    except yaml.YAMLError:
        masked = _mask_by_lines(text)
        return masked, masked != text
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + MASK + text[end:]
    return text, bool(spans)


def mask_secrets_keeping_lines(text: str) -> tuple[str, bool]:
    """Like ``mask_secrets``, but every line stays a line (a multi-line value becomes one
    mask per line), so line numbers of problems found in the real text still point right."""
    try:
        spans = _node_spans(text)
    except yaml.YAMLError:
        masked = _mask_by_lines(text)  # line by line already
        return masked, masked != text
    for start, end in sorted(spans, reverse=True):
        lines = text[start:end].split("\n")
        kept = [MASK] + [
            line[: len(line) - len(line.lstrip())] + MASK if line.strip() else line
            for line in lines[1:]
        ]
        text = text[:start] + "\n".join(kept) + text[end:]
    return text, bool(spans)


def pod_yaml(pod: dict[str, Any]) -> str:
    """A pod object as YAML (for pods that have no manifest file)."""
    return yaml.safe_dump(pod, sort_keys=False, default_flow_style=False)


class ManifestTab(Vertical):
    """Read-only YAML with highlighting; ``x`` (the app's key) reveals Secret values."""

    revealed: reactive[bool] = reactive(False, init=False)

    @dataclass
    class Loaded(Message):
        """A manifest file was read (posted from a worker thread)."""

        manifest_tab: ManifestTab
        key: str
        text: str | None
        note: str = ""

        @property
        def control(self) -> ManifestTab:
            """The tab."""
            return self.manifest_tab

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key: str | None = None
        self._text: str = ""
        self._note = ""

    def compose(self) -> ComposeResult:
        yield Static(id="manifest-note", markup=False)
        yield TextArea(
            "",
            language="yaml",
            read_only=True,
            show_line_numbers=True,
            soft_wrap=False,
            id="manifest-text",
        )

    @property
    def text(self) -> str:
        """What the tab shows (masked unless revealed)."""
        return self.query_one(TextArea).text

    def show(self, entry: PodEntry | None) -> None:
        """Show a pod's manifest: read its file in a worker, or its object when it has none."""
        key = entry.key if entry is not None else None
        if key != self._key:
            self.revealed = False
        self._key = key
        if entry is None:
            self._set("", "No pod selected.")
            return
        path = entry.manifest
        if not path:
            self._set(pod_yaml(entry.pod), "No manifest file: the pod object as Podman reports it.")
            return

        def read() -> None:
            try:
                text: str | None = Path(path).read_text(encoding="utf-8", errors="replace")
                note = Path(path).name
            except FileNotFoundError:
                text, note = pod_yaml(entry.pod), f"{Path(path).name} is gone: the pod object instead."
            self.post_message(self.Loaded(self, key or "", text, note))

        self.app.run_worker(read, thread=True, group="manifest", exclusive=True, exit_on_error=False, name="read manifest")

    def on_manifest_tab_loaded(self, message: Loaded) -> None:
        """The file arrived: show it if the pod is still the one selected."""
        message.stop()
        if message.key == self._key and message.text is not None:
            self._set(message.text, message.note)

    def toggle_reveal(self) -> None:
        """Show or mask Secret values."""
        self.revealed = not self.revealed

    def watch_revealed(self) -> None:
        """Re-render with or without the mask."""
        self._render_text()

    def _set(self, text: str, note: str) -> None:
        self._text, self._note = text, note
        self._render_text()

    def _render_text(self) -> None:
        shown, masked = (self._text, False) if self.revealed else mask_secrets(self._text)
        area = self.query_one(TextArea)
        if area.text != shown:
            scroll = area.scroll_offset
            area.load_text(shown)
            area.scroll_to(scroll.x, scroll.y, animate=False)
        hint = ""
        if masked:
            hint = "  ·  Secret values masked (x reveals)"
        elif self.revealed and _has_secret(self._text):
            hint = "  ·  Secret values SHOWN (x masks)"
        self.query_one("#manifest-note", Static).update(f"{self._note}{hint}")


def _has_secret(text: str) -> bool:
    return bool(_KIND_SECRET.search(text))
