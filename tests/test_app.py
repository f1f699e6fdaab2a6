"""Streamlit AppTest: every page of the app runs through app.py's navigation with no exception."""

import pytest

from ui import nav


@pytest.mark.parametrize("info", nav.PAGES, ids=lambda p: p.url_path or "home")
def test_every_page_runs_and_shows_its_title(app, info):
    app.run()
    app.switch_page(info.file).run()
    assert not app.exception, app.exception
    assert [t.value for t in app.title][:1] == [info.title]


def test_home_metrics_follow_the_training_controls(app):
    app.run()
    before = [m.value for m in app.metric]
    app.slider(key="w_home_epochs").set_value(2).run()
    after = [m.value for m in app.metric]
    assert not app.exception
    assert before != after
    # After 2 steps from a random start the cost is still well above the 60-step value.
    assert float(after[2]) > float(before[2])


def test_upload_size_is_capped_and_telemetry_is_off():
    import tomllib

    config = tomllib.loads((nav.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert 1 <= config["server"]["maxUploadSize"] <= 20
    assert config["client"]["showErrorDetails"] == "none"  # no traceback or server path reaches a student


def test_home_controls_survive_a_visit_to_another_page(app):
    app.run()
    app.slider(key="w_home_epochs").set_value(7).run()
    app.switch_page(nav.PAGES[1].file).run()
    app.switch_page(nav.PAGES[0].file).run()
    assert app.slider(key="w_home_epochs").value == 7


@pytest.mark.parametrize("file, key, value", [
    ("chapters/gradient_descent.py", "w_gd_steps", 200),
    ("chapters/playground.py", "w_pg_layers", 3),
])
def test_chapter_controls_survive_a_visit_to_another_page(app, file, key, value):
    app.run()
    app.switch_page(file).run()
    app.slider(key=key).set_value(value).run()
    app.switch_page(nav.PAGES[0].file).run()
    app.switch_page(file).run()
    assert not app.exception
    assert app.slider(key=key).value == value


def test_every_page_has_the_notation_box_in_its_sidebar(app):
    app.run()
    for info in nav.PAGES:
        app.switch_page(info.file).run()
        texts = " ".join(m.value for m in app.sidebar.markdown)
        assert "number of examples (rows of $X$)" in texts and "number of input features" in texts
        assert any("Some textbooks write $n$ for the number of examples" in c.value for c in app.sidebar.caption)


@pytest.mark.parametrize("old_path", ["neuron", "gradient-descent", "playground", "pets"])
def test_the_old_urls_still_name_a_page(old_path):
    assert old_path in {p.url_path for p in nav.PAGES}


def test_presentation_mode_follows_the_switch_and_the_link_and_survives_navigation(app):
    app.run()
    assert app.toggle(key="present").value is False and "present" not in app.query_params
    app.toggle(key="present").set_value(True).run()
    assert app.query_params["present"] in ("1", ["1"])
    assert any("stSidebar" in h.proto.body for h in app.get("html"))
    app.switch_page(nav.PAGES[2].file).run()
    assert app.toggle(key="present").value is True and not app.exception


def test_a_link_with_present_1_opens_in_presentation_mode_with_large_dark_chart_type(app):
    import json

    app.query_params["present"] = "1"
    app.run()
    assert app.toggle(key="present").value is True
    fig = json.loads(app.get("plotly_chart")[0].proto.spec)
    axis = fig["layout"]["xaxis"]
    assert axis["tickfont"]["size"] >= 16 and axis["tickfont"]["color"] == "#111111"
    assert fig["layout"]["font"]["size"] == 22
