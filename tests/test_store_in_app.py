"""What the learner sees when the progress file is damaged, read-only or on a full disk: the app
says so and goes on, and `gdtui cards stats` says so too."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from gdtui.screens.notice import ProgressNotice
from gdtui.store import DB_NAME, Store
from tests.conftest import screen_text, wait_for_text, wait_until, write_lesson
from tests.test_store_safety import as_a_user_bound_by_permissions, on_a_small_disk

ROOT = Path(__file__).resolve().parents[1]


def damage(data_dir: Path) -> None:
    Store.open(data_dir).close()
    (data_dir / DB_NAME).write_bytes(b"not a database " * 200)


async def test_a_moved_aside_file_is_told_at_every_start_until_the_learner_has_read_it(
    make_app, tmp_path
):
    data = tmp_path / "data"
    damage(data)
    app = make_app(data_dir=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ProgressNotice))
        copy = next(data.glob(f"{DB_NAME}.damaged-*"))
        await wait_for_text(pilot, "Your progress file", "could not be read")
        assert str(copy) in app.screen.query_one("#notice-text").render().plain
        await pilot.press("escape")  # remind me next time
        await wait_until(pilot, lambda: not isinstance(app.screen, ProgressNotice))
    app = make_app(data_dir=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ProgressNotice))
        await pilot.press("enter")  # got it, don't show again
        await wait_until(pilot, lambda: not isinstance(app.screen, ProgressNotice))
        assert "Welcome" in screen_text(app) or app.screen.id != "notice"
    app = make_app(data_dir=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await wait_until(pilot, lambda: app.screen.is_mounted)
        assert not isinstance(app.screen, ProgressNotice)
        assert app.store.notice is None


async def test_a_notice_opens_over_the_area_asked_for_and_fits_80x24(make_app, tmp_path):
    data = tmp_path / "data"
    damage(data)
    app = make_app(data_dir=data, start_screen="guess")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ProgressNotice))
        await wait_for_text(pilot, "Got it, don't show again", "Remind me next time")
        # (the text itself wraps where the copy's path ends, so read it from its widget)
        assert "rename it to" in app.screen.query_one("#notice-text").render().plain
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "GuessScreen")


async def test_a_damaged_setting_is_skipped_with_a_word_and_the_app_starts(make_app, tmp_path):
    data = tmp_path / "data"
    store = Store.open(data)
    store.connection.execute("INSERT INTO settings VALUES ('theme', '{oops')")
    store.close()
    app = make_app(data_dir=data)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: any("could not be read (the setting 'theme')" in n.message
                                            for n in app._notifications))
        assert app.is_running


SESSION = """
import asyncio, json, os, sys
sys.path.insert(0, {root!r})
from gdtui.app import GdtuiApp
from pathlib import Path
from gdtui.screens.notice import ProgressNotice
from gdtui.store import Store
from tests.conftest import wait_until

async def main():
    data = {data}
    store = Store.open(data)
    {before}
    app = GdtuiApp(store=store, lessons_dir=Path({lessons!r}))
    shown = []
    async with app.run_test(size=(100, 30)) as pilot:
        if store.notice:
            await wait_until(pilot, lambda: isinstance(app.screen, ProgressNotice))
            shown.append(store.notice)
            await pilot.press("enter")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await pilot.press("1")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen")
        await pilot.press("end", "pagedown")
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await pilot.press("2")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CardsScreen")
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen.view == "review"
                                        and app.screen.query_one("ReviewPane").phase == "question")
        await pilot.press("space")
        await wait_until(pilot, lambda: app.screen.query_one("#grades").display)
        await pilot.press("3")
        await wait_until(pilot, lambda: any("Could not save this grade" in n.message
                                            for n in app._notifications))
        shown += [n.message for n in app._notifications]
        running = app.is_running
    print(json.dumps({{"running": running, "shown": shown}}))

asyncio.run(main())
"""


def one_card_course(tmp_path: Path) -> Path:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_lesson(lessons, "01-loss.md", id="loss", order=1,
                 body="Text.\n\n## Flashcards\n\nQ: What does a loss give?\nA: One number.\n")
    return lessons


def test_the_app_on_a_read_only_file_says_so_and_never_crashes(tmp_path):
    data = tmp_path / "data"
    store = Store.open(data)
    store.mark_read("loss")
    store.close()
    (data / DB_NAME).chmod(0o444)
    before = (data / DB_NAME).read_bytes()
    code = SESSION.format(root=str(ROOT), data=repr(str(data)), before="",
                          lessons=str(one_card_course(tmp_path)))
    result = subprocess.run([*as_a_user_bound_by_permissions(), sys.executable, "-c", code],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["running"]
    assert "is read-only, so nothing you do this time will be saved" in outcome["shown"][0]
    assert any("Could not save this grade (it is read-only)" in m for m in outcome["shown"])
    assert (data / DB_NAME).read_bytes() == before


def test_the_app_on_a_disk_that_fills_mid_session_says_so_and_never_crashes(tmp_path):
    fill = """
        with open(os.path.join(data, "filler"), "wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"x" * 4096)
            except OSError:
                pass"""
    code = SESSION.format(root=str(ROOT), data='os.environ["DISK"]',
                          lessons=str(one_card_course(tmp_path)),
                          before=textwrap.dedent(fill).strip().replace("\n", "\n    "))
    outcome = on_a_small_disk(tmp_path, code)
    assert outcome["running"]
    assert any("Could not save your progress just now (the disk is full)" in m
               for m in outcome["shown"])
    assert any("Could not save this grade (the disk is full)" in m for m in outcome["shown"])


def test_cards_stats_tells_about_a_moved_aside_file_every_time(tmp_path):
    data = tmp_path / "data"
    damage(data)
    command = [sys.executable, "-m", "gdtui", "cards", "stats", "--data-dir", str(data)]
    for _ in range(2):  # the first run moves it aside; the next one still says so
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "Cards:" in result.stdout
        copy = next(data.glob(f"{DB_NAME}.damaged-*"))
        assert f"was moved to {copy}" in result.stderr
    assert len(list(data.glob(f"{DB_NAME}.damaged-*"))) == 1
