"""Every page is a link: its settings come back from the URL, hostile values get one plain warning, the
open tab and the uploads survive a visit to another page, and "Reset this page" undoes a student's changes
(AppTest, through app.py's navigation)."""

import re

import pytest

from tests.photos import jpeg
from ui import links

# page: (file, a parameter, a valid value other than the default, the widget key it sets, that value)
PAGES = {
    "home": ("chapters/home.py", "lr", "0.1", "w_home_learning_rate", 0.1),
    "neuron": ("chapters/neuron.py", "w2", "1.5", "w_neuron_w2", 1.5),
    "gradient-descent": ("chapters/gradient_descent.py", "steps", "250", "w_gd_steps", 250),
    "backprop": ("chapters/backprop.py", "alpha", "0.3", "w_bp_alpha", 0.3),
    "playground": ("chapters/playground.py", "layers", "3", "w_pg_layers", 3),
    "pets": ("chapters/pets.py", "model", "mlp", "w_pets_model", "mlp"),
    "convnets": ("chapters/convnets.py", "filter", "blur", "w_cnn_filter", "blur"),
    "your-data": ("chapters/own_data.py", "k", "4", "w_od_k", 4),
}
HOSTILE = ["inf", "-inf", "nan", "1e308", "99999999999999999999", "x" * 5000,
           "[Click here to log in](http://127.0.0.1:8639/phish)", "<script>alert(1)</script>",
           "<img src=x onerror=alert(1)>", "$\\frac{1}{0}$", "``code``"]


def params(app) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in app.query_params.items()}


@pytest.mark.parametrize("name", PAGES)
def test_a_link_sets_the_control_and_the_page_writes_every_setting_back(open_link, no_data, name):
    file, param, text, key, value = PAGES[name]
    app = open_link(file, **{param: text})
    assert not app.exception, app.exception
    assert app.session_state[links.PAGE_KEY] == name
    assert app.session_state[key] == value
    written = params(app)
    assert written[param] == text
    # Every setting of the page is in the address, so the link is complete.
    link = app.session_state[links.WRITTEN_KEY]
    assert link and all(written[p] == t for p, t in link.items())


@pytest.mark.parametrize("name", PAGES)
def test_hostile_values_give_one_plain_warning_and_the_default(open_link, no_data, name):
    file, param, _, key, _ = PAGES[name]
    default = open_link(file).session_state[key]
    for value in HOSTILE:
        app = open_link(file, **{param: value})
        assert not app.exception, (value, app.exception)
        assert app.session_state[key] == default, value
        warnings = [w.value for w in app.warning if "Ignored URL parameters" in w.value]
        assert len(warnings) == 1, value
        shown = f"{param}={value}"
        shown = shown if len(shown) <= 80 else shown[:79] + "…"
        # In a code span: Markdown, HTML and LaTeX show as typed, never as a link or as markup.
        assert re.search(r"(`+) " + re.escape(shown) + r" \1(?!`)", warnings[0]), warnings[0][:200]
        assert params(app)[param] != value  # the page wrote its own value back


def test_unknown_parameters_are_dropped_and_another_pages_settings_do_not_leak(open_link):
    app = open_link("chapters/home.py", steps="120", bogus="1")
    assert "bogus" not in params(app) and params(app)["steps"] == "120"
    app.switch_page("chapters/gradient_descent.py").run()  # a click in the navigation keeps the query string
    assert app.session_state["w_gd_steps"] == 100 and params(app)["steps"] == "100"


def test_nothing_is_written_to_the_url_until_the_browser_reports_the_history_guard():
    """Before the guard is in place a write would push a second history entry for the first page, so the
    page keeps the link's address (and says what it ignored) until the report's rerun, then writes it."""
    from tests.conftest import whole_app
    from ui import history

    app = whole_app(guarded=False)
    app.query_params.update({"steps": "120", "bogus": "1", "lr": "inf"})
    app.run()
    assert not app.exception, app.exception
    assert app.session_state["w_home_epochs"] == 120 and "lr=inf" in app.warning[0].value
    assert params(app) == {"steps": "120", "bogus": "1", "lr": "inf"}  # untouched
    app.session_state[history.READY_KEY] = True  # what the report's rerun sets
    app.run()
    assert "bogus" not in params(app) and params(app)["steps"] == "120" and params(app)["lr"] != "inf"
    assert params(app) == app.session_state[links.WRITTEN_KEY]


def test_the_open_tab_is_in_the_link_and_survives_a_visit_to_another_page(open_page):
    app = open_page("chapters/neuron.py", neuron_tab="The sigmoid and other activations")
    assert app.session_state["neuron_tab"] == "The sigmoid and other activations"
    app.switch_page("chapters/home.py").run()
    app.switch_page("chapters/neuron.py").run()
    assert app.session_state["neuron_tab"] == "The sigmoid and other activations"
    assert params(app)["neuron_tab"] == "The sigmoid and other activations"


