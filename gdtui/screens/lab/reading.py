"""The lab's data file, read in a worker when it is big.

A CSV takes about 0.2 s a megabyte to read: one of 20,000 rows reads in a twentieth of a
second, but read on the UI thread, a file of several megabytes would freeze the lab for
seconds. `FileReading` reads a file of more than datasets.SLOW_CSV_BYTES in a thread worker
while the lab goes on (training too), says so under the field, and hands the points to
`Tuning.apply` once they are read; a smaller file is left to be read at once.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from gdtui.training.datasets import load_csv, reads_slowly
from gdtui.widgets.lab_controls import LabControls

GROUP = "read-csv"


class FileReading:
    """The data file being read in a worker, if any: at most one at a time."""

    def __init__(self, screen: Screen) -> None:
        self.screen: Any = screen  # the lab screen: its session, tuning and workers
        # (worker, path, validation share, seed) of the file being read
        self._reading: tuple[Worker, str, float, int] | None = None

    def start(self, path: str) -> bool:
        """Read the file at `path` in a worker if it is big (True); False leaves it to be
        read at once. A file still being read is given up either way."""
        self.cancel()
        if not reads_slowly(path):
            return False
        settings = self.screen.session.settings
        share, seed = settings.validation_share, settings.seed
        worker = self.screen.run_worker(partial(load_csv, path, share, seed), thread=True,
                                        exclusive=True, group=GROUP, exit_on_error=False)
        self._reading = (worker, path, share, seed)
        megabytes = os.stat(path).st_size / 1e6
        self.screen.query_one(LabControls).set_error(
            "data_file", f"reading {Path(path).name} ({megabytes:,.1f} MB)…", note=True)
        return True

    def cancel(self) -> None:
        """Give up the file being read (its points are thrown away when they come)."""
        if self._reading is not None:
            self._reading = None
            self.screen.workers.cancel_group(self.screen, GROUP)

    def finished(self, worker: Worker, state: WorkerState) -> None:
        """A reading worker changed state: hand its points on, or show why it failed."""
        if self._reading is None or worker is not self._reading[0]:
            return  # given up: another file was asked for since
        if state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        _, path, share, seed = self._reading
        self._reading = None
        if state == WorkerState.ERROR:
            self.screen.query_one(LabControls).set_error("data_file", str(worker.error))
            return
        settings = self.screen.session.settings
        # (points split for another validation share or seed are read again, at once)
        same = (settings.validation_share, settings.seed) == (share, seed)
        self.screen.tuning.apply("data_file", path, loaded=worker.result if same else None)
