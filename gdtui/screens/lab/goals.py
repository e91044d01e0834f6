"""The Training Lab's presets and challenges: the dialogs to pick them, and the live judge.

`Goals` is owned by the lab screen, which hands it two of its own methods: `load(values, why)`
starts a new network from a preset's or a challenge's settings, and `pause()` stops training
once a challenge is passed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from textual.screen import Screen

from gdtui.screens.lab.dialogs import LoadPreset, PickChallenge, SavePreset
from gdtui.training.challenges import CHALLENGES, Challenge, challenge_by_id
from gdtui.training.fields import setting_text
from gdtui.training.settings import PRESETS, Settings
from gdtui.training.view import Snapshot, network_text, ranked_score, score_text
from gdtui.widgets.lab_status import LabStatus


class Goals:
    """Save and load presets; pick a challenge and judge the session against it."""

    def __init__(self, screen: Screen, load: Callable[[dict[str, Any], str], bool],
                 pause: Callable[[], None]) -> None:
        self.screen = screen
        self.challenge: Challenge | None = None
        self._load = load
        self._pause = pause
        self._recorded: str | None = None  # the passing verdict already saved

    @property
    def _store(self) -> Any:
        return self.screen.app.store

    # -- presets ------------------------------------------------------------------------------

    def save_preset(self, settings: Settings) -> None:
        """Ask for a name, then save `settings` under it."""
        data = PurePath(settings.data_file).stem if settings.data_file else settings.dataset
        suggestion = f"{data} {setting_text('hidden_layers', settings.hidden_layers)}"

        def save(name: str | None) -> None:
            if name:
                self._store.save_preset(name, settings.to_dict())
                self.screen.notify(f"Saved the preset '{name}'. Press p to load it again.")

        self.screen.app.push_screen(SavePreset(suggestion, list(PRESETS)), save)

    def load_preset(self) -> None:
        """Pick a built-in or saved preset, then load it."""
        self.screen.app.push_screen(LoadPreset(list(PRESETS), list(self._store.presets())),
                                    self._load_preset)

    def _load_preset(self, name: str | None) -> None:
        if name:
            saved = self._store.presets()
            values = saved[name] if name in saved else PRESETS[name]
            self._load(values, f"new network: loaded the preset '{name}'")

    # -- challenges ---------------------------------------------------------------------------

    def best_text(self, challenge: Challenge) -> str | None:
        """The saved best result of a challenge in words, or None."""
        best = self._store.challenge_bests().get(challenge.id)
        return None if best is None else score_text(challenge, best[0])

    def pick_challenge(self) -> None:
        """Pick a challenge, or go back to free play."""
        bests = {c.id: text for c in CHALLENGES if (text := self.best_text(c))}
        current = self.challenge.id if self.challenge else None
        self.screen.app.push_screen(PickChallenge(CHALLENGES, bests, current),
                                    self._pick_challenge)

    def _pick_challenge(self, challenge_id: str | None) -> None:
        if challenge_id is None:
            return
        if not challenge_id:
            self.challenge = None
            self.screen.query_one(LabStatus).show_challenge(None)
            self.screen.notify("Free play: no challenge.")
            return
        challenge = challenge_by_id(challenge_id)
        if self._load(challenge.start, f"challenge '{challenge.title}'"):
            self.challenge = challenge
            self.screen.notify(challenge.goal, title=challenge.title, timeout=8)

    def forget_pass(self) -> None:
        """A new network or an undo: a pass from now on is recorded again."""
        self._recorded = None

    def judge(self, view: Snapshot) -> None:
        """Show the verdict; the first time a run passes, save the score and pause."""
        challenge, verdict = self.challenge, view.verdict
        status = self.screen.query_one(LabStatus)
        if challenge is None or verdict is None:
            status.show_challenge(None)
            return
        if verdict.passed and verdict.score is not None and self._recorded != verdict.message:
            self._recorded = verdict.message
            ranked = ranked_score(challenge, verdict.score)
            score = score_text(challenge, ranked)
            best = self._store.record_challenge(
                challenge.id, ranked,
                f"{network_text(view.layer_sizes, view.settings)}: {verdict.message}")
            self._pause()
            self._store.log("lab", f"did the challenge {challenge.title}: {score}")
            self.screen.notify(f"{verdict.message}. Score: {score}"
                               + (", a new best!" if best else "."),
                               title=challenge.title, timeout=8)
        best = self.best_text(challenge)
        status.show_challenge(f"{challenge.title}: {verdict.message}"
                              + (f" · your best: {best}" if best else ""))
