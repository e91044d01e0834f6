"""A training history stays the same size however long a run goes, and keeps what the chart,
the hints, the challenges and undo need; hints and the judge read a fixed amount of it."""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import dataclass

import numpy as np

from gdtui.training.challenges import CHALLENGES, challenge_by_id, judge
from gdtui.training.hints import hints
from gdtui.training.history import KEPT_EVALUATIONS, RECENT_EVALUATIONS, Evaluation, History
from gdtui.training.session import TrainingSession
from gdtui.training.settings import Settings


def overfitting_curve(step: int, turn: int) -> tuple[float, float]:
    """(train, validation) losses: training falls for ever; validation falls, then turns up
    at step `turn` and climbs."""
    train = 1.0 / (1.0 + step / 100)
    validation = 0.5 - 0.3 * step / turn if step <= turn else 0.2 + 0.5 * (step - turn) / turn
    return train, validation


def feed(history: History, n: int, turn: int, every: int = 10, make=Evaluation) -> None:
    """Add evaluations number history.count to n - 1, every `every` steps, on the curve."""
    for number in range(history.count, n):
        step = number * every
        train, validation = overfitting_curve(step, turn)
        history.add(make(step, train, validation, 0.9, 0.8))


def test_the_record_stays_under_its_bound_over_200_000_evaluations():
    history, longest = History(), 0
    for n in range(997, 200_001, 997):  # (checking after every one would take minutes)
        feed(history, n, turn=300_000)
        longest = max(longest, len(history.evaluations))
    feed(history, 200_000, turn=300_000)
    assert history.count == 200_000
    assert longest <= KEPT_EVALUATIONS + 2  # the thinned record, the best and the latest
    assert len(history.evaluations) >= KEPT_EVALUATIONS // 2
    assert len(history.recent) == RECENT_EVALUATIONS


def test_the_record_keeps_the_first_the_turn_up_and_the_latest_evenly_spread():
    history = History()
    feed(history, 200_003, turn=123_450)  # the best validation loss is at step 123,450
    record = history.evaluations
    steps = [e.step for e in record]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert steps[0] == 0 and steps[-1] == 2_000_020  # the first and the latest
    best = min(record, key=lambda e: e.validation_loss)
    assert best.step == 123_450 == history.best.step  # where the curve turns up
    assert best.validation_loss < record[steps.index(123_450) + 1].validation_loss  # it rises
    others = [step for step in steps if step not in (123_450, 2_000_020)]
    assert len(set(np.diff(others))) == 1  # the rest are evenly spread
    assert history.since_best == (2_000_020 - 123_450) // 10


def test_a_history_copy_is_what_undo_goes_back_to():
    history = History()
    feed(history, 3000, turn=5000)
    saved = history.copy()
    before = (saved.evaluations, list(saved.recent), saved.best, saved.count)
    feed(history, 9000, turn=5000)  # enough to thin the record again
    assert history.spacing > saved.spacing
    assert (saved.evaluations, list(saved.recent), saved.best, saved.count) == before


def test_a_session_keeps_its_memory_flat_after_the_record_fills():
    # eval_every=1 fills the record in 1,024 steps; every step then evaluates, so a growing
    # history would show up at once
    tracemalloc.start()  # (it sees only what is made after it starts)
    try:
        session = TrainingSession(Settings(n_points=40, hidden_layers=(4,), eval_every=1))
        session.run(4000, save_undo=False)
        gc.collect()  # (copies of the random generator leave cycles behind: garbage, not growth)
        before = tracemalloc.get_traced_memory()[0]
        session.run(4000, save_undo=False)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert session.history.count == 8001
    assert len(session.history.evaluations) <= KEPT_EVALUATIONS + 2
    assert grown < 20_000  # bytes; a history of every step grew by 1.1 MB here


def test_undo_after_the_record_was_thinned_restores_it_exactly():
    session = TrainingSession(Settings(n_points=40, hidden_layers=(4,), eval_every=1))
    session.run(1500)
    record, spacing = session.history.evaluations, session.history.spacing
    session.run(2000)
    assert session.history.spacing > spacing
    assert session.undo()
    assert (session.history.evaluations, session.history.spacing) == (record, spacing)
    assert session.history.latest.step == session.step == 1500


# --- hints and the judge read a fixed number of evaluations ---------------------------------

READS = [0]


class CountedEvaluation(Evaluation):
    """An Evaluation that counts how often its numbers are read."""

    __slots__ = ()

    def __getattribute__(self, name: str):
        if name in Evaluation.__dataclass_fields__:
            READS[0] += 1
        return object.__getattribute__(self, name)


@dataclass
class FakeRun:
    """What hints and the judge read from a session (training.state.TrainingState)."""

    settings: Settings
    history: History
    step: int
    status: str = "ok"
    trouble: object = None
    network: object = None  # read only for ReLU's dead units
    train_features: object = None
    is_classification: bool = True


def reads(run: FakeRun, read) -> tuple[int, object]:
    READS[0] = 0
    result = read(run)
    return READS[0], result


def test_hints_read_as_much_after_200_000_evaluations_as_after_200():
    runs = []
    for n in (200, 200_000):
        history = History()
        feed(history, n, turn=100, make=CountedEvaluation)  # overfitting from step 100
        runs.append(FakeRun(Settings(), history, step=10 * (n - 1)))
    (short_reads, short_hints), (long_reads, long_hints) = (reads(run, hints) for run in runs)
    assert short_reads == long_reads < 50
    assert any("overfitting" in hint for hint in short_hints)
    assert long_hints == short_hints  # the best was kept: the hint still fires


def test_the_judge_reads_only_the_evaluations_within_the_challenges_steps():
    challenge = challenge_by_id("wave-rider")  # validation loss at most 0.02 within 300 steps
    runs = []
    for n in (31, 1000):  # up to step 300; up to step 9,990
        history = History()
        feed(history, n, turn=10**9, make=CountedEvaluation)
        runs.append(FakeRun(challenge.settings(), history, step=10 * (n - 1),
                            is_classification=False))
    (short_reads, short_verdict), (long_reads, long_verdict) = (
        reads(run, lambda r: judge(challenge, r)) for run in runs)
    assert short_reads < 50
    assert long_reads < short_reads + 12  # and a binary search for step 300 in the record
    assert short_verdict == long_verdict
    assert long_verdict.message.startswith("not yet: best validation loss so far 0.5000")


def test_the_record_holds_every_evaluation_a_challenge_is_judged_on():
    # a challenge's run stops at its max_steps, before the record is ever thinned
    for challenge in CHALLENGES:
        settings = challenge.settings()
        assert challenge.max_steps <= KEPT_EVALUATIONS * settings.eval_every, challenge.id
