"""A message said again while its toast is up replaces that toast (widgets/toasts.py)."""

from __future__ import annotations

from textual.widgets._toast import Toast

from tests.conftest import wait_until


def toasts_shown(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def test_a_repeated_message_is_one_toast_whose_time_starts_again(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for _ in range(50):
            app.notify("Nothing to undo.")
        app.notify("Undone: back to step 10.")
        app.notify("Nothing to undo.", severity="warning")  # not the same: a warning
        await wait_until(pilot, lambda: len(toasts_shown(app)) == 3)
        assert sorted(toasts_shown(app)) == sorted(
            ["Nothing to undo.", "Undone: back to step 10.", "Nothing to undo."])
        first = next(n for n in app._notifications if n.severity == "information"
                     and n.message == "Nothing to undo.")
        app.notify("Nothing to undo.")
        await wait_until(pilot, lambda: first not in app._notifications)
        again = [n for n in app._notifications if n.message == "Nothing to undo."
                 and n.severity == "information"]
        assert len(again) == 1 and again[0].raised_at >= first.raised_at
        await pilot.pause()
        assert len(toasts_shown(app)) == 3
