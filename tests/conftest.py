"""Shared fixtures: the repository root on sys.path, the AppTest runner and the page opener."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def whole_app(guarded: bool = True):
    """An AppTest of the whole app (app.py + navigation), not yet run. ``guarded``: as in a browser whose
    history guard has reported in (``ui.history.ready``), so the pages write their settings to the URL;
    AppTest runs no component, so the report never comes by itself."""
    from streamlit.testing.v1 import AppTest

    from ui import history

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if guarded:
        app.session_state[history.READY_KEY] = True
    return app


@pytest.fixture
def app():
    """An AppTest of the whole app (app.py + navigation), not yet run."""
    return whole_app()


@pytest.fixture
def open_page(app):
    """``open_page("chapters/x.py", **query)``: open that page of the app (app.py + navigation) with
    those URL parameters, as a link to it does, assert it raised nothing, and return the AppTest."""

    def _open(file: str, **query):
        app.run()  # AppTest can only switch pages once app.py's navigation has run
        for name, value in query.items():
            app.query_params[name] = value
        app.switch_page(file).run()
        assert not app.exception, app.exception
        return app

    return _open


@pytest.fixture
def open_link():
    """``open_link("chapters/x.py", **query)``: a new session (a fresh browser) opening that page with
    those URL parameters; returns the AppTest, exceptions included, for the test to check."""
    def _open(file: str, **query):
        app = whole_app()
        if file == "chapters/home.py":  # the default page: the first run is the link's
            app.query_params.update(query)
            return app.run()
        app.run()  # AppTest can only switch pages once app.py's navigation has run
        app.query_params.update(query)
        return app.switch_page(file).run()

    return _open


@pytest.fixture
def no_data(monkeypatch):
    """No photo folder configured: the pages' training tabs say how to configure one."""
    from engine.pets import data as pet_data

    monkeypatch.delenv(pet_data.ENV_DATA, raising=False)


@pytest.fixture
def tiny_data(tmp_path, monkeypatch):
    """A configured photo set of noisy orange cats and blue dogs (10 + 10 train, 5 + 5 test), cached
    under tmp_path."""
    from engine.pets import data as pet_data
    from tests.photos import photo_folder

    root = photo_folder(tmp_path / "pets")
    monkeypatch.setenv(pet_data.ENV_DATA, str(root))
    monkeypatch.setenv(pet_data.ENV_CACHE, str(tmp_path / "cache"))
    return root


@pytest.fixture(autouse=True)
def _empty_training_queue(monkeypatch):
    """Each test starts with the server's training queue empty (``ui.train_queue``): a run a test left
    holding a slot would otherwise make a later test's run wait its turn."""
    from ui import train_queue

    monkeypatch.setattr(train_queue, "QUEUE", train_queue.TrainQueue(alive=train_queue.QUEUE.alive))
