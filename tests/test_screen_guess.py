"""Pilot tests: a learner plays the guessing game in its four modes."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from gdtui.screens.guess.screen import GuessScreen
from gdtui.widgets.footer import KeysFooter
from tests.conftest import screen_text, wait_for_text, wait_until


async def open_game(app, pilot, secret: int = 37) -> GuessScreen:
    """Open the guessing game with a secret chosen by the test (the learner can type one)."""
    app.animation_level = "none"  # the sliding tab underline only costs the tests time
    app.open_area("guess", secret=secret)
    await pilot.pause()
    assert isinstance(app.screen, GuessScreen)
    return app.screen


def shown(screen, selector: str) -> str:
    """The text a Static or the number line shows."""
    widget = screen.query_one(selector)
    return str(widget.render()) if widget.display else ""


async def type_into(pilot, selector: str, text: str) -> None:
    """Click a field, clear it, type ``text`` and press enter, as a learner would."""
    await pilot.click(selector)
    await pilot.press("home", "ctrl+k", *text, "enter")
    await pilot.pause()


def table_rows(screen) -> list[list[str]]:
    table = screen.query_one("#compare-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


# --- 1 you keep the secret -------------------------------------------------------------------


async def test_answering_with_keys_saves_the_fewest_guesses_and_help_explains_the_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot)
        assert "My guess: 50" in shown(screen, "#keep-guess")
        await pilot.press("h")  # my number is 41: 50 is too high
        assert "My next guess is 40." in shown(screen, "#keep-message")
        assert "guess 2 of up to 20" in shown(screen, "#keep-count")
        assert "your number is from 1 to 47" in shown(screen, "#keep-count")  # 48 is within 2
        await pilot.press("r")
        await pilot.pause()
        assert "Got it in 2 guesses!" in shown(screen, "#keep-message")
        assert "50 too high → 40 right" in shown(screen, "#keep-history")
        assert "keep the secret 2" in shown(screen, "#best")
        # A slower game does not replace the fewest guesses.
        await pilot.press("g", "down", "down", "r")  # arrows answer too: down is too high
        await pilot.pause()
        assert "Got it in 3 guesses!" in shown(screen, "#keep-message")
        assert "keep the secret 2" in shown(screen, "#best")
        assert app.store.last_activity()[1:] == (
            "guess", "played the guessing game (you keep the secret) at learning rate 10: "
                     "within 2 at guess 3"
        )
        # My number is 37: 50 is too high, 40 too high, 30 too low (up), and 40 would come again.
        await pilot.press("g", "h", "h", "up")
        message = shown(screen, "#keep-message")
        assert "I keep jumping between 30 and 40" in message
        assert "Your number is from 33 to 37" in message  # 31 is within 2 of 30, 39 of 40
        assert "A learning rate of 5 would find it within 4 guesses" in message
        assert "My last guess: 30" in shown(screen, "#keep-guess")
        await pilot.press("r")
        assert "This game is over" in shown(screen, "#keep-message")
        # Help explains the game and every key.
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("#help-text").source
        for words in ("# Guessing game", "within 2", "| `h` | Too high |", "| `[ ]` | Rate |",
                      "| `], +` | Rate up |",
                      "`space` plays or pauses", "`a` shows an answer", "`o` opens the lesson",
                      "`s` picks a random secret", "`f` changes the speed", "`1` to `4`"):
            assert words in text
    assert app.store.best_guesses("keep") == {("keep", 10.0): 2}
    assert app.store.last_activity()[2].endswith("never: it keeps jumping between 30 and 40")


async def test_answering_with_clicks_and_a_contradiction_is_caught_kindly(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot)
        await type_into(pilot, "#learning-rate", "50")
        assert "learning rate 50" in shown(screen, "#best")
        await pilot.click("#too-high")  # my number is 30: 50 is too high
        assert "My guess: 1" in shown(screen, "#keep-guess")  # 50 - 50 stops at 1
        await pilot.click("#too-low")  # 1 is too low
        assert "My guess: 51" in shown(screen, "#keep-guess")
        # a button ignores a second click during its 0.2 s flash
        await wait_until(pilot, lambda: not screen.query_one("#too-low").has_class("-active"))
        await pilot.click("#too-low")  # a slip: earlier 50 was too high
        message = shown(screen, "#keep-message")
        assert "earlier you said 50 was too high" in message
        assert "51 can't be too low" in message
        assert screen.query_one("#keep-message").has_class("refused")
        assert "guess 3 of up to 20" in shown(screen, "#keep-count")  # nothing was counted
        await wait_until(pilot, lambda: not screen.query_one("#too-low").has_class("-active"))
        await pilot.click("#too-high")  # 51 is too high, and 1 comes again: a loop
        await pilot.pause()
        message = shown(screen, "#keep-message")
        assert "I keep jumping between 1 and 51" in message
        assert "Your number is from 4 to 47" in message
        assert not screen.query_one("#keep-message").has_class("refused")
        assert "none yet" in shown(screen, "#best")
    assert app.store.best_guesses("keep") == {}


# --- settings --------------------------------------------------------------------------------


async def test_a_bad_learning_rate_gets_a_message_and_keeps_the_last_good_one(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot)
        await pilot.click("#learning-rate")
        for bad in ("0", "-3", "abc"):
            await pilot.press("home", "ctrl+k", *bad, "enter")  # the field keeps the focus
            error = shown(screen, "#settings-error")
            assert "learning rate must be a positive number, like 10 (kept 10)" in error
            assert "learning rate 10" in shown(screen, "#best")
        await pilot.press("escape", "2", "n", "n")  # leave the field: keys work again
        assert "move down 10 to 30" in shown(screen, "#watch-explain")  # still 10
        await type_into(pilot, "#steps", "zero")
        assert "steps must be a whole number from 1 to 1000" in shown(screen, "#settings-error")
        await type_into(pilot, "#learning-rate", "4")
        assert "learning rate" not in shown(screen, "#settings-error")
        assert "steps must be" in shown(screen, "#settings-error")  # that one is still wrong
        assert "learning rate 4" in shown(screen, "#best")
        await pilot.press("g", "n", "n")
        assert "move down 4 to 42" in shown(screen, "#watch-explain")
        assert "up to 20 allowed" in shown(screen, "#watch-outcome")  # the last good steps


# --- 2 watch it learn ------------------------------------------------------------------------


async def test_watching_rate_10_step_by_step_shows_it_jumping_between_30_and_40(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        await pilot.press("2")
        assert "Press space to watch" in shown(screen, "#watch-explain")
        assert "▲ secret 37" in shown(screen, "#watch-line")
        await pilot.press("n")
        assert "Guess 1: 50 is too high, so move down 10 to 40." in shown(screen, "#watch-explain")
        assert "▼ 50" in shown(screen, "#watch-line")
        await pilot.press("n", "n", "n")
        assert "Guess 4: 40 is too high, again: it is going round in a loop." in shown(
            screen, "#watch-explain"
        )
        assert "Result: never: it keeps jumping between 30 and 40." in shown(
            screen, "#watch-outcome"
        )
        await pilot.pause()
    assert app.store.best_guesses("watch") == {}
    assert "watch it learn" in app.store.last_activity()[2]


async def test_space_plays_rate_2_by_itself_until_within_2_at_guess_7(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        rate = screen.query_one("#learning-rate", Input)
        await pilot.press("right_square_bracket")
        assert rate.value == "12"
        await pilot.press("minus", *["left_square_bracket"] * 5)  # 10, 8, 6, 5, 4, 3
        await pilot.press("left_square_bracket")
        assert rate.value == "2"
        assert "learning rate 2" in shown(screen, "#best")
        await pilot.press("2", "space")  # at normal speed: a guess every half second
        assert "Pause" in str(screen.query_one("#watch-play").label)
        await pilot.press("f")  # fast, and it goes on playing
        assert "Speed: fast" in str(screen.query_one("#watch-speed").label)
        # 7 guesses, 0.1 s apart; then the game is saved (a message)
        await wait_until(pilot, lambda: "Result" in shown(screen, "#watch-outcome")
                         and "watch" in shown(screen, "#best"))
        assert "Result: within 2 at guess 7." in shown(screen, "#watch-outcome")
        assert "Guess 7: 38 is right." in shown(screen, "#watch-explain")
        assert "Play" in str(screen.query_one("#watch-play").label)
        assert "watch 7" in shown(screen, "#best")
        await pilot.press("s")  # a new random secret, and the game starts over
        secret = screen.query_one("#secret", Input).value
        assert secret != "37"
        assert f"secret {secret}" in shown(screen, "#watch-line")
        assert "Press space to watch" in shown(screen, "#watch-explain")
    assert app.store.best_guesses("watch") == {("watch", 2.0): 7}


# --- 3 compare rates -------------------------------------------------------------------------


async def test_compare_rates_the_sweep_and_the_discussion(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        await pilot.press("3")
        assert table_rows(screen) == [
            ["2", "within 2 at guess 7", "50 48 46 44 42 40 38"],
            ["10", "never: it keeps jumping between 30 and 40", "50 40 30 40"],
            ["50", "never: it keeps jumping between 1 and 51", "50 1 51 1"],
        ]
        await type_into(pilot, "#add-rate", "abc")
        assert "learning rate must be a positive number" in shown(screen, "#add-error")
        assert len(table_rows(screen)) == 3
        await type_into(pilot, "#add-rate", "5")
        assert not screen.query_one("#add-error").display
        assert table_rows(screen)[-1] == ["5", "within 2 at guess 4", "50 45 40 35"]
        # The sweep over every secret: rates up to 5 always land, and 5 is the fastest of them.
        summary = shown(screen, "#sweep-summary")
        assert "best rate 5 (6.0 guesses, never misses)" in summary
        assert "rate 1 takes 24.0" in summary
        assert "rate 50 misses 89" in summary
        assert screen.query_one("#sweep-chart").region.height >= 6
        # The discussion question, its answer on request, and the lesson.
        assert "What would happen with a learning rate of 50?" in shown(screen, "#question")
        assert shown(screen, "#answer") == ""
        await pilot.press("a")
        await pilot.pause()
        answer = shown(screen, "#answer")
        assert "Rate 50: 50, 1, 51, 1 keeps jumping between 1 and 51" in answer
        assert "Rate 5: 50, 45, 40, 35 lands within 2 at guess 4" in answer  # the added row
        assert screen.region.contains_region(screen.query_one("#answer").region)  # scrolled to
        # The lesson screen has its own tests (and takes seconds to lay out): here it is enough
        # that the button and the key ask the app for the right lesson.
        opened: list[str] = []
        app.open_lesson = opened.append
        await pilot.click("#open-lesson")
        await pilot.press("o")
        assert opened == ["learning-rate", "learning-rate"]


# --- 4 shrinking steps -----------------------------------------------------------------------


async def test_shrinking_steps_land_where_fixed_steps_loop(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        await pilot.press("4")
        assert "learning-rate schedule" in shown(screen, "#shrink-note")
        assert "Rprop" in shown(screen, "#shrink-note")
        await pilot.press("n", "n", "n")
        assert "so move up 5 to 35" in shown(screen, "#shrink-explain")  # the step halved
        await pilot.press("n")
        assert "Result: within 2 at guess 4." in shown(screen, "#shrink-outcome")
        await type_into(pilot, "#learning-rate", "50")
        await pilot.press(*"nnnnn")
        assert "Result: within 2 at guess 5." in shown(screen, "#shrink-outcome")
        await pilot.pause()
        assert "shrinking 5" in shown(screen, "#best")
    assert app.store.best_guesses("shrink") == {("shrink", 10.0): 4, ("shrink", 50.0): 5}


# --- help and layout -------------------------------------------------------------------------


VISIBLE = {
    "keep": ("#too-high", "#too-low", "#right", "#keep-message", "#keep-line"),
    "watch": ("#watch-play", "#watch-speed", "#watch-line", "#watch-explain", "#watch-chart"),
    "compare": ("#compare-table", "#sweep-summary", "#sweep-chart", "#question",
                "#show-answer", "#open-lesson"),
    "shrink": ("#shrink-note", "#shrink-play", "#shrink-line", "#shrink-outcome",
               "#shrink-chart"),
}


async def test_everything_is_visible_at_80x24_and_160x50(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        for size in ((80, 24), (160, 50)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            for number, (mode, selectors) in enumerate(VISIBLE.items(), start=1):
                await pilot.press(str(number))
                await pilot.pause()
                pane = screen.query_one(f"#{mode}")
                for selector in ("#learning-rate", "#steps", "#secret", "#best"):
                    region = screen.query_one(selector).region
                    if selector == "#secret" and mode == "keep":  # the learner's own secret
                        assert region.area == 0
                        continue
                    assert region.area > 0 and screen.region.contains_region(region), selector
                for selector in selectors:
                    region = screen.query_one(selector).region
                    assert region.area > 0 and pane.region.contains_region(region), (size, selector)
                    if selector.endswith("chart"):
                        assert region.height >= 6, (size, selector)
                    if selector.endswith("line"):
                        assert region.width >= size[0] - 10, (size, selector)


# --- issue 12: nothing false, nothing lost, every key in sight, open at once ------------------


async def test_an_answer_against_the_within_2_band_is_caught_not_blamed_on_the_rate(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot)
        await pilot.press(*["left_square_bracket"] * 5)  # 8, 6, 5, 4, 3
        assert screen.query_one("#learning-rate", Input).value == "3"
        await pilot.press("h", "l")  # thinking of 48 or 49, strictly: 50 too high, 47 too low
        message = shown(screen, "#keep-message")
        assert message == ("Hmm, that doesn't fit the within-2 rule. If your number were 48 or "
                           "49, I would already be within 2: say right.")
        assert screen.query_one("#keep-message").has_class("refused")
        assert "your number is from 1 to 47" in shown(screen, "#keep-count")
        await pilot.press("r")
        assert "Got it in 2 guesses!" in shown(screen, "#keep-message")
        await pilot.press("right_square_bracket", "right_square_bracket", "h", "l")  # rate 5
        message = shown(screen, "#keep-message")
        assert "If your number were 46 or 47, I would already be within 2: say right." in message
        assert "If it were 48 or 49, my guess 50 was already within 2 of it" in message
        assert "never" not in message
        await pilot.press(*["right_square_bracket"] * 3, "h", "h", "l")  # rate 10
        assert "Your number is from 33 to 37." in shown(screen, "#keep-message")


async def test_keeping_the_secret_does_not_show_the_computers_secret(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_game(app, pilot, secret=29)
        text = await wait_for_text(pilot, "Think of a whole number", "Learning rate", "Steps")
        assert "Secret" not in text and "29" not in text
        await pilot.press("2")  # watching the computer: its secret is shown, and can be typed
        text = await wait_for_text(pilot, "Secret 29", "secret 29")
        await pilot.press("1")
        text = await wait_for_text(pilot, "Think of a whole number")
        assert "Secret" not in text


def discussion_disagreements(screen) -> list[str]:
    """Rows of the comparison table whose rate has no line in the answer, or a line that says
    something else than the row."""
    lines = shown(screen, "#answer").split("\n")
    wrong = []
    for rate, result, _guesses in table_rows(screen):
        line = next((line for line in lines if line.startswith(f"Rate {rate}: ")), None)
        if result.startswith("within"):
            said = f"lands {result}"
        elif result.startswith("never"):
            said = result.removeprefix("never: it ")
        else:
            said = result.removeprefix("not within 2 ")
        if line is None or said not in line:
            wrong.append(f"{rate}: {result!r} / {line!r}")
    return wrong


async def test_the_discussion_says_what_the_table_shows_for_secret_100(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        await pilot.press("3")
        await type_into(pilot, "#secret", "100")
        await type_into(pilot, "#add-rate", "60")
        await pilot.press("a")
        await wait_until(pilot, lambda: len(table_rows(screen)) > 2
                         and "100" in shown(screen, "#compare-intro"))
        for _ in range(2):
            # The answer is rewritten with the table: wait for both, then each rate's line
            # agrees with its row.
            await wait_until(pilot, lambda: not discussion_disagreements(screen))
            rows = table_rows(screen)
            assert rows[2][:2] == ["50", "within 2 at guess 2"] or "100" not in shown(
                screen, "#compare-intro")
            assert discussion_disagreements(screen) == []
            assert "jumps right past" not in shown(screen, "#answer")
            intro = shown(screen, "#compare-intro")
            await pilot.press("s")  # a new random secret: the answer is rewritten with the table
            await wait_until(pilot, lambda intro=intro: shown(screen, "#compare-intro") != intro)


async def test_the_footer_is_whole_at_80x24_in_every_mode(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_game(app, pilot)
        expected = {"1": ("h Too high", "l Too low", "r Right", "[ ] Rate"),
                    "2": ("space Play", "n Step", "s Secret", "[ ] Rate"),
                    "3": ("a Answer", "o Lesson", "s Secret", "[ ] Rate"),
                    "4": ("space Play", "n Step", "s Secret", "[ ] Rate")}
        for mode, keys in expected.items():
            await pilot.press(mode)
            await pilot.pause()
            footer = app.screen.query_one(KeysFooter)
            line = screen_text(app).splitlines()[-1]
            for key in (*keys, "? Help"):
                assert key in line, (mode, line)
            drawn = footer.render()
            assert drawn.cell_len <= footer.size.width, (mode, drawn.plain)
            assert line.split() == drawn.plain.split(), (mode, line)  # nothing else on the row


async def test_nothing_is_lost_on_leaving_and_coming_back(make_app):
    # The app keeps one screen per area, and shows it again at the area's key (the app's own
    # tests); here the screen itself, kept the same way, is left with escape and shown again.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.animation_level = "none"
        screen = GuessScreen(secret=37)
        app.install_screen(screen, "kept-guess")
        app.push_screen("kept-guess")
        await pilot.pause()
        await type_into(pilot, "#steps", "30")
        await pilot.click("#learning-rate")
        await pilot.press("home", "ctrl+k", "5")  # typed, not entered: escape still takes it
        await pilot.press("escape")  # out of the field, not off the screen
        assert app.screen is screen and screen.focused is screen.query_one("#guess-tabs Tabs")
        assert "learning rate 5" in shown(screen, "#best")
        await pilot.press("h")  # a game to keep: 50 too high
        await pilot.press("4", "n", "n")  # shrinking steps, half a game
        explained = shown(screen, "#shrink-explain")
        assert explained.startswith("Guess 2: 45 is too high")
        await pilot.press("space", "escape")  # playing as the learner leaves: back home
        await pilot.pause()
        assert app.screen is not screen
        explained = shown(screen, "#shrink-explain")  # where it was when the learner left
        outcome = shown(screen, "#shrink-outcome")
        app.push_screen("kept-guess")  # the game's key, on the kept screen
        await pilot.pause()
        assert app.screen is screen
        assert screen.mode == "shrink" and shown(screen, "#shrink-explain") == explained
        assert shown(screen, "#shrink-outcome") == outcome and "up to 30 allowed" in outcome
        assert "Play" in str(screen.query_one("#shrink-play").label)  # it waited, paused
        assert screen.query_one("#learning-rate", Input).value == "5"
        assert screen.query_one("#steps", Input).value == "30"
        assert screen.query_one("#secret", Input).value == "37"
        await pilot.press("1")  # the game being answered is still there too: 50 was too high
        assert "50 too high" in shown(screen, "#keep-history")
        assert "My guess: 45" in shown(screen, "#keep-guess")


async def test_keys_pressed_as_the_game_opens_reach_the_mode_asked_for(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.animation_level = "none"
        app.open_area("guess", secret=37)
        await pilot.press("2", "n")  # before the other modes are mounted, maybe
        screen = app.screen
        await wait_until(pilot, lambda: "Guess 1: 50 is" in shown(screen, "#watch-explain"))
        await pilot.press("escape")
        await pilot.pause()
        app.open_area("guess", secret=37)
        await pilot.press("escape")  # left at once: nothing is mounted on the closed screen
        await pilot.pause()
        assert len(app.screen_stack) == 1  # home, and no error


async def test_shown_again_with_a_secret_it_takes_it_and_keeps_the_rest(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        await pilot.press("right_square_bracket", "h")  # rate 12, and a game being answered
        screen.reopen(secret=80)  # as the app does for a link with a secret, on a kept screen
        await pilot.press("2")
        assert "secret 80" in shown(screen, "#watch-line")
        assert screen.query_one("#learning-rate", Input).value == "12"
        await pilot.press("1")
        assert "50 too high" in shown(screen, "#keep-history")


async def test_quitting_while_a_watched_game_plays_is_clean(make_app):
    # Found over SSH: as the app quits, the guess screen is suspended, which pauses the watched
    # game, after the pane's buttons were already removed (NoMatches ended the app with exit 1).
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, pilot, secret=37)
        await pilot.press("2", "space")  # watch it play
        pane = screen.query_one("#watch-pane")
        await wait_until(pilot, lambda: pane.playing)
        await screen.query_one("#watch-play").remove()  # as the teardown removes it first
        screen.on_screen_suspend()
        assert not pane.playing
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None) and app._exception is None
