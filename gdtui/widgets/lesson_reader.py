"""The lesson's text, scrolled, keeping a place at its top.

A place is a line of the lesson's body. The reader brings it to the top only once the text
holding it has been laid out, and pins it there while the lesson's later parts come in, so
neither the layout nor a long lesson can race it; when the text rewraps (the sidebar hidden,
the terminal resized) it keeps the line that was at the top there.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextlib import suppress

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from gdtui.widgets.lesson_text import LessonText


class LessonReader(VerticalScroll):
    """A LessonText and the line under it that says what comes next."""

    class Moved(Message):
        """The learner scrolled, or the reader reached its place: the top line changed."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.place: float | None = None
        """A body line to bring to the top once it is laid out (None: none pending)."""
        self.top = 0.0
        """The body line at the top."""
        self._name = ""  # of the lesson asked for last
        self._placing = False  # scrolled by the reader itself, not by the learner

    def compose(self) -> ComposeResult:
        yield LessonText(id="lesson-text")
        yield Static(id="lesson-end")

    def on_mount(self) -> None:
        self.text = self.query_one(LessonText)
        # The text's height changes once new parts are laid out: a place may be reachable now.
        self.watch(self, "virtual_size", lambda: self.call_after_refresh(self.apply_place),
                   init=False)

    @property
    def showing(self) -> str | None:
        """The name of the lesson whose text is in."""
        return self.text.showing

    @property
    def settled(self) -> bool:
        """All of the lesson is in, and no place is pending."""
        return self.text.showing == self._name and self.text.complete and self.place is None

    @property
    def at_end(self) -> bool:
        """The end of the whole lesson is in sight."""
        return self.text.complete and self.scroll_y >= self.max_scroll_y - 1

    def show(self, name: str, parts: list[tuple[int, str]], line: float,
             screen: tuple[int, int], ending: str) -> Coroutine[None, None, None]:
        """Show the lesson ``name`` from its ``parts``, at body ``line``, with ``ending`` under
        it. The reader is ready for it at once (at the top: nothing of the last lesson's
        scrolling carries over); await the result for the parts that fill a ``screen``
        (columns, rows)."""
        self._name = name
        self._scroll(0)
        self.top, self.place = line, line or None
        self.query_one("#lesson-end", Static).update(ending)
        return self._fill(name, parts, line, screen)

    async def _fill(self, name: str, parts: list[tuple[int, str]], line: float,
                    screen: tuple[int, int]) -> None:
        await self.text.show(name, parts, line, screen)
        self.call_after_refresh(self.apply_place)

    def hold_place(self, line: float) -> None:
        """Bring a body line to the top as soon as the text holding it is laid out."""
        self.place = line
        self.call_after_refresh(self.apply_place)

    def keep_place(self) -> None:
        """The text is about to rewrap: keep the line at the top where it is."""
        if self.place is None and self._name:
            self.hold_place(self.top)

    def apply_place(self) -> None:
        """Scroll the pending place to the top, if the text holding it is laid out."""
        if self.place is None or self.text.showing != self._name:
            return
        y = self.text.y_of_line(self.place)
        if y is None:
            return  # not laid out yet: the next layout calls again
        self._scroll(self.text.virtual_region.y + y)
        if not self.text.complete:
            return  # parts are still coming (and may move it): place it again when they have
        self.place = None
        self.top = self.text.line_at(self.scroll_y - self.text.virtual_region.y)
        self.post_message(self.Moved())

    def _scroll(self, y: float) -> None:
        self._placing = True
        try:
            self.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._placing = False

    # Keys typed as the lesson opens, before its text is laid out, act once it is.
    def action_scroll_down(self) -> None:
        if not self._waiting(self.action_scroll_down):
            super().action_scroll_down()

    def action_page_down(self) -> None:
        if not self._waiting(self.action_page_down):
            super().action_page_down()

    def _waiting(self, action: Callable[[], None]) -> bool:
        """True (and ``action`` to run after the next layout) while the text is not laid out,
        or while what is laid out of it fits the window but more parts are coming (on a busy
        machine the first part can be shorter than the window: nothing to scroll yet)."""
        if self._name and (not self.text.laid_out(self._name)
                           or (self.max_scroll_y == 0 and not self.text.complete)):
            self.call_after_refresh(self._act_later, action)
            return True
        return False

    @staticmethod
    def _act_later(action: Callable[[], None]) -> None:
        # Textual's scroll actions raise SkipAction when there is nothing to scroll (the text
        # fits): in a key's dispatch that means "try the next binding"; here, nothing to do.
        with suppress(SkipAction):
            action()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._placing or not self._name or (old > new == self.max_scroll_y):
            return  # the reader scrolled, or the text got shorter: not the learner
        self.place = None  # the learner scrolled: their place wins over one still pending
        self.top = self.text.line_at(new - self.text.virtual_region.y)
        self.post_message(self.Moved())

    def on_lesson_text_complete(self) -> None:
        # All of it is in: the place is final now, and a lesson that fits is at its end.
        self.call_after_refresh(self.apply_place)
        self.call_after_refresh(self.post_message, self.Moved())
