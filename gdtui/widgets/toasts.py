"""One toast per message: a message said again while its toast is still up replaces that toast.

Textual shows every `notify` as a toast of its own, so a key held down on something that
answers with a message ("The learning rate ladder ends at 10.") stacks one toast per press; each
new toast makes the toast rack lay out all the others again, so the cost grows with the pile
(300 presses froze the lab for 13.8 s). Replaced instead, the message stays one toast, and its
time starts again from the last time it was said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import Notification, Notify

if TYPE_CHECKING:
    from textual.app import App

    _Base = App
else:
    _Base = object


def same_message(one: Notification, other: Notification) -> bool:
    """Whether two notifications say the same thing (text, title and severity)."""
    return (one.message, one.title, one.severity) == (other.message, other.title, other.severity)


class OneToastPerMessage(_Base):
    """Mixed into the app, before Textual's App: its `notify` replaces a toast saying the same."""

    def _on_notify(self, event: Notify) -> None:
        # Runs before App._on_notify (the app's class comes first in the MRO), which then adds
        # the new notification and shows it: the toast of the old one goes in the same update.
        for shown in list(self._notifications):
            if same_message(shown, event.notification):
                self._unnotify(shown, refresh=False)
