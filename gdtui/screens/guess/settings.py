"""The guessing game's settings row: learning rate, steps and the computer's secret."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from gdtui.guessing import parse_learning_rate, parse_secret, parse_steps
from gdtui.numbers import format_guess
from gdtui.widgets.field import MessageLine, ValidatedField

# Each field's id, and the screen's attribute that holds its value.
FIELDS = {"learning-rate": "learning_rate", "steps": "max_steps", "secret": "secret"}


class SettingsRow(Horizontal):
    """Three typed fields; a good value is announced by the field (`ValidatedField.Accepted`),
    a bad one gets its message on `messages`. The secret is hidden while the learner keeps
    their own (mode 1), so that it cannot be mistaken for theirs."""

    def __init__(self, learning_rate: float, max_steps: int, secret: int,
                 messages: MessageLine, show_secret: bool, **options) -> None:
        super().__init__(**options)
        self._values = {"learning-rate": learning_rate, "steps": max_steps, "secret": secret}
        self._messages = messages
        self._show_secret = show_secret

    def compose(self) -> ComposeResult:
        for label, field_id, parse in (
            ("Learning rate", "learning-rate", parse_learning_rate),
            ("Steps", "steps", parse_steps),
            ("Secret", "secret", parse_secret),
        ):
            name = Label(label, classes=f"{field_id}-setting")
            field = ValidatedField(self._values[field_id], parse, text=format_guess,
                                   messages=self._messages, id=field_id, compact=True,
                                   classes=f"{field_id}-setting")
            if field_id == "secret":
                name.display = field.display = self._show_secret
            yield name
            yield field

    def show_secret(self, shown: bool) -> None:
        """Show the secret's field (watch, compare, shrink) or hide it (keep)."""
        self._show_secret = shown
        for widget in self.query(".secret-setting"):
            widget.display = shown

    def put(self, field_id: str, value: float) -> None:
        """Show a value the game chose (a nudged rate, a random secret), clearing any message."""
        field = self.query_one(f"#{field_id}", ValidatedField)
        field.show(value)
        field.clear_error()