def test_uploads_survive_a_visit_to_another_page_and_clear_all_removes_them(open_page, no_data):
    app = open_page("chapters/pets.py")
    app.file_uploader(key="pets_uploads").set_value([("rex.jpg", jpeg((120, 90, 60)), "image/jpeg"),
                                                     ("rex.jpg", jpeg((120, 90, 60)), "image/jpeg")]).run()
    assert len(app.session_state["pets_photos"]) == 2
    app.switch_page("chapters/home.py").run()
    app.switch_page("chapters/pets.py").run()
    assert not app.exception
    assert [p.name for p in app.session_state["pets_photos"]] == ["rex.jpg", "rex.jpg"]
    assert sum("· P(dog) = **" in m.value for m in app.markdown) == 2  # one verdict a photo
    app.button(key="pets_clear").click().run()
    assert app.session_state["pets_photos"] == [] and not any("· P(dog) = **" in m.value for m in app.markdown)
    assert any("Upload one or more photos" in i.value for i in app.info)


def test_removing_a_file_from_the_uploader_removes_its_photo(open_page, no_data):
    app = open_page("chapters/pets.py")
    uploader = app.file_uploader(key="pets_uploads")
    uploader.set_value([("rex.jpg", jpeg((120, 90, 60)), "image/jpeg"),
                        ("tom.jpg", jpeg((200, 200, 190)), "image/jpeg")]).run()
    app.file_uploader(key="pets_uploads").set_value(("tom.jpg", jpeg((200, 200, 190)), "image/jpeg")).run()
    names = [p.name for p in app.session_state["pets_photos"]]
    assert "rex.jpg" not in names and "tom.jpg" in names


@pytest.mark.parametrize("name", PAGES)
def test_reset_this_page_puts_its_controls_back_and_leaves_other_pages_alone(open_page, no_data, name):
    file, _, _, key, value = PAGES[name]
    app = open_page("chapters/neuron.py", w1="-2")  # a change on chapter 1
    app.switch_page(file).run()
    default = app.session_state[key]
    app.session_state[key] = value  # as a student moving the widget
    app.run()
    assert app.session_state[key] == value != default
    app.button(key=f"reset_{name}").click().run()
    assert not app.exception, app.exception
    assert app.session_state[key] == default
    if name not in ("neuron", "backprop"):  # those two pages share chapter 1's neuron
        assert app.session_state["w_neuron_w1"] == -2.0


def test_a_playing_playground_run_survives_a_visit_to_another_page_and_plays_on(open_page):
    app = open_page("chapters/playground.py", speed="5")
    app.button(key="pg_play").click().run()
    run = app.session_state["pg_run"]
    epochs = run.epoch
    assert epochs > 0 and app.session_state["pg_running"]
    app.switch_page("chapters/home.py").run()  # the live view does not run while another page is shown
    assert app.session_state["pg_run"].epoch == epochs
    app.switch_page("chapters/playground.py").run()
    assert app.session_state["pg_run"] is run and app.session_state["pg_running"]
    app.run()  # the fragment's timer, back on the page: the same run goes on
    assert app.session_state["pg_run"] is run and run.epoch > epochs


def test_a_training_run_paused_on_the_convnets_page_resumes_after_a_visit_elsewhere(open_page, tiny_data,
                                                                                     monkeypatch):
    import ui.training_run

    monkeypatch.setattr(ui.training_run, "TRAIN_SECONDS", 0.0)  # one record (a mini-batch or an epoch) a tick
    app = open_page("chapters/convnets.py", cnn_tab="Train a small conv net", epochs="3")
    app.button(key="cnn_train_start").click().run()
    for _ in range(10):
        if app.session_state["cnn_run"] and app.session_state["cnn_run"].get("history"):
            break
        app.run()
    run = app.session_state["cnn_run"]
    done = len(run["history"])
    assert done >= 1
    app.button(key="cnn_train_pause").click().run()
    assert not app.session_state["cnn_running"]
    app.switch_page("chapters/neuron.py").run()
    app.switch_page("chapters/convnets.py").run()
    assert app.session_state["cnn_tab"] == "Train a small conv net"
    assert app.session_state["cnn_run"] is run and len(run["history"]) == done
    resume = app.button(key="cnn_train_pause")
    assert resume.label == "Resume"
    resume.click().run()
    for _ in range(20):
        if run["done"]:
            break
        app.run()
    assert run["done"] and len(run["history"]) == 3
