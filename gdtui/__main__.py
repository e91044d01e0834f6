"""``python -m gdtui`` works like the ``gdtui`` command."""

from gdtui.cli import main

raise SystemExit(main())
