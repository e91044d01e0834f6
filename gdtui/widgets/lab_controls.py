"""The Training Lab's side panel: buttons and every setting, each with room for a message.

Each control's label, tip and choices come from training.settings.SETTING_INFO. The panel reads
what is typed (training.fields.parse_field) and posts `SettingEntered`; the screen hands the
change to the session and calls `set_error` when it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Button, Input, Label, Select, Static

from gdtui.training.fields import kept_text, parse_field, setting_text
from gdtui.training.settings import REPLACED_BY_FILE, SETTING_INFO, Settings, SettingsError
from gdtui.training.worker import SPEEDS


@dataclass(frozen=True)
class Field:
    """One control: a Select when it has `choices`, else a text Input."""

    name: str  # a Settings field, or "speed"
    label: str
    tip: str
    choices: tuple[str, ...] = ()
    placeholder: str = ""


# what an empty field means
PLACEHOLDERS = {"features": "raw inputs", "data_file": "path of a CSV"}
# Why the data file field is off under gdtui serve.
SERVED_DATA_FILE = ("data file: a gdtui on a shared server does not read the server's files; "
                    "run gdtui on your own machine to learn from your CSV")
# The speed belongs to the run, not to the settings: the Training group's last control.
SPEED = Field("speed", "speed", "how fast training runs (f)", tuple(SPEEDS))


def _section(group: str, *extra: Field) -> tuple[str, tuple[Field, ...]]:
    """The controls of one group of settings, in the order of SETTING_INFO, then `extra`."""
    fields = tuple(Field(name, info.short, info.tip, info.choices, PLACEHOLDERS.get(name, ""))
                   for name, info in SETTING_INFO.items() if info.group == group)
    return group, (*fields, *extra)


SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    _section("Data"), _section("Network"), _section("Training", SPEED))
FIELDS = {field.name: field for _, fields in SECTIONS for field in fields}
BUTTONS = (("run", "▶ Run", "train or pause (space)"), ("step", "Step", "one step (n)"),
           ("undo", "Undo", "back to where the last run started (u)"),
           ("reset", "Reset", "the same first weights again (r)"),
           ("save_preset", "Save", "save these settings as a preset (s)"),
           ("load_preset", "Load", "load a preset (p)"),
           ("challenge", "Challenge", "pick a challenge (c)"))


class Choice(Select[str]):
    """A list of choices that may be dropped while it is still being built: Textual's Select
    looks its parts up as it mounts, and they are gone if the learner left (or quit) the lab
    in that moment; it then has nothing to set up."""

    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # (Select's own handler is called here, not again after)
        try:
            super()._on_mount(event)
        except NoMatches:
            pass


class SettingEntered(Message):
    """A control now holds a well-formed value. `done` is True when the user confirmed it
    (enter, or a choice from a list) rather than just leaving the field."""

    def __init__(self, setting: str, value: Any, done: bool) -> None:
        super().__init__()
        self.setting = setting
        self.value = value
        self.done = done


class ButtonAction(Message):
    """A panel button was pressed: run the screen action of that name."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action


