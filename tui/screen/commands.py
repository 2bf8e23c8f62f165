"""The command palette: one Provider listing every action the keys do, and a few more.

Each pod key becomes a palette command with its key and tooltip, so whatever the footer
or ``?`` shows can also be found by typing its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: what it is called, what it does, and how to run it."""

    title: str
    help: str
    run: Callable[[], Any]


def _key_display(app: App[Any], binding: Binding) -> str:
    return app.get_key_display(binding)


def palette_commands(app: Any) -> Iterator[PaletteCommand]:
    """Every action: the pod screen's keys, the app's keys, tabs, and ``:`` jumps."""
    pods = app.pods_screen
    seen: set[str] = set()
    for owner, bindings in ((pods, type(pods).BINDINGS), (app, type(app).BINDINGS)):
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.action in seen or binding.action.startswith("show_tab"):
                continue
            seen.add(binding.action)
            key = _key_display(app, binding)
            title = binding.tooltip.split(" (")[0] if binding.tooltip else binding.description
            yield PaletteCommand(
                f"{title}  ({key})",
                binding.tooltip or binding.description,
                partial(app.run_action, binding.action, owner),
            )
    for tab in ("status", "logs", "manifest", "events", "stats"):
        yield PaletteCommand(
            f"Show the {tab.title()} tab",
            f"Detail pane: the {tab} of the selected pod",
            partial(app.run_action, f"show_tab('{tab}')", pods),
        )
    yield PaletteCommand("All events  (:events)", "Every pod's events, newest first", partial(app.run_jump, "events"))
    yield PaletteCommand(
        "Invalid manifest files  (:problems)",
        "Files the reconciler refuses, with their first problem",
        partial(app.run_jump, "problems"),
    )
    yield PaletteCommand("All namespaces  (:ns all)", "Show pods of every namespace", partial(app.run_jump, "ns all"))
    for namespace in app.namespaces():
        yield PaletteCommand(
            f"Namespace {namespace}  (:ns {namespace})",
            f"Show only pods in {namespace}",
            partial(app.run_jump, f"ns {namespace}"),
        )


class PodtuiCommands(Provider):
    """Everything podtui can do, by name."""

    async def discover(self) -> Hits:
        """All commands, before anything is typed."""
        for command in palette_commands(self.app):
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        """Commands whose title matches what was typed."""
        matcher = self.matcher(query)
        for command in palette_commands(self.app):
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
