"""The Textual app: global keys, navigation between screens, theme and store wiring.

Areas are screens pushed over the home screen, and each is kept for the whole session: the app
makes an area's screen when it first opens and installs it, so leaving it (escape, a link) and
opening it again shows the very same screen, as it was: its settings, fields, position and game.

    app.open_area("backprop")          # the kept screen (made on the first visit), as it was;
                                       # if it is on the stack already, back to it, not twice
    app.open_area("lab", settings=s)   # the kept screen's `reopen(settings=s)` takes them;
                                       # a screen without `reopen` is made anew with them

A screen keeps its state by not resetting itself when it resumes (`on_screen_resume`); a
screen that animates pauses while it is hidden, if it should.

Why pushed screens and not Textual MODES, which also keep one screen stack per area: with MODES
every area would be a stack of its own, and a lesson link to the lab, the lab's `?`, and escape
would have to decide which mode's stack they mean; escape could no longer simply mean "back to
where I came from" (from the lab through a lesson link back to the lesson). Kept, pushed screens
give the same "nothing is lost" with one stack: the order the learner went, and escape back
through it. Whether something goes on while its screen is hidden is each screen's choice (the
lab's run: see screens/lab), not a side effect of the navigation. Each screen module is
imported only when its area first opens (`gdtui.areas` names them by path), which keeps the
start quick.

Escape is one rule on every screen: inside a field (a text box or a closed list) it leaves the
field, so the screen's keys work again; only with no field focused does it leave the screen
(`widgets.field.leave_field`, run by a priority binding before any screen's own escape).
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
from gdtui.widgets.field import in_field, leave_field

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
        # Before any screen's own escape, and only while a field has focus (check_action).
        Binding("escape", "leave_field", show=False, priority=True),
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
        """Open the screen of an area by name (``lessons``, ``guess``, ...), or go ``home``.

        The area's kept screen, as the learner left it (made on the first visit). With
        `options`, the kept screen's ``reopen(**options)`` takes them, or, without one, a new
        screen made with them replaces it."""
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
        kept = self.kept_screen(name)
        if kept is not None and options and not hasattr(kept, "reopen"):
            self._forget(kept)
            kept = None
        if kept is None:
            module_name, _, class_name = found.module.partition(":")
            screen_class = getattr(importlib.import_module(module_name), class_name)
            kept = screen_class(**options)
            options = {}  # taken by the new screen
            self.install_screen(kept, name)
        self._bring_up(kept)
        if options:
            kept.reopen(**options)

    def kept_screen(self, name: str) -> Screen | None:
        """The screen kept for an area this session, or None before its first visit."""
        return self.get_screen(name) if self.is_screen_installed(name) else None

    def _bring_up(self, screen: Screen) -> None:
        """Show a kept screen: back to it if it is on the stack, else pushed on top."""
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
        else:
            self.push_screen(screen)

    def _forget(self, screen: Screen) -> None:
        """Stop keeping an area's screen, and remove it."""
        on_stack = screen in self.screen_stack
        while screen in self.screen_stack:
            self.pop_screen()  # Textual removes it once popped, as it is no longer installed
        self.uninstall_screen(screen)
        if not on_stack:
            screen.remove()

    async def _close_all(self) -> None:
        # At exit Textual unmounts the screens on the stack, but only stops the message queue of
        # an installed screen off it: remove the kept screens the learner left, so that their
        # on_unmount runs too (the lab stops its worker, a lesson saves its place).
        for screen in list(self._installed_screens.values()):
            if screen.is_attached and screen not in self.screen_stack:
                await screen.remove()
        await super()._close_all()

    def open_lesson(self, lesson_id: str | None) -> None:
        """Open the lesson screen, on one lesson if given (else where the learner was)."""
        if lesson_id is None:
            self.open_area("lessons")
        else:
            self.open_area("lessons", lesson_id=lesson_id)

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

    def action_leave_field(self) -> None:
        """Escape in a field: out of it, to where the screen's keys work."""
        leave_field(self.screen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return in_field(self.screen)
        if action == "back":  # nothing to go back to from the home screen: no key shown
            return len(self.screen_stack) > 1
        return True

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
