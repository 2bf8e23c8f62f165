"""The app with the real Session when Podman cannot be reached: it opens, says so, retries.

Nothing answers on any socket and no ``podman`` binary is on PATH, so the real engine
fails to start; the app must show "disconnected, retrying", the pods it remembers as
Unknown, and no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import status_of, wait_until

from tui.config import Settings
from tui.reconciler.state_store import StateStore
from tui.screen.app import make_app


@pytest.fixture
def unreachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose every Podman candidate is dead, and no podman to start."""
    import tui.podman.service as service

    monkeypatch.setattr(service, "ROOTFUL_SOCKET", tmp_path / "no-rootful.sock")
    monkeypatch.setattr(service, "rootless_socket", lambda: None)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    return Settings.from_env(manifests, env={}).with_changes(
        state_dir=tmp_path / "state", container_host=f"unix://{tmp_path}/nobody.sock"
    )


def remembered_pod() -> dict[str, object]:
    """A pod as the state directory saved it the last time Podman answered."""
    return {
        "metadata": {
            "name": "web",
            "namespace": "default",
            "creationTimestamp": "2026-01-01T00:00:00Z",
        },
        "spec": {"containers": [{"name": "web", "image": "localhost/podtui/busybox:latest"}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [{"name": "web", "ready": True, "state": {"running": {}}}],
        },
    }


async def test_unreachable_podman_opens_disconnected_with_unknown_pods(
    unreachable: Settings,
) -> None:
    store = StateStore(unreachable.state_dir)
    store.ensure()
    store.schedule_pod("default", "web", {"pod": remembered_pod(), "events": [], "managed": True})
    store.flush()
    app = make_app(unreachable)
    async with app.run_test(size=(120, 36)) as pilot:
        header = app.pods_screen.header
        await wait_until(pilot, lambda: header.connected is False, 20, "the disconnected header")
        assert header.connection_text == "disconnected, retrying"
        await wait_until(
            pilot, lambda: status_of(app, "default/web") == "Unknown", 10, "the remembered pod"
        )
        assert app.pods_screen.table.cell_text("default/web", "ready") == "1/1"
        await pilot.press("ctrl+d")  # no engine: the delete is refused politely, no crash
        await pilot.pause()
        await pilot.press("escape")
    assert app.return_code in (0, None)


async def test_every_key_is_in_help_and_the_palette(unreachable: Settings) -> None:
    from textual.binding import Binding

    from tui.screen.commands import palette_commands
    from tui.screen.events_tab import EventsScreen
    from tui.screen.help_screen import HelpScreen
    from tui.screen.pods_screen import PodsScreen

    app = make_app(unreachable)
    async with app.run_test(size=(120, 36)) as pilot:
        titles = " | ".join(command.title for command in palette_commands(app))
        helped = " | ".join(text for _, rows in app.help_sections() for _, text in rows)
        for binding in PodsScreen.BINDINGS:
            assert isinstance(binding, Binding) and binding.id and binding.tooltip
            if binding.action == "viewer_refusal":
                continue  # answers r, ctrl+d, e and n in a viewer; help explains the viewer
            assert binding.tooltip in helped
            if not binding.action.startswith("show_tab") and binding.action != "back":
                assert binding.tooltip.split(" (")[0] in titles, binding.action
        for word in ("Delete", "Shell", "Restart", "events", "Namespace"):
            assert word.lower() in titles.lower()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("colon", *"events", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EventsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, PodsScreen)
