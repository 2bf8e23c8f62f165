"""The inline manifest editor: edit a file of manifests/ with the watcher's own rules.

The buffer is validated as you type (debounced, in a worker thread) exactly as the watcher
would validate the file, so what the problems list says is what the watcher will do. A
save is atomic (temporary file + rename) so the watcher never reads half a file; a save
with errors is allowed after a question, because an invalid file is never applied and the
running pod stays. The file is watched while it is open: a change made elsewhere is
reloaded, merged, or overruled, never silently lost.

Secret values are masked on screen: a file with a Secret's ``data``/``stringData`` opens
masked and read-only (validation and the diff use the real text), and ``x`` reveals the
values for editing. A masked buffer is never saved, so the mask never reaches the file;
nothing here logs the buffer's text.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, Static, TextArea
from textual.worker import Worker, WorkerState

from tui.manifest import Problem
from tui.manifest.pod_builder import write_manifest
from tui.reconciler.folder_watch import watch_manifests
from tui.screen.diff_view import DiffScreen, merge3, unified_diff
from tui.screen.editor_modals import ConfirmInvalidSave, ConfirmLeave, DiskChanged
from tui.screen.footer import PodtuiFooter
from tui.screen.manifest_tab import mask_secrets_keeping_lines
from tui.screen.problems_list import BufferChecker, ManifestTextArea, ProblemsList, summary
from tui.screen.templates import template_text

SECRETS_BANNER = "this file holds Secret values: x reveals them for editing"


def read_disk(path: Path) -> str | None:
    """The file's text, or None when there is no file (a new manifest, or deleted)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data.decode("utf-8", errors="replace")


