"""The lesson screen: the course list, the lesson's contents, and the text itself.

Where a lesson opens (``Lesson.opening_line``): at the section asked for (a flashcard's `l`, a
``lesson:ID#section`` link, the contents); else where the learner left it part-way; else at its
title. The reader (widgets/lesson_reader.py) brings that place to the top once it is laid out.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, OptionList
from textual.worker import Worker

from gdtui.course.exercises import shown_parts
from gdtui.course.lessons import Lesson, link_anchor, link_options, parse_link
from gdtui.course.progress import log_lesson_finished, log_lesson_opened
from gdtui.help import help_text
from gdtui.screens.exercise import ExerciseFlow
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.lesson_reader import LessonReader
from gdtui.widgets.lesson_sidebar import LessonSidebar
from gdtui.widgets.lesson_text import LessonText

SAVE_DELAY = 0.4  # seconds of stillness before the reading position is written
TEXT_MARGIN = 8  # columns of the reader that hold no text: paddings and the scroll bar
SEEN_AFTER = 0.05  # seconds in sight (a frame) before a lesson counts as opened


class LessonScreen(Screen[None]):
    """Read one lesson; remembers the position and marks the lesson read at its end."""

    MIN_SIZE = (60, 18)  # text that scrolls: fine below 80x24
    BUILD_AHEAD = True  # the app may build it while the learner is at home: it opens at once
    CSS_PATH = "../styles/lesson.tcss"
    AUTO_FOCUS = "#reader"  # so keys pressed while the screen opens scroll the text

    HELP_TITLE = "Lessons"
    HELP = help_text("lessons")
    BINDINGS = [
        Binding("n", "next_lesson", "Next"),
        Binding("p", "previous_lesson", "Previous"),
        Binding("s", "toggle_sidebar", "Sidebar"),
        Binding("l", "links", "Links"),
        Binding("e", "exercise", "Exercise"),
        # Before the reader's own end: the end of the lesson, even while it is coming in.
        Binding("end,ctrl+end", "to_end", "End of the lesson", show=False, priority=True),
    ]

    def __init__(self, lesson_id: str | None = None, section: str | None = None) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.lesson: Lesson | None = None
        self._section = section  # where the first lesson opens, if asked
        self._save_timer = None
        self._seen = False  # shown to the learner at least once (not only built ahead)
        self._seen_timer: Timer | None = None
        self._recorded: str | None = None  # the lesson whose opening was recorded last
        self.exercises = ExerciseFlow(self)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield LessonSidebar(id="sidebar")
            yield LessonReader(id="reader")
        yield KeysFooter()

    async def on_mount(self) -> None:
        self.reader = self.query_one(LessonReader)
        self.sidebar = self.query_one(LessonSidebar)
        self.sidebar.fit(self.app.size.width)
        self.fill_lesson_list()
        course = self.app.course
        lesson_id = self.lesson_id or self.app.store.get_setting("last_lesson")
        if course.get(lesson_id or "") is None and course.lessons:
            lesson_id = course.lessons[0].id
        if lesson_id:
            await self.show_lesson(lesson_id, self._section).wait()
        else:
            await self.reader.text.show("", [(0, "# No lessons\n\nNo lesson could be loaded.")],
                                        0, (0, 0))

    @property
    def settled(self) -> bool:
        """The whole lesson is in and at the place it opens at (what tests wait for)."""
        return (self.lesson is not None and self.reader.showing == self.lesson.id
                and self.reader.settled)

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
        self.reader.keep_place()

    def fill_lesson_list(self) -> None:
        """List the lessons, with ✓ for the read ones."""
        read = self.app.store.read_lessons()
        self.sidebar.show_lessons(self.app.course, read, self.lesson_id if self.lesson else None)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the lesson list and contents (more room on small terminals)."""
        if self._opening(self.action_toggle_sidebar):
            return
        self.sidebar.display = not self.sidebar.display
        if not self.sidebar.display:
            self.reader.focus()  # not left in the hidden lists, where keys would go unseen
        self.reader.keep_place()

    @on(OptionList.OptionSelected, "#lesson-list")
    def lesson_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.lesson_id:
            self.show_lesson(event.option.id)
            self.reader.focus()

    @on(OptionList.OptionSelected, "#contents")
    def section_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.lesson and event.option.id is not None:
            self.reader.hold_place(self.lesson.sections[int(event.option.id)].line)

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
        if lesson is self.lesson and self.reader.text.complete:  # shown: only move in it
            if wanted:
                self.reader.hold_place(wanted.line)
            return self.run_worker(self._nothing(), group="lesson")
        self._save_place()
        self.lesson = lesson
        self.lesson_id = lesson.id
        self.sub_title = f"Lesson {lesson.order}: {lesson.title}"
        saved = self.app.store.lesson_position(lesson.id)
        if self._seen:
            self.call_after_refresh(self._record_opening)  # after it shows
        line = wanted.line if wanted else lesson.opening_line(saved)
        self.query_one("#lesson-list", OptionList).highlighted = self.app.course.index(lesson.id)
        self.sidebar.show_contents(lesson)
        width, height = self.app.size
        if self.sidebar.display:
            width -= self.sidebar.styles.width.value
        nxt = self._neighbour(1)
        ending = f"End of lesson. Press [b]n[/b] for the next one: {nxt.title}." if nxt else (
            "End of the course. Well done! Press escape to go home."
        )
        # The text's columns and rows: less paddings and scroll bar, header and footer.
        filling = self.reader.show(lesson.id, shown_parts(lesson), line,
                                   (width - TEXT_MARGIN, height - 2), ending)
        return self.run_worker(filling, group="lesson", exclusive=True)

    async def _nothing(self) -> None:
        """A worker with nothing to do, so show_lesson can always be waited for."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_end":  # in the sidebar's lists, end goes to their last entry
            return self.focused is not None and self.focused.id == "reader"
        return True

    def action_to_end(self) -> None:
        """Go to the end of the lesson (once all of it is in)."""
        self.reader.hold_place(math.inf)

    # -- reading ------------------------------------------------------------------------------

    @on(LessonReader.Moved)
    def moved(self) -> None:
        self._check_end()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_place)

    def _check_end(self) -> None:
        if self._seen and self.lesson and self.reader.place is None and self.reader.at_end:
            if self.app.store.mark_read(self.lesson.id):
                log_lesson_finished(self.app.store, self.lesson)
                self.notify(f"Lesson read: {self.lesson.title}", title="✓ Read")
                self.fill_lesson_list()

    def _save_place(self) -> None:
        if self.lesson is None or not self._seen:
            return
        reader = self.reader
        line = reader.top if reader.place is None else reader.place
        position = self.lesson.saved_position(line, reader.place is None and reader.at_end)
        self.app.store.save_position(self.lesson.id, position)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self.exercises.back)  # back from an exercise's screen
        # Built ahead, the screen is pushed and taken back at once, unseen (screens/kept.py):
        # it opens its lesson (recorded, marked read if it fits) only once it stays in sight.
        if not self._seen and self._seen_timer is None:
            self._seen_timer = self.set_timer(SEEN_AFTER, self._first_seen)

    def _first_seen(self) -> None:
        self._seen_timer = None
        if self.is_current and not self._seen:
            self._seen = True
            self._record_opening()
            self._check_end()

    def _record_opening(self) -> None:
        """The learner opened this lesson: it is the one to continue, and it is logged."""
        if self.lesson is not None and self._recorded != self.lesson.id:
            self._recorded = self.lesson.id
            self.app.store.open_lesson(self.lesson.id)
            log_lesson_opened(self.app.store, self.lesson)

    def on_screen_suspend(self) -> None:
        if self._seen_timer is not None:  # taken back before it was seen
            self._seen_timer.stop()
            self._seen_timer = None
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

    @on(LessonText.LinkClicked)
    def link_clicked(self, event: LessonText.LinkClicked) -> None:
        event.stop()
        self.follow_link(event.href)

    def action_exercise(self) -> None:
        """Predict, then check: the lesson's exercise (a pick first, if it has several)."""
        if self._opening(self.action_exercise):
            return
        self.exercises.start(self.lesson)

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
            self.app.open_area(target, **link_options(href))
        elif kind == "anchor":
            section = self.lesson.section(target) if self.lesson else None
            if section is None:
                self.notify(f"This lesson has no section '{target}'.", severity="warning")
            else:
                self.reader.hold_place(section.line)
        else:
            self.notify(f"gdtui does not open web links: {target}", severity="warning")
