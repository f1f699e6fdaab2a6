"""AppTest of the gradient-descent page: defaults, every preset, playback controls, the player's reports,
the warnings and the projector look.

The views live in the browser's player (``ui.gradient_descent.player``): the page hands it a scene
file and the step to show. ``shown`` reads what it draws at that step: run A's numbers from the
status line and every view's traces, cut at the step by ``figures.at_frame`` (the rules player.js
follows).
"""

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine import datasets
from lessons import surface
from ui.gradient_descent import controls as gd_controls
from ui.gradient_descent import figures as gd_figures
from ui.gradient_descent import player as gd_player

PAGE = "chapters/gradient_descent.py"


def _args(app, role: str = "leader") -> dict:
    """The arguments of the page's player with this role ("leader": map and cost; "follower": fit and 3-D)."""
    found = [json.loads(e.proto.json_args) for e in app.get("component_instance")]
    found = [a for a in found if a.get("role") == role]
    assert len(found) == 1, f"{len(found)} players with role {role!r}"
    return found[0]


def shown(app, role: str = "leader") -> dict:
    """What a player draws now: {"frame", "last", "w", "b", "J" (run A's status texts), "views":
    {view: traces of all its layers at that step}, "spec"}."""
    args = _args(app, role)
    spec = gd_player.scene(args["scene_id"], role)
    frame = max(0, min(int(args["state"]["frame"]), spec["last"]))
    k = min(frame, spec["runs"][0]["steps"])
    views = {name: [gd_figures.at_frame(t, spec, frame) for layer in layers.values() for t in layer["data"]]
             for name, layers in spec["views"].items()}
    status = spec["status"]
    return {"frame": frame, "last": spec["last"], "w": status["w"][k], "b": status["b"][k], "J": status["J"][k],
            "views": views, "spec": spec, "running": args["state"]["running"]}


def _values(v) -> np.ndarray:
    if isinstance(v, dict):  # Plotly's typed-array encoding
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=float)


def _named(traces: list[dict], start: str) -> dict:
    found = [t for t in traces if str(t.get("name", "")).startswith(start)]
    assert found, f"no trace named {start}…"
    return found[0]


def _path(view: dict) -> dict:
    """Run A's path on the map (its first live trace)."""
    return view[1]


def test_defaults_show_the_views_at_the_start_point(open_page):
    app = open_page(PAGE)
    assert app.title[0].value == "2 · Cost and gradient descent"
    top = app.markdown[0].value  # the loss and the cost, typeset, at the top
    assert "\\mathcal{L}(\\hat y, y) = -\\left[y \\log \\hat y" in top and "J(w, b) = \\frac{1}{m}" in top
    s = shown(app)
    assert set(s["views"]) == {"map", "cost"} and set(shown(app, "follower")["views"]) == {"fit", "bowl"}
    assert s["w"] == "-4" and s["b"] == "3" and (s["frame"], s["last"]) == (0, 100)
    X, y = datasets.one_feature(60, 0.5, 0)
    assert float(s["J"]) == pytest.approx(surface.cost_at(X, y, -4.0, 3.0), rel=1e-3)
    assert "w := w - \\alpha" in app.latex[0].value
    assert "-4 - 1 \\times" in app.latex[2].value  # the first update with its numbers
    assert any(str(t.get("name", "")).startswith("minimum") for t in s["views"]["map"])
    assert not app.error


def test_step_button_takes_exactly_the_engines_first_step(open_page):
    app = open_page(PAGE)
    app.button(key="gd_step").click().run()
    X, y = datasets.one_feature(60, 0.5, 0)
    path = surface.descent_path(X, y, -4.0, 3.0, "gd", 1.0, 100)
    s = shown(app)
    assert s["frame"] == 1
    assert float(s["w"]) == pytest.approx(path.w[1], rel=1e-3)
    assert float(s["b"]) == pytest.approx(path.b[1], rel=1e-3)
    cost = _named(s["views"]["cost"], "A:")
    assert _values(cost["y"]) == pytest.approx(path.J[:2])  # J at steps 0 and 1
    assert "step 1 → 2" in " ".join(m.value for m in app.markdown)


def test_jump_to_end_then_reset_returns_to_the_start(open_page):
    app = open_page(PAGE)
    app.button(key="gd_end").click().run()
    s = shown(app)
    assert s["frame"] == 100
    assert len(_values(_named(s["views"]["cost"], "A:")["y"])) == 101
    assert float(s["J"]) < 0.21  # near the minimum J* ≈ 0.200
    app.button(key="gd_reset").click().run()
    assert shown(app)["frame"] == 0


def test_changing_the_learning_rate_changes_the_path(open_page):
    app = open_page(PAGE)
    app.button(key="gd_end").click().run()
    before = _values(_path(shown(app)["views"]["map"])["x"])
    app.select_slider(key="w_gd_lr").set_value(0.01).run()
    after = _values(_path(shown(app)["views"]["map"])["x"])
    assert not app.exception
    assert len(before) == len(after) == 101
    assert abs(after[-1] - before[-1]) > 1.0  # α = 0.01 barely leaves the start
    assert float(shown(app)["J"]) > 3.0


