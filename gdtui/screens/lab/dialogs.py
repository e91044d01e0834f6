"""Small dialogs of the Training Lab: save a preset, load one, pick a challenge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from gdtui.training.challenges import Challenge

MAX_NAME = 40
DIALOG_CSS = """
LabDialog {
    align: center middle;
}
LabDialog > Vertical {
    width: 70;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}
LabDialog OptionList {
    height: auto;
    max-height: 14;
}
LabDialog .dialog-buttons {
    height: auto;
    margin-top: 1;
}
LabDialog .dialog-buttons Button {
    margin-right: 2;
}
"""


class LabDialog(ModalScreen[str | None]):
    """A box in the middle of the screen; escape closes it without an answer."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Close")]

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class SavePreset(LabDialog):
    """Ask for a name; answers the name to save the current settings under."""

    def __init__(self, suggestion: str, taken: Sequence[str]) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.taken = set(taken)  # built-in names, which a saved preset may not hide

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save these settings as a preset named:")
            yield Input(self.suggestion, id="preset-name", select_on_focus=True)
            yield Static(id="preset-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one(Input).value.strip()
        problem = ("give the preset a name" if not name else
                   f"use at most {MAX_NAME} characters" if len(name) > MAX_NAME else
                   f"'{name}' is a built-in preset; pick another name" if name in self.taken
                   else "")
        if problem:
            self.query_one("#preset-error", Static).update(Content(problem))
        else:
            self.dismiss(name)


class LoadPreset(LabDialog):
    """Pick a preset: the built-in ones, then yours (`d` forgets one of yours)."""

    BINDINGS = [Binding("d,delete", "forget", "Forget preset")]

    def __init__(self, built_in: Sequence[str], saved: Sequence[str]) -> None:
        super().__init__()
        self.names = [*built_in, *saved]
        self.saved = set(saved)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Load a preset (enter or click; d forgets one of yours):")
            yield OptionList(*self._options(), id="preset-list")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)

    def _options(self) -> list[Option]:
        return [Option(f"{name}  (yours)" if name in self.saved else f"{name}  (built in)")
                for name in self.names]

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.names[event.option_index])

    def action_forget(self) -> None:
        """Forget the highlighted preset, if it is one of yours."""
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or self.names[index] not in self.saved:
            self.notify("Only your own presets can be forgotten.", severity="warning")
            return
        name = self.names.pop(index)
        self.app.store.delete_preset(name)
        self.saved.discard(name)
        options.clear_options()
        options.add_options(self._options())
        self.notify(f"Forgot the preset '{name}'.")


class PickChallenge(LabDialog):
    """Pick a challenge (or none); answers its id, or "" for free play."""

    def __init__(self, challenges: Sequence[Challenge], bests: Mapping[str, str],
                 current: str | None) -> None:
        super().__init__()
        self.challenges = challenges
        self.bests = bests
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option("No challenge: free play")]
        for challenge in self.challenges:
            best = self.bests.get(challenge.id, "not done yet")
            options.append(Option(f"{challenge.title}: {challenge.goal}\n  best: {best}"))
        with Vertical():
            yield Label("Pick a challenge (enter or click). It starts from its own settings.")
            yield OptionList(*options, id="challenge-list")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        ids = [challenge.id for challenge in self.challenges]
        if self.current in ids:
            self.query_one(OptionList).highlighted = ids.index(self.current) + 1

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        index = event.option_index
        self.dismiss(self.challenges[index - 1].id if index else "")
