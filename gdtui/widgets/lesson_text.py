"""A lesson's text: Textual's Markdown, one widget per part, the first screen at once.

Building a whole lesson as one Markdown widget took most of a second: every block is a widget,
and Pygments guessed a language for every code block. Here a lesson comes in parts (cut before
its headings, see ``Lesson.parts``): the parts the reader needs first are built before the
screen is drawn, the others one a frame after it, and code blocks with no language are shown
as written. Positions are lines of the lesson's body, which stay true when the text rewraps.
"""

from __future__ import annotations

import asyncio

from textual import work
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock, MarkdownFence

from gdtui.course.lessons import parts_to_fill


class PlainFence(MarkdownFence):
    """A code block with no language shown as written (the lessons' blocks are worked numbers):
    Textual would run Pygments' guess_lexer on it, twice, a tenth of the lesson's opening."""

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False
                  ) -> Content:
        if language:
            return super().highlight(code, language, ansi=ansi, dark=dark)
        return Content(code)


class LessonPart(Markdown):
    """One part of a lesson, from a heading to the next; ``line`` is where it starts in the
    body."""

    BLOCKS = {**Markdown.BLOCKS, "fence": PlainFence, "code_block": PlainFence}

    def __init__(self, line: int, text: str) -> None:
        super().__init__(text, open_links=False)
        self.line = line


class LessonText(Vertical):
    """The parts of one lesson, top to bottom."""

    class Complete(Message):
        """Every part of the lesson is in (the text is as long as it will get)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.complete = False
        self.showing: str | None = None  # the name of the text whose parts are in
        self._shown = 0  # how many lessons were asked for: a newer one stops an older one
        self._lock = asyncio.Lock()  # one change of the parts at a time

    async def show(self, name: str, parts: list[tuple[int, str]], first_line: float,
                   screen: tuple[int, int]) -> None:
        """Replace the text by ``parts`` (first line, Markdown) of the text called ``name``.
        The parts that fill a ``screen`` (columns, rows of text) from ``first_line`` on are in
        when this returns; the others follow, one a frame."""
        self._shown += 1
        shown = self._shown
        self.complete = False
        now = parts[: parts_to_fill(parts, first_line, screen[1], screen[0])]
        async with self._lock:
            if shown != self._shown:
                return
            with self.app.batch_update():
                await self.remove_children()
                await self.mount_all(LessonPart(*part) for part in now)
            self.showing = name
        self._add_later(shown, parts[len(now):])

    @work(exclusive=True, group="lesson-parts")
    async def _add_later(self, shown: int, parts: list[tuple[int, str]]) -> None:
        for part in parts:
            await self.wait_for_refresh()
            async with self._lock:
                if shown != self._shown:
                    return
                await self.mount(LessonPart(*part))
        if shown == self._shown:
            self.complete = True
            self.post_message(self.Complete())

    def _parts(self) -> list[LessonPart]:
        return list(self.query_children(LessonPart))

    def y_of_line(self, line: float) -> int | None:
        """How far below the top of the text a body line is drawn, in rows; None until the
        part holding it is built and laid out. Line 0 is the top, the title's margin included."""
        if line <= 0:
            return 0
        holding = next((part for part in reversed(self._parts()) if part.line <= line), None)
        if holding is None or not holding.size.height:
            return None
        blocks = list(holding.query_children(MarkdownBlock))
        if not blocks or not all(block.size.height for block in blocks):
            return None
        local = line - holding.line
        block = next((each for each in blocks if local < each.source_range[1]), blocks[-1])
        start, end = block.source_range
        share = min(max((local - start) / max(end - start, 1), 0.0), 1.0)
        region = block.virtual_region
        return holding.virtual_region.y + region.y + round(share * region.height)

    def line_at(self, y: float) -> float:
        """The body line drawn ``y`` rows below the top of the text (y_of_line's inverse); a
        row between two blocks belongs to the block below it."""
        line = 0.0
        for part in self._parts():
            top = part.virtual_region.y
            for block in part.query_children(MarkdownBlock):
                region: Region = block.virtual_region
                start, end = block.source_range
                if y < top + region.y:
                    return part.line + start
                if y < top + region.bottom:
                    share = (y - top - region.y) / max(region.height, 1)
                    return part.line + start + share * (end - start)
                line = part.line + end
        return line
