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
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from gdtui import __version__
from gdtui.areas import AREAS, HOME
from gdtui.course.lessons import Course, load_course
from gdtui.screens.kept import KeptAreas, ModulesLoaded
from gdtui.screens.preload import wait_for_preload
from gdtui.screens.too_small import SizeCover, TooSmallScreen
from gdtui.store import Store
from gdtui.widgets.field import in_field, leave_field
from gdtui.widgets.key_flood import KeyFloodGuard
from gdtui.widgets.late_events import LateEvents
from gdtui.widgets.toasts import OneToastPerMessage

STYLES = [f"styles/{path.name}"
          for path in sorted((Path(__file__).parent / "styles").glob("*.tcss"))
          if path.name != "app.tcss"]
CLASS = "class"
"""The teacher's class screen (--class-root): kept like an area, but no learner can open it."""
# Seconds after the first frame before the screens' modules load in the background: a key
# pressed at once is not slowed by them.
PRELOAD_AFTER = 0.3


class GdtuiApp(KeyFloodGuard, OneToastPerMessage, LateEvents, SizeCover, KeptAreas, App[None]):
    """gdtui: a terminal game and tutor that teaches how a neural network learns."""

    TITLE = "gdtui"
    SUB_TITLE = "how a neural network learns"
    # The home screen is the default screen, whose own CSS_PATH Textual does not read: its file
    # is the app's. Every other screen's styles are read with the preloading, just after the
    # first frame (`_read_styles`).
    CSS_PATH = ["styles/app.tcss", "styles/home.tcss"]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("escape", "back", "Back", id="back"),
        # Before any screen's own escape, and only while a field has focus (check_action hides
        # it otherwise): the footer then says how to get out of the field.
        Binding("escape", "leave_field", "Done", priority=True),
    ]

    def __init__(
        self,
        store: Store,
        lessons_dir: Path | None = None,
        start_screen: str | None = None,
        fps: int | None = None,
        build_ahead: bool = False,
        class_root: Path | None = None,
        area_file: Path | None = None,
    ) -> None:
        super().__init__()
        # A teacher's gdtui under gdtui serve: the server's folder, for the class screen.
        self.class_root = class_root
        # Under gdtui serve: where to say which area is shown, for the teacher's view.
        self.area_file = area_file
        self._area_told: str | None = None
        self.store = store
        # Mount the screens that allow it while the learner is at home (screens/kept.py).
        self.build_ahead = build_ahead
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
        self.store.on_problem = self._store_problem
        theme = self.store.get_setting("theme")
        if theme in self.available_themes:
            self.theme = theme
        if self.class_root is not None:
            self.bind("t", "open_class", description="Class")
        if self.start_screen:
            self.open_area(self.start_screen)
        elif self.class_root is not None:
            self.action_open_class()
        if self.store.notice:
            # Over whatever screen opens first, so it is the first thing the learner reads.
            from gdtui.screens.notice import ProgressNotice

            self.call_after_refresh(self.push_screen, ProgressNotice(self.store))
        self.screen_change_signal.subscribe(self, lambda _screen: self.check_size())
        if self.area_file is not None:
            self.screen_change_signal.subscribe(self, lambda _screen: self._tell_area())
            self._tell_area()
        self.check_size()

    def _store_problem(self, message: str) -> None:
        """A write failed or a damaged row was skipped: the learner goes on and is told (after
        the next refresh, so a problem met while the first screen is built is still shown)."""
        self.call_after_refresh(self.notify, message, title="Progress file", severity="error",
                                timeout=10)

    def on_ready(self) -> None:
        # The first frame is shown. The command paused garbage collection for the start
        # (cli/main.py): turn it on again, leaving out of every later collection the objects of
        # the start, which live as long as the app.
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        self.set_timer(PRELOAD_AFTER, self._preload)

    def _preload(self) -> None:
        from gdtui.screens.preload import preload

        if len(self.screen_stack) > 1:
            # Only while the learner is at home: every way out of it waits for the imports
            # (wait_for_preload), so a screen's own lazy import never runs beside them.
            self.set_timer(PRELOAD_AFTER, self._preload)
            return
        self._read_styles()
        preload(lambda: self.post_message(ModulesLoaded()))

    def _read_styles(self) -> None:
        """Read every screen's stylesheet now, while only the home screen is styled. A file first
        read when its screen opens makes Textual parse the whole stylesheet again and restyle
        every screen kept so far, while the learner waits; read at the very start, it costs the
        first frame. (Each file nests its rules under its screen, so none reaches another.)"""
        base = Path(__file__).parent
        unread = [str((base / path).resolve()) for path in STYLES
                  if not self.stylesheet.has_source(str((base / path).resolve()), "")]
        if unread:
            for path in unread:
                self.stylesheet.read(path)
            self.stylesheet.reparse()
            self.stylesheet.update(self)

    @property
    def served(self) -> bool:
        """True under gdtui serve (which alone gives an area file): the learner is on a shared
        machine, where the app must not read files for them (the lab's data file)."""
        return self.area_file is not None

    def frame_seconds(self, seconds: float) -> float:
        """The pause between two redraws of a live screen: its own ``seconds``, or longer when
        ``--fps`` asks for fewer frames (a slow link)."""
        return seconds if self.fps is None else max(seconds, 1 / self.fps)

    def watch_theme(self, theme: str) -> None:
        # Saved as soon as it changes, so the next start looks the same.
        self.store.set_setting("theme", theme)

    # -- navigation (the areas' kept screens: screens/kept.py) ----------------------------------

    def open_lesson(self, lesson_id: str | None, section: str | None = None) -> None:
        """Open the lesson screen, on one lesson if given (else where the learner was), at one
        of its sections (an anchor) if given."""
        if lesson_id is None:
            self.open_area("lessons")
        else:
            self.open_area("lessons", lesson_id=lesson_id, section=section)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Show a web link instead of opening a browser: over SSH the browser would open on the
        server, not in front of the learner. The link also goes to the terminal's clipboard."""
        self.copy_to_clipboard(url)
        self.notify(f"{url}\n(copied to the clipboard, where the terminal allows it)",
                    title="Open this link in your browser", timeout=15)

    def action_open_class(self) -> None:
        """The class screen, kept for the session; only a teacher's gdtui has it."""
        if self.class_root is None:
            return
        if not self.is_screen_installed(CLASS):
            from gdtui.screens.classroom import ClassScreen

            self._keep(CLASS, ClassScreen(self.class_root))
        self._bring_up(self.get_screen(CLASS))

    def _tell_area(self) -> None:
        """Write the area shown (the top screen that belongs to one) for the teacher's view."""
        modules = {each.module: each.name for each in AREAS if each.module}
        shown = HOME
        for screen in reversed(self.screen_stack):
            kind = type(screen)
            name = modules.get(f"{kind.__module__}:{kind.__name__}") or getattr(screen, "AREA",
                                                                                None)
            if name:
                shown = name
                break
        if shown != self._area_told and self.area_file is not None:
            from gdtui.serve.presence import write_area

            self._area_told = shown
            write_area(self.area_file, shown)

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
        if action == "command_palette":
            # Textual's ctrl+p is a priority binding, so it would open the palette over the
            # size cover; and a second palette on the stack would end the app (DuplicateIds).
            return not any(isinstance(s, (TooSmallScreen, CommandPalette))
                           for s in self.screen_stack)
        return True

    def action_command_palette(self) -> None:
        """Open the command palette, unless one closed a moment ago is still being removed:
        the id Textual gives every palette is taken until then (DuplicateIds). (Not in
        check_action: the footers, drawn as the palette closes, would leave out its key.)"""
        # The app's own nodes are its screens, those being removed included.
        if not any(isinstance(node, CommandPalette) for node in self._nodes):
            super().action_command_palette()

    def action_help(self) -> None:
        """Show the keys and the help text of the current screen."""
        wait_for_preload()  # (see there: two threads must not import at once)
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
        if self.class_root is not None:
            yield SystemCommand("Class", "Every learner's progress (teachers only)",
                                self.action_open_class)

    @property
    def version(self) -> str:
        """The gdtui version, shown in help."""
        return __version__
