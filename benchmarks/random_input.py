"""Random keys, clicks, scrolls and resizes over every screen, many of them: does gdtui crash?

The big version of tests/test_random_input.py (whose random learner, tests/random_session.py,
this runs): ``--events`` events for each of ``--seeds`` seeds, each seed on its own empty data
folder and starting in one area (seed mod the six). A click on a footer's "Quit" ends the app
cleanly, and a new one opens on the same folder. Events follow the app's timing (a key acts
on whatever the screen shows when it comes), so a seed repeats its choices but not always its
path.

Prints one line per seed (events, seconds, clean quits, the screens the events landed on) and,
for a crash, the last events with the screen stack before and after each, and the traceback.
Exits 1 if any seed crashed.

    python benchmarks/random_input.py [--events 3000] [--seeds 6] [--first-seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.random_session

from tests.random_session import play  # noqa: E402


async def run(seeds: range, events: int) -> int:
    crashed = 0
    total = 0
    began = time.monotonic()
    for seed in seeds:
        with tempfile.TemporaryDirectory() as folder:
            start = time.monotonic()
            report = await play(seed, events, Path(folder) / "data")
        total += report.events
        screens = ", ".join(f"{name.removesuffix('Screen') or 'Screen'} {count}"
                            for name, count in report.screens.most_common())
        result = "CRASH" if report.crash else "ok"
        print(f"seed {seed}: {result}, {report.events:,} events in "
              f"{time.monotonic() - start:.0f} s, {report.quits} clean quit(s); {screens}",
              flush=True)
        if report.crash:
            crashed += 1
            print(report.story(), flush=True)
    print(f"{total:,} events over {len(seeds)} seeds in {time.monotonic() - began:.0f} s: "
          f"{crashed} crash(es)")
    return 1 if crashed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3000, help="events per seed (3000)")
    parser.add_argument("--seeds", type=int, default=6, help="how many seeds (6)")
    parser.add_argument("--first-seed", type=int, default=1, help="the first seed (1)")
    options = parser.parse_args()
    seeds = range(options.first_seed, options.first_seed + options.seeds)
    sys.exit(asyncio.run(run(seeds, options.events)))


if __name__ == "__main__":
    main()
