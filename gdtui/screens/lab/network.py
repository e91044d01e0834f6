"""The Training Lab's network view, as the screen drives it: `v` shows it or hides it, a
unit selected there is drawn large in the model panel, `o` switches it off or on, a weight
typed in is set. Every change to the network goes through the run (`TrainingRun.by_hand`),
is a marker on the chart, and `u` takes it back; the learner is told what it cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from gdtui.training.history import Change
from gdtui.training.session import TrainingSession
from gdtui.training.view import hand_change_line
from gdtui.widgets.network_panel import NetworkPanel
from gdtui.widgets.network_view import NetworkView


class NetworkControls:
    """What the lab does with its network view."""

    def __init__(self, screen: Screen) -> None:
        self.screen: Any = screen  # the lab screen: its training, panes and pace

    @property
    def _panel(self) -> NetworkPanel:
        return self.screen.query_one(NetworkPanel)

    def toggle(self) -> None:
        """Show the network view (in the model panel's place on a small terminal, beside it
        on a large one), or hide it."""
        screen = self.screen
        shown = not screen.has_class("-network")
        screen.set_class(shown, "-network")
        if shown:
            self._panel.view.focus()
        else:
            screen.query_one("#loss-chart").focus()
        self._redraw()

    def selected(self, event: NetworkView.Selected) -> None:
        """A unit was selected: the model panel draws it large."""
        self._redraw()

    def switch_unit(self) -> None:
        """Switch the selected hidden unit off, or on again."""
        view = self._panel.view
        sizes = view.insides.layer_sizes if view.insides else ()
        if not self.screen.has_class("-network") or not 0 < view.layer_index < len(sizes) - 1:
            self.screen.notify("Select a hidden unit in the network view (v shows it) to "
                               "switch it off or on.")
            return
        self._change(lambda session: session.switch_unit(view.layer_index, view.unit_index))

    def set_weight(self, event: NetworkPanel.WeightEntered) -> None:
        """Set the weight the learner typed (or say why not, and keep the old one)."""
        error = self._change(lambda session: session.set_parameter(
            event.layer, event.source, event.target, event.value))
        if error is None:
            self._panel.done()
        else:
            self._panel.refuse(error)

    def _change(self, make: Callable[[TrainingSession], Change]) -> str | None:
        """Make a change to the network and tell what it cost; the error, if refused."""
        try:
            change, before, after = self.screen.training.by_hand(make)
        except ValueError as error:
            return str(error)
        # said in the view (a notice would cover it), until the next selection
        self._panel.tell(hand_change_line(change, before, after))
        self.screen.goals.forget_pass()
        self._redraw()
        return None

    def _redraw(self) -> None:
        self.screen.query_one("LabPanes").picture_due()
        self.screen.pace.stale = True

