"""Typed fields: a text field for one value, read with a given function; a value that cannot
be read gets a message saying which value is kept, and the last good value stays.

    line = FieldMessages(id="message")
    yield ValidatedField(0.5, parse_learning_rate, text=field_text, messages=line, id="rate")
    yield line

The field checks what was typed when the learner presses enter or leaves it, and posts
`ValidatedField.Accepted` with each new good value. Several fields may share one message line
(their messages are joined by "; ").

Escape is one rule on every screen (the app runs `leave_field` before any screen's own
escape): inside a field it leaves the field, so the screen's keys work again; only with no
field focused does it leave the screen. `leave_field_or_go_back` is both steps in one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, Protocol, TypeVar

from textual import events
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Select, Static

T = TypeVar("T")

FIELDS: tuple[type[Widget], ...] = (Input, Select)
"""What escape leaves first: text boxes, and lists while closed (an open list closes itself)."""

KEPT = "{error} (kept {kept})"
"""How a field says what is wrong and which value it keeps."""


class MessageLine(Protocol):
    """Where a field shows its message: any widget (or helper) with this method."""

    def show(self, key: Hashable, message: str | None) -> None:
        """Show the message of the field `key`, or clear it with None."""


class FieldMessages(Static):
    """The line under one or more fields: each field's message, joined by "; "."""

    def __init__(self, *, hide_when_empty: bool = False, one_at_a_time: bool = False,
                 **options: Any) -> None:
        """`hide_when_empty` takes the line out of the layout while no message is shown;
        `one_at_a_time` shows only the latest message (any field's new one clears the rest)."""
        super().__init__(**options)
        self.messages: dict[Hashable, str] = {}
        self._hide_when_empty = hide_when_empty
        self._one_at_a_time = one_at_a_time
        if hide_when_empty:
            self.display = False

    def show(self, key: Hashable, message: str | None) -> None:
        """Show the message of the field `key`, or clear it with None."""
        if self._one_at_a_time:
            self.messages.clear()
        if message is None:
            self.messages.pop(key, None)
        else:
            self.messages[key] = message
        self.update(Content("; ".join(self.messages.values())))
        if self._hide_when_empty:
            self.display = bool(self.messages)


class ValidatedField(Input, Generic[T]):
    """A text field holding one good value: what the learner types is read with `parse`
    (which raises ValueError with a message); a bad value gets that message, saying which
    value is kept, and the last good value stays."""

    class Accepted(Message):
        """The learner entered a new good value (already read)."""

        def __init__(self, field: ValidatedField, value: Any) -> None:
            super().__init__()
            self.field = field
            self.value = value

        @property
        def control(self) -> ValidatedField:
            """The field (so `@on(ValidatedField.Accepted, "#id")` works)."""
            return self.field

    def __init__(self, value: T, parse: Callable[[str], T], *,
                 text: Callable[[T], str] = str, messages: MessageLine | None = None,
                 template: str = KEPT, restore: bool = False, check_on_leave: bool = True,
                 **options: Any) -> None:
        """`text` writes a value as the field shows it; `messages` is the line for the
        field's message; `template` words it from {error} and {kept}; `restore` puts the
        kept value back in the field after a bad one (else the typed text stays, to fix);
        `check_on_leave` also reads the text when the field loses the focus."""
        super().__init__(text(value), **options)
        self.good = value
        """The last good value."""
        self._before = value  # the good value before the last one read: see refuse
        self.error: str | None = None
        """The message shown for this field, if any."""
        self.parse = parse
        self._text = text
        self._messages = messages
        self._template = template
        self._restore = restore
        self._check_on_leave = check_on_leave
        self._settled = self.value.strip()  # the text last read or put in: nothing new

    def show(self, value: T) -> None:
        """Put a good value in the field (the program changed it). A message stays until
        `clear_error` or a good value typed by the learner."""
        self.good = self._before = value
        self.value = self._text(value)
        self._settled = self.value.strip()

    def check(self) -> bool:
        """Read what was typed: a new good value is kept and announced (`Accepted`); a bad
        one gets a message. True when the field holds a good value.

        Text already read (or put in by the program) is nothing new: any message stays."""
        text = self.value.strip()
        if text == self._settled:
            return self.error is None
        try:
            value = self.parse(self.value)
        except ValueError as error:
            self._keep(str(error))
            return False
        self._before, self.good = self.good, value
        self._settled = text
        self.clear_error()
        self.post_message(self.Accepted(self, value))
        return True

    def refuse(self, error: str) -> None:
        """The screen could not use the value just read (`Accepted`): say why, and keep the
        good value from before it."""
        self.good = self._before
        self._keep(error)

    def _keep(self, error: str) -> None:
        """Say what is wrong and which value is kept (and put it back, if the field does)."""
        kept = self._text(self.good)
        self._say(self._template.format(error=error, kept=kept))
        if self._restore:
            self.value = kept
        self._settled = self.value.strip()

    def clear_error(self) -> None:
        """Take the field's message away."""
        self._say(None)

    def _say(self, message: str | None) -> None:
        self.error = message
        if self._messages is not None:
            self._messages.show(self, message)

    async def action_submit(self) -> None:
        self.check()  # first, so the screen sees the outcome when Submitted arrives
        await super().action_submit()

    def _on_blur(self, event: events.Blur) -> None:
        # Input's own handler runs after this one (Textual calls each class's handler)
        if self._check_on_leave:
            self.check()


def in_field(screen: Screen) -> bool:
    """True while a field of the screen has focus (a dialog's escape is its own: it closes)."""
    return isinstance(screen.focused, FIELDS) and not isinstance(screen, ModalScreen)


def leave_field(screen: Screen, keys: str | Widget | None = None) -> bool:
    """Move the focus out of a field, to the widget `keys` (a selector or the widget), else to
    the screen's AUTO_FOCUS widget when that is no field, else to nothing: the screen's keys
    work again. False when no field had focus."""
    if not in_field(screen):
        return False
    if keys is not None:
        (screen.query_one(keys) if isinstance(keys, str) else keys).focus()
        return True
    target = next((widget for widget in screen.query(screen.AUTO_FOCUS or "*")
                   if widget.focusable and not isinstance(widget, FIELDS)), None)
    screen.set_focus(target)
    return True


def leave_field_or_go_back(screen: Screen, keys: str | Widget | None = None) -> None:
    """Escape on a screen with fields: out of a field first (see `leave_field`), else back one
    screen."""
    if not leave_field(screen, keys) and len(screen.app.screen_stack) > 1:
        screen.app.pop_screen()