@pytest.mark.parametrize("key", list(gd_controls.PRESETS))
def test_every_preset_sets_every_control_and_runs(open_page, key):
    app = open_page(PAGE)
    app.select_slider(key="w_gd_l2").set_value(100.0).run()  # a value no preset keeps
    app.button(key=f"gd_preset_{key}").click().run()
    assert not app.exception, app.exception
    expected = gd_controls.preset_values(key)
    for name, value in expected.items():
        assert app.session_state[name] == value, name
    assert app.session_state["gd_running"] is True and shown(app)["running"] is True
    runs = 1 + sum(expected[f"w_gd_run{i}_on"] for i in (2, 3))
    cost_names = [t["name"] for t in shown(app)["views"]["cost"]]
    assert [n[0] for n in cost_names] == ["A", "B", "C"][:runs]
    if key == "diverges":
        assert "diverged" in app.error[0].value
    else:
        assert not app.error


def test_the_player_has_each_presets_setup_ahead_of_a_click(open_page):
    app = open_page(PAGE)
    presets = _args(app)["presets"]
    assert set(presets) == {f"gd_preset_{name}" for name in gd_controls.PRESETS}
    app.button(key="gd_preset_momentum").click().run()
    # The setup the player switches to at a click is the one the server then draws.
    assert _args(app)["scene_id"] == presets["gd_preset_momentum"]["scene"]
    assert presets["gd_preset_momentum"]["speed"] == app.session_state["w_gd_speed"] == 5


def test_diverging_run_is_explained_without_any_nan_on_screen(open_page):
    app = open_page(PAGE)
    app.button(key="gd_preset_diverges").click().run()
    app.button(key="gd_end").click().run()
    message = app.error[0].value
    assert "diverged" in message and "Last finite point" in message and "smaller" in message
    s = shown(app)
    status = s["spec"]["status"]
    on_screen = status["w"] + status["b"] + status["J"] + [l.value for l in app.latex] + [message]
    assert not any("nan" in t.lower() or "inf" in t.lower().replace("infinite", "") for t in on_screen)
    head = s["views"]["map"][2]  # run A's current point
    assert head["marker"]["symbol"] == "x"  # the last finite point is marked
    assert s["frame"] == s["spec"]["runs"][0]["steps"] == 36


def test_separable_data_explains_the_missing_minimum_and_offers_l2(open_page):
    app = open_page(PAGE)
    app.slider(key="w_gd_overlap").set_value(0.0).run()
    assert "no finite minimum" in app.info[0].value
    app.button(key="gd_add_l2").click().run()
    assert app.session_state["w_gd_l2"] == 1.0
    assert not app.info
    assert any(str(t.get("name", "")).startswith("minimum") for t in shown(app)["views"]["map"])


def test_a_running_playback_survives_a_click_on_another_widget(open_page):
    app = open_page(PAGE)
    app.button(key="gd_play").click().run()
    assert app.session_state["gd_running"] is True
    app.toggle(key="w_gd_run2_on").set_value(True).run()
    assert not app.exception
    assert app.session_state["gd_running"] is True and shown(app)["running"] is True
    assert [t["name"][0] for t in shown(app)["views"]["cost"]] == ["A", "B"]
    app.button(key="gd_pause").click().run()
    assert app.session_state["gd_running"] is False


def test_mini_batch_and_sgd_paths_take_one_point_per_update(open_page):
    app = open_page(PAGE)
    app.radio(key="w_gd_batching").set_value("sgd").run()
    app.button(key="gd_end").click().run()
    assert not app.exception
    J = _values(_named(shown(app)["views"]["cost"], "A:")["y"])
    assert len(J) == 101  # 100 updates of one example each, not 100 epochs
    assert np.any(np.diff(J) > 0)  # single examples sometimes push the full cost up


def test_the_views_follow_the_engine_at_every_step():
    """The player's series are the engine's path; the 3-D path floats just above the surface."""
    from ui.gradient_descent.scene import scene_for

    settings = gd_controls.read_settings(gd_controls.CONTROLS)
    scene = scene_for(settings)
    spec = gd_figures.player_spec(scene)
    X, y = datasets.one_feature(60, 0.5, 0)
    path = surface.descent_path(X, y, -4.0, 3.0, "gd", 1.0, 100)
    s = spec["series"][0]
    assert np.allclose(s["wr"], path.w) and np.allclose(s["br"], path.b) and np.allclose(s["J"], path.J)
    assert np.all(np.asarray(s["J3"]) > path.J)
    fit = gd_figures.at_frame(spec["views"]["fit"]["live"]["data"][0], spec, 7)
    x = np.asarray(fit["x"])
    assert np.allclose(fit["y"], 1 / (1 + np.exp(-(path.w[7] * x + path.b[7]))))


