"""One screen per area for the whole session (see gdtui/app.py): made on the first visit, or
ahead of it while the learner reads the home screen, and shown again as it was.

`KeptAreas` is the part of the app that opens areas; `set_breakpoints` gives a new screen the
classes Textual would otherwise add in a second styling pass.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.screen import Screen

from gdtui.areas import AREAS, HOME, area
from gdtui.screens.preload import wait_for_preload
from gdtui.screens.too_small import DEFAULT_MIN_SIZE, too_small_message

if TYPE_CHECKING:
    from textual.app import App

    _Base = App
else:
    _Base = object


class ModulesLoaded(Message):
    """The screens' modules are imported (screens/preload.py): screens may be built ahead."""


def set_breakpoints(screen: Screen, size: tuple[int, int]) -> None:
    """Give a new screen the classes of its breakpoints (`-narrow`, ...) for the terminal's
    size before it is shown. Textual adds them when the screen first gets its size, which
    then styles the whole screen a second time, a cost the learner waits for."""
    for dimension, breakpoints in zip(size, (screen.HORIZONTAL_BREAKPOINTS,
                                             screen.VERTICAL_BREAKPOINTS), strict=True):
        names = [name for _, name in breakpoints or ()]
        chosen = next((name for least, name in sorted(breakpoints or (), reverse=True)
                       if dimension >= least), None)
        for name in names:
            screen.set_class(name == chosen, name, update=False)


def screen_class(module: str) -> type[Screen]:
    """The screen class named ``package.module:ClassName`` (imported now if need be)."""
    module_name, _, class_name = module.partition(":")
    wait_for_preload()
    return getattr(importlib.import_module(module_name), class_name)


class KeptAreas(_Base):
    """Opening areas on their kept screens; mixed into the app."""

    build_ahead = False
    """Build the screens that allow it (`BUILD_AHEAD = True`) while the learner is at home."""

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
            kept = self._keep(name, screen_class(found.module)(**options))
            options = {}  # taken by the new screen
        self._bring_up(kept)
        if options:
            kept.reopen(**options)

    def kept_screen(self, name: str) -> Screen | None:
        """The screen kept for an area this session, or None before it is made."""
        return self.get_screen(name) if self.is_screen_installed(name) else None

    def go_home(self) -> None:
        """Pop every screen above the home screen."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _keep(self, name: str, screen: Screen) -> Screen:
        self.install_screen(screen, name)
        set_breakpoints(screen, self.size)
        return screen

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
        self.build_ahead = False  # nothing more is built while the app closes
        for screen in list(self._installed_screens.values()):
            # (A screen built ahead a moment ago may not have run its on_mount yet: removing it
            # would run that on a half-removed screen. It has nothing to save: leave it be.)
            if screen.is_attached and screen.is_mounted and screen not in self.screen_stack:
                await screen.remove()
        await super()._close_all()

    async def on_modules_loaded(self, _: ModulesLoaded) -> None:
        """Build one screen ahead, then ask for the next: a key pressed meanwhile waits for
        one screen at most."""
        if self.build_ahead and await self._build_one_ahead():
            self.post_message(ModulesLoaded())

    async def _build_one_ahead(self) -> bool:
        """Mount the next screen that allows it, unseen, while the learner is at home: its
        first visit is then as quick as a second. False when there is none (or not now)."""
        if self._exit or self._closing:
            return False  # quitting: a screen mounted now would be torn down half-built
        if len(self.screen_stack) > 1:
            return False  # the learner has gone somewhere: the areas open as they are visited
        for each in AREAS:
            if not each.module or self.is_screen_installed(each.name):
                continue
            kind = screen_class(each.module)
            need = getattr(kind, "MIN_SIZE", DEFAULT_MIN_SIZE)
            if not getattr(kind, "BUILD_AHEAD", False) or too_small_message(self.size, need):
                continue
            screen = self._keep(each.name, kind())
            with self.batch_update():  # nothing of it is drawn
                await self.push_screen(screen)
                self.pop_screen()
            return True
        return False
