"""Import every area's screen module in the background once the home screen is drawn.

The app imports a screen's module only when its area first opens, which keeps the start quick,
but then the learner's first visit waits for the imports (NumPy alone takes 0.1 to 0.2 s, the
lesson reader's Markdown 0.1 s). Done on a thread while the learner reads the home screen, the
first visit finds them loaded. Imports only: nothing is built, nothing touches the app.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

from gdtui.areas import AREAS

# Besides the areas' screens: what the help box and the charts use.
ALSO = ("gdtui.screens.help", "rich.markdown", "textual_plotext")


def modules() -> list[str]:
    """The modules to load: each built area's screen, then the rest."""
    return [each.module.partition(":")[0] for each in AREAS if each.module] + list(ALSO)


_running: threading.Thread | None = None


def preload(done: Callable[[], None] | None = None) -> threading.Thread:
    """Start importing `modules()` on a daemon thread (it never holds up the exit); `done` is
    called on that thread at the end."""
    global _running
    thread = threading.Thread(target=_import_all, args=(done,), name="gdtui-preload",
                              daemon=True)
    thread.start()
    _running = thread
    return thread


def wait_for_preload() -> None:
    """Let the preloading finish before the app imports a screen itself. Two threads importing
    at once can meet in a package whose modules import each other (plotext does) and one of
    them gets a half-initialized module: an ImportError. The wait is no longer than the
    imports the app would otherwise do itself."""
    if _running is not None and _running is not threading.current_thread():
        _running.join()


def _import_all(done: Callable[[], None] | None) -> None:
    for name in modules():
        try:
            importlib.import_module(name)
        except Exception:  # the area's own open will show the error
            continue
    if done is not None:
        done()
