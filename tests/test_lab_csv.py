"""A learner's own CSV in the Training Lab: the data file field, its messages, and what is kept.

Pilot tests type into the field as a learner does (tests.test_screen_lab.type_into: click the
field, put the text in, press enter) and read what the lab shows; core tests check the pieces
the lab relies on (reading the typed path, the words of a message, the session's change).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from gdtui.training.challenges import CHALLENGES, judge
from gdtui.training.datasets import DataError, load_csv
from gdtui.training.fields import kept_text, parse_data_file, parse_field, setting_text
from gdtui.training.remembered import STORE_KEY, remember
from gdtui.training.session import TrainingSession
from gdtui.training.settings import Settings, SettingsError
from gdtui.widgets.lab_controls import LabControls
from gdtui.widgets.model_panel import ModelPanel
from tests.conftest import handled, screen_text, wait_for_text, wait_until
from tests.test_lab_shape import notices, told
from tests.test_screen_lab import open_lab, shown, type_into


def three_inputs(folder: Path, name: str = "three.csv", rows: int = 300) -> Path:
    """A CSV with a header, 3 input columns and a class label: x1 * x2 + x3 > 0."""
    rng = np.random.default_rng(1)
    points = rng.uniform(-1, 1, (rows, 3))
    labels = (points[:, 0] * points[:, 1] + points[:, 2] > 0).astype(int)
    lines = [f"{a:.3f},{b:.3f},{c:.3f},{k}" for (a, b, c), k in zip(points, labels, strict=True)]
    path = folder / name
    path.write_text("a,b,c,label\n" + "\n".join(lines) + "\n")
    return path


def model_title(lab) -> str:
    return str(lab.query_one(ModelPanel).border_title)


def replaced_rows(lab) -> list[str]:
    """The settings whose row says the data file replaces them."""
    return [row.id.removeprefix("row-") for row in lab.query(".field.-from-file")]


# -- the learner's keys ---------------------------------------------------------------------


async def test_a_good_csv_loads_and_the_network_takes_its_shape(make_app, tmp_path):
    path = three_inputs(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("n", "n")
        await type_into(pilot, "data_file", str(path))
        assert lab.session.settings.data_file == str(path)
        await told(pilot, "new network 3-8-8-1: three.csv: 300 points, 3 inputs (x1 to x3), "
                          "2 classes", "u to go back to the network at step 2")
        await wait_until(pilot, lambda: "three.csv" in model_title(lab))
        assert "model 3-8-8-1 tanh" in model_title(lab)
        assert replaced_rows(lab) == ["dataset", "n_points", "noise"]
        text = await wait_for_text(pilot, "dataset    from the file", "points     from the file")
        assert "moons" not in text.split("Network")[0]  # the dataset's name is gone from Data
        assert lab.session.dataset.n_inputs == 3 and lab.session.step == 0
        await pilot.press("space")
        await wait_until(pilot, lambda: lab.session.step >= 20)
        await pilot.press("space")
        # the file is what the lab starts from next time
        saved = app.store.get_setting(STORE_KEY)
        assert saved["settings"]["data_file"] == str(path)


async def test_a_bad_csv_names_file_and_line_and_the_run_is_kept(make_app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,t\n1,2,0\n3,4,1\n5,x,0\n6,7,1\n")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("n", "n", "n")
        weights = lab.session.network.parameter_vector.copy()
        settings, history = lab.session.settings, len(lab.session.history.evaluations)
        await type_into(pilot, "data_file", str(bad))
        assert shown(lab, "#error-data_file") == (
            "bad.csv:4: not a number: 'x' (kept the moons dataset)")
        await wait_for_text(pilot, "bad.csv:4: not a")
        assert lab.session.settings == settings and lab.session.step == 3
        assert (lab.session.network.parameter_vector == weights).all()
        assert len(lab.session.history.evaluations) == history
        assert replaced_rows(lab) == [] and "model 2-8-8-1" in model_title(lab)
        # the typed path stays in the field, to be put right
        assert lab.query_one("#field-data_file").value == str(bad)
        await pilot.press("u")  # undo still goes back where the last step started
        await wait_until(pilot, lambda: lab.session.step == 2)
        bad.write_text("x,y,t\n1,2,0\n3,4,1\n5,6,0\n6,7,1\n")
        await type_into(pilot, "data_file", str(bad))
        assert shown(lab, "#error-data_file") == "" and lab.session.dataset.name == "bad.csv"


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("make, message", [
    (lambda d: str(d / "gone.csv"), "gone.csv: cannot read the file: No such file or directory"),
    (lambda d: str(d), "a folder, not a file"),
    (lambda d: (d / "img.csv").write_bytes(b"\x89PNG\xff\xfe\x00") and str(d / "img.csv"),
     "img.csv: not a text file"),
    (lambda d: write(d, "short.csv", "1,2\n3,4\n"), "short.csv: need at least 4 rows"),
    (lambda d: write(d, "one.csv", "1,3\n2,3\n3,3\n4,3\n"),
     "one.csv: the target column has only one value (3); there is nothing to learn"),
    (lambda d: write(d, "huge.csv", "1,2.5\n2,1e300\n3,4\n4,5\n"),
     "huge.csv:2: the target 1e+300 is too large to learn"),
    (lambda d: write(d, "wide.csv", "-1e308,0\n1e308,1\n0,0\n1,1\n"),
     "wide.csv: column 1 spans more than a number can hold"),
])
async def test_every_error_of_the_csv_reader_shows_under_the_field(make_app, tmp_path, make,
                                                                   message):
    path = make(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("n")
        await type_into(pilot, "data_file", path)
        error = shown(lab, "#error-data_file")
        assert message in error and error.endswith("(kept the moons dataset)")
        assert lab.session.step == 1 and lab.session.settings.data_file is None


async def test_a_file_that_may_not_be_read_says_so(make_app, tmp_path, monkeypatch):
    path = three_inputs(tmp_path, "secret.csv")
    read = Path.read_text

    def refuse(self, *args, **options):  # (tests run as root, who may read anything)
        if self.name == "secret.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return read(self, *args, **options)

    monkeypatch.setattr(Path, "read_text", refuse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "data_file", str(path))
        assert shown(lab, "#error-data_file") == (
            "secret.csv: cannot read the file: Permission denied (kept the moons dataset)")


async def test_an_empty_path_goes_back_to_the_dataset_and_undo_to_the_file(make_app, tmp_path):
    path = three_inputs(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot, settings=Settings(dataset="circle"))
        await type_into(pilot, "data_file", str(path))
        await pilot.press("n", "n")
        await type_into(pilot, "data_file", "")
        assert lab.session.settings.data_file is None
        assert lab.session.network.layer_sizes == (2, 8, 8, 1)
        await told(pilot, "new network 2-8-8-1: back to the circle dataset")
        assert replaced_rows(lab) == []
        await wait_for_text(pilot, "dataset    circle")
        await pilot.press("u")  # the network trained on the file comes back
        await wait_until(pilot, lambda: lab.session.settings.data_file == str(path))
        assert lab.session.step == 2
        await told(pilot, "Undone: back to the network you had, three.csv at step 2")
        await wait_until(pilot, lambda: replaced_rows(lab) == ["dataset", "n_points", "noise"])
        assert lab.query_one("#field-data_file").value == setting_text("data_file", str(path))


async def test_a_csv_with_more_inputs_has_the_features_x1_to_xn(make_app, tmp_path):
    path = three_inputs(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "features", "x1^2,x2^2")  # the moons' own features
        await type_into(pilot, "data_file", str(path))
        # they do not fit a file of 3 inputs: the raw inputs, and a word why
        assert lab.session.settings.features == () and lab.session.settings.data_file
        await told(pilot, "the features x1^2,x2^2 do not fit it, so the network takes the raw "
                          "inputs")
        await type_into(pilot, "features", "x1,x3")
        assert lab.session.network.layer_sizes == (2, 8, 8, 1)
        await type_into(pilot, "features", "x4")
        assert shown(lab, "#error-features") == (
            "features: x4 not available here; choose from x1, x2, x3 (kept x1,x3)")


async def test_a_preset_goes_back_to_its_own_dataset(make_app, tmp_path):
    from textual.widgets import OptionList

    path = three_inputs(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "data_file", str(path))
        await pilot.press("p")
        options = app.screen.query_one(OptionList)
        options.highlighted = app.screen.names.index("spiral")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is lab)
        settings = lab.session.settings
        assert (settings.dataset, settings.data_file) == ("spiral", None)
        assert replaced_rows(lab) == [] and lab.query_one("#field-data_file").value == ""


async def test_a_csv_gone_before_the_next_start_falls_back_with_a_word(make_app, tmp_path):
    path = three_inputs(tmp_path, "gone.csv")
    app = make_app()
    saved = Settings(dataset="spiral", data_file=str(path), hidden_layers=(4, 4))
    app.store.set_setting(STORE_KEY, remember(saved, "fast"))
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)  # the file is there: it opens on it
        assert lab.session.settings == saved and replaced_rows(lab)
    path.unlink()
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(again, pilot)
        assert lab.session.settings == saved.replace(data_file=None)
        await told(pilot, "The lab's last settings could not all be used: gone.csv: cannot "
                          "read the file", "so the lab starts from the spiral dataset instead")
        assert lab.training.speed == "fast" and replaced_rows(lab) == []
        assert not any("Traceback" in n for n in notices(again))


async def test_the_help_says_how_to_load_a_csv(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lab(app, pilot)
        await pilot.press("question_mark")
        text = app.screen.text
        assert "**data file**" in text and "Type the path of a CSV file" in text
        assert "Empty the\nfield and press `enter` to go back" in text


async def test_tab_past_the_data_file_keeps_the_panel_in_order(make_app, tmp_path):
    path = three_inputs(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        field = lab.query_one("#field-data_file")
        lab.query_one(LabControls).scroll_to_widget(field, animate=False)
        await pilot.click(field)
        field.value = str(path)
        await pilot.press("tab")  # leaving the field loads it, as any setting is taken
        await wait_until(pilot, lambda: lab.session.settings.data_file == str(path))
        # the points field it went to is replaced by the file: the focus goes on down
        await wait_until(pilot, lambda: lab.focused is not None
                         and lab.focused.id == "field-validation_share")
        assert "from the file" in screen_text(app)


# -- the pieces ----------------------------------------------------------------------------


def test_a_typed_path_is_read_from_home_and_from_here(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    os.makedirs(tmp_path / "data", exist_ok=True)
    assert parse_data_file("  ") is None and parse_field("data_file", "") is None
    assert parse_data_file("~/data/a.csv") == str(tmp_path / "data" / "a.csv")
    assert parse_data_file("data/a.csv") == str(tmp_path / "data" / "a.csv")
    assert parse_data_file("'my data.csv'") == str(tmp_path / "my data.csv")
    assert parse_field("data_file", " /x/y.csv ") == "/x/y.csv"
    assert setting_text("data_file", str(tmp_path / "data" / "a.csv")) == "~/data/a.csv"
    assert setting_text("data_file", "/x/y.csv") == "/x/y.csv"
    assert setting_text("data_file", None) == ""


def test_a_refused_value_names_what_is_kept():
    values = Settings(dataset="spiral").to_dict()
    assert kept_text("data_file", values) == "the spiral dataset"
    assert kept_text("data_file", {**values, "data_file": "/x/points.csv"}) == "points.csv"
    assert kept_text("features", values) == "the raw inputs"
    assert kept_text("hidden_layers", values) == "8,8"


def test_a_folder_or_a_pipe_is_refused_without_reading_it(tmp_path):
    with pytest.raises(DataError, match=f"{tmp_path.name}: a folder, not a file"):
        load_csv(tmp_path)
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)  # reading it would wait for a writer forever
    with pytest.raises(DataError, match="pipe.csv: not a file of data"):
        load_csv(pipe)
    with pytest.raises(DataError, match="cannot read the file"):
        load_csv("bad\0name.csv")


def test_a_new_network_keeps_the_file_read_once(tmp_path):
    path = three_inputs(tmp_path)
    session = TrainingSession(Settings(data_file=str(path)))
    path.unlink()  # gone: a new shape of network still learns from the points read
    changed = session.change("hidden_layers", (4,))
    assert changed.why == "new network: the hidden layers changed"
    assert session.network.layer_sizes == (3, 4, 1)
    with pytest.raises(DataError, match="three.csv: cannot read the file"):
        session.change("seed", 5)  # new data: the file is read again
    assert session.settings.seed == 0 and session.network.layer_sizes == (3, 4, 1)


def test_changing_the_data_file_says_what_the_data_is(tmp_path):
    path = three_inputs(tmp_path)
    session = TrainingSession(Settings(features=("x1", "x2", "x1*x2")))
    changed = session.change("data_file", str(path))
    assert changed.why == ("new data and a new network 3-8-8-1: three.csv: 300 points, 3 inputs "
                           "(x1 to x3), 2 classes; the features x1,x2,x1*x2 do not fit it, so "
                           "the network takes the raw inputs")
    session.change("features", ("x3",))
    changed = session.change("data_file", None)
    assert changed.why.startswith("new data and a new network 2-8-8-1: back to the moons")
    assert session.settings.features == ()
    session.rebuild(loss="cross_entropy")
    regression = tmp_path / "numbers.csv"
    regression.write_text("".join(f"{x},{x * 0.37}\n" for x in range(10)))
    with pytest.raises(SettingsError, match="numbers.csv is a regression dataset; use mse"):
        session.change("data_file", str(regression))
    assert session.settings.data_file is None


def test_a_challenge_asks_for_its_dataset_back_in_words(tmp_path):
    path = three_inputs(tmp_path)
    challenge = CHALLENGES[0]
    session = TrainingSession(challenge.settings())
    session.change("data_file", str(path))
    verdict = judge(challenge, session)
    assert not verdict.passed
    assert verdict.message == (f"this challenge learns the {challenge.settings().dataset} "
                               "dataset: empty the data file")


async def test_a_served_lab_reads_no_file_of_the_server(make_app, tmp_path):
    # Under gdtui serve every learner's gdtui runs as the server's user: a path typed in the
    # lab would read the server's files (its host key, the others' progress) and show bits
    # of them in the messages. The field is off there, and a saved file is not read.
    path = three_inputs(tmp_path)
    app = make_app(area_file=tmp_path / "session.area")
    app.store.set_setting(STORE_KEY, remember(Settings(data_file=str(path)), "fast"))
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        assert lab.session.settings.data_file is None
        await told(pilot, "does not read the server's files, so the lab starts from the moons")
        field = lab.query_one("#field-data_file")
        assert field.disabled and field.placeholder == "off on server"
        await wait_for_text(pilot, "data file  off on server")
        assert not lab.apply_setting("data_file", str(path))
        assert shown(lab, "#error-data_file").startswith(
            "data file: a gdtui on a shared server does not read the server's files")
        assert lab.session.settings.data_file is None


# -- a big file is read in a worker ----------------------------------------------------------


@pytest.fixture
def slow_reading(monkeypatch):
    """Every file counts as big, and its reading waits until the test lets it go on."""
    import threading

    import gdtui.screens.lab.reading as reading
    import gdtui.training.datasets as datasets

    go_on = threading.Event()
    monkeypatch.setattr(datasets, "SLOW_CSV_BYTES", 10)

    def read(*args, **options):
        assert go_on.wait(30)
        return load_csv(*args, **options)

    monkeypatch.setattr(reading, "load_csv", read)
    return go_on


async def test_a_big_csv_is_read_while_the_lab_goes_on(make_app, tmp_path, slow_reading):
    path = three_inputs(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "data_file", str(path))
        assert shown(lab, "#error-data_file").startswith("reading three.csv (")
        await pilot.press("n", "n")  # the lab's keys work meanwhile, on the network it has
        assert lab.session.step == 2 and lab.session.settings.data_file is None
        slow_reading.set()
        await wait_until(pilot, lambda: lab.session.settings.data_file == str(path))
        assert lab.session.network.layer_sizes == (3, 8, 8, 1)
        await told(pilot, "three.csv: 300 points", "u to go back to the network at step 2")
        assert shown(lab, "#error-data_file") == ""


async def test_a_big_bad_csv_says_why_once_read(make_app, tmp_path, slow_reading):
    bad = tmp_path / "big-bad.csv"
    bad.write_text("x,y,t\n1,2,0\n3,4,1\n5,x,0\n6,7,1\n")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("n")
        await type_into(pilot, "data_file", str(bad))
        slow_reading.set()
        await wait_until(pilot, lambda: "not a number" in shown(lab, "#error-data_file"))
        assert shown(lab, "#error-data_file") == (
            "big-bad.csv:4: not a number: 'x' (kept the moons dataset)")
        assert lab.session.step == 1 and lab.session.settings.data_file is None


async def test_a_preset_while_a_big_csv_is_read_gives_it_up(make_app, tmp_path, slow_reading):
    path = three_inputs(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "data_file", str(path))
        lab.reopen(preset="spiral")  # a lesson's link, say
        assert lab.session.settings.dataset == "spiral"
        reading = lab.tuning.reading
        slow_reading.set()
        await wait_until(pilot, lambda: not lab.workers)  # the worker ends, and is ignored
        await handled(app, pilot)
        assert lab.session.settings.data_file is None and reading._reading is None
        assert shown(lab, "#error-data_file") == ""


def test_a_file_too_big_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(25_000_000)  # (a sparse file: 25 MB that take no room)
    with pytest.raises(DataError, match=r"^huge.csv: 25 MB, more than gdtui reads \(20 MB at "
                                        r"most\)$"):
        load_csv(path)


async def test_a_csv_the_panel_cannot_draw_says_what_it_draws(make_app, tmp_path):
    # one input and two classes: neither regions nor a curve (the words once said "more
    # than 2 inputs", which this file does not have)
    path = write(tmp_path, "one.csv", "x,label\n0.1,0\n0.2,0\n0.3,0\n0.8,1\n0.9,1\n1.0,1\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "data_file", path)
        await wait_until(pilot, lambda: lab.session.dataset.n_inputs == 1)
        text = await wait_for_text(pilot, "No picture of this data")
        assert "more than 2 inputs" not in text
        assert lab.query_one("#model-note").has_class("shown")
