"""The Stats tab draws running containers and names the exited ones instead of plotting zeros."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from tui.screen.stats_tab import ContainerSample, ContainerStats, StatsTab


class StatsHost(App[None]):
    def compose(self) -> ComposeResult:
        yield StatsTab(id="stats")


async def test_an_exited_init_container_is_text_not_a_flat_line() -> None:
    app = StatsHost()
    async with app.run_test(size=(100, 30)) as pilot:
        tab = app.query_one(StatsTab)
        tab._key = "default/db"  # as start() sets it, without a sampling worker
        tab.set_exited({"migrate": "Completed, exit code 0"})
        samples = [ContainerSample("migrate", 0.0, 0.0), ContainerSample("postgres", 3.5, 2048.0)]
        tab.post_message(StatsTab.Sampled(tab, "default/db", samples))
        await pilot.pause()
        await pilot.pause()
        widgets = {w.container: w for w in tab.query(ContainerStats)}
        migrate, postgres = widgets["migrate"], widgets["postgres"]
        assert "exited (Completed, exit code 0)" in str(migrate.query_one(".caption", Label).render())
        assert not any(row.display for row in migrate.query(Horizontal)) and not migrate.cpu
        assert all(row.display for row in postgres.query(Horizontal)) and list(postgres.cpu) == [3.5]
        # a container that runs again (a restarted sidecar) is plotted again
        tab.set_exited({})
        tab.post_message(StatsTab.Sampled(tab, "default/db", [ContainerSample("migrate", 1.0, 10.0)]))
        await pilot.pause()
        assert all(row.display for row in migrate.query(Horizontal)) and list(migrate.cpu) == [1.0]
