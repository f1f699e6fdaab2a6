"""Lectures: the files are checked like every other input (a corpus of bad files, each with its message and
line), a lecture round-trips through TOML, the default lecture tells the story in 15-25 steps that all play on
a fresh server, and a step lands on its page with its settings and arrival action (AppTest, through app.py)."""

from pathlib import Path

import pytest

from tests.conftest import whole_app
from ui import links, nav
from ui.lecture import actions, builder, model, pages
from ui.lecture import session as lecture_session

CORPUS = Path(__file__).with_name("lectures")

# file in tests/lectures: (line the message names, words the message must hold)
BAD = {
    "missing_page": (3, "step 1: it names no page"),
    "unknown_page": (6, "step 2: there is no page “transformers”"),
    "unknown_setting": (5, "has no setting “momentum”"),
    "wrong_type": (4, "layers: takes a number, not “three”"),
    "wrong_type_bool": (4, "run2: takes true or false, not 1"),
    "out_of_range": (7, "lr = 7.0 is not a value the page offers (one of 0.0001"),
    "not_toml": (4, "this is not valid TOML"),
    "unknown_key": (3, "unknown key “script”"),
    "bad_action": (3, "has no action “rewind 3” (it offers “play”, “step N (1 to 500)”, “end”)"),
    "no_action_here": (3, "the page neuron has no action “play” (it offers none)"),
    "unknown_tab": (3, "has no tab “Transformers”"),
    "no_steps": (None, "a lecture needs at least one [[step]]"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_lecture_file_gets_a_message_naming_its_line(name):
    line, words = BAD[name]
    with pytest.raises(model.LectureError) as caught:
        model.parse((CORPUS / f"{name}.toml").read_bytes())
    assert caught.value.line == line and words in caught.value.message, str(caught.value)
    assert str(caught.value).startswith(f"Line {line}: " if line else words[:10])


def test_a_10_mb_file_is_refused_before_it_is_parsed():
    huge = b'title = "x"\n' + b"# padding\n" * 1_000_000
    with pytest.raises(model.LectureError, match=r"the file is 10\.0 MB; a lecture file is at most 256 kB"):
        model.parse(huge)


def test_deep_nesting_is_refused_before_the_parser_recurses():
    with pytest.raises(model.LectureError) as caught:
        model.parse('title = "deep"\n\n' + "x = " + "[" * 100_000 + "]" * 100_000)
    assert caught.value.line == 3 and "nest deeper than 6" in caught.value.message
    # Brackets inside strings and comments are text, not nesting.
    lecture = model.parse('# [[[[[[[[[[\n[[step]]\npage = "neuron"\nnote = "[[[[[[[[[[ {{{{{{{{"\n')
    assert lecture.steps[0].note == "[[[[[[[[[[ {{{{{{{{"


def test_text_that_is_not_utf8_and_overlong_fields_are_refused():
    with pytest.raises(model.LectureError, match="not UTF-8"):
        model.parse(b'title = "caf\xe9"\n')
    with pytest.raises(model.LectureError, match="the note must be text of at most 4000"):
        model.parse('[[step]]\npage = "neuron"\nnote = "' + "n" * 4001 + '"\n')
    with pytest.raises(model.LectureError, match="at most 200"):
        model.parse('[[step]]\npage = "neuron"\n' * 201)


def test_a_note_with_markup_is_kept_as_plain_text():
    lecture = model.parse((CORPUS / "script_in_note.toml").read_bytes())
    step = lecture.steps[0]
    assert step.note.startswith('<script>alert("note")</script> **not bold**') and step.title.startswith("<img")
    # Where the app shows a file's words in Markdown (the builder's messages), every markup character is escaped.
    shown = builder.markdown_text(step.note)
    assert "\\<script\\>" in shown and "\\*\\*not bold\\*\\*" in shown and "\\[a link\\]\\(http" in shown


def test_a_lecture_round_trips_through_toml_with_every_kind_of_setting():
    text = """
title = "Round trip"
[[step]]
title = "Two runs"
page = "gradient-descent"
action = "play"
note = \"\"\"Line one.
Line two with "quotes" and a backslash \\\\ .\"\"\"
[step.settings]
lr = 0.0002
run2 = true
opt2 = "momentum"
w0 = -9.5
[[step]]
page = "playground"
tab = "Inside a network"
action = "step 25"
[step.settings]
features = ["x1_sq", "sin_x2"]
noise = 0.35
layers = 0
[[step]]
page = "home"
[step.settings]
steps = 300
"""
    lecture = model.parse(text)
    again = model.parse(model.to_toml(lecture))
    assert again == lecture and len(again.steps) == 3
    assert dict(again.steps[0].settings) == {"lr": "0.0002", "run2": "1", "opt2": "momentum", "w0": "-9.5"}
    assert again.steps[1].tab == "Inside a network" and again.steps[1].action == actions.Action("step", 25)
    assert dict(again.steps[1].settings)["features"] == "x1_sq,sin_x2"


def test_the_default_lecture_tells_the_story_in_15_to_25_steps():
    lecture = model.load("default")
    assert 15 <= len(lecture.steps) <= 25 and model.names()[0] == "default"
    chapters = [p.url_path for p in nav.PAGES if p.url_path]
    visited = [s.page for s in lecture.steps]
    assert set(chapters) <= set(visited)
    assert visited == sorted(visited, key=chapters.index)  # chapter 1 to chapter 6, in order
    assert sum(s.action is not None for s in lecture.steps) >= 8 and all(s.note for s in lecture.steps)
    assert model.parse(model.to_toml(lecture)) == model.Lecture(model.SESSION_NAME, lecture.title, lecture.steps)


def test_a_lecture_name_is_checked_against_the_folder_never_used_as_a_path():
    for name in ("../README", "default/../../app", "/etc/passwd", "mine", "DEFAULT"):
        with pytest.raises(model.LectureError, match="there is no lecture called"):
            model.load(name)


@pytest.mark.parametrize("info", nav.PAGES, ids=lambda p: p.url_path or "home")
def test_each_page_as_a_lecture_sees_it_is_the_link_the_page_writes(open_link, no_data, info):
    """``pages.page`` reads each chapter's link from its script; it must be the one the page runs with."""
    app = open_link(info.file)
    ref = pages.page(info.url_path or pages.HOME)
    assert set(app.session_state[links.WRITTEN_KEY]) == {c.param for c in ref.link.controls}
    assert ref.title == info.title and ref.file == info.file


def _open(query: dict, file: str):
    app = whole_app()
    app.run()
    app.query_params.update(query)
    app.switch_page(file).run()
    assert not app.exception, app.exception
    return app


def test_a_link_to_a_step_lands_with_its_settings_and_arrival_action():
    app = _open({"lecture": "default", "step": "4"}, "chapters/gradient_descent.py")
    assert app.session_state["w_gd_lr"] == 0.01 and app.session_state["gd_running"] is True
    assert app.query_params["lecture"] == ["default"] or app.query_params["lecture"] == "default"
    assert app.session_state[lecture_session.AT] == {"name": "default", "step": 3}


def test_the_bar_moves_between_steps_and_pages_and_runs_each_arrival_action():
    app = _open({"lecture": "default", "step": "9"}, "chapters/gradient_descent.py")
    assert app.session_state["w_gd_optimizer"] == "adam" and app.session_state["w_gd_run2_on"] is True

    def press(k: int, nonce: str):
        app.session_state[lecture_session.BAR_KEY] = {"go": k, "lecture": "default", "nonce": nonce}
        app.run()
        assert not app.exception, app.exception

    press(9, "a")  # step 10: backprop, three gradient-descent steps taken on arrival
    assert app.title[0].value == "3 · Backpropagation"
    assert [m.value for m in app.metric if m.label == "gradient-descent steps"] == ["3"]
    press(11, "b")  # step 12: XOR without a hidden layer, playing
    assert app.title[0].value == "4 · Layers and deep networks" and app.session_state["pg_running"] is True
    assert app.session_state["w_pg_layers"] == 0 and app.session_state["w_pg_dataset"] == "xor"
    press(8, "c")  # back to step 9, every other setting at its default again
    assert app.session_state["w_gd_lr"] == 0.2 and app.session_state["w_gd_steps"] == 150
    assert app.session_state["w_pg_layers"] == 0  # another page's controls are left alone
    press(8, "c")  # the same report again is not a second press
    assert app.session_state[lecture_session.AT]["step"] == 8


def test_add_this_view_builds_a_lecture_that_runs(open_link):
    app = open_link("chapters/home.py", steps="120")
    app.button(key="lecture_add").click().run()
    app.switch_page("chapters/convnets.py").run()
    app.session_state["cnn_tab"] = "Why convolution"
    app.run()
    app.button(key="lecture_add").click().run()
    draft = app.session_state[builder.DRAFT]
    steps = [item["step"] for item in draft["steps"]]
    assert [s.page for s in steps] == ["home", "convnets"]
    assert dict(steps[0].settings) == {"steps": "120"} and steps[1].tab == "Why convolution"
    assert steps[1].title == "6 · Convolutional networks: Why convolution"
    again = model.parse(model.to_toml(model.Lecture(model.SESSION_NAME, draft["title"], tuple(steps))))
    assert again.steps == tuple(steps)
