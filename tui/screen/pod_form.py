"""Creating a pod from the keyboard (the app's ``n``): a form, or a blank manifest to edit.

The form is ``kubectl run`` with a live preview: every change rebuilds the Pod with
``tui.manifest.pod_builder``, validates it with the watcher's own rules and shows each
message under the field it came from. The preview is the exact text that submitting
writes to ``manifests/NAME.yaml``; the watcher then starts the pod.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.validation import ValidationResult, Validator
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Input,
    Label,
    OptionList,
    Select,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui.manifest import ObjectIndex, scan_folder
from tui.manifest.formats import is_dns1123_subdomain
from tui.manifest.pod_builder import (
    FORM_COMMAND,
    FORM_KEY,
    PULL_POLICIES,
    RESTART_POLICIES,
    EnvValues,
    FormCheck,
    PodFormValues,
    PortValues,
    SidecarValues,
    VolumeValues,
    check_form,
    write_manifest,
)
from tui.screen.editor_modals import ConfirmLeave
from tui.screen.footer import PodtuiFooter
from tui.screen.manifest_editor import ManifestEditorScreen
from tui.screen.pod_form_fields import (
    ChoiceField,
    EnvRow,
    FieldMessage,
    FormRow,
    MessageTarget,
    PortRow,
    RowList,
    TextField,
    VolumeRow,
)
from tui.screen.templates import TEMPLATES

FORM_CHOICE = "form"


def manifest_path(manifests_dir: Path, name: str) -> Path:
    """Where a new pod called ``name`` is written."""
    return manifests_dir / f"{name}.yaml"


class PodForm(VerticalScroll):
    """The fields of a new pod; posts ``Changed`` with the values on every edit."""

    DEFAULT_CSS = """
    PodForm { padding: 0 1; }
    PodForm .section { margin-top: 1; text-style: bold; }
    PodForm #form-message { padding-left: 0; }
    PodForm #sidecar-fields { height: auto; display: none; }
    PodForm #sidecar-fields.-shown { display: block; }
    PodForm Checkbox { margin-top: 1; border: none; padding: 0; height: 1; }
    PodForm #form-actions { height: auto; margin-top: 1; }
    """

    @dataclass
    class Changed(Message):
        """The user changed a value."""

        form: PodForm
        values: PodFormValues

        @property
        def control(self) -> PodForm:
            """The form that changed."""
            return self.form

    def __init__(self, values: PodFormValues | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.initial = values or PodFormValues(command=FORM_COMMAND)

    def compose(self) -> ComposeResult:
        start = self.initial
        yield FieldMessage(id="form-message")
        yield TextField("name", "name", start.name, "lowercase, e.g. web-1")
        yield TextField("namespace", "namespace", start.namespace)
        yield TextField("image", "image", start.image)
        yield ChoiceField(
            "image_pull_policy", "pull policy", PULL_POLICIES, start.image_pull_policy
        )
        yield TextField("command", "command", start.command, "e.g. sh -c 'echo hi; sleep 3600'")
        yield TextField("args", "args", start.args, "arguments (shell-like quoting)")
        yield ChoiceField(
            "restart_policy", "restart policy", RESTART_POLICIES, start.restart_policy
        )
        yield TextField("labels", "labels", start.labels, "k=v,k2=v2")
        yield RowList(
            "Ports",
            lambda: PortRow("ports"),
            [
                PortRow("ports", {"container_port": p.container_port, "host_port": p.host_port})
                for p in start.ports
            ],
            id="ports",
        )
        yield RowList(
            "Environment",
            lambda: EnvRow("env"),
            [EnvRow("env", {"name": e.name, "value": e.value}) for e in start.env],
            id="env",
        )
        yield RowList(
            "Volumes (mounted in the main container and the sidecar)",
            lambda: VolumeRow("volumes"),
            [VolumeRow("volumes", vars(v)) for v in start.volumes],
            id="volumes",
        )
        sidecar = start.sidecar
        yield Checkbox("Sidecar container", value=sidecar is not None, id="sidecar", compact=True)
        with Vertical(id="sidecar-fields", classes="-shown" if sidecar else ""):
            sidecar = sidecar or SidecarValues()
            yield TextField("sidecar.name", "sidecar name", sidecar.name)
            yield TextField("sidecar.image", "sidecar image", sidecar.image)
            yield TextField(
                "sidecar.command", "sidecar command", sidecar.command, "e.g. tail -F /data/log"
            )
        with Horizontal(id="form-actions"):
            yield Button("Create", id="create", variant="primary")

    def values(self) -> PodFormValues:
        """Everything typed, as the builder takes it."""
        text = {field.key: field.value for field in self.query(TextField)}
        choice = {field.key: field.value for field in self.query(ChoiceField)}
        sidecar = None
        if self.query_one("#sidecar", Checkbox).value:
            sidecar = SidecarValues(
                text["sidecar.name"], text["sidecar.image"], text["sidecar.command"]
            )
        return PodFormValues(
            name=text["name"],
            namespace=text["namespace"],
            image=text["image"],
            image_pull_policy=choice["image_pull_policy"],
            command=text["command"],
            args=text["args"],
            ports=[PortValues(**row.values()) for row in self._rows("ports")],
            env=[EnvValues(**row.values()) for row in self._rows("env")],
            restart_policy=choice["restart_policy"],
            labels=text["labels"],
            sidecar=sidecar,
            volumes=[VolumeValues(**row.values()) for row in self._rows("volumes")],
        )

    def _rows(self, list_id: str) -> list[FormRow]:
        return list(self.query_one(f"#{list_id}", RowList).rows())

    def show_check(self, check: FormCheck) -> None:
        """Put every message under its field; the rest at the top of the form."""
        for target in self.query(MessageTarget):
            target.show_messages(check.errors, check.warnings)
        self.query_one("#form-message", FieldMessage).show(
            check.errors.get(FORM_KEY, []), check.warnings.get(FORM_KEY, [])
        )

    def first_invalid(self) -> Input | Select | None:
        """The first field with an error, to put the cursor on."""
        for widget in self.query("Input.-invalid, Select.-invalid"):
            if isinstance(widget, Input | Select) and widget.display:
                return widget
        return None

    @on(Input.Changed)
    @on(Select.Changed)
    @on(RowList.RowsChanged)
    def _changed(self, event: Message) -> None:
        self._post_values()

    @on(Checkbox.Changed, "#sidecar")
    def _sidecar_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#sidecar-fields").set_class(event.value, "-shown")
        self._post_values()

    def _post_values(self) -> None:
        if self.is_mounted:
            self.post_message(self.Changed(self, self.values()))


class ManifestNameValidator(Validator):
    """A pod name that is a DNS-1123 subdomain and not yet a file in the folder."""

    def __init__(self, manifests_dir: Path) -> None:
        super().__init__()
        self.manifests_dir = manifests_dir

    def validate(self, value: str) -> ValidationResult:
        """Fail with the Kubernetes wording, or with the file that exists already."""
        name = value.strip()
        if not name:
            return self.failure("a name is required")
        errors = is_dns1123_subdomain(name)
        if errors:
            return self.failure("; ".join(errors))
        path = manifest_path(self.manifests_dir, name)
        if path.exists():
            return self.failure(
                f"{path.parent.name}/{path.name} exists already; choose another name"
            )
        return self.success()


class AskPodName(ModalScreen["str | None"]):
    """Ask the name of a pod made from a template; dismisses with it, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", "Cancel", id="newpod.name.cancel", tooltip="Back to the choice"
        ),
    ]
    DEFAULT_CSS = """
    AskPodName { align: center middle; }
    AskPodName > Vertical {
        width: 70; height: auto; padding: 1 2; border: thick $accent; background: $surface;
    }
    AskPodName #name-error { color: $text-error; height: auto; }
    """

    def __init__(self, manifests_dir: Path, template_title: str) -> None:
        super().__init__()
        self.manifests_dir = manifests_dir
        self.template_title = template_title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"{self.template_title}: name of the pod (and of manifests/NAME.yaml)", markup=False
            )
            yield Input(
                placeholder="e.g. web-1",
                validators=[ManifestNameValidator(self.manifests_dir)],
                validate_on=["changed", "submitted"],
                id="pod-name",
            )
            yield Label("", id="name-error", markup=False)
        yield PodtuiFooter()

    @on(Input.Changed, "#pod-name")
    @on(Input.Submitted, "#pod-name")
    def _validated(self, event: Input.Changed | Input.Submitted) -> None:
        result = event.validation_result
        message = (
            "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        )
        self.query_one("#name-error", Label).update(message)
        if isinstance(event, Input.Submitted) and result is not None and result.is_valid:
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """No name: nothing is created."""
        self.dismiss(None)


class NewPodScreen(Screen["Path | None"]):
    """Create a pod: a form with a live preview, or a template in the editor.

    Dismisses with the path of the manifest written (the watcher starts the pod), or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "submit",
            "Create",
            id="newpod.submit",
            tooltip="Write manifests/NAME.yaml when the form is valid",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="newpod.cancel",
            tooltip="Leave without creating anything",
        ),
    ]
    DEFAULT_CSS = """
    NewPodScreen #choose { align: center middle; }
    NewPodScreen #choose > Vertical { width: 72; height: auto; border: round $accent; padding: 1 2; }
    NewPodScreen #choices { height: auto; }
    NewPodScreen #form-view { height: 1fr; }
    NewPodScreen PodForm { width: 1fr; }
    NewPodScreen #preview-pane { width: 1fr; }
    NewPodScreen #preview-title { height: 1; padding: 0 1; background: $panel; width: 1fr; }
    NewPodScreen #preview { height: 1fr; }
    NewPodScreen #newpod-status { height: 1; padding: 0 1; color: $text-muted; }
    NewPodScreen #newpod-status.-errors { color: $text-error; }
    """

    def __init__(self, manifests_dir: Path, values: PodFormValues | None = None) -> None:
        super().__init__()
        self.manifests_dir = Path(manifests_dir)
        self.initial_values = values
        self.check: FormCheck | None = None
        self._index = ObjectIndex()
        self._declared: dict[tuple[str, str], str] = {}
        #: The form's values when it was first shown: anything else was typed by the user.
        self._pristine: PodFormValues | None = None
        self._asking = False

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="choose", id="switcher"):
            with Vertical(id="choose"), Vertical():
                yield Label("New pod")
                yield OptionList(
                    Option(
                        "Fill in a form (like kubectl run), with a live YAML preview",
                        id=FORM_CHOICE,
                    ),
                    *(
                        Option(f"Blank manifest: {t.title} ({t.description})", id=t.key)
                        for t in TEMPLATES.values()
                    ),
                    id="choices",
                )
            with Horizontal(id="form-view"):
                yield PodForm(self.initial_values, id="pod-form")
                with Vertical(id="preview-pane"):
                    yield Label("preview", id="preview-title", markup=False)
                    yield TextArea(
                        "",
                        language="yaml",
                        theme="monokai",
                        read_only=True,
                        show_cursor=False,
                        highlight_cursor_line=False,
                        soft_wrap=False,  # a wrapped line at column 0 reads as invalid YAML
                        id="preview",
                    )
        yield Label("", id="newpod-status", markup=False)
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """Learn the folder (for references and names in use), then offer the choice."""
        self._learn_folder()
        self.query_one("#choices", OptionList).focus()

    def _learn_folder(self) -> None:
        """Objects other pods refer to and pods already declared (a small folder, read once)."""
        if not self.manifests_dir.is_dir():
            return
        scan = scan_folder(self.manifests_dir)
        self._index = scan.index
        self._declared = {
            (d.namespace, d.name): Path(d.file or "").name
            for d in scan.documents()
            if d.kind == "Pod"
        }

    @property
    def form(self) -> PodForm:
        """The form."""
        return self.query_one(PodForm)

    @property
    def preview_text(self) -> str:
        """What the preview shows, which is what submitting writes."""
        return self.query_one("#preview", TextArea).text

    # -- the choice ----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id == FORM_CHOICE:
            self.show_form()
        elif event.option_id in TEMPLATES:
            self._from_template(event.option_id)

    def show_form(self) -> None:
        """Switch to the form and put the cursor in the name."""
        self.query_one(ContentSwitcher).current = "form-view"
        if self._pristine is None:
            self._pristine = self.form.values()
        self.refresh_bindings()
        self._validate(self.form.values())
        self.form.query_one(TextField).query_one(Input).focus()

    @work(group="template", exit_on_error=False)
    async def _from_template(self, key: str) -> None:
        template = TEMPLATES[key]
        name = await self.app.push_screen_wait(AskPodName(self.manifests_dir, template.title))
        if name is None:
            return
        path = manifest_path(self.manifests_dir, name)
        self.app.push_screen(ManifestEditorScreen(path, template=key), self._editor_closed)

    def _editor_closed(self, saved: Path | None) -> None:
        self.dismiss(saved)

    # -- the form ------------------------------------------------------------------------------

    @on(PodForm.Changed)
    def _form_changed(self, message: PodForm.Changed) -> None:
        self._validate(message.values)

    def _validate(self, values: PodFormValues) -> None:
        check = check_form(values, self._index)
        name = values.name.strip()
        if name and "name" not in check.errors:
            refusal = self._name_refusal(name, values.namespace.strip() or "default")
            if refusal:
                check.errors.setdefault("name", []).append(refusal)
        self.check = check
        self.form.show_check(check)
        preview = self.query_one("#preview", TextArea)
        if preview.text != check.text:
            preview.load_text(check.text)
            # load_text repaints only when the text's size changes: a new name of the
            # same length (or one edited line) would stay on screen as it was
            preview.refresh()
        target = manifest_path(self.manifests_dir, name or "NAME")
        self._set_label("#preview-title", f"preview of {target.parent.name}/{target.name}")
        count = sum(len(v) for v in check.errors.values())
        if count:
            self._set_label(
                "#newpod-status",
                f"{count} problem{'s' if count != 1 else ''} to fix before creating",
            )
        else:
            self._set_label(
                "#newpod-status",
                "ready: enter or ctrl+s writes the file; the watcher starts the pod",
            )
        self.query_one("#newpod-status").set_class(bool(count), "-errors")

    def _set_label(self, selector: str, text: str) -> None:
        """Update a one-line label only when its text changes (typing stays cheap)."""
        label = self.query_one(selector, Label)
        if str(label.content) != text:
            label.update(text)

    def _name_refusal(self, name: str, namespace: str) -> str | None:
        path = manifest_path(self.manifests_dir, name)
        if path.exists():
            return f"{path.parent.name}/{path.name} exists already: choose another name, or edit that file"
        elsewhere = self._declared.get((namespace, name))
        if elsewhere:
            return f"pod {namespace}/{name} is already declared in {elsewhere}"
        return None

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#create")
    def _create_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Submitting exists only once the form is shown."""
        if action == "submit":
            return self.is_mounted and self.query_one(ContentSwitcher).current == "form-view"
        return True

    def action_submit(self) -> None:
        """Write manifests/NAME.yaml (never over an existing file) and dismiss with its path."""
        if self.query_one(ContentSwitcher).current != "form-view":
            return
        self._validate(self.form.values())
        check = self.check
        assert check is not None
        if not check.ok:
            self.notify("Fix the marked fields first", severity="warning", timeout=3)
            first = self.form.first_invalid()
            if first is not None:
                first.focus()
            return
        path = manifest_path(self.manifests_dir, self.form.values().name.strip())
        self._write(path, check.text)

    @work(group="write", exclusive=True, exit_on_error=False)
    async def _write(self, path: Path, text: str) -> None:
        """Write in a thread, then leave with the path."""
        if await self._written(path, text):
            self.dismiss(path)

    async def _written(self, path: Path, text: str) -> bool:
        """Write in a thread; a name taken meanwhile shows under the name field (False)."""
        try:
            await asyncio.to_thread(write_manifest, path, text, overwrite=False)
        except FileExistsError:
            self._validate(self.form.values())  # shows "exists already" under the name
            self.form.query_one(TextField).query_one(Input).focus()
            return False
        except OSError as exc:
            self.notify(f"cannot write {path.name}: {exc.strerror or exc}", severity="error")
            return False
        return True

    def action_cancel(self) -> None:
        """Leave without writing anything."""
        self.dismiss(None)

    # -- quitting with typed content ---------------------------------------------------------

    @property
    def modified(self) -> bool:
        """Something was typed into the form (the choice list alone holds nothing to lose)."""
        return self._pristine is not None and self.form.values() != self._pristine

    def leave(self, *, then_quit: bool = False) -> None:
        """Close (and quit podtui after, for ``ctrl+q``), asking first when the form was filled."""
        if self._asking:
            return
        if not self.modified:
            self._close(None, then_quit)
            return
        self._asking = True
        self._ask_leave(then_quit)

    @work(group="leave", exit_on_error=False)
    async def _ask_leave(self, then_quit: bool) -> None:
        name = self.form.values().name.strip() or "NAME"
        target = manifest_path(self.manifests_dir, name)
        try:
            choice = await self.app.push_screen_wait(
                ConfirmLeave(f"The new pod {target.parent.name}/{target.name}", quitting=then_quit)
            )
        finally:
            self._asking = False
        if choice == "cancel":
            return
        written: Path | None = None
        if choice == "save":
            self._validate(self.form.values())
            check = self.check
            if check is None or not check.ok:
                self.notify("Fix the marked fields first: nothing was written", severity="warning", timeout=4)
                first = self.form.first_invalid()
                if first is not None:
                    first.focus()
                return
            if not await self._written(target, check.text):
                return
            written = target
        self._close(written, then_quit)

    def _close(self, written: Path | None, then_quit: bool) -> None:
        self.dismiss(written)
        if then_quit:
            self.app.exit(0)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place where a failed worker becomes a message the user sees."""
        if event.state == WorkerState.ERROR:
            self.notify(
                f"{event.worker.name}: {event.worker.error}", title="New pod", severity="error"
            )
