"""A lesson's text: one widget a part, drawn by Rich's Markdown, the first screen at once.

Textual's Markdown widget makes a widget of every paragraph, list item and table cell (and ran
Pygments' guess_lexer on every code block): a lesson took most of a second to open, and every
return to it restyled them all. Here a lesson comes in parts (cut before its headings, see
``Lesson.parts``), each one Static drawn by Rich's Markdown; the parts that fill the first
screen are built before it is drawn, the others all at once a frame after it (one layout
instead of one a part: a lesson change costs half the CPU, which counts when a class shares a
machine under gdtui serve). Positions are lines of the lesson's body: a heading starts a part,
so it is exact; inside a part a line is placed by its share of the part's text, which stays
close when the text rewraps.
"""

from __future__ import annotations

import asyncio
import math
from functools import lru_cache
from itertools import accumulate

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.theme import Theme
from textual import work
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from gdtui.course.lessons import parts_to_fill


class LessonPart(Static):
    """One part of a lesson: a heading and the text under it, from body line ``line``."""

    def __init__(self, line: int, text: str) -> None:
        super().__init__()
        self.line = line
        self.source = text
        self.lines = text.splitlines() or [""]

    def render(self) -> Links:
        # Code blocks drawn in the terminal's own colours, so they suit every theme.
        code_theme = "ansi_dark" if self.app.current_theme.dark else "ansi_light"
        return Links(LessonMarkdown(self.source, code_theme=code_theme),
                     markdown_theme(self.app.theme_variables))

    def action_link(self, href: str) -> None:
        """A link was clicked (Links makes the click call this)."""
        self.post_message(LessonText.LinkClicked(href))

    def _shares(self) -> list[float]:
        """Where each of the part's lines starts, as a share of the part's height: a line
        takes its length over the width (a blank one, one row)."""
        width = max(self.size.width, 1)
        rows = [max(1, math.ceil(len(line) / width)) for line in self.lines]
        total = sum(rows)
        return [start / total for start in accumulate(rows, initial=0)]

    def row_of(self, line: float) -> int:
        """The row (from the part's top) where a line of the part (0: its first) is drawn."""
        if line >= len(self.lines):
            return self.size.height
        shares = self._shares()
        whole = max(int(line), 0)
        share = shares[whole] + (line - whole) * (shares[whole + 1] - shares[whole])
        return round(share * self.size.height)

    def line_of(self, row: float) -> float:
        """The line of the part drawn at a row (row_of's inverse)."""
        shares = self._shares()
        share = min(max(row / max(self.size.height, 1), 0.0), 1.0)
        whole = max(i for i, start in enumerate(shares) if start <= share)
        if whole >= len(self.lines):
            return float(len(self.lines))
        return whole + (share - shares[whole]) / (shares[whole + 1] - shares[whole])


class CodeLines(CodeBlock):
    """A code block (the lessons' worked numbers) set in by two columns, with no blank rows
    of its own above and below: the blank row between blocks is enough."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip()
        yield Syntax(code, self.lexer_name, theme=self.theme, word_wrap=True, padding=(0, 2))


class LessonMarkdown(RichMarkdown):
    """Rich's Markdown with the lessons' code blocks."""

    elements = {**RichMarkdown.elements, "fence": CodeLines, "code_block": CodeLines}


class Links:
    """Rich's Markdown in the app theme's colours, its links calling their widget's ``link``
    action when clicked instead of being terminal hyperlinks (which would try a browser on the
    machine gdtui runs on)."""

    def __init__(self, renderable: LessonMarkdown, theme: Theme) -> None:
        self.renderable = renderable
        self.theme = theme

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(self.theme):
            segments = list(console.render(self.renderable, options))
        for segment in segments:
            style = segment.style
            if style is not None and style.link:
                click = Style.on(click=f"link({style.link!r})")
                yield Segment(segment.text, style.clear_meta_and_links() + click)
            else:
                yield segment


@lru_cache(maxsize=8)
def _theme(colours: tuple[tuple[str, str], ...]) -> Theme:
    colour = dict(colours)
    return Theme({
        "markdown.h1": f"bold {colour['h1']}",
        "markdown.h2": f"bold underline {colour['h2']}",
        "markdown.h3": f"bold {colour['h3']}",
        "markdown.h4": f"italic {colour['h3']}",
        "markdown.code": f"bold {colour['code']}",
        "markdown.link": colour["link"],
        "markdown.link_url": f"underline {colour['link']}",
        "markdown.list": colour["mark"],
        "markdown.item.bullet": f"bold {colour['mark']}",
        "markdown.item.number": colour["mark"],
        "markdown.table.border": colour["mark"],
        "markdown.table.header": f"bold {colour['mark']}",
        "markdown.block_quote": f"italic {colour['quote']}",
    })


def markdown_theme(variables: dict[str, str]) -> Theme:
    """Rich's Markdown styles in the colours Textual's Markdown widget takes from the app's
    theme (its CSS ``variables``): headings, inline code, links, list marks and tables."""
    wanted = {"h1": "markdown-h1-color", "h2": "markdown-h2-color", "h3": "markdown-h3-color",
              "code": "text-warning", "link": "text-accent", "mark": "text-primary",
              "quote": "text-secondary"}
    return _theme(tuple((key, value if (value := variables.get(css, "")).startswith("#")
                         else "default") for key, css in wanted.items()))


class LessonText(Vertical):
    """The parts of one lesson, top to bottom."""

    class Complete(Message):
        """Every part of the lesson is in (the text is as long as it will get)."""

    class LinkClicked(Message):
        """A link in the text was clicked."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

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
        when this returns; the others follow together, a frame later."""
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
        await self.wait_for_refresh()
        if parts:
            async with self._lock:
                if shown != self._shown:
                    return
                await self.mount_all(LessonPart(*part) for part in parts)
        if shown == self._shown:
            self.complete = True
            self.post_message(self.Complete())

    def _parts(self) -> list[LessonPart]:
        return list(self.query_children(LessonPart))

    def laid_out(self, name: str) -> bool:
        """The text called ``name`` is in and its first part has been laid out."""
        parts = self._parts()
        return self.showing == name and bool(parts) and parts[0].size.height > 0

    def y_of_line(self, line: float) -> int | None:
        """How far below the top of the text a body line is drawn, in rows; None until the
        part holding it is built and laid out. Line 0 is the top."""
        if line <= 0:
            return 0
        holding = next((part for part in reversed(self._parts()) if part.line <= line), None)
        if holding is None or not holding.size.height:
            return None
        return holding.virtual_region.y + holding.row_of(line - holding.line)

    def line_at(self, y: float) -> float:
        """The body line drawn ``y`` rows below the top of the text (y_of_line's inverse); a
        row between two parts belongs to the part below it."""
        parts = self._parts()
        for part in parts:
            region = part.virtual_region
            if y < region.y:
                return float(part.line)
            if y < region.bottom:
                return part.line + part.line_of(y - region.y)
        return float(parts[-1].line + len(parts[-1].lines)) if parts else 0.0
