"""A learner whose gdtui keeps a core busy (the lab training at full speed) yields the CPU to
the rest of the class, and has its priority back once it stops; served apps do not animate."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gdtui.serve.child import child_environment
from gdtui.serve.yielding import (
    BUSY_SHARE,
    CALM_SHARE,
    WINDOW,
    YIELD_NICE,
    CpuWatch,
    group_nice,
    runnable_seconds,
    set_yielding,
)
from tests.test_serve import Server, login, quit_app, write_keys

STEP = 0.25  # how often a session samples its child


def feed(watch: CpuWatch, share: float, seconds: float, start: float = 0.0,
         total: float = 0.0, tid: int = 7) -> tuple[list[bool | None], float, float]:
    """Samples of one thread runnable ``share`` of the time for ``seconds``; the changes
    ``watch`` asked for, and where time and the thread's total got to."""
    changes = []
    now = start
    while now < start + seconds - 1e-9:
        now += STEP
        total += share * STEP
        changes.append(watch.sample(now, {1: 0.0, tid: total}))
    return changes, now, total


def test_a_thread_that_wants_a_whole_core_makes_its_child_yield_after_a_window():
    watch = CpuWatch()
    changes, now, total = feed(watch, 1.0, WINDOW - STEP)
    assert changes == [None] * len(changes)  # judged only once a whole window is seen
    changes, now, total = feed(watch, 1.0, 2 * STEP, now, total)
    assert True in changes


def test_a_learner_reading_never_yields():
    watch = CpuWatch()
    changes, *_ = feed(watch, BUSY_SHARE * 0.8, 5 * WINDOW)
    assert set(changes) == {None}


def test_a_yielding_child_gets_its_priority_back_once_calm_and_not_while_in_between():
    watch = CpuWatch()
    changes, now, total = feed(watch, 1.0, 2 * WINDOW)
    assert True in changes
    watch.yielding = True
    between = (BUSY_SHARE + CALM_SHARE) / 2  # neither busy nor calm: no flapping
    changes, now, total = feed(watch, between, 3 * WINDOW, now, total)
    assert set(changes) == {None}
    changes, now, total = feed(watch, CALM_SHARE / 2, 2 * WINDOW, now, total)
    assert False in changes


def test_a_new_thread_is_judged_once_it_has_been_seen_for_a_window():
    watch = CpuWatch()
    changes, now, _ = feed(watch, 0.0, WINDOW, tid=7)
    assert set(changes) == {None}
    changes, now, total = feed(watch, 1.0, WINDOW - STEP, now, tid=8)  # a new run, flat out
    assert set(changes) == {None}
    changes, *_ = feed(watch, 1.0, 2 * STEP, now, total, tid=8)
    assert True in changes


@pytest.mark.e2e
def test_a_busy_child_yields_and_gets_its_priority_back(tmp_path):
    """A process in a session of its own, with a thread spinning: its group's nice goes to
    YIELD_NICE and back to 0, and the spinning thread's nice stays down."""
    script = tmp_path / "spin.py"
    script.write_text("import threading, time\n"
                      "threading.Thread(target=lambda: [None for _ in iter(int, 1)],"
                      " daemon=True).start()\n"
                      "time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        threads = runnable_seconds(child.pid)
        while (threads is None or len(threads) < 2) and time.monotonic() < deadline:
            time.sleep(0.05)
            threads = runnable_seconds(child.pid)
        assert threads is not None and len(threads) == 2
        watch = CpuWatch()
        change = None
        while change is None and time.monotonic() < deadline:
            change = watch.sample(time.monotonic(), runnable_seconds(child.pid))
            time.sleep(STEP)
        assert change is True
        while not set_yielding(child.pid, True):  # the kernel takes one change at a time
            time.sleep(0.05)
        spinner = next(tid for tid in runnable_seconds(child.pid) if tid != child.pid)
        assert os.getpriority(os.PRIO_PROCESS, spinner) == YIELD_NICE
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == 0  # its screen's thread is not
        if group_nice(child.pid) is not None:
            assert group_nice(child.pid) == YIELD_NICE
            while not set_yielding(child.pid, False):
                time.sleep(0.05)
            assert group_nice(child.pid) == 0
    finally:
        child.kill()
        child.wait()


def test_a_served_app_does_not_animate():
    """Smooth scrolling draws many frames for one key: over SSH, on a shared server, each
    costs every learner CPU and bandwidth. A served app jumps instead."""
    env = child_environment("xterm-256color", {}, Path("/nowhere"))
    assert env["TEXTUAL_ANIMATIONS"] == "none"


@pytest.mark.e2e
async def test_a_learner_training_flat_out_yields_to_the_class_until_they_pause(tmp_path):
    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519")
    root = tmp_path / "serve"
    root.mkdir()
    write_keys(root / "authorized_keys", key)
    server = Server(root)
    try:
        conn, chan, terminal = await login(server, "trainer", key)
        await terminal.wait_for("Lessons read")
        chan.write(b"4")
        await terminal.wait_for("space: train")
        chan.write(b" ")
        await terminal.wait_for("▶ step")
        chan.write(b"f")
        await terminal.wait_for("speed      fast")
        line = await server.await_log("busy (wants a whole core): it yields to the others", 30)
        assert "'trainer'" in line
        pid = int(server.wait_log("session for 'trainer'").rsplit("pid ", 1)[1])
        if group_nice(pid) is not None:
            assert group_nice(pid) == YIELD_NICE
        chan.write(b" ")  # pause
        await terminal.wait_for("⏸ step")
        await server.await_log("no longer busy: its priority is back", 30)
        if group_nice(pid) is not None:
            assert group_nice(pid) == 0
        assert await quit_app(chan, terminal) == 0
        conn.close()
    finally:
        assert server.stop() == 0


@pytest.mark.e2e
def test_the_load_benchmark_drives_a_reader_for_a_few_keys():
    path = Path(__file__).parent.parent / "benchmarks" / "serve_load.py"
    spec = importlib.util.spec_from_file_location("serve_load", path)
    serve_load = importlib.util.module_from_spec(spec)
    sys.modules["serve_load"] = serve_load  # its dataclass looks itself up there
    try:
        spec.loader.exec_module(serve_load)
    finally:
        del sys.modules["serve_load"]
    levels = serve_load.main(["--learners", "1", "--seconds", "2", "--think", "0.05,0.1",
                              "--json"])
    reader = levels[0]["reader"]
    assert reader["keys"] >= 3 and reader["lost"] == 0
    assert levels[0]["learner_rss_median"] > 0

