"""The Training Lab's network panel: the network view (widgets.network_view) that scrolls, a
line on what is selected (a weight's value and slope), and a field to type a weight's new
value. The screen applies the value (`WeightEntered`) and says when it cannot (`refuse`): the
field then keeps the old value and says why.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Static

from gdtui.numbers import read_number
from gdtui.training.insides import Insides, selection_text
from gdtui.training.units import WEIGHT_LIMIT
from gdtui.widgets.field import FieldMessages, ValidatedField
from gdtui.widgets.network_view import LEGEND, NetworkView

TITLES = ("network: arrows unit · , . weight · enter edit · o off/on",
          "network: arrows · , . weight · enter edit · o off", "network")


def read_weight(text: str) -> float:
    """A weight typed by the learner (ValueError with a message if it is not one)."""
    return read_number(text, "a weight", low=-WEIGHT_LIMIT, high=WEIGHT_LIMIT)


class NetworkPanel(Vertical):
    """The network view with the selected weight's line and its field."""

    DEFAULT_CSS = """
    NetworkPanel #network-detail { height: auto; max-height: 2; padding: 0 1; }
    NetworkPanel #network-scroll { height: 1fr; scrollbar-size: 1 1; }
    NetworkPanel #weight-edit { height: 1; display: none; }
    NetworkPanel #weight-edit.shown { display: block; }
    NetworkPanel #weight-edit Label { padding: 0 1; }
    NetworkPanel #weight-edit ValidatedField { width: 1fr; border: none; height: 1;
                                               padding: 0; }
    NetworkPanel #weight-message { padding: 0 1; color: $error; }
    """
    BINDINGS = [Binding("enter", "edit", "Edit weight", show=False)]

    class WeightEntered(Message):
        """The learner typed a new value for a weight: (layer, source, target) as
        training.units counts them."""

        def __init__(self, layer: int, source: int, target: int, value: float) -> None:
            super().__init__()
            self.layer, self.source, self.target, self.value = layer, source, target, value

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._editing: tuple[int, int, int] | None = None
        self._said = ""  # the line on the selection, as shown
        self._told: str | None = None  # what a change cost, said until the next selection

    def compose(self) -> ComposeResult:
        yield Static(id="network-detail")
        with ScrollableContainer(id="network-scroll", can_focus=False):
            yield NetworkView(id="network-view")
        with Horizontal(id="weight-edit"):
            yield Label(id="weight-label")
            message = FieldMessages(id="weight-message", hide_when_empty=True)
            yield ValidatedField(0.0, read_weight, text=lambda v: f"{v:g}", messages=message,
                                 check_on_leave=False, id="weight-field")
        yield message

    def on_mount(self) -> None:
        self.border_subtitle = LEGEND
        self.on_resize()

    def on_resize(self) -> None:
        room = self.size.width - 2
        self.border_title = next((t for t in TITLES if len(t) <= room), TITLES[-1])

    @property
    def view(self) -> NetworkView:
        """The view of the units and weights."""
        return self.query_one(NetworkView)

    def map_size(self) -> tuple[int, int]:
        """(columns, rows) of each unit's map: wider when the panel has the room."""
        return (6 if self.size.width >= 70 else 4), 2

    def show(self, insides: Insides) -> None:
        """Draw a frame's insides and the line on what is selected."""
        self.view.show(insides)
        self._say()

    def _say(self) -> None:
        view = self.view
        if view.insides is None:
            return
        source = view.source if view.layer_index else None
        text = self._told or selection_text(view.insides, view.layer_index, view.unit_index,
                                            source)
        if text != self._said:
            line = self.query_one("#network-detail", Static)
            room = line.content_size.width
            # a layout pass (it repaints the screen) only when the text needs one more row,
            # or one less: what a change cost may take two
            wraps = (len(text) > room) != (len(self._said) > room)
            self._said = text
            line.update(Content(text), layout=wraps)

    def tell(self, text: str) -> None:
        """Say `text` on the selection's line, until the selection changes."""
        self._told = text
        self._say()

    @on(NetworkView.Selected)
    def _selected(self) -> None:
        self._told = None
        self._say()  # (the message goes on up to the screen, which redraws the model panel)

    def action_edit(self) -> None:
        """Enter: type a new value for the selected weight."""
        view = self.view
        weight = view.selected_weight
        if weight is None or view.insides is None:
            self.notify("Select a unit of a hidden layer or the output, then a weight into it "
                        "(, and .), to edit it.")
            return
        self._editing = weight
        field = self.query_one(ValidatedField)
        field.clear_error()
        field.show(view.insides.weight(*weight))
        self.query_one("#weight-label", Label).update(f"{view.insides.weight_name(*weight)} =")
        self.query_one("#weight-edit").add_class("shown")
        field.focus()

    @on(ValidatedField.Accepted, "#weight-field")
    def _entered(self, event: ValidatedField.Accepted) -> None:
        event.stop()
        if self._editing is not None:
            self.post_message(self.WeightEntered(*self._editing, float(event.value)))

    def refuse(self, error: str) -> None:
        """The value could not be used: say why; the field keeps the weight's old value."""
        self.query_one(ValidatedField).refuse(error)

    def done(self) -> None:
        """The value was used: close the field and go back to the view."""
        self._close()
        self.view.focus()

    def _close(self) -> None:
        self._editing = None
        self.query_one("#weight-edit").remove_class("shown")
        self.query_one(FieldMessages).show(self.query_one(ValidatedField), None)

    def on_descendant_blur(self, event) -> None:
        if event.widget is self.query_one(ValidatedField) and self._editing is not None:
            self._close()  # escape, or a click elsewhere: nothing changes
