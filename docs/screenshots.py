"""Save SVG screenshots of gdtui's screens (used by the README), taken by the app itself.

    python docs/screenshots.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from gdtui.app import GdtuiApp
from gdtui.store import Store
from gdtui.training.settings import PRESETS

DOCS = Path(__file__).resolve().parent


async def shoot(name: str, keys: list[str], size=(100, 30), setup=None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp))
        if setup:
            setup(store)
        app = GdtuiApp(store=store)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.3)
            for key in keys:
                if key == "wait":  # let a live screen (the lab) run for a moment
                    await pilot.pause(2.0)
                    continue
                await pilot.press(key)
                await pilot.pause(0.3)
            app.save_screenshot(filename=f"{name}.svg", path=str(DOCS))
        store.close()
    print(f"saved docs/{name}.svg")


async def main() -> None:
    await shoot("home", [])
    await shoot("lesson", ["1", "pagedown"])
    await shoot("guess", ["3", "2", "n", "n", "n", "n", "n", "n"])
    await shoot("backprop", ["5", "space", "space", "space"])
    await shoot("lab", ["4", "f", "space", "wait", "space"])  # f: full speed, for a curve
    await shoot("cards", ["2", "r", "space"])
    await shoot("landscape", ["6", "space", "wait"])
    await shoot("too-small", ["4"], size=(60, 18))
    await shoot("network", ["4", "f", "space", "wait", "space", "v", "left", "left", "down"])
    digits = ["4", "p", *["down"] * list(PRESETS).index("digits"), "enter"]
    await shoot("digits", [*digits, "f", "space", "wait", "space"], size=(120, 40))
    one = ["d", *["up"] * 7, "space", *["down"] * 14, "space"]  # a 1, pen down and up again
    await shoot("draw", [*digits, "f", "space", "wait", "space", *one])


if __name__ == "__main__":
    asyncio.run(main())
