"""The Training Lab's settings: what the lab starts from, how a change is made and told, and
how they are kept for the next start of gdtui.

`Tuning` is owned by the lab screen. It builds the first session (from what the opener asked
for, a lesson link's preset say, else from the settings saved last time); hands each changed
setting to the run and says what happened (a refused value under its field, a new network in a
notice); and saves the settings and speed as they change (training.remembered says how). A
saved value that cannot be used is told to the learner, and the lab starts from the defaults.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from gdtui.screens.lab.reading import FileReading
from gdtui.training.datasets import Dataset
from gdtui.training.remembered import STORE_KEY, recall, remember
from gdtui.training.session import TrainingSession
from gdtui.training.settings import PRESETS, Settings, settings_from_dict
from gdtui.training.worker import SPEEDS
from gdtui.widgets.lab_controls import SERVED_DATA_FILE, LabControls


class Tuning:
    """The lab's first session, its changes of settings, its presets by name, its memory."""

    def __init__(self, screen: Screen) -> None:
        self.screen: Any = screen  # the lab screen: its training, goals and pace
        self.reading = FileReading(screen)  # a big data file, read in a worker

    @property
    def _store(self) -> Any:
        return self.screen.app.store

    def first_session(self, settings: Settings | None,
                      preset: str | None) -> tuple[TrainingSession, str | None]:
        """The session to open on, and its speed (None: the lab's default): `settings` or the
        preset named `preset` when asked for, else the settings saved last time."""
        speed, problem = None, None
        if preset is not None:
            settings = self.preset(preset)
        if settings is None:
            recalled = recall(self._store.get_setting(STORE_KEY), SPEEDS)
            settings, speed, problem = recalled.settings, recalled.speed, recalled.problem
        try:
            if settings.data_file is not None and self.screen.app.served:
                raise ValueError("a gdtui on a shared server does not read the server's files")
            session = TrainingSession(settings)
        except ValueError as error:  # a data file that is gone, ...
            session, instead = self._without_file(settings)
            problem = f"{error}, so the lab starts from {instead}"
        if problem:
            self.screen.notify(f"The lab's last settings could not all be used: {problem}.",
                               title="Training lab", severity="warning", timeout=12)
        return session, speed

    @staticmethod
    def _without_file(settings: Settings) -> tuple[TrainingSession, str]:
        """A session to open on when `settings` cannot be used: the same settings on the toy
        dataset when they named a data file (that vanished, say), else the defaults; and
        what it is, in words."""
        if settings.data_file is not None:
            for features in (settings.features, ()):
                try:
                    return (TrainingSession(settings.replace(data_file=None, features=features)),
                            f"the {settings.dataset} dataset instead of the file")
                except ValueError:
                    continue
        return TrainingSession(), "the default settings"

    def preset(self, name: str) -> Settings | None:
        """The settings of a saved or built-in preset; None (and a word) if there is none."""
        values = self._store.presets().get(name, PRESETS.get(name))
        try:
            if values is None:
                raise ValueError("there is no such preset")
            return settings_from_dict(values)
        except ValueError as error:
            self.screen.notify(f"The preset '{name}' cannot be used: {error}.",
                               severity="warning")
            return None

    def apply(self, name: str, value: Any, loaded: Dataset | None = None) -> bool:
        """Hand one setting to the run (the speed) or the session, and show what happened.

        A refused value gets a message under its field and the session keeps its own. A big
        data file is read in a worker first (FileReading), then comes back here `loaded`.
        """
        screen, training = self.screen, self.screen.training
        controls = screen.query_one(LabControls)
        if name == "speed":
            training.speed = value
        elif name == "data_file" and screen.app.served:  # (its field is off: never, then)
            controls.set_error(name, SERVED_DATA_FILE)
            return False
        elif name == "data_file" and loaded is None and self._read_first(value):
            return True  # (being read: it comes back loaded)
        else:
            try:
                changed = training.change(name, value, screen.goals.challenge, loaded)
            except ValueError as error:  # SettingsError, DataError
                controls.set_error(name, str(error))
                controls.show_settings(training.session.settings, training.speed)
                return False
            if changed.rebuilt:
                self.new_network(changed.why)
        controls.set_error(name, None)
        self.shown()
        return True

    def _read_first(self, path: str | None) -> bool:
        """True when the data file at `path` is to be read in a worker first (a big one); a
        file still being read gives way to any other data file asked for."""
        self.reading.cancel()
        if path is None or path == self.screen.training.session.settings.data_file:
            return False
        return self.reading.start(path)

    def load(self, values: dict[str, Any], why: str) -> bool:
        """Start a new network from a preset's or a challenge's settings."""
        try:
            self.screen.training.load(settings_from_dict(values), self.screen.goals.challenge)
        except ValueError as error:
            self.screen.notify(f"These settings cannot be used: {error}", severity="error")
            return False
        self.shown(clear_errors=True)
        self.new_network(why)
        return True

    def new_network(self, why: str) -> None:
        """Say that a new network waits (and how to get the one before it back)."""
        training = self.screen.training
        self.screen.goals.forget_pass()
        kept = training.earlier[-1][0].step if training.earlier else 0
        undo = f", or u to go back to the network at step {kept:,}" if kept else ""
        self.screen.notify(f"{why[:1].upper()}{why[1:]}. Press space to train it{undo}.",
                           title="New network")
        self.screen.pace.stale = True

    def shown(self, clear_errors: bool = False) -> None:
        """The settings changed: show them, save them for the next start, and redraw. With
        `clear_errors` (they changed as a whole: undo, a preset), a data file still being read
        is given up too."""
        training = self.screen.training
        if clear_errors:
            self.reading.cancel()
        self.screen.query_one(LabControls).show_settings(training.session.settings,
                                                         training.speed, clear_errors)
        self._store.set_setting(STORE_KEY, remember(training.session.settings, training.speed))
        self.screen.pace.stale = True