def test_the_bowl_is_drawn_once_and_only_its_paths_are_redrawn():
    """The 3-D view is two stacked scenes: the surface with its axes (the base, drawn once per setup) and
    the paths alone on a transparent scene with the same ranges and proportions (the live layer)."""
    from ui.gradient_descent.scene import scene_for

    spec = gd_figures.player_spec(scene_for(gd_controls.read_settings(gd_controls.CONTROLS)))
    base, live = spec["views"]["bowl"]["base"], spec["views"]["bowl"]["live"]
    assert [t["type"] for t in base["data"]] == ["surface"] and not base["data"][0].get("meta")
    assert live["data"] and all(t["type"] == "scatter3d" and t["meta"]["live"] for t in live["data"])
    assert live["layout"]["paper_bgcolor"] == live["layout"]["scene"]["bgcolor"] == "rgba(0,0,0,0)"
    assert live["layout"]["uirevision"] is None  # its camera is the base's (player.js)
    for axis in ("xaxis", "yaxis", "zaxis"):
        a, b = live["layout"]["scene"][axis], base["layout"]["scene"][axis]
        assert a["range"] == b["range"] and not a["showticklabels"] and not a["showgrid"] and not a["showbackground"]
    for key in ("aspectmode", "aspectratio", "camera"):
        assert live["layout"]["scene"][key] == base["layout"]["scene"][key]


# ------------------------------------------------------------------------- the player's reports


def _report_script():
    import streamlit as st

    from ui import state
    from ui.gradient_descent import controls

    state.init(controls.DEFAULTS)
    for report in st.session_state.get("reports", []):
        st.session_state[controls.PLAYER_KEY] = report
        controls.apply_report()


def _apply(reports: list[dict], **session) -> AppTest:
    app = AppTest.from_function(_report_script, default_timeout=30)
    app.session_state["reports"] = reports
    for key, value in session.items():
        app.session_state[key] = value
    return app.run()


def test_a_pause_in_the_browser_stops_the_session_at_the_step_the_player_showed():
    app = _apply([{"iid": "a", "seq": 1, "base": 0, "action": "play", "frame": 0, "running": True},
                  {"iid": "a", "seq": 2, "base": 0, "action": "pause", "frame": 37, "running": False}])
    assert app.session_state["gd_frame"] == 37 and app.session_state["gd_running"] is False
    assert app.session_state["gd_ack"] == {"iid": "a", "seq": 2}


def test_a_report_about_a_superseded_command_is_ignored():
    # The server pressed a button (command 3) after the player's report was sent (it saw command 2).
    app = _apply([{"iid": "a", "seq": 5, "base": 2, "action": "step", "frame": 12, "running": False}],
                 gd_cmd=3, gd_frame=0)
    assert app.session_state["gd_frame"] == 0 and app.session_state["gd_ack"] is None


def test_a_preset_chosen_in_the_browser_sets_every_control_and_plays():
    app = _apply([{"iid": "a", "seq": 1, "base": 0, "action": "preset", "preset": "gd_preset_diverges",
                   "frame": 0, "running": True}], w_gd_n=200)
    for name, value in gd_controls.preset_values("diverges").items():
        assert app.session_state[name] == value, name
    assert app.session_state["gd_running"] is True and app.session_state["gd_cmd"] == 0


# ----------------------------------------------------------------------- keys and projector look


def test_playback_buttons_carry_their_keyboard_shortcuts(open_page):
    app = open_page(PAGE)
    shortcuts = {key: app.button(key=key).proto.shortcut for key in gd_controls.BUTTONS}
    assert shortcuts == {"gd_play": "space", "gd_pause": "space", "gd_step": "right", "gd_end": "end",
                         "gd_reset": "home"}
    assert "(R or Home)" in app.button(key="gd_reset").proto.help  # Streamlit keeps R for itself
    keys = _args(app)["keys"]
    assert keys == {"space": "toggle", "arrowright": "step", "end": "end", "r": "reset", "home": "reset"}
    assert set(_args(app)["buttons"]) == set(gd_controls.BUTTONS)


def test_chart_text_is_dark_large_and_in_the_apps_font(open_page):
    app = open_page(PAGE)
    for role in ("leader", "follower"):
        for name, layers in shown(app, role)["spec"]["views"].items():
            for layer in layers.values():
                layout = layer["layout"]
                assert "Source Sans" in layout["font"]["family"], name
                axes = [layout["scene"][a] for a in ("xaxis", "yaxis", "zaxis")] if "scene" in layout else \
                    [layout["xaxis"], layout["yaxis"]]
                for axis in axes:
                    if axis.get("showticklabels") is False:
                        continue  # the live layer: the base below it carries the axes
                    assert axis["title"]["font"]["color"] == "#111111" and axis["title"]["font"]["size"] >= 16
                    assert axis["tickfont"]["color"] == "#111111"
                    assert axis["tickfont"]["size"] >= 16, name


def test_the_controls_set_once_are_folded_away(open_page):
    app = open_page(PAGE)
    labels = [e.label for e in app.expander]
    assert any(label.startswith("Data") for label in labels)
    assert any(label.startswith("Start") for label in labels)
    assert any(label.startswith("Compare runs") for label in labels)
