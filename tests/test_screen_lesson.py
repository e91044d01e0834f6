"""The lesson reader: contents, next/previous, read marks, where a lesson opens, in-app links."""

from __future__ import annotations

import asyncio
import re

from textual.widgets import OptionList

from gdtui.screens.home import HomeScreen
from gdtui.screens.lesson import LessonScreen
from gdtui.widgets.lesson_text import LessonPart, LessonText
from tests.conftest import screen_text, wait_for_text, wait_until, write_lesson

LONG_BODY = "\n\n".join(f"## Part {i}\n\n" + f"Words about topic{i} to read. " * 40
                        for i in range(1, 9))
LARGE_BODY = "\n\n".join(f"## Part {i}\n\n" + "\n\n".join(
    [f"Words about topic{i} to read. " * 12] * 4) for i in range(1, 61))


def small_course(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    links = (
        "Go to [the second lesson](lesson:second), [the game](screen:guess), "
        "[the web](https://example.org), [part 3](#part-3) or [its part 2](lesson:second#part-2)."
        "\n\n"
    )
    write_lesson(lessons, "01.md", id="first", order=1, title="First", body=links + LONG_BODY)
    write_lesson(lessons, "02.md", id="second", order=2, title="Second",
                 body="Short.\n\n## Part 1\n\nA little.\n\n## Part 2\n\nA little more.")
    (lessons / "03-broken.md").write_text("---\nid: x\n")
    return lessons


def large_course(tmp_path):
    """Two long lessons (60 sections each), the second with a flashcard about its Part 37."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_lesson(lessons, "01.md", id="big", order=1, title="Big", body=LARGE_BODY)
    card = "\n\n## Flashcards\n\nQ: What are the words about topic37?\nA: Topic37, to read.\n"
    write_lesson(lessons, "02.md", id="bigger", order=2, title="Bigger", body=LARGE_BODY + card)
    return lessons


def slow_parts(monkeypatch):
    """Make every part of a lesson slow to build, as on a loaded machine."""
    async def slowly(self) -> None:
        await asyncio.sleep(0.05)

    monkeypatch.setattr(LessonPart, "on_mount", slowly, raising=False)


async def open_lesson(app, pilot, lesson_id: str, section: str | None = None) -> LessonScreen:
    app.open_lesson(lesson_id, section)
    await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                     and app.screen.lesson_id == lesson_id and app.screen.settled)
    return app.screen


def reader_rows(app) -> list[str]:
    """The rows of the lesson text as the learner sees them."""
    region = app.screen.reader.scrollable_content_region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [row[region.x:region.right].strip() for row in rows]


def sidebar_rows(app, selector: str) -> list[str]:
    region = app.screen.query_one(selector).scrollable_content_region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [row[region.x:region.right].rstrip() for row in rows]


async def wait_for_top(pilot, text: str) -> None:
    """Wait until the text's first row shows `text`."""
    try:
        await wait_until(pilot, lambda: reader_rows(pilot.app)[0] == text, seconds=10)
    except AssertionError:
        raise AssertionError(f"{text!r} is not at the top; the text shows:\n"
                             + "\n".join(reader_rows(pilot.app))) from None


async def go_to_section(pilot, title: str) -> None:
    """Pick a section in the contents, as the learner would with the mouse."""
    screen = pilot.app.screen
    contents = screen.query_one("#contents", OptionList)
    index = next(i for i, s in enumerate(screen.lesson.sections) if s.title == title)
    contents.highlighted = index
    contents.action_select()
    await wait_for_top(pilot, title)


async def test_a_lesson_shows_its_text_and_contents(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        assert screen.query(LessonPart).first().source.startswith("# First")
        contents = screen.query_one("#contents", OptionList)
        entries = [str(contents.get_option_at_index(i).prompt)
                   for i in range(contents.option_count)]
        assert entries[:3] == ["First", "· Part 1", "· Part 2"]
        assert "Lesson 1: First" in screen.sub_title
        assert "First" in reader_rows(app)[:3]  # the title, at the top


async def test_broken_files_are_listed_with_their_error(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        options = screen.query_one("#lesson-list", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("03-broken.md" in p and "front matter is not closed" in " ".join(p.split())
                   for p in prompts)
        assert options.get_option("broken:03-broken.md").disabled


async def test_reaching_the_end_marks_the_lesson_read(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        assert "first" not in app.store.read_lessons()
        await pilot.press("end")
        await wait_until(pilot, lambda: "first" in app.store.read_lessons())
        options = screen.query_one("#lesson-list", OptionList)
        assert str(options.get_option("first").prompt).startswith("✓")


async def test_next_and_previous(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        await pilot.press("n")
        await wait_until(pilot, lambda: screen.lesson_id == "second" and screen.settled)
        await pilot.press("n")  # already the last one
        assert screen.lesson_id == "second"
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.lesson_id == "first" and screen.settled)


async def test_a_short_lesson_is_read_as_soon_as_it_is_shown(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "second")
        await wait_until(pilot, lambda: "second" in app.store.read_lessons())


async def test_a_lesson_left_part_way_reopens_there_after_a_restart(make_app, tmp_path):
    lessons = small_course(tmp_path)
    app = make_app(lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "first")
        await go_to_section(pilot, "Part 5")
        await pilot.press("down", "down")  # two rows into it
        await wait_until(pilot, lambda: 0 < app.store.lesson_position("first") < 1)
        left_at = reader_rows(app)
        await pilot.press("escape")
    again = make_app(lessons)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")  # the lessons area reopens the last lesson, where it was left
        await wait_until(pilot, lambda: isinstance(again.screen, LessonScreen)
                         and again.screen.settled)
        assert again.screen.lesson_id == "first"
        assert reader_rows(again) == left_at
        assert "first" not in again.store.read_lessons()


async def test_a_finished_lesson_opens_at_its_title(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        await pilot.press("end")
        await wait_until(pilot, lambda: "first" in app.store.read_lessons())
        await pilot.press("n")
        await wait_until(pilot, lambda: screen.lesson_id == "second" and screen.settled)
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.lesson_id == "first" and screen.settled)
        assert "First" in reader_rows(app)[:3] and screen.reader.scroll_y == 0


async def test_next_from_the_end_of_a_long_slow_lesson_opens_the_next_at_its_title(
        make_app, tmp_path, monkeypatch):
    """The review once saw lesson 2 open in the middle of its table after `n` at the end of
    lesson 1: the reader kept the old lesson's offset while the new text was being built."""
    slow_parts(monkeypatch)
    app = make_app(large_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "big")
        await pilot.press("end")
        await wait_until(pilot, lambda: "big" in app.store.read_lessons())
        await pilot.press("n", "down")  # a key pressed while it opens goes to the new lesson
        await wait_until(pilot, lambda: screen.lesson_id == "bigger" and screen.settled)
        rows = reader_rows(app)
        assert "Bigger" in rows[:3] and screen.reader.scroll_y <= 1
        assert "bigger" not in app.store.read_lessons()
        assert app.store.lesson_position("big") == 1.0  # left at its end


async def test_a_long_slow_lesson_resumes_at_the_heading_it_was_left_at(
        make_app, tmp_path, monkeypatch):
    slow_parts(monkeypatch)
    app = make_app(large_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "bigger")
        await go_to_section(pilot, "Part 41")
        await pilot.press("p")
        await wait_until(pilot, lambda: app.screen.lesson_id == "big")
        await pilot.press("n")
        await wait_for_top(pilot, "Part 41")
        await pilot.press("s")  # the sidebar's toggle keeps it there too
        await wait_for_top(pilot, "Part 41")


async def test_end_pressed_as_a_long_slow_lesson_comes_in_goes_to_its_end(
        make_app, tmp_path, monkeypatch):
    slow_parts(monkeypatch)
    app = make_app(large_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "end")  # at once, while most of its parts are still coming
        await wait_until(pilot, lambda: "big" in app.store.read_lessons())
        assert "End of lesson. Press n for the next one: Bigger." in " ".join(reader_rows(app))
        assert app.screen.reader.text.complete
        app.screen.query_one("#lesson-list").focus()  # in the list, end is its last entry
        await pilot.press("home", "end")
        assert app.screen.query_one("#lesson-list", OptionList).highlighted == 1


async def test_hiding_the_sidebar_or_resizing_keeps_the_heading_at_the_top(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        await go_to_section(pilot, "Part 4")
        await pilot.press("s")
        await wait_until(pilot, lambda: not screen.query_one("#sidebar").display)
        await wait_for_top(pilot, "Part 4")
        await pilot.press("s")
        await wait_for_top(pilot, "Part 4")
        await pilot.resize_terminal(120, 40)
        await wait_for_top(pilot, "Part 4")
        await pilot.resize_terminal(80, 24)
        await wait_for_top(pilot, "Part 4")


async def test_l_on_a_flashcard_opens_its_lesson_at_the_cards_section(make_app, tmp_path):
    app = make_app(large_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("cards", seed=3)
        await wait_for_text(pilot, "Review")
        await pilot.press("r")
        await wait_for_text(pilot, "topic37")  # the card from the middle of the lesson
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                         and app.screen.settled)
        assert app.screen.lesson_id == "bigger"
        await wait_for_top(pilot, "Part 37")


async def test_leaving_and_coming_back_keeps_the_lesson_and_place(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "first")
        await go_to_section(pilot, "Part 3")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("1")
        await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                         and app.screen.settled)
        assert app.screen.lesson_id == "first"
        await wait_for_top(pilot, "Part 3")


async def test_a_lesson_built_ahead_records_nothing_until_it_is_shown(make_app, tmp_path):
    """The app may build the lesson screen unseen while the learner is at home (BUILD_AHEAD):
    until it shows, no lesson is opened, read or given a place."""
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = LessonScreen("second")  # a short lesson: read as soon as it is seen
        app.install_screen(screen, "built-ahead")
        with app.batch_update():  # as the app builds a screen ahead: pushed and taken back
            await app.push_screen(screen)
            app.pop_screen()
        await wait_until(pilot, lambda: screen.reader.text.complete)
        await pilot.pause()
        assert app.store.get_setting("last_lesson") is None
        assert app.store.read_lessons() == set() and app.store.last_activity() is None
        await app.push_screen(screen)  # the learner opens the lessons
        await wait_until(pilot, lambda: "second" in app.store.read_lessons())
        assert app.store.get_setting("last_lesson") == "second"
        assert "lesson 'Second'" in app.store.last_activity()[2]


async def test_keys_pressed_while_the_lesson_opens_go_to_it(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "pagedown")
        await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                         and app.screen.settled and app.screen.reader.scroll_y > 0)
        assert "First" not in reader_rows(app)[:3]


async def test_clicking_a_lesson_in_the_list_opens_it(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        options = screen.query_one("#lesson-list", OptionList)
        await pilot.click(options, offset=(4, 1))  # second row: lesson 2
        await wait_until(pilot, lambda: screen.lesson_id == "second")


async def test_links_stay_inside_the_app(make_app, tmp_path, monkeypatch):
    opened_urls = []
    app = make_app(small_course(tmp_path))
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened_urls.append(url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        markdown = screen.query(LessonPart).first()
        # (a posted message bubbles up to the screen later than pause() waits for)
        markdown.post_message(LessonText.LinkClicked("https://example.org"))
        await wait_until(pilot, lambda: any("does not open web links" in n.message
                                            for n in app._notifications))
        markdown.post_message(LessonText.LinkClicked("#part-3"))
        await wait_for_top(pilot, "Part 3")
        markdown.post_message(LessonText.LinkClicked("lesson:second"))
        await wait_until(pilot, lambda: screen.lesson_id == "second" and screen.settled)
        markdown = screen.query(LessonPart).first()
        markdown.post_message(LessonText.LinkClicked("lesson:first#part-6"))
        await wait_until(pilot, lambda: screen.lesson_id == "first" and screen.settled)
        assert app.screen is screen  # the same reader shows the other lesson
        await wait_for_top(pilot, "Part 6")
        markdown = screen.query(LessonPart).first()
        markdown.post_message(LessonText.LinkClicked("screen:guess"))
        await wait_until(pilot, lambda: type(app.screen).__name__ == "GuessScreen"
                         and app.screen.is_mounted)
        assert opened_urls == []


async def test_clicking_a_link_in_the_text_follows_it(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        region = screen.reader.scrollable_content_region
        rows = screen_text(app).splitlines()
        y = next(i for i in range(region.y, region.bottom) if "second lesson" in rows[i])
        x = rows[y].index("second lesson")
        await pilot.click(offset=(x + 2, y))
        await wait_until(pilot, lambda: screen.lesson_id == "second" and screen.settled)


async def test_every_link_can_be_followed_with_the_keyboard(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        await pilot.press("l")
        picker = app.screen
        shown = [str(o.prompt) for o in picker.query_one(OptionList).options]
        # In-app links only, in reading order; web links and anchors are not listed.
        assert [text.split("  ")[0] for text in shown] == [
            "the second lesson", "the game", "its part 2"]
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("l", "down", "enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "GuessScreen")
        await pilot.press("escape")
        await pilot.press("l", "enter")
        await wait_until(pilot, lambda: app.screen is screen and screen.lesson_id == "second")
        await pilot.press("l")  # the second lesson has no links: a message, no empty list
        assert app.screen is screen
        assert any("no links" in n.message for n in app._notifications)


async def test_the_reader_fits_small_and_large_terminals(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "loss")
        for width, height in ((80, 24), (200, 60)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            reader = screen.query_one("#reader")
            assert reader.region.width >= width // 2
            assert reader.region.height >= height - 4
        await pilot.press("s")  # hide the sidebar for more room
        await pilot.pause()
        assert screen.query_one("#reader").region.width >= 190
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_the_sidebar_reads_cleanly_at_80x24(make_app):
    """Each lesson title and heading wraps at whole words, under its own text."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "backprop")
        for selector, titles in (
            ("#lesson-list", [lesson.title for lesson in app.course.lessons]),
            ("#contents", [section.title for section in screen.lesson.sections]),
        ):
            entries: list[str] = []
            for row in sidebar_rows(app, selector):
                starts = re.match(r"[✓ ] \d+\. " if selector == "#lesson-list" else r"(  )*· ", row)
                if entries and not starts and row.startswith("  "):  # a wrapped entry goes on
                    entries[-1] += " " + row.strip()
                elif row.strip():
                    entries.append(row[starts.end() if starts else 0:].strip())
            # every entry on the screen is a whole title; the last may be cut by the bottom
            assert entries, selector
            for entry in entries[:-1]:
                assert entry in titles, (selector, entry)
            assert any(title.startswith(entries[-1]) for title in titles), (selector, entries)
        rows = sidebar_rows(app, "#lesson-list")
        assert len([row for row in rows if re.match(r"[✓ ] \d\. ", row)]) == 7  # all in sight


async def test_the_footer_shows_every_key_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "loss")
        footer = (await wait_for_text(pilot, "? Help")).splitlines()[-1]
        for key in ("n Next", "p Previous", "s Sidebar", "l Links", "? Help", "esc Back"):
            assert key in footer, footer


async def test_every_screen_a_lesson_may_link_to_opens_in_the_app(make_app, tmp_path):
    """`gdtui check` and the app read one list of places (screen:home once passed the check
    and then failed in the app with "There is no screen called 'home'")."""
    from gdtui.areas import AREAS, place_names
    from gdtui.course.lessons import check_links, load_course

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    body = " ".join(f"[{name}](screen:{name})" for name in place_names())
    write_lesson(lessons, "01.md", id="first", order=1, title="First", body=body)
    course = load_course(lessons)
    assert [check_links(lesson, {"first"}) for lesson in course.lessons] == [[]]
    app = make_app(lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        for name in place_names():
            screen = await open_lesson(app, pilot, "first")
            markdown = screen.query(LessonPart).first()
            markdown.post_message(LessonText.LinkClicked(f"screen:{name}"))
            if name == "lessons":  # the lessons area is this screen, kept: it stays
                await pilot.pause()
                assert app.screen is screen
                continue
            # (a posted message bubbles up to the screen later than pause() waits for)
            await wait_until(pilot, lambda lesson=screen: (
                app.screen is not lesson and app.screen.is_mounted)
                or any(n.severity == "error" for n in app._notifications))
            await pilot.pause()
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert errors == [], name
            if name == "home":
                assert isinstance(app.screen, HomeScreen)
            else:
                wanted = next(a for a in AREAS if a.name == name).module.rpartition(":")[2]
                assert type(app.screen).__name__ == wanted
                app.go_home()
            await pilot.pause()
