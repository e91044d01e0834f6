"""The home screen: the areas, what the learner did last, and overall progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from gdtui.areas import AREAS
from gdtui.course.progress import area_status, next_lesson_id, overview
from gdtui.help import help_text

WELCOME = (
    "[b]Welcome to gdtui![/b] You will learn how a neural network learns by reading, "
    "playing and training one yourself.\n"
    "A good path: [b]1[/b] read the first lesson, [b]3[/b] play the guessing game, "
    "[b]2[/b] test yourself with flashcards, [b]4[/b] train a network in the lab."
)


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

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(id="greeting")
            yield OptionList(id="areas")
            with Vertical(id="progress-box"):
                yield Static(id="progress-text")
                yield ProgressBar(id="progress", show_eta=False, show_percentage=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_overview()
        self.query_one("#areas", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_overview()

    def refresh_overview(self) -> None:
        """Redraw greeting, areas and progress from the store."""
        course = self.app.course
        info = overview(self.app.store, course)
        greeting = self.query_one("#greeting", Static)
        if info.first_run:
            greeting.update(WELCOME)
        else:
            greeting.update(f"Welcome back. Last time: {info.last_activity}.")
        areas = self.query_one("#areas", OptionList)
        highlighted = areas.highlighted
        areas.clear_options()
        for each in AREAS:
            status = (area_status(each.name, self.app.store, course, info) if each.module
                      else "not built yet")
            label = f"[b]{each.key}  {each.title}[/b]  [dim]{status}[/dim]\n   {each.description}"
            areas.add_option(Option(label, id=each.name, disabled=False))
        areas.highlighted = highlighted if highlighted is not None else 0
        text = f"Lessons read: {info.lessons_read} of {info.lessons_total}"
        if info.next_lesson:
            text += f"   Next: {info.next_lesson} (press c)"
        self.query_one("#progress-text", Static).update(text)
        self.query_one("#progress", ProgressBar).update(
            total=max(1, info.lessons_total), progress=info.lessons_read
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_area(event.option.id)

    def action_open(self, name: str) -> None:
        """Open an area by name."""
        self.app.open_area(name)

    def action_continue_reading(self) -> None:
        """Reopen the lesson in progress, else the first unread one."""
        self.app.open_lesson(next_lesson_id(self.app.store, self.app.course))
