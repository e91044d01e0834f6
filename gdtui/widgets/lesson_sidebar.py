"""The lesson screen's sidebar: the course's lessons and the contents of the one being read.

Entries wrap at whole words, their lines after the first under their text, at the sidebar's
width, which it sets itself from the screen's so the two always agree.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from gdtui.course.lessons import Course, Lesson, hanging_lines

SHARE, NARROWEST, WIDEST = 0.3, 24, 40  # the sidebar's width: a share of the screen's
GUTTER = 2  # the lists' left padding and scroll bar, where no entry goes


class LessonSidebar(Vertical):
    """``#lesson-list`` of the course (✓ for read, ✗ for a broken file) and ``#contents``."""

    label_width = NARROWEST - GUTTER

    def compose(self) -> ComposeResult:
        yield Label("Lessons", classes="sidebar-title")
        yield OptionList(id="lesson-list", compact=True)
        yield Label("Contents", classes="sidebar-title")
        yield OptionList(id="contents", compact=True)

    def fit(self, screen_width: int) -> bool:
        """Take the width that suits a screen this wide; True if it changed (refill then)."""
        width = min(max(int(screen_width * SHARE), NARROWEST), WIDEST)
        self.styles.width = width
        changed = width - GUTTER != self.label_width
        self.label_width = width - GUTTER
        return changed

    def show_lessons(self, course: Course, read: set[str], current: str | None) -> None:
        """List the lessons, and the broken files with their first error."""
        options = self.query_one("#lesson-list", OptionList)
        options.clear_options()
        for lesson in course.lessons:
            mark = "✓" if lesson.id in read else " "
            lines = hanging_lines(f"{mark} {lesson.order}. ", lesson.title, self.label_width)
            options.add_option(Option(Content("\n".join(lines)), id=lesson.id))
        for name, problems in course.broken.items():
            first = problems[0]
            lines = hanging_lines("  ", f"line {first.line}: {first.message}", self.label_width)
            text = Content.assemble(f"✗ {name}\n", ("\n".join(lines), "red"))
            options.add_option(Option(text, id=f"broken:{name}", disabled=True))
        if current is not None:
            options.highlighted = course.index(current)

    def show_contents(self, lesson: Lesson | None) -> None:
        """List the lesson's headings, each under the one it belongs to; an option's id is
        the index of its section."""
        contents = self.query_one("#contents", OptionList)
        contents.clear_options()
        for index, section in enumerate(lesson.sections if lesson else ()):
            head = "  " * max(section.level - 2, 0) + ("· " if section.level > 1 else "")
            indent = None if head else "  "  # the title's own lines go in a little
            lines = hanging_lines(head, section.title, self.label_width, indent)
            contents.add_option(Option(Content("\n".join(lines)), id=str(index)))
