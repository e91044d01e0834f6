"""``python -m gdtui`` works like the ``gdtui`` command."""

from gdtui.cli.main import main

raise SystemExit(main())
