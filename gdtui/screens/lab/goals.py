"""The Training Lab's presets and challenges: dialogs to pick them, and the live judge.

`PresetsAndChallenges` is mixed into LabScreen, which provides `session`, `pause()` and
`load_settings()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gdtui.screens.lab.dialogs import LoadPreset, PickChallenge, SavePreset
from gdtui.training.challenges import CHALLENGES, Challenge, challenge_by_id
from gdtui.training.fields import field_text
from gdtui.training.settings import PRESETS
from gdtui.training.view import Snapshot, network_text, ranked_score, score_text
from gdtui.widgets.lab_status import LabStatus

if TYPE_CHECKING:
    from gdtui.screens.lab.screen import LabScreen

    _Base = LabScreen
else:
    _Base = object


class PresetsAndChallenges(_Base):
    """Save and load presets; pick a challenge and judge the session against it."""

    challenge: Challenge | None = None
    _recorded: str | None = None  # the passing verdict already saved

    # -- presets ------------------------------------------------------------------------------

    def action_save_preset(self) -> None:
        """Save the current settings under a name."""
        settings = self.session.settings
        suggestion = f"{settings.dataset} {field_text('hidden_layers', settings.hidden_layers)}"
        self.app.push_screen(SavePreset(suggestion, list(PRESETS)), self._save_preset)

    def _save_preset(self, name: str | None) -> None:
        if name:
            self.app.store.save_preset(name, self.session.settings.to_dict())
            self.notify(f"Saved the preset '{name}'. Press p to load it again.")

    def action_load_preset(self) -> None:
        """Load a built-in or saved preset."""
        self.app.push_screen(LoadPreset(list(PRESETS), list(self.app.store.presets())),
                             self._load_preset)

    def _load_preset(self, name: str | None) -> None:
        if name:
            saved = self.app.store.presets()
            values = saved[name] if name in saved else PRESETS[name]
            self.load_settings(values, f"new network: loaded the preset '{name}'")

    # -- challenges ---------------------------------------------------------------------------

    def best_text(self, challenge: Challenge) -> str | None:
        """The saved best result of a challenge in words, or None."""
        best = self.app.store.challenge_bests().get(challenge.id)
        return None if best is None else score_text(challenge, best[0])

    def action_challenge(self) -> None:
        """Pick a challenge, or go back to free play."""
        bests = {c.id: text for c in CHALLENGES if (text := self.best_text(c))}
        current = self.challenge.id if self.challenge else None
        self.app.push_screen(PickChallenge(CHALLENGES, bests, current), self._pick_challenge)

    def _pick_challenge(self, challenge_id: str | None) -> None:
        if challenge_id is None:
            return
        if not challenge_id:
            self.challenge = None
            self.notify("Free play: no challenge.")
        else:
            challenge = challenge_by_id(challenge_id)
            if self.load_settings(challenge.start, f"challenge '{challenge.title}'"):
                self.challenge = challenge
                self.notify(challenge.goal, title=challenge.title, timeout=8)
        self.redraw()

    def judge_live(self, view: Snapshot) -> None:
        """Show the verdict; the first time a run passes, save the score and pause."""
        challenge, verdict = self.challenge, view.verdict
        status = self.query_one(LabStatus)
        if challenge is None or verdict is None:
            status.show_challenge(None)
            return
        if verdict.passed and verdict.score is not None and self._recorded != verdict.message:
            self._recorded = verdict.message
            ranked = ranked_score(challenge, verdict.score)
            score = score_text(challenge, ranked)
            best = self.app.store.record_challenge(
                challenge.id, ranked,
                f"{network_text(view.layer_sizes, view.settings)}: {verdict.message}")
            self.pause()
            self.app.store.log("lab", f"did the challenge {challenge.title}: {score}")
            self.notify(f"{verdict.message}. Score: {score}" + (", a new best!" if best else "."),
                        title=challenge.title, timeout=8)
        best = self.best_text(challenge)
        status.show_challenge(f"{challenge.title}: {verdict.message}"
                              + (f" · your best: {best}" if best else ""))
