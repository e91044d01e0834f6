"""A flood of keys (a paste without bracketed paste, keys piped over SSH) is bounded: past a
bound the app ignores keys and says how many, and it keeps answering (widgets/key_flood.py)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from textual import events
from textual.drivers import headless_driver

from gdtui.course.lessons import load_course
from gdtui.widgets.key_flood import KEYS_LIMIT, key_bound
from tests.conftest import wait_until
from tests.test_screen_lab import open_lab
from tests.tmux_terminal import Terminal

FLOOD = 5_000

LESSONS = len(load_course().lessons)


def waiting_on_key_path(app) -> int:
    start = app.focused or app.screen
    return sum(node.message_queue_size for node in start.ancestors_with_self)


def flood(app, key: str, count: int) -> None:
    """Keys as the terminal driver hands them over when they come faster than the app acts:
    the driver's input thread sends them all while the app is busy (here: blocked until the
    thread is done), each to the app's event loop."""
    def read_terminal() -> None:
        for _ in range(count):
            app._driver.send_message(events.Key(key, key if len(key) == 1 else None))

    reader = threading.Thread(target=read_terminal)
    reader.start()
    reader.join()


@pytest.fixture(params=["textual's driver", "gdtui's key-bound driver"])
def driver(request, monkeypatch):
    """Pilot tests run on Textual's headless driver; the real terminal's driver is gdtui's
    key-bound one (KeyFloodGuard.get_driver_class), tried here on the headless driver."""
    if request.param == "gdtui's key-bound driver":
        monkeypatch.setattr(headless_driver, "HeadlessDriver",
                            key_bound(headless_driver.HeadlessDriver))
    return request.param


async def test_a_paste_of_thousands_of_keys_is_bounded_told_and_the_app_still_answers(
        make_app, driver):
    seen = {"most_waiting": 0, "keys_taken": 0}
    app = None

    def watch(message) -> None:
        if app is None or not app.screen_stack:
            return
        seen["most_waiting"] = max(seen["most_waiting"], waiting_on_key_path(app))
        if isinstance(message, events.Key) and not message.is_forwarded:
            seen["keys_taken"] += 1  # the app takes a key it was handed

    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=watch) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        flood(app, "z", FLOOD)
        await wait_until(pilot, lambda: any("keys were ignored" in n.message
                                            for n in app._notifications))
        assert seen["most_waiting"] <= KEYS_LIMIT + 20
        assert seen["keys_taken"] <= KEYS_LIMIT + 20
        ignored = FLOOD - seen["keys_taken"]
        told = f"{ignored:,} keys were ignored: they came faster than gdtui can act on them."
        assert [n.message for n in app._notifications] == [told]
        await pilot.press("1")  # the next key acts: the first lesson opens
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen")


async def test_ctrl_q_quits_in_the_middle_of_a_flood(make_app, driver):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        flood(app, "z", FLOOD)
        flood(app, "ctrl+q", 1)
        flood(app, "z", FLOOD)
        await wait_until(pilot, lambda: app._exit)
    assert app.return_code == 0


async def test_500_keys_sent_at_once_all_act(make_app, driver):
    # (reliability review 6.4: 500 n in one tmux send-keys made exactly 500 steps; keep it so)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        flood(app, "n", 500)
        await wait_until(pilot, lambda: lab.session.step == 500)
        await pilot.pause()
        assert lab.session.step == 500
        assert not any("ignored" in n.message for n in app._notifications)


@pytest.mark.e2e
def test_a_paste_without_bracketed_paste_in_a_real_terminal(tmp_path):
    # 100 KiB of keys at once, as tmux pastes without bracketed paste: the real terminal's
    # driver (gdtui's key-bound one) drops most in its input thread, the learner is told, and
    # the next key acts.
    gdtui = Path(sys.executable).with_name("gdtui")
    paste = tmp_path / "paste.txt"
    paste.write_text("z" * 100 * 1024)
    term = Terminal(f"{gdtui} --data-dir {tmp_path / 'data'}; echo gdtui-exited-$?; sleep 30")
    try:
        term.wait_for(f"Lessons read: 0 of {LESSONS}", "Quit")
        term.tmux("load-buffer", str(paste))
        term.tmux("paste-buffer", "-t", "main")
        shown = term.wait_for("keys were ignored", timeout=120)
        assert "Keys ignored" in shown
        # On a busy machine tmux may still be pasting when the first word comes (it comes every
        # few seconds of a long flood), and a key inside the flood is ignored with it: press 1
        # until the flood has passed and it acts.
        for attempt in range(12):
            term.keys("1")
            try:
                term.wait_for("Lesson 1: A network that guesses", timeout=10)
                break
            except AssertionError:
                if attempt == 11:
                    raise
        term.keys("q")
        term.wait_for("gdtui-exited-0")
    finally:
        term.close()
