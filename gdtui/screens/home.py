"""The home screen: the areas, what the learner did last, and overall progress."""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from gdtui.areas import AREAS
from gdtui.course.progress import area_status, next_lesson_id, overview
from gdtui.help import help_text
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.progress_line import ProgressLine

WELCOME = (
    "[b]Welcome to gdtui![/b] You will learn how a neural network learns by reading, "
    "playing and training one yourself.\n"
    "A good path: [b]1[/b] read the first lesson, [b]3[/b] play the guessing game, "
    "[b]2[/b] test yourself with flashcards, [b]4[/b] train a network in the lab."
)


class HomeView(NamedTuple):
    """The texts and numbers the home screen shows."""

    greeting: str
    areas: tuple[tuple[str, str], ...]
    """(area name, label) of each area, in order."""
    progress_text: str
    lessons_read: int
    lessons_total: int


class HomeScreen(Screen[None]):
    """Where every session starts."""

    MIN_SIZE = (60, 18)  # text that scrolls: fine below 80x24
    # Its styles (styles/home.tcss) are loaded by the app: Textual does not read the
    # CSS_PATH of a default screen.

    HELP_TITLE = "Home"
    HELP = help_text("home")
    BINDINGS = [
        Binding(a.key, f"open('{a.name}')", a.title, show=False) for a in AREAS
    ] + [Binding("c", "continue_reading", "Continue reading")]

    def __init__(self) -> None:
        super().__init__()
        self.view: HomeView | None = None
        self._shown = False

    def compose(self) -> ComposeResult:
        # Composed with its content, so nothing needs updating once the first frame is drawn.
        view = self.view = self.home_view()
        yield Header()
        with Vertical(id="home"):
            yield Static(view.greeting, id="greeting")
            yield OptionList(*(Option(label, id=name) for name, label in view.areas), id="areas")
            with Vertical(id="progress-box"):
                yield Static(view.progress_text, id="progress-text")
                yield ProgressLine(view.lessons_read, view.lessons_total, id="progress")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#areas", OptionList).focus()

    def on_screen_resume(self) -> None:
        # The first resume is the first show, of what compose has just drawn: updating it again
        # would lay the screen out once more right after the first frame.
        if self._shown:
            self.refresh_overview()
        self._shown = True

    def home_view(self) -> HomeView:
        """What the home screen shows, from the store and the course."""
        course = self.app.course
        info = overview(self.app.store, course)
        if info.first_run:
            greeting = WELCOME
        else:
            greeting = f"Welcome back. Last time: {info.last_activity}."
        areas = []
        for each in AREAS:
            status = (area_status(each.name, self.app.store, course, info) if each.module
                      else "not built yet")
            areas.append((each.name, f"[b]{each.key}  {each.title}[/b]  [dim]{status}[/dim]\n"
                                     f"   {each.description}"))
        text = f"Lessons read: {info.lessons_read} of {info.lessons_total}"
        if info.next_lesson:
            text += f"   Next: {info.next_lesson} (press c)"
        return HomeView(greeting, tuple(areas), text, info.lessons_read,
                        max(1, info.lessons_total))

    def refresh_overview(self) -> None:
        """Redraw greeting, areas and progress from the store; only what changed, since each
        update costs a layout pass."""
        view, shown = self.home_view(), self.view
        self.view = view
        if view.greeting != shown.greeting:
            self.query_one("#greeting", Static).update(view.greeting)
        areas = self.query_one("#areas", OptionList)
        for (name, label), (_, label_shown) in zip(view.areas, shown.areas, strict=True):
            if label != label_shown:
                areas.replace_option_prompt(name, label)
        if view.progress_text != shown.progress_text:
            self.query_one("#progress-text", Static).update(view.progress_text)
        if (view.lessons_read, view.lessons_total) != (shown.lessons_read, shown.lessons_total):
            bar = self.query_one("#progress", ProgressLine)
            bar.progress, bar.total = view.lessons_read, view.lessons_total

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_area(event.option.id)

    def action_open(self, name: str) -> None:
        """Open an area by name."""
        self.app.open_area(name)

    def action_continue_reading(self) -> None:
        """Reopen the lesson in progress, else the first unread one."""
        self.app.open_lesson(next_lesson_id(self.app.store, self.app.course))
