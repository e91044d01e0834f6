"""CPU time of one lesson change (n or p in a lesson) until the whole lesson is in, at 80x24.

Under `gdtui serve` every learner's gdtui shares the machine's cores, so what a page turn or a
lesson change costs in CPU sets how many readers one machine answers quickly (see
benchmarks/serve_load.py). Prints the mean over 21 changes through the shipped course.

    python benchmarks/lesson_change.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from gdtui.app import GdtuiApp
from gdtui.screens.lesson import LessonScreen
from gdtui.store import Store
from gdtui.widgets.lesson_text import LessonText

CHANGES = 21


async def settle(app, pilot) -> None:
    """Wait until the lesson on screen has all its parts in."""
    for _ in range(1000):
        await pilot.pause()
        screen = app.screen
        if (isinstance(screen, LessonScreen) and screen.settled
                and screen.query_one(LessonText).complete):
            return
    raise SystemExit("the lesson never settled")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder))
        app = GdtuiApp(store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_lesson(app.course.lessons[0].id)
            await settle(app, pilot)
            lessons = len(app.course.lessons)
            spent = 0.0
            for change in range(CHANGES):
                key = "n" if (change // (lessons - 1)) % 2 == 0 else "p"
                started = time.process_time()
                await pilot.press(key)
                await settle(app, pilot)
                spent += time.process_time() - started
        store.close()
    print(f"CPU per lesson change (n/p, until the whole lesson is in, 80x24): "
          f"{spent / CHANGES * 1000:.0f} ms over {CHANGES} changes")


if __name__ == "__main__":
    asyncio.run(main())