class LabControls(VerticalScroll, can_focus=False):
    """Buttons, then every setting in three groups; scrolls when the terminal is short (the
    panel itself takes no focus: tab goes from its last setting to the chart, and the setting
    that has the focus is scrolled into view).

    Escape hands the focus back to the screen's keys (the screen's `leave_controls` action),
    and says so in the footer while a setting or a button has the focus.
    """

    BINDINGS = [Binding("escape", "screen.leave_controls", "Done",
                        tooltip="back to the lab's keys")]

    def __init__(self, settings: Settings, speed: str, files: bool = True, **options) -> None:
        """`files`: False where the lab may not read the learner's files (gdtui serve): the
        data file field is off."""
        super().__init__(**options)
        self._files = files
        self._good: dict[str, Any] = {**settings.to_dict(), "speed": speed}
        self.ready = False
        """True once the settings are on screen: they come just after the first frame."""
        self._focus_when_ready = False

    def compose(self) -> ComposeResult:
        with Grid(id="lab-buttons"):
            for action, label, tip in BUTTONS:
                yield Button(label, id=f"button-{action}", compact=True, tooltip=tip)

    def on_mount(self) -> None:
        # Sixteen settings are most of the lab's widgets: the lab shows at once, and they
        # follow a frame later.
        self.call_after_refresh(self._add_settings)

    async def _add_settings(self) -> None:
        await self.mount_all(self._setting_rows())
        # (a row is mounted before the controls in it, and a list takes its value as it
        # mounts: wait for them too, so that once ready every setting shows its value)
        await AwaitMount(self, [self.query_one(f"#field-{name}") for name in FIELDS])
        self.ready = True
        self._show_replaced(self._good["data_file"] is not None)
        if self._focus_when_ready:
            self.focus_first_setting()

    def _setting_rows(self) -> list[Widget]:
        """A title per group of settings, and a row per setting: its label and its control.

        (A message row is only added under a field when it is needed: fewer widgets to build.)
        """
        rows: list[Widget] = []
        for title, fields in SECTIONS:
            rows.append(Label(title, classes="section"))
            for field in fields:
                value = self._good[field.name]
                control: Widget
                if field.choices:
                    control = Choice([(choice, choice) for choice in field.choices], value=value,
                                     allow_blank=False, compact=True, id=f"field-{field.name}",
                                     tooltip=field.tip)
                else:
                    control = Input(setting_text(field.name, value), placeholder=field.placeholder,
                                    compact=True, id=f"field-{field.name}", tooltip=field.tip,
                                    select_on_focus=True)
                    if field.name == "data_file" and not self._files:
                        control.placeholder, control.disabled = "off on server", True
                        control.tooltip = SERVED_DATA_FILE
                rows.append(Horizontal(Label(field.label, classes="field-label"), control,
                                       classes="field", id=f"row-{field.name}"))
        return rows

    def focus_first_setting(self) -> None:
        """Put the focus on the first setting (as soon as there is one)."""
        if self.ready:
            self.query_one(f"#field-{SECTIONS[0][1][0].name}").focus()
        else:
            self._focus_when_ready = True

    def show_settings(self, settings: Settings, speed: str, clear_errors: bool = False) -> None:
        """Show these values; a text field with a message keeps its text unless `clear_errors`."""
        values = self._good = {**settings.to_dict(), "speed": speed}
        if not self.ready:
            return  # (the settings will show these values)
        for name, field in FIELDS.items():
            value = values[name]
            if clear_errors:
                self.set_error(name, None)
            if field.choices:
                select = self.query_one(f"#field-{name}", Select)
                if select.value != value:
                    with self.prevent(Select.Changed):
                        select.value = value
            elif not self.has_error(name):
                self.query_one(f"#field-{name}", Input).value = setting_text(name, value)
        self._show_replaced(values["data_file"] is not None)

    def _show_replaced(self, from_file: bool) -> None:
        """While a data file is loaded, the toy dataset's own settings say so in place of
        their controls."""
        focused = self.screen.focused
        for name in REPLACED_BY_FILE:
            row = self.query_one(f"#row-{name}")
            if from_file and not row.query(".from-file"):
                row.mount(Static("from the file", classes="from-file"))
            row.set_class(from_file, "-from-file")
        if from_file and focused is not None and focused.parent in self.query(".-from-file"):
            # (tab from the data file went on to a setting now hidden: go on past it)
            names = list(FIELDS)
            after = names[names.index((focused.id or "").removeprefix("field-")):]
            shown = next(name for name in after if name not in REPLACED_BY_FILE)
            self.query_one(f"#field-{shown}").focus()

    def has_error(self, name: str) -> bool:
        """True while a message is shown under the field."""
        return bool(self.query(f"#error-{name}.shown"))

    def set_error(self, name: str, message: str | None, note: bool = False) -> None:
        """Show a message under a field (saying which value is kept), or clear it with None;
        a `note` is a word on what the field is doing (reading a big file), not an error."""
        if not self.ready:
            return  # (no field yet, so nothing typed in one to be refused)
        found = self.query(f"#error-{name}").results(Static)
        error = next(found, None)
        if error is None:
            if not message:
                return
            error = Static(id=f"error-{name}", classes="error field-error")
            self.mount(error, after=f"#row-{name}")
        if message and not note:
            message = f"{message} (kept {kept_text(name, self._good)})"
        error.update(Content(message or ""))
        error.set_class(bool(message), "shown")
        error.set_class(note, "note")

    def set_running(self, running: bool) -> None:
        """The run button says what pressing it will do."""
        self.query_one("#button-run", Button).label = "Pause" if running else "▶ Run"

    # -- events -------------------------------------------------------------------------------

    def _entered(self, name: str, text: str, done: bool) -> None:
        try:
            value = parse_field(name, text)
        except SettingsError as error:
            self.set_error(name, str(error))
        else:
            self.post_message(SettingEntered(name, value, done))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._entered((event.input.id or "").removeprefix("field-"), event.value, True)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        self._entered((event.input.id or "").removeprefix("field-"), event.value, False)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        name = (event.select.id or "").removeprefix("field-")
        if event.value != self._good.get(name):  # (a list says Changed when it starts, too)
            self.post_message(SettingEntered(name, event.value, True))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(ButtonAction((event.button.id or "").removeprefix("button-")))
