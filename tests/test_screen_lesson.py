"""The lesson reader: contents, next/previous, read marks, resume position, in-app links."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Markdown, OptionList
from textual.widgets.markdown import MarkdownTableOfContents

from gdtui.screens.home import HomeScreen
from gdtui.screens.lesson import LessonScreen
from tests.conftest import wait_until, write_lesson

LONG_BODY = "\n\n".join(f"## Part {i}\n\n" + "Words to read. " * 40 for i in range(1, 9))


def small_course(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    links = (
        "Go to [the second lesson](lesson:second), [the game](screen:guess), "
        "[the web](https://example.org) or [part 3](#part-3).\n\n"
    )
    write_lesson(lessons, "01.md", id="first", order=1, title="First", body=links + LONG_BODY)
    write_lesson(lessons, "02.md", id="second", order=2, title="Second", body="Short.")
    (lessons / "03-broken.md").write_text("---\nid: x\n")
    return lessons


async def open_lesson(app, pilot, lesson_id: str) -> LessonScreen:
    app.open_lesson(lesson_id)

    def shown() -> bool:  # the text and its contents are in, and the reader is where it was left
        screen = app.screen
        contents = screen.query(MarkdownTableOfContents)  # none before it is composed
        return (isinstance(screen, LessonScreen) and screen.lesson_id == lesson_id
                and any(each.table_of_contents for each in contents) and not screen._restoring)

    await wait_until(pilot, shown)
    return app.screen


async def test_a_lesson_shows_its_text_and_contents(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        assert screen.query_one(Markdown).source.startswith("# First")
        toc = screen.query_one(MarkdownTableOfContents).table_of_contents
        assert [name for _, name, _ in toc][:3] == ["First", "Part 1", "Part 2"]
        tree = screen.query_one("#toc Tree")
        assert tree.region.width > 15  # the contents are wide enough to read
        assert "Lesson 1: First" in screen.sub_title


async def test_broken_files_are_listed_with_their_error(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        options = screen.query_one("#lesson-list", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("03-broken.md" in p and "front matter is not closed" in p for p in prompts)
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
        await pilot.pause()
        assert screen.lesson_id == "second"
        await pilot.press("n")  # already the last one
        assert screen.lesson_id == "second"
        await pilot.press("p")
        await pilot.pause()
        assert screen.lesson_id == "first"


async def test_a_short_lesson_is_read_as_soon_as_it_is_shown(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "second")
        await wait_until(pilot, lambda: "second" in app.store.read_lessons())


async def test_the_lesson_reopens_where_the_reader_left_off(make_app, tmp_path):
    lessons = small_course(tmp_path)
    app = make_app(lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        reader = screen.query_one("#reader", VerticalScroll)
        for _ in range(3):
            await pilot.press("pagedown")
        # the position is saved once scrolling stops
        await wait_until(pilot, lambda: not app.animator.is_being_animated(reader, "scroll_y")
                         and reader.scroll_y > 0 and app.store.lesson_position("first")
                         == round(reader.scroll_y / reader.max_scroll_y, 4))
        left_at = reader.scroll_y
        assert left_at > 0
        await pilot.press("escape")
    again = make_app(lessons)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")  # the lessons area reopens the last lesson
        await wait_until(pilot, lambda: isinstance(again.screen, LessonScreen)
                         and any(each.scroll_y > 0 for each in again.screen.query("#reader")))
        screen = again.screen
        assert screen.lesson_id == "first"
        reader = screen.query_one("#reader", VerticalScroll)
        assert abs(reader.scroll_y - left_at) <= 2
        assert "first" not in again.store.read_lessons()


async def test_clicking_a_lesson_in_the_list_opens_it(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        options = screen.query_one("#lesson-list", OptionList)
        await pilot.click(options, offset=(4, 1 + 1))  # second row: lesson 2
        await pilot.pause()
        assert screen.lesson_id == "second"


async def test_links_stay_inside_the_app(make_app, tmp_path, monkeypatch):
    opened_urls = []
    app = make_app(small_course(tmp_path))
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened_urls.append(url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        markdown = screen.query_one(Markdown)
        # (a posted message bubbles up to the screen later than pause() waits for)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.org"))
        await wait_until(pilot, lambda: any("does not open web links" in n.message
                                            for n in app._notifications))
        markdown.post_message(Markdown.LinkClicked(markdown, "lesson:second"))
        await wait_until(pilot, lambda: screen.lesson_id == "second")
        markdown.post_message(Markdown.LinkClicked(markdown, "screen:guess"))
        await wait_until(pilot, lambda: type(app.screen).__name__ == "GuessScreen"
                         and app.screen.is_mounted)
        assert opened_urls == []


async def test_every_link_can_be_followed_with_the_keyboard(make_app, tmp_path):
    app = make_app(small_course(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot, "first")
        await pilot.press("l")
        picker = app.screen
        shown = [str(o.prompt) for o in picker.query_one(OptionList).options]
        # In-app links only, in reading order; web links and anchors are not listed.
        assert [text.split("  ")[0] for text in shown] == ["the second lesson", "the game"]
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("l", "down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "GuessScreen"
        await pilot.press("escape")
        await pilot.press("l", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.lesson_id == "second"
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
            markdown = screen.query_one(Markdown)
            markdown.post_message(Markdown.LinkClicked(markdown, f"screen:{name}"))
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
