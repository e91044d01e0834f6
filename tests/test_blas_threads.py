"""gdtui asks NumPy's matrix products for one thread (gdtui/cli/main.py says why)."""

from __future__ import annotations

import os
import subprocess
import sys

SHOW = ("import os, sys, gdtui.cli.main; "
        "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'], "
        "'numpy' in sys.modules)")


def started_with(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_one_thread_unless_the_environment_asks_for_more():
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    # set before NumPy loads, or OpenBLAS would have started its threads already
    assert started_with(env) == "1 1 False"
    assert started_with({**env, "OPENBLAS_NUM_THREADS": "2"}) == "2 1 False"
