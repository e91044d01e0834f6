"""The lesson reader: the course list, the lesson's contents, and the text itself."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, Markdown, OptionList, Static
from textual.widgets.markdown import MarkdownTableOfContents
from textual.widgets.option_list import Option

from gdtui.course.lessons import Lesson, link_options, parse_link
from gdtui.course.progress import log_lesson_finished, log_lesson_opened
from gdtui.help import help_text
from gdtui.widgets.footer import KeysFooter

SAVE_DELAY = 0.4  # seconds of stillness before the reading position is written


class LessonScreen(Screen[None]):
    """Read one lesson; remembers the position and marks the lesson read at its end."""

    MIN_SIZE = (60, 18)  # text that scrolls: fine below 80x24
    CSS_PATH = "../styles/lesson.tcss"

    HELP_TITLE = "Lessons"
    HELP = help_text("lessons")
    BINDINGS = [
        Binding("n", "next_lesson", "Next"),
        Binding("p", "previous_lesson", "Previous"),
        Binding("s", "toggle_sidebar", "Sidebar"),
        Binding("l", "links", "Links"),
    ]

    def __init__(self, lesson_id: str | None = None) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.lesson: Lesson | None = None
        self._restoring = False
        self._save_timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        markdown = Markdown(id="lesson-text", open_links=False)
        with Horizontal():
            with Vertical(id="sidebar"):
                yield Label("Lessons", classes="sidebar-title")
                yield OptionList(id="lesson-list")
                yield Label("Contents", classes="sidebar-title")
                yield MarkdownTableOfContents(markdown, id="toc")
            with VerticalScroll(id="reader"):
                yield markdown
                yield Static(id="lesson-end")
        yield KeysFooter()

    def on_mount(self) -> None:
        # Kept so the position can still be saved while the screen is being removed.
        self.reader = self.query_one("#reader", VerticalScroll)
        self.fill_lesson_list()
        course = self.app.course
        lesson_id = self.lesson_id or self.app.store.get_setting("last_lesson")
        if course.get(lesson_id or "") is None and course.lessons:
            lesson_id = course.lessons[0].id
        if lesson_id:
            self.show_lesson(lesson_id)
        else:
            self.query_one(Markdown).update("# No lessons\n\nNo lesson file could be loaded.")
        self.watch(self.query_one("#reader"), "scroll_y", self.on_reader_scrolled, init=False)
        self.query_one("#reader").focus()

    def fill_lesson_list(self) -> None:
        """List lessons with ✓ for read ones, and broken files with their first error."""
        course = self.app.course
        read = self.app.store.read_lessons()
        options = self.query_one("#lesson-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for lesson in course.lessons:
            mark = "✓" if lesson.id in read else " "
            options.add_option(Option(f"{mark} {lesson.order}. {lesson.title}", id=lesson.id))
        for name, problems in course.broken.items():
            first = problems[0]
            text = f"✗ {name}\n  [red]line {first.line}: {first.message}[/red]"
            options.add_option(Option(text, id=f"broken:{name}", disabled=True))
        if highlighted is not None:
            options.highlighted = highlighted

    def show_lesson(self, lesson_id: str) -> None:
        """Load a lesson into the reader and scroll to where the reader left off."""
        lesson = self.app.course.get(lesson_id)
        if lesson is None:
            self.notify(f"There is no lesson '{lesson_id}'.", severity="error")
            return
        self._save_position()
        self.lesson = lesson
        self.lesson_id = lesson.id
        self.sub_title = f"Lesson {lesson.order}: {lesson.title}"
        position = self.app.store.open_lesson(lesson.id)
        log_lesson_opened(self.app.store, lesson)
        index = self.app.course.index(lesson.id)
        options = self.query_one("#lesson-list", OptionList)
        options.highlighted = index
        nxt = self._neighbour(1)
        ending = f"End of lesson. Press [b]n[/b] for the next one: {nxt.title}." if nxt else (
            "End of the course. Well done! Press escape to go home."
        )
        self.query_one("#lesson-end", Static).update(ending)
        self._restoring = True
        self.call_next(self._load, lesson.body, position)

    async def _load(self, body: str, position: float) -> None:
        await self.query_one(Markdown).update(body)
        self.call_after_refresh(self._restore, position)

    def _restore(self, position: float) -> None:
        reader = self.query_one("#reader", VerticalScroll)
        reader.scroll_to(y=position * reader.max_scroll_y, animate=False, immediate=True)
        self._restoring = False
        self._check_end()

    def on_reader_scrolled(self, _old: float, _new: float) -> None:
        if self._restoring:
            return
        self._check_end()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_position)

    def _check_end(self) -> None:
        reader = self.query_one("#reader", VerticalScroll)
        if self.lesson and reader.scroll_y >= reader.max_scroll_y - 1:
            if self.app.store.mark_read(self.lesson.id):
                log_lesson_finished(self.app.store, self.lesson)
                self.notify(f"Lesson read: {self.lesson.title}", title="✓ Read")
                self.fill_lesson_list()

    def _save_position(self) -> None:
        if self.lesson is None or self._restoring:
            return
        reader = self.reader
        share = reader.scroll_y / reader.max_scroll_y if reader.max_scroll_y else 0.0
        self.app.store.save_position(self.lesson.id, round(share, 4))

    def on_unmount(self) -> None:
        self._save_position()

    def _neighbour(self, step: int) -> Lesson | None:
        lessons = self.app.course.lessons
        index = self.app.course.index(self.lesson_id or "") + step
        return lessons[index] if self.lesson and 0 <= index < len(lessons) else None

    def action_next_lesson(self) -> None:
        """Open the next lesson."""
        lesson = self._neighbour(1)
        if lesson:
            self.show_lesson(lesson.id)
        else:
            self.notify("This is the last lesson.")

    def action_previous_lesson(self) -> None:
        """Open the previous lesson."""
        lesson = self._neighbour(-1)
        if lesson:
            self.show_lesson(lesson.id)
        else:
            self.notify("This is the first lesson.")

    def action_toggle_sidebar(self) -> None:
        """Show or hide the lesson list and contents (more room on small terminals)."""
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display

    @on(OptionList.OptionSelected, "#lesson-list")
    def lesson_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.lesson_id:
            self.show_lesson(event.option.id)
            self.query_one("#reader").focus()

    @on(Markdown.TableOfContentsUpdated)
    def contents_ready(self, event: Markdown.TableOfContentsUpdated) -> None:
        event.stop()
        self.query_one(MarkdownTableOfContents).table_of_contents = event.table_of_contents

    @on(Markdown.TableOfContentsSelected)
    def section_chosen(self, event: Markdown.TableOfContentsSelected) -> None:
        event.stop()
        block = self.query_one(f"#{event.block_id}")
        self.query_one("#reader", VerticalScroll).scroll_to_widget(block, top=True)

    @on(Markdown.LinkClicked)
    def link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.follow_link(event.href)

    def action_links(self) -> None:
        """List the lesson's links so they can be followed without a mouse."""
        from gdtui.screens.link_picker import LinkPicker

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
            self.show_lesson(target)
        elif kind == "screen":
            self.app.open_area(target, **link_options(href))
        elif kind == "anchor":
            self.query_one(Markdown).goto_anchor(target)
        else:
            self.notify(f"gdtui does not open web links: {target}", severity="warning")
