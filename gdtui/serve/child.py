"""What a learner's gdtui is started with: its command line and its whole environment.

It runs in the learner's folder, which is also its HOME, so nothing found there may be run:
``-P`` keeps that folder off ``sys.path`` (a ``gdtui.py`` or ``numpy.py`` there is never
imported) and ``-s`` skips the site-packages in its ``~/.local`` (and the ``.pth`` files it
would run). The environment is built from nothing: the client's terminal type and two of its
variables, UTF-8, a plain PATH, one thread for NumPy, and no animations: a smooth scroll draws
a dozen frames for one key, and over SSH on a shared server each costs CPU that the rest of the
class waits for (a page down took 130 ms of CPU with them, 20 ms without:
benchmarks/serve_load.py).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

PYTHON_FLAGS = ("-P", "-s")
DEFAULT_TERM = "xterm-256color"
TERM_PATTERN = re.compile(r"[A-Za-z0-9._+-]{1,64}")
CLIENT_ENV = ("NO_COLOR", "COLORTERM")  # the only variables a client may pass on (SendEnv)
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
# One thread for NumPy's linear algebra: a learner's lab never takes every core of a shared
# server, and the memory ceiling does not depend on how many there are (each thread of
# OpenBLAS reserves tens of MB).
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def child_command(folder: Path, app_args: list[str], area_file: Path | None = None,
                  class_root: Path | None = None) -> list[str]:
    """The command line of the learner's gdtui, with its progress in ``folder``; it tells the
    area it shows in ``area_file``. Only a teacher's gets ``class_root``, the server's folder,
    which opens the class screen: nobody else's gdtui can show it."""
    extra = [] if area_file is None else ["--area-file", str(area_file)]
    if class_root is not None:
        extra += ["--class-root", str(class_root)]
    return [sys.executable, *PYTHON_FLAGS, "-m", "gdtui", "--data-dir", str(folder), *app_args,
            *extra]


def child_environment(term: str | None, client_env: dict[str, str], home: Path) -> dict[str, str]:
    """The child's whole environment: the client's terminal type, UTF-8, one thread for NumPy,
    no animations, and nothing of ours beyond PYTHONPATH (how the server itself found gdtui)."""
    env = {
        "TERM": term if term and TERM_PATTERN.fullmatch(term) else DEFAULT_TERM,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PATH": SAFE_PATH,
        "HOME": str(home),
        **ONE_THREAD,
        "TEXTUAL_ANIMATIONS": "none",
    }
    for name in CLIENT_ENV:
        value = client_env.get(name)
        if value is not None and len(value) <= 64 and value.isprintable():
            env[name] = value
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env
