"""The lesson reader: the course list, the lesson's contents, and the text itself.

Where a lesson opens (``Lesson.opening_line``): at the section asked for (a flashcard's `l`, a
``lesson:ID#section`` link, the contents); else where the learner left it part-way; else at its
title. A place is a line of the lesson's body, brought to the top once the text holding it has
been laid out, so neither the layout nor a long lesson can race it. Hiding the sidebar or
resizing the terminal rewraps the text and keeps the line at the top where it was.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown, OptionList, Static
from textual.worker import Worker

from gdtui.course.lessons import Lesson, link_anchor, parse_link
from gdtui.course.progress import log_lesson_finished, log_lesson_opened
from gdtui.help import help_text
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.lesson_sidebar import LessonSidebar
from gdtui.widgets.lesson_text import LessonText

SAVE_DELAY = 0.4  # seconds of stillness before the reading position is written
TEXT_MARGIN = 8  # columns of the reader that hold no text: paddings and the scroll bar


class LessonScreen(Screen[None]):
    """Read one lesson; remembers the position and marks the lesson read at its end."""

    MIN_SIZE = (60, 18)  # text that scrolls: fine below 80x24
    CSS_PATH = "../styles/lesson.tcss"
    AUTO_FOCUS = "#reader"  # so keys pressed while the screen opens scroll the text

    HELP_TITLE = "Lessons"
    HELP = help_text("lessons")
    BINDINGS = [
        Binding("n", "next_lesson", "Next"),
        Binding("p", "previous_lesson", "Previous"),
        Binding("s", "toggle_sidebar", "Sidebar"),
        Binding("l", "links", "Links"),
        # Before the reader's own end: the end of the lesson, even while it is coming in.
        Binding("end,ctrl+end", "to_end", "End of the lesson", show=False, priority=True),
    ]

    def __init__(self, lesson_id: str | None = None, section: str | None = None) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.lesson: Lesson | None = None
        self._section = section  # where the first lesson opens, if asked
        self._place: float | None = None  # a body line to bring to the top once laid out
        self._placing = False  # the reader is being scrolled by the screen, not the learner
        self._top = 0.0  # the body line at the top of the reader
        self._at_end = False
        self._save_timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield LessonSidebar(id="sidebar")
            with VerticalScroll(id="reader"):
                yield LessonText(id="lesson-text")
                yield Static(id="lesson-end")
        yield KeysFooter()

    async def on_mount(self) -> None:
        self.reader = self.query_one("#reader", VerticalScroll)
        self.text = self.query_one(LessonText)
        self.sidebar = self.query_one(LessonSidebar)
        self.watch(self.reader, "scroll_y", self.on_reader_scrolled, init=False)
        # The text's height changes once new parts are laid out: a place may be reachable now.
        self.watch(self.reader, "virtual_size",
                   lambda: self.call_after_refresh(self._apply_place), init=False)
        self.sidebar.fit(self.app.size.width)
        self.fill_lesson_list()
        course = self.app.course
        lesson_id = self.lesson_id or self.app.store.get_setting("last_lesson")
        if course.get(lesson_id or "") is None and course.lessons:
            lesson_id = course.lessons[0].id
        if lesson_id:
            await self.show_lesson(lesson_id, self._section).wait()
        else:
            await self.text.show("", [(0, "# No lessons\n\nNo lesson file could be loaded.")], 0,
                                 (0, 0))

    @property
    def settled(self) -> bool:
        """The whole lesson is in and at the place it opens at (what tests wait for)."""
        return (self.lesson is not None and self.text.showing == self.lesson.id
                and self.text.complete and self._place is None)

    def _opening(self, action: Callable[[], object]) -> bool:
        """True while the screen has no lesson yet; a key typed then (as the screen opens)
        runs its ``action`` once the lesson is in, not on nothing."""
        if self.lesson is None and self.app.course.lessons:
            self.call_later(action)
            return True
        return False

    # -- the sidebar --------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        if self.sidebar.fit(event.size.width):
            self.fill_lesson_list()
            self.sidebar.show_contents(self.lesson)
        self._keep_place()

    def fill_lesson_list(self) -> None:
        """List the lessons, with ✓ for the read ones."""
        read = self.app.store.read_lessons()
        self.sidebar.show_lessons(self.app.course, read, self.lesson_id if self.lesson else None)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the lesson list and contents (more room on small terminals)."""
        if self._opening(self.action_toggle_sidebar):
            return
        self.sidebar.display = not self.sidebar.display
        self._keep_place()

    @on(OptionList.OptionSelected, "#lesson-list")
    def lesson_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.lesson_id:
            self.show_lesson(event.option.id)
            self.reader.focus()

    @on(OptionList.OptionSelected, "#contents")
    def section_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.lesson and event.option.id is not None:
            self._hold_place(self.lesson.sections[int(event.option.id)].line)

    # -- showing a lesson ---------------------------------------------------------------------

    def reopen(self, lesson_id: str | None = None, section: str | None = None) -> None:
        """Show another lesson in this screen (the app keeps one lesson screen)."""
        if lesson_id is not None:
            self.show_lesson(lesson_id, section)

    def show_lesson(self, lesson_id: str, section: str | None = None) -> Worker[None]:
        """Show a lesson, at ``section`` (an anchor) if given, else where the learner left it
        part-way, else at its title. The returned worker ends once the first screen is in."""
        lesson = self.app.course.get(lesson_id)
        if lesson is None:
            self.notify(f"There is no lesson '{lesson_id}'.", severity="error")
            return self.run_worker(self._nothing(), group="lesson")
        wanted = lesson.section(section) if section else None
        if lesson is self.lesson and self.text.complete:  # already shown: only move in it
            if wanted:
                self._hold_place(wanted.line)
            return self.run_worker(self._nothing(), group="lesson")
        self._save_place()
        self.lesson = lesson
        self.lesson_id = lesson.id
        self.sub_title = f"Lesson {lesson.order}: {lesson.title}"
        saved = self.app.store.open_lesson(lesson.id)
        self.call_after_refresh(log_lesson_opened, self.app.store, lesson)  # after it shows
        line = wanted.line if wanted else lesson.opening_line(saved)
        # Start from the top, so nothing of the last lesson's scrolling carries over.
        self._scroll_reader(0)
        self._top, self._at_end = line, False
        self._place = line or None
        self.query_one("#lesson-list", OptionList).highlighted = self.app.course.index(lesson.id)
        self.sidebar.show_contents(lesson)
        nxt = self._neighbour(1)
        ending = f"End of lesson. Press [b]n[/b] for the next one: {nxt.title}." if nxt else (
            "End of the course. Well done! Press escape to go home."
        )
        self.query_one("#lesson-end", Static).update(ending)
        return self.run_worker(self._show_text(lesson, line), group="lesson", exclusive=True)

    async def _nothing(self) -> None:
        """A worker with nothing to do, so show_lesson can always be waited for."""

    async def _show_text(self, lesson: Lesson, line: float) -> None:
        width, height = self.app.size
        if self.sidebar.display:
            width -= self.sidebar.styles.width.value
        # Less the reader's and the text's padding and the scroll bar; less header and footer.
        await self.text.show(lesson.id, lesson.parts(), line, (width - TEXT_MARGIN, height - 2))
        self.call_after_refresh(self._apply_place)

    def _scroll_reader(self, y: float) -> None:
        self._placing = True
        try:
            self.reader.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._placing = False

    def _hold_place(self, line: float) -> None:
        """Bring a body line to the top as soon as the text holding it is laid out."""
        self._place = line
        self.call_after_refresh(self._apply_place)

    def _keep_place(self) -> None:
        """The text is about to rewrap: keep the line at the top where it is."""
        if self._place is None and self.lesson is not None:
            self._hold_place(self._top)

    def _apply_place(self) -> None:
        if self._place is None or self.lesson is None or self.text.showing != self.lesson.id:
            return
        y = self.text.y_of_line(self._place)
        if y is None:
            return  # not laid out yet: the reader's next layout calls again
        self._scroll_reader(self.text.virtual_region.y + y)
        if not self.text.complete:
            return  # parts are still coming (and may move it): place it again when they have
        self._place = None
        self._top = self.text.line_at(self.reader.scroll_y - self.text.virtual_region.y)
        self._at_end = self._reached_end()
        self._check_end()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_end":  # in the sidebar's lists, end goes to their last entry
            return self.focused is not None and self.focused.id == "reader"
        return True

    def action_to_end(self) -> None:
        """Go to the end of the lesson (once all of it is in)."""
        self._hold_place(math.inf)

    # -- reading ------------------------------------------------------------------------------

    def on_reader_scrolled(self, old: float, new: float) -> None:
        if self._placing or (old > new == self.reader.max_scroll_y):
            return  # the screen scrolled, or the text got shorter: not the learner
        self._place = None  # the learner scrolled: their place wins over one still pending
        self._top = self.text.line_at(new - self.text.virtual_region.y)
        self._at_end = self._reached_end()
        self._check_end()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_place)

    def _reached_end(self) -> bool:
        return self.text.complete and self.reader.scroll_y >= self.reader.max_scroll_y - 1

    @on(LessonText.Complete)
    def text_complete(self) -> None:
        # A lesson that fits on the screen is read as soon as it is laid out.
        self.call_after_refresh(self._apply_place)
        self.call_after_refresh(self._check_end)

    def _check_end(self) -> None:
        if self.lesson and self._place is None and self._reached_end():
            if self.app.store.mark_read(self.lesson.id):
                log_lesson_finished(self.app.store, self.lesson)
                self.notify(f"Lesson read: {self.lesson.title}", title="✓ Read")
                self.fill_lesson_list()

    def _save_place(self) -> None:
        if self.lesson is None:
            return
        line = self._top if self._place is None else self._place
        position = self.lesson.saved_position(line, self._at_end and self._place is None)
        self.app.store.save_position(self.lesson.id, position)

    def on_screen_suspend(self) -> None:
        self._save_place()

    def on_unmount(self) -> None:
        self._save_place()

    # -- moving between lessons and following links -------------------------------------------

    def _neighbour(self, step: int) -> Lesson | None:
        lessons = self.app.course.lessons
        index = self.app.course.index(self.lesson_id or "") + step
        return lessons[index] if self.lesson and 0 <= index < len(lessons) else None

    def action_next_lesson(self) -> None:
        """Open the next lesson."""
        if self._opening(self.action_next_lesson):
            return
        lesson = self._neighbour(1)
        if lesson:
            self.show_lesson(lesson.id)
        else:
            self.notify("This is the last lesson.")

    def action_previous_lesson(self) -> None:
        """Open the previous lesson."""
        if self._opening(self.action_previous_lesson):
            return
        lesson = self._neighbour(-1)
        if lesson:
            self.show_lesson(lesson.id)
        else:
            self.notify("This is the first lesson.")

    @on(Markdown.LinkClicked)
    def link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.follow_link(event.href)

    def action_links(self) -> None:
        """List the lesson's links so they can be followed without a mouse."""
        from gdtui.screens.link_picker import LinkPicker

        if self._opening(self.action_links):
            return
        links = self.lesson.link_choices() if self.lesson else []
        if not links:
            self.notify("This lesson has no links to other lessons or screens.")
            return
        self.app.push_screen(LinkPicker(links), self._picked)

    def _picked(self, href: str | None) -> None:
        if href is not None:
            self.follow_link(href)

    def follow_link(self, href: str) -> None:
        """Links stay inside the app; nothing ever opens a browser on the host."""
        kind, target = parse_link(href)
        if kind == "lesson":
            self.show_lesson(target, link_anchor(href))
        elif kind == "screen":
            self.app.open_area(target)
        elif kind == "anchor":
            section = self.lesson.section(target) if self.lesson else None
            if section is None:
                self.notify(f"This lesson has no section '{target}'.", severity="warning")
            else:
                self._hold_place(section.line)
        else:
            self.notify(f"gdtui does not open web links: {target}", severity="warning")
