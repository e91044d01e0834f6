"""The lab's digits panel, driven as a learner would: load the preset digits with `p`, train
with space until the validation accuracy shown passes 95%, then read the guesses, the confusion
matrix and the weights, and the mistakes, with `m` between them at 80x24 and all three at 120x40."""

from __future__ import annotations

import re

import numpy as np

from gdtui.screens.help import HelpScreen
from gdtui.training.digits_picture import digits_picture
from gdtui.training.settings import PRESETS
from gdtui.widgets.digits_panel import NEGATIVE, POSITIVE, DigitsPanel, guess_label
from gdtui.widgets.model_panel import ModelPanel
from tests.conftest import handled, screen_text, wait_for_text, wait_until
from tests.test_screen_lab import open_lab, press_while_training


def panel_text(lab) -> str:
    panel = lab.query_one(DigitsPanel)
    return "\n".join(panel.render_line(y).text.rstrip() for y in range(panel.size.height))


def shown_accuracy(app) -> float:
    """The validation accuracy the status line shows, like "(val 95.3%)", as a share."""
    found = re.search(r"acc [\d.]+% \(val ([\d.]+)%\)", screen_text(app))
    return float(found.group(1)) / 100 if found else 0.0


async def load_digits(app, pilot):
    """Open the lab and load the preset digits with `p`, down to it, enter."""
    lab = await open_lab(app, pilot)
    await pilot.press("p", *["down"] * list(PRESETS).index("digits"), "enter")
    await wait_until(pilot, lambda: lab.session.settings.dataset == "digits")
    await wait_for_text(pilot, "right (", "m: mistakes")
    return lab


async def train_to_95_percent(app, pilot, lab) -> None:
    """Space until the validation accuracy shown reaches 95%, then space to pause."""
    await pilot.press("space")
    await wait_until(pilot, lambda: shown_accuracy(app) >= 0.95, seconds=60)
    await press_while_training(app, pilot, "space", lambda: not lab.running)
    await handled(app, pilot)


async def shows_the_session(pilot, lab) -> None:
    """Wait until the panel draws the network as it is now (the paused frame)."""
    truth = digits_picture(lab.session)
    panel = lab.query_one(DigitsPanel)
    await wait_until(pilot, lambda: panel.picture is not None
                     and np.array_equal(panel.picture.confusion, truth.confusion)
                     and np.array_equal(panel.picture.weights, truth.weights))


