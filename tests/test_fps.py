"""`gdtui --fps N`: the live screens redraw at most N times a second (the Lab's own tests are in
test_screen_lab.py)."""

from __future__ import annotations

from gdtui.screens.guess.screen import GuessScreen
from gdtui.screens.guess.watch import WatchPane
from gdtui.screens.landscape import LandscapeScreen


async def watch_pane(app, pilot) -> WatchPane:
    app.animation_level = "none"
    app.open_area("guess", secret=37)
    await pilot.pause()
    assert isinstance(app.screen, GuessScreen)
    await pilot.press("2")
    return app.screen.query_one("#watch-pane", WatchPane)


async def test_the_watched_game_guesses_at_its_speed_without_fps(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await watch_pane(app, pilot)
        assert pane.guess_seconds == 0.5  # normal
        await pilot.press("f")
        assert pane.guess_seconds == 0.1  # fast


async def test_fps_2_slows_the_watched_game_to_two_guesses_a_second(make_app):
    app = make_app(fps=2)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await watch_pane(app, pilot)
        seconds = []
        for _ in range(3):  # normal, fast, slow
            seconds.append(pane.guess_seconds)
            await pilot.press("f")
        assert seconds == [0.5, 0.5, 1.0]


async def walk_seconds(app, pilot) -> tuple[float, int]:
    """(seconds, frames) the walks of the landscape take from the start to the end."""
    app.open_area("landscape")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LandscapeScreen)
    screen.shown, screen.playing, frames = 0, True, 0
    while screen.playing:
        screen._tick()
        frames += 1
    assert screen.shown == screen.explorer.longest
    return frames * screen.frame_seconds, frames


async def test_fps_2_shows_the_walks_in_fewer_frames_that_take_as_long(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        seconds, frames = await walk_seconds(app, pilot)
    slow_app = make_app(fps=2)
    async with slow_app.run_test(size=(80, 24)) as pilot:
        slow_seconds, slow_frames = await walk_seconds(slow_app, pilot)
        assert slow_app.screen.frame_seconds == 0.5
    assert slow_frames < frames / 4
    assert abs(slow_seconds - seconds) < 0.15 * seconds
