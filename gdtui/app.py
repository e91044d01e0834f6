"""The Textual app: global keys, navigation between screens, theme and store wiring.

Areas are screens pushed over the home screen, not Textual MODES: leaving an area (escape, or a
link to another one) ends what it was doing, so a lab run pauses and is logged when the learner
goes to read a lesson, and nothing trains unseen. Each screen module is imported only when its
area first opens (`gdtui.areas` names them by path), which keeps the start quick.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from gdtui import __version__
from gdtui.areas import AREAS, HOME, area
from gdtui.course.lessons import Course, load_course
from gdtui.screens.too_small import TooSmallScreen, too_small_message
from gdtui.store import Store

# The smallest terminal a screen is laid out for, unless the screen sets MIN_SIZE itself.
DEFAULT_MIN_SIZE = (80, 24)


class GdtuiApp(App[None]):
    """gdtui: a terminal game and tutor that teaches how a neural network learns."""

    TITLE = "gdtui"
    SUB_TITLE = "how a neural network learns"
    # Each screen reads its own file when it first opens; the home screen is the default screen,
    # whose CSS_PATH Textual does not read, so its file is the app's.
    CSS_PATH = ["styles/app.tcss", "styles/home.tcss"]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(
        self,
        store: Store,
        lessons_dir: Path | None = None,
        start_screen: str | None = None,
        fps: int | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        # The most redraws a second a live screen may do (None: the screen's own pace).
        self.fps = fps
        self.lessons_dir = lessons_dir
        self.start_screen = start_screen
        self._course: Course | None = None

    @property
    def course(self) -> Course:
        """The lessons, loaded once on first use."""
        if self._course is None:
            self._course = load_course(self.lessons_dir)
        return self._course

    def get_default_screen(self) -> Screen:
        from gdtui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        theme = self.store.get_setting("theme")
        if theme in self.available_themes:
            self.theme = theme
        if self.store.notice:
            self.notify(self.store.notice, title="Progress file", severity="warning", timeout=20)
        if self.start_screen:
            self.open_area(self.start_screen)
        self.screen_change_signal.subscribe(self, lambda _screen: self.check_size())
        self.check_size()

    def on_ready(self) -> None:
        # The first frame is shown. The command paused garbage collection for the start
        # (cli/main.py): turn it on again, leaving out of every later collection the objects of
        # the start, which live as long as the app.
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def frame_seconds(self, seconds: float) -> float:
        """The pause between two redraws of a live screen: its own ``seconds``, or longer when
        ``--fps`` asks for fewer frames (a slow link)."""
        return seconds if self.fps is None else max(seconds, 1 / self.fps)

    def on_resize(self, event: events.Resize) -> None:
        # This runs before App's own handler has stored the new size, so pass it on.
        self.check_size(event.size)

    def check_size(self, size: tuple[int, int] | None = None) -> None:
        """Cover the app with a "make the terminal bigger" message while it does not fit."""
        width, height = size or self.size
        covered = isinstance(self.screen, TooSmallScreen)
        # A dialog or help box needs what the screen under it needs.
        overlays = (ModalScreen, TooSmallScreen)
        shown = [s for s in self.screen_stack if not isinstance(s, overlays)]
        under = shown[-1] if shown else self.screen
        need = getattr(under, "MIN_SIZE", DEFAULT_MIN_SIZE)
        message = too_small_message((width, height), need)
        if message is None:
            if covered:
                self.pop_screen()
        elif covered:
            self.screen.show_message(message)
        else:
            self.push_screen(TooSmallScreen(message))

    def watch_theme(self, theme: str) -> None:
        # Saved as soon as it changes, so the next start looks the same.
        self.store.set_setting("theme", theme)

    # -- navigation ---------------------------------------------------------------------------

    def open_area(self, name: str, **options: Any) -> None:
        """Open the screen of an area by name (``lessons``, ``guess``, ...), or go ``home``."""
        if name == HOME:
            self.go_home()
            return
        found = area(name)
        if found is None:
            self.notify(f"There is no screen called '{name}'.", severity="error")
            return
        if found.module is None:
            self.notify(f"{found.title} is not built yet. It is coming soon.", title=found.title)
            return
        module_name, _, class_name = found.module.partition(":")
        screen_class = getattr(importlib.import_module(module_name), class_name)
        self.push_screen(screen_class(**options))

    def open_lesson(self, lesson_id: str | None, section: str | None = None) -> None:
        """Open the lesson screen on one lesson, at one of its sections (an anchor) if given
        (reusing a lesson screen already on top)."""
        from gdtui.screens.lesson import LessonScreen

        if lesson_id is None:
            self.open_area("lessons")
        elif isinstance(self.screen, LessonScreen):
            self.screen.show_lesson(lesson_id, section)
        else:
            self.push_screen(LessonScreen(lesson_id=lesson_id, section=section))

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Show a web link instead of opening a browser: over SSH the browser would open on the
        server, not in front of the learner. The link also goes to the terminal's clipboard."""
        self.copy_to_clipboard(url)
        self.notify(f"{url}\n(copied to the clipboard, where the terminal allows it)",
                    title="Open this link in your browser", timeout=15)

    def action_back(self) -> None:
        """Go back one screen; the home screen is the bottom of the stack."""
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def action_help(self) -> None:
        """Show the keys and the help text of the current screen."""
        from gdtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen.for_screen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for each in AREAS:
            status = "" if each.module else " (not built yet)"
            yield SystemCommand(
                f"Open {each.title}",
                each.description + status,
                lambda name=each.name: self.open_area(name),
            )
        for lesson in self.course.lessons:
            yield SystemCommand(
                f"Lesson {lesson.order}: {lesson.title}",
                lesson.summary,
                lambda lesson_id=lesson.id: self.open_lesson(lesson_id),
            )
        yield SystemCommand("Home", "Back to the home screen", self.go_home)

    def go_home(self) -> None:
        """Pop every screen above the home screen."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    @property
    def version(self) -> str:
        """The gdtui version, shown in help."""
        return __version__
