"""A click on a widget that has just been removed is ignored instead of ending the app.

Textual finds the widget under the pointer in the screen's last layout. A widget removed since
(a lesson's text drawn anew, a toast gone, a dialog's content replaced) is still there until
the next layout, and a mouse button pressed on it in between ends the app: Textual 8.2.8's
`Screen._forward_event` starts a text selection in the removed widget's parent, which is None
(`AttributeError: 'NoneType' object has no attribute 'region'`). Found by the random-input test
(tests/random_session.py); the press is dropped, as if it had come a moment later on nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.errors import NoWidget
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App

    _Base = App
else:
    _Base = object


class StaleClickGuard(_Base):
    """Mixed into the app, before Textual's App: a press on a removed widget goes nowhere."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.MouseDown) and not event.is_forwarded \
                and self._pressed_on_removed_widget(event):
            return
        await super().on_event(event)

    def _pressed_on_removed_widget(self, event: events.MouseDown) -> bool:
        try:
            widget, _ = self.screen.get_widget_at(event.x, event.y)
        except NoWidget:
            return False
        return not isinstance(widget, Screen) and not widget.is_attached