async def test_digits_train_past_95_percent_and_the_grid_marks_each_guess(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await load_digits(app, pilot)
        assert "no picture" not in screen_text(app)
        await train_to_95_percent(app, pilot, lab)
        await shows_the_session(pilot, lab)
        truth = digits_picture(lab.session)
        lines = panel_text(lab).splitlines()
        share = f"{truth.n_right / truth.n_validation:.1%}"
        assert lines[0].endswith(f"step {lab.session.step:,}: {truth.n_right} of "
                                 f"{truth.n_validation} right ({share})")
        assert truth.n_right / truth.n_validation >= 0.9
        # the five digits across 80x24 are 0 to 4, each labelled with the session's answer
        labels = lines[5]
        sample = truth.sample
        expected = [guess_label(int(g), int(t), float(s)) for g, t, s in
                    zip(sample.guesses[:5], sample.labels[:5], sample.sureness[:5], strict=True)]
        assert labels.rstrip() == "  ".join(text.ljust(8) for text in expected).rstrip()
        assert labels.count("✓") == int(sample.right[:5].sum())
        assert labels.count("✗") == 5 - int(sample.right[:5].sum())
        assert set("".join(lines[1:5])) <= set(" ▀▄█")  # the digits, in half blocks
        assert "✓ right  ✗ wrong" in lab.query_one(ModelPanel).border_subtitle


async def test_m_shows_the_confusion_matrix_and_then_the_weights_changing_as_it_trains(
        make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await load_digits(app, pilot)
        await train_to_95_percent(app, pilot, lab)
        await shows_the_session(pilot, lab)
        await pilot.press("m")  # the digits it reads wrong
        await wait_for_text(pilot, "mistakes of 449", "m: confusion")
        truth = digits_picture(lab.session)
        wrong = truth.n_validation - truth.n_right
        lines = panel_text(lab).splitlines()
        assert lines[0].startswith(f"step {lab.session.step:,}: {wrong} mistakes of 449")
        marks = [f"{g}✗ is {t}" for g, t in zip(truth.mistakes.guesses[:5].tolist(),
                                                 truth.mistakes.labels[:5].tolist(), strict=True)]
        assert lines[5].rstrip() == "  ".join(mark.ljust(8) for mark in marks).rstrip()
        assert "✓" not in "\n".join(lines[1:])
        await pilot.press("m")
        await wait_for_text(pilot, "taken for", "m: weights")
        truth = digits_picture(lab.session)
        accuracy = lab.session.evaluate().validation_accuracy
        assert truth.n_right == round(accuracy * truth.n_validation)
        lines = panel_text(lab).splitlines()
        assert lines[0] == f"confusion: {truth.n_right} of {truth.n_validation} right, by digit"
        right = lines[2].split()
        assert right[0] == "right" and [int(n) for n in right[1:]] == np.diag(
            truth.confusion).tolist()
        wrong = truth.confusion.sum(axis=1) - np.diag(truth.confusion)
        assert lines[3].split()[1:] == [str(n) if n else "·" for n in wrong.tolist()]

        await pilot.press("m")
        await wait_for_text(pilot, "what each hidden unit looks for (5 of 32)", "m: digits")
        before = panel_text(lab)
        assert set(before) & set(POSITIVE[1:]) and set(before) & set(NEGATIVE[1:])
        await pilot.press("space")  # the weights redraw live while it trains
        await wait_until(pilot, lambda: panel_text(lab) != before)
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        assert lab.session.step > 0 and "what each hidden unit looks for" in panel_text(lab)

        await pilot.press("m")  # and round to the digits again
        await wait_for_text(pilot, "m: mistakes")
        assert re.match(r"(validation digits, )?step [\d,]+: \d+ of 449 right \(", panel_text(lab))


async def test_at_120x40_all_three_show_and_back_at_80x24_one_at_a_time(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await load_digits(app, pilot)
        await pilot.press("n")
        await pilot.resize_terminal(120, 40)
        await wait_for_text(pilot, "right (", "confusion: rows digits, columns guesses",
                            "what each hidden unit looks for")
        panel = lab.query_one(DigitsPanel)
        assert panel.all_shown and lab.query_one(ModelPanel).region.contains_region(panel.region)
        await shows_the_session(pilot, lab)
        truth = digits_picture(lab.session)
        text = panel_text(lab)
        wide = len(str(truth.confusion.max()))
        for digit in range(10):  # the diagonal, bracketed: told apart without colour
            assert f"[{truth.confusion[digit, digit]:>{wide}}]" in text
        assert lab.query_one(ModelPanel).border_subtitle.endswith("m: mistakes")
        await pilot.press("m")  # the mistakes take the digits' place, above the rest
        await wait_for_text(pilot, "mistakes of 449", "confusion: rows digits, columns guesses",
                            "what each hidden unit looks for")
        assert lab.query_one(ModelPanel).border_subtitle.endswith("m: digits")
        await pilot.press("m")
        await wait_for_text(pilot, "right (", "confusion: rows digits, columns guesses")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: not panel.all_shown)
        await wait_until(pilot,
                         lambda: "m: mistakes" in lab.query_one(ModelPanel).border_subtitle)
        await wait_for_text(pilot, "right (")
        assert "confusion: rows digits" not in screen_text(app)


async def test_m_without_the_digits_says_how_to_get_them(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: any("load the preset 'digits'" in n.message
                                            for n in app._notifications))
        assert lab.session.settings.dataset == "moons"


async def test_without_colour_the_panel_says_everything_in_glyphs(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await load_digits(app, pilot)
        assert app.no_color
        await pilot.press(*["n"] * 5)
        await shows_the_session(pilot, lab)
        panel = lab.query_one(DigitsPanel)
        colours = {segment.style.color for y in range(panel.size.height)
                   for segment in panel.render_line(y) if segment.style and segment.text.strip()}
        assert len(colours) == 1  # one ink: the marks and glyphs carry the meaning
        assert "✓" in panel_text(lab) or "✗" in panel_text(lab)


async def test_the_help_names_m_and_says_what_the_digits_panel_shows(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await load_digits(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert dict(app.screen.keys)["m"] == "Digits view"
        for words in ("**The digits panel**", "`3✗ is 8` guessed 3 for an 8", "[bracketed]",
                      "░▒▓ where ink makes the unit fire", "`m` moves\nfrom one view to the next",
                      "*mistakes*"):
            assert words in app.screen.text