def display_name(path: Path) -> str:
    """``manifests/web.yaml``: enough to know the file, stable across machines."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


class ManifestEditorScreen(Screen["Path | None"]):
    """Edit one manifest file; dismisses with its path when it was saved, else None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="editor.save",
            tooltip="Write the file atomically; the watcher applies it",
        ),
        Binding(
            "ctrl+d",
            "diff",
            "Diff",
            priority=True,
            id="editor.diff",
            tooltip="Unified diff: the file on disk against the editor",
        ),
        Binding(
            "f8",
            "next_problem",
            "Next problem",
            id="editor.next_problem",
            tooltip="Move the cursor to the next problem",
        ),
        Binding(
            "shift+f8",
            "previous_problem",
            "Previous problem",
            show=False,
            id="editor.previous_problem",
            tooltip="Move the cursor to the previous problem",
        ),
        Binding(
            "ctrl+l",
            "switch_focus",
            "Problems",
            id="editor.switch_focus",
            tooltip="Between the text and the problems list",
        ),
        Binding(
            "x",
            "reveal",
            "Reveal secrets",
            id="editor.reveal",
            tooltip="Show the Secret values (masked until then) and allow editing",
        ),
        Binding(
            "escape",
            "leave",
            "Close",
            priority=True,
            id="editor.leave",
            tooltip="Close the editor (asks when there are unsaved changes)",
        ),
    ]
    DEFAULT_CSS = """
    ManifestEditorScreen { layout: vertical; }
    ManifestEditorScreen #editor-title { height: 1; width: 1fr; padding: 0 1; background: $panel; text-style: bold; }
    ManifestEditorScreen #editor-text { height: 1fr; }
    ManifestEditorScreen #editor-secrets { height: 1; padding: 0 1; background: $warning 25%; }
    ManifestEditorScreen #editor-status { height: 1; padding: 0 1; color: $text-muted; }
    ManifestEditorScreen #editor-status.-errors { color: $text-error; }
    """

    @dataclass
    class Checked(Message):
        """The validation worker finished with version ``version`` of the buffer."""

        version: int
        problems: list[Problem]

    @dataclass
    class DiskTouched(Message):
        """The file watcher saw the file change (maybe by our own save)."""

    @dataclass
    class Saved(Message):
        """The file was written; ``valid`` says whether the watcher will apply it."""

        editor: ManifestEditorScreen
        path: Path
        valid: bool

        @property
        def control(self) -> ManifestEditorScreen:
            """The editor that saved."""
            return self.editor

    def __init__(
        self,
        path: Path,
        *,
        validate_delay: float = 0.3,
        template: str = "minimal",
        line: int | None = None,
        col: int | None = None,
    ) -> None:
        super().__init__()
        self.path = Path(path).absolute()
        #: Where the cursor starts (1-based; ``:problems`` opens a file at its problem).
        self.start_at = (line, col) if line is not None else None
        self.validate_delay = validate_delay
        disk = read_disk(self.path)
        #: The text on disk as last loaded, saved or acknowledged (the merge base).
        self.base: str | None = disk
        self.initial_text = disk if disk is not None else template_text(template, self.path.stem)
        # a file's Secret values are masked on screen; a new file's template is the user's own
        shown, self.masked = (
            mask_secrets_keeping_lines(disk) if disk is not None else (self.initial_text, False)
        )
        #: What the text area holds at first (Secret values masked until ``x``).
        self.shown_text = shown
        self.problems: list[Problem] = []
        self.version = 0
        self.checked_version = -1
        self.saved = False
        self.status_note = "new file: not saved yet" if disk is None else ""
        self._checker = BufferChecker(self.path)
        self._timer: Timer | None = None
        self._busy = False  # a save or a question is in progress
        self._stop_watching = asyncio.Event()

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Label(id="editor-title", markup=False)
        yield Static(SECRETS_BANNER, id="editor-secrets", markup=False)
        yield ManifestTextArea(self.shown_text, id="editor-text")
        yield ProblemsList(id="editor-problems")
        yield Static(id="editor-status", markup=False)
        yield PodtuiFooter()

    @property
    def text_area(self) -> ManifestTextArea:
        """The buffer."""
        return self.query_one("#editor-text", ManifestTextArea)

    @property
    def modified(self) -> bool:
        """The buffer differs from the file (a file not yet written always differs)."""
        if self.masked:
            return False  # read-only until revealed: nothing typed, nothing to lose
        return self.base is None or self.text_area.text != self.base

    @property
    def real_text(self) -> str:
        """The text as it is (and would be saved), Secret values included."""
        if self.masked:
            return self.base if self.base is not None else self.initial_text
        return self.text_area.text

    def _on_screen(self, text: str) -> str:
        """What the text area may show of ``text`` (masked while the secrets are)."""
        return mask_secrets_keeping_lines(text)[0] if self.masked else text

    def on_mount(self) -> None:
        """Check the buffer at once, start watching the file, put the cursor in the text."""
        self.text_area.read_only = self.masked
        self.query_one("#editor-secrets").display = self.masked
        self.text_area.focus()
        if self.start_at is not None:
            line, col = self.start_at
            area = self.text_area
            area.move_cursor((max((line or 1) - 1, 0), max((col or 1) - 1, 0)))
            self.call_after_refresh(area.scroll_cursor_visible, center=True)
        self._refresh_title()
        self._refresh_status()
        self._start_check()
        self._watch_file()

    def on_unmount(self) -> None:
        """Stop the file watcher's thread promptly."""
        self._stop_watching.set()

    def _refresh_title(self) -> None:
        state = "new file" if self.base is None else ("modified" if self.modified else "")
        title = display_name(self.path) + (f"  [{state}]" if state else "")
        self.query_one("#editor-title", Label).update(title)

    def _refresh_status(self) -> None:
        counts = "checking…" if self.checked_version < 0 else summary(self.problems)
        text = counts + (f"  ·  {self.status_note}" if self.status_note else "")
        status = self.query_one("#editor-status", Static)
        status.update(text)
        status.set_class(any(p.is_error for p in self.problems), "-errors")

    def _note(self, text: str) -> None:
        self.status_note = text
        self._refresh_status()

    # -- validation as you type -------------------------------------------------------------

    @on(TextArea.Changed, "#editor-text")
    def _buffer_changed(self, event: TextArea.Changed) -> None:
        self.version += 1
        self._refresh_title()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.validate_delay, self._start_check)

    def _start_check(self) -> None:
        self._timer = None
        self._check(self.real_text, self.version)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check(self, text: str, version: int) -> None:
        """Validate in a thread (the folder may need a rescan); post what was found."""
        self.post_message(self.Checked(version, self._checker.check(text)))

    def on_manifest_editor_screen_checked(self, message: ManifestEditorScreen.Checked) -> None:
        """Show the problems of the current buffer (results for older text are dropped)."""
        if message.version != self.version:
            return
        self.checked_version = message.version
        self._show_problems(message.problems)

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.text_area.set_marks(problems)
        self.query_one(ProblemsList).show(problems)
        self._refresh_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place where a failed worker becomes a message the user sees."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.name}: {error}", title="Editor", severity="error")
            if event.worker.group in ("save", "leave", "disk-check"):
                self._busy = False

    # -- moving to problems -------------------------------------------------------------------

    @on(ProblemsList.ProblemChosen)
    def _problem_chosen(self, message: ProblemsList.ProblemChosen) -> None:
        self.jump_to(message.problem)

    def jump_to(self, problem: Problem) -> None:
        """Put the cursor on a problem's line and column and the focus in the text."""
        area = self.text_area
        if problem.line is not None:
            area.move_cursor((problem.line - 1, max((problem.col or 1) - 1, 0)), center=True)
        area.focus()

    def action_next_problem(self, step: int = 1) -> None:
        """The next problem after the cursor (wrapping around)."""
        located = [p for p in self.problems if p.line is not None]
        if not located:
            self.notify("No problems", timeout=2)
            return
        row, col = self.text_area.cursor_location
        here = (row + 1, col + 1)

        def position(problem: Problem) -> tuple[int, int]:
            return (problem.line or 0, problem.col or 1)

        if step > 0:  # problems are sorted by position
            chosen = next((p for p in located if position(p) > here), located[0])
        else:
            chosen = next((p for p in reversed(located) if position(p) < here), located[-1])
        listing = self.query_one(ProblemsList)
        listing.highlighted = self.problems.index(chosen)
        self.jump_to(chosen)

    def action_previous_problem(self) -> None:
        """The previous problem before the cursor (wrapping around)."""
        self.action_next_problem(-1)

    def action_switch_focus(self) -> None:
        """Text to problems list and back."""
        if self.text_area.has_focus:
            self.query_one(ProblemsList).focus()
        else:
            self.text_area.focus()

    # -- diff --------------------------------------------------------------------------------

    def action_diff(self) -> None:
        """What saving would change, as a unified diff against the file on disk."""
        disk = read_disk(self.path) or ""
        name = display_name(self.path)
        if self.masked:  # nothing was edited; the diff would show the file's secrets
            self.notify("No changes (the Secret values are masked: x reveals them)", timeout=3)
            return
        self.app.push_screen(
            DiffScreen(f"{name}: disk -> editor", unified_diff(disk, self.text_area.text, name))
        )

    # -- secrets -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``x`` exists only while Secret values are masked (then it is a letter to type)."""
        if action == "reveal":
            return self.masked
        return True

    def action_reveal(self) -> None:
        """Show the real text, editable (the undo history starts here: no way back to the mask)."""
        if not self.masked:
            return
        area = self.text_area
        row, col = area.cursor_location
        real = self.real_text
        self.masked = False
        area.load_text(real)
        area.read_only = False
        with contextlib.suppress(Exception):
            area.move_cursor((min(row, area.document.line_count - 1), col))
        self.query_one("#editor-secrets").display = False
        self.refresh_bindings()
        self._note("Secret values shown: the file can be edited")

    # -- saving ------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save (asking first when the buffer has errors)."""
        if not self._busy:
            self._busy = True
            self._save_then(leave=False)

    @work(group="save", exit_on_error=False)
    async def _save_then(self, leave: bool) -> None:
        try:
            saved = await self._save()
        finally:
            self._busy = False
        if saved and leave:
            self.dismiss(self.path)

    async def _save(self) -> bool:
        """The save itself; False when it did not happen (declined, or disk changed first)."""
        if self.masked:  # read-only: nothing to save, and the mask must never be written
            self._note("nothing to save: x reveals the Secret values for editing")
            return False
        disk = await asyncio.to_thread(read_disk, self.path)
        if disk != self.base and not await self._resolve_disk_change(disk):
            return False
        text = self.text_area.text
        problems = await asyncio.to_thread(self._checker.check, text)
        if text == self.text_area.text:
            self.checked_version = self.version
            self._show_problems(problems)
        errors = [p for p in problems if p.is_error]
        name = display_name(self.path)
        if errors:
            save_anyway = await self.app.push_screen_wait(
                ConfirmInvalidSave(
                    name, summary(problems), lambda: unified_diff(disk or "", text, name)
                )
            )
            if not save_anyway:
                self._note("not saved")
                return False
        try:
            await asyncio.to_thread(write_manifest, self.path, text)
        except OSError as exc:
            self.notify(f"cannot save {name}: {exc.strerror or exc}", severity="error")
            self._note("not saved")
            return False
        self.base = text
        self.saved = True
        self._refresh_title()
        if errors:
            self._note("saved with errors: the watcher keeps the running pod as it was")
        else:
            self._note("saved; the watcher applies it")
        self.post_message(self.Saved(self, self.path, valid=not errors))
        return True

    # -- leaving -----------------------------------------------------------------------------

    def action_leave(self) -> None:
        """Close; with unsaved changes, ask whether to save, discard or stay."""
        self.leave()

    def leave(self, *, then_quit: bool = False) -> None:
        """Close (and quit podtui after, for ``ctrl+q``), asking first about unsaved changes."""
        if self._busy:
            return
        if not self.modified:
            self._close(then_quit)
            return
        self._busy = True
        self._ask_leave(then_quit)

    @work(group="leave", exit_on_error=False)
    async def _ask_leave(self, then_quit: bool) -> None:
        try:
            choice = await self.app.push_screen_wait(
                ConfirmLeave(display_name(self.path), quitting=then_quit)
            )
            if choice == "save":
                saved = await self._save()
                if not saved:
                    return
            elif choice == "cancel":
                return
        finally:
            self._busy = False
        self._close(then_quit)

    def _close(self, then_quit: bool) -> None:
        self.dismiss(self.path if self.saved else None)
        if then_quit:
            self.app.exit(0)

    # -- the file changing on disk -------------------------------------------------------------

    @work(group="watch", exit_on_error=False)
    async def _watch_file(self) -> None:
        """Tell the screen whenever the watcher sees our file change (in a settled batch)."""
        folder = self.path.parent
        if not folder.is_dir():
            return
        async for changed in watch_manifests(folder, self._stop_watching):
            if any(path.name == self.path.name for path in changed):
                self.post_message(self.DiskTouched())

    def on_manifest_editor_screen_disk_touched(self, message: DiskTouched) -> None:
        """Compare the disk with what we know (our own save changes nothing)."""
        self._check_disk()

    def on_screen_resume(self) -> None:
        """Back from another screen: the file may have changed meanwhile."""
        if self.is_mounted and not self._busy:
            self._check_disk()

    @work(group="disk-check", exclusive=True, exit_on_error=False)
    async def _check_disk(self) -> None:
        if self._busy:
            return  # a save or question in progress looks at the disk itself
        disk = await asyncio.to_thread(read_disk, self.path)
        if disk == self.base or self._busy:
            return
        self._busy = True
        try:
            await self._resolve_disk_change(disk)
        finally:
            self._busy = False

    async def _resolve_disk_change(self, disk: str | None) -> bool:
        """Deal with a file that changed under us; True when the buffer stays to be saved."""
        name = display_name(self.path)
        if not self.modified:
            if disk is None:
                self.base = None
                self._note("the file was deleted on disk; ctrl+s writes it again")
                self._refresh_title()
                return True
            self.base = disk
            # stays masked even when the reloaded text holds no Secret: an editor elsewhere
            # may have caught the file half written, and the next reload may hold them again
            self._replace_buffer(self._on_screen(disk))
            self._note("reloaded: the file changed on disk")
            self._refresh_title()
            return False
        choice = await self.app.push_screen_wait(DiskChanged(name, deleted=disk is None))
        if choice == "reload" and disk is not None:
            self._replace_buffer(disk)
            self.base = disk
            self._note("reloaded from disk (undo brings your text back)")
        elif choice == "merge" and disk is not None:
            result = merge3(self.base or "", self.text_area.text, disk)
            self._replace_buffer(result.text)
            self.base = disk
            if result.conflicts:
                self._note(f"merged with {result.conflicts} conflict(s) marked <<<<<<< >>>>>>>")
            else:
                self._note("merged with the file on disk")
        else:
            self.base = disk
            self._note("kept your text; saving overwrites the file")
            self._refresh_title()
            return True
        self._refresh_title()
        return False

    def _replace_buffer(self, text: str) -> None:
        """Swap the whole text as one undoable edit, keeping the cursor where it can be."""
        area = self.text_area
        row, col = area.cursor_location
        area.replace(text, (0, 0), area.document.end)
        with contextlib.suppress(Exception):
            area.move_cursor((min(row, area.document.line_count - 1), col))
