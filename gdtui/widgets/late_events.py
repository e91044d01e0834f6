"""Input that arrives for something already gone is dropped, instead of ending the app.

Textual acts on an event with what was true when the event was made, and four of those cases
ended gdtui (all found by the random-input test, tests/random_session.py):

- A mouse press on a widget removed since the screen's last layout (a lesson's text drawn anew,
  a toast gone): Textual 8.2.8's `Screen._forward_event` starts a text selection in the removed
  widget's parent, which is None (AttributeError). The press is dropped, as if it had come a
  moment later on nothing.
- A click on an option of a list whose options changed after the click was sent to it (the
  command palette's list, filled anew as the learner types): Textual 8.2.8's
  `OptionList._on_click` looks up the option the last frame showed there (IndexError). The
  app cannot stop that click on its way (the screen hands it to the list directly), so the
  list's own click handler is wrapped to ignore an option it no longer has.
- Page up or down in a list that is not laid out (hidden, or with no room, while it keeps the
  focus: a lesson's sidebar hidden, a closed drop-down in the lab): Textual 8.2.8's
  `OptionList._move_page` looks up the line of an option it never laid out (KeyError). The key
  does nothing, as it would in a list with nothing to page through.
- A dialog that closes itself when it is no longer on top: `Screen.dismiss` pops whatever is
  on top. A click on the command palette's background on its way as enter ran a command (which
  closed the palette) closed it again and popped the last screen (ScreenStackError); the list of
  a lesson's links, answering a key that came just before ctrl+p, popped the new palette instead
  of itself, stayed open with its answer given, and the palette's search failed on its removed
  list (WorkerFailed). A dialog closed already pops nothing; one under others is taken out from
  under them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events
from textual._context import active_message_pump
from textual.await_complete import AwaitComplete
from textual.errors import NoWidget
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList

if TYPE_CHECKING:
    from textual.app import App

    _Base = App
else:
    _Base = object


class LateEvents(_Base):
    """Mixed into the app, before Textual's App."""

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

    def pop_screen(self) -> AwaitComplete:
        # Who asks: a dialog's own handler (Screen.dismiss runs in the dialog's message loop,
        # and pops whatever is on top). The areas' screens are popped by the app, never by
        # themselves, so only dialogs are looked at (_bring_up pops in a loop from a lesson's
        # handler: the lesson must not count as "not on the stack" once popped).
        closing = active_message_pump.get(None)
        if not isinstance(closing, ModalScreen) or closing is self.screen:
            return super().pop_screen()
        if closing not in self.screen_stack:
            return AwaitComplete.nothing()  # closed already
        return self._close_under(closing)

    def _close_under(self, dialog: ModalScreen) -> AwaitComplete:
        """Take ``dialog`` out from under the screens opened over it (the palette, opened by a
        key that came just before the dialog's answer), which stay as they are. Textual pops
        only the top screen: this does what its pop_screen does, for one further down."""
        self._screen_stack.remove(dialog)
        dialog._pop_result_callback()
        return AwaitComplete(self._replace_screen(dialog)).call_next(self)

OnClick = Callable[[OptionList, events.Click], Awaitable[None]]


def ignoring_gone_options(on_click: OnClick) -> OnClick:
    """``OptionList._on_click`` that ignores a click on an option the list no longer has."""
    async def on_option_click(self: OptionList, event: events.Click) -> None:
        option = event.style.meta.get("option")
        if isinstance(option, int) and not 0 <= option < self.option_count:
            return
        await on_click(self, event)

    on_option_click.__wrapped__ = on_click  # type: ignore[attr-defined]
    return on_option_click


def paging_laid_out_lists_only(move_page: Callable[[OptionList, int], None]
                               ) -> Callable[[OptionList, int], None]:
    """``OptionList._move_page`` that does nothing while the list has not laid out the option
    it would page from."""
    def move_page_if_laid_out(self: OptionList, direction: int) -> None:
        if (self.highlighted or 0) not in self._index_to_line:
            return
        move_page(self, direction)

    move_page_if_laid_out.__wrapped__ = move_page  # type: ignore[attr-defined]
    return move_page_if_laid_out


# Once, for every OptionList (the palette's, the drop-downs' and gdtui's own).
if not hasattr(OptionList._on_click, "__wrapped__"):
    OptionList._on_click = ignoring_gone_options(OptionList._on_click)  # type: ignore[method-assign]
if not hasattr(OptionList._move_page, "__wrapped__"):
    OptionList._move_page = paging_laid_out_lists_only(  # type: ignore[method-assign]
        OptionList._move_page)
