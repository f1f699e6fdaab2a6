"""Shared fixtures: the repository root on sys.path, the AppTest runner and the page opener."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def app():
    """An AppTest of the whole app (app.py + navigation), not yet run."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


@pytest.fixture
def open_page(app):
    """``open_page("chapters/x.py", **query)``: run the app with those URL parameters, switch to the
    page through app.py's navigation, assert it raised nothing, and return the AppTest."""

    def _open(file: str, **query):
        for name, value in query.items():
            app.query_params[name] = value
        app.run()
        app.switch_page(file).run()
        assert not app.exception, app.exception
        return app

    return _open
