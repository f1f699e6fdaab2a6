"""What a component's browser side needs, served by Streamlit from a private folder: its own files, the
``plotly.min.js`` shipped inside the installed ``plotly`` package and the app's font, so the app fetches
nothing from the internet and the repository carries no copy of plotly.js. Imports nothing from ``ui``."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import plotly
import streamlit

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def served_directory(prefix: str, files: dict[str, Path]) -> Path:
    """A fresh private directory (mode 0700), removed at exit, holding ``files`` ({name: source}):
    what a component's frontend needs, plotly.min.js included, served by Streamlit from there."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    for name, source in files.items():
        shutil.copyfile(source, directory / name)
    return directory


def font_file() -> dict[str, Path]:
    """{"source-sans.woff2": Streamlit's own Source Sans file}, for a component to serve beside its HTML."""
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    found = sorted(media.glob("SourceSansVF-Upright*.woff2"))
    return {"source-sans.woff2": found[0]} if found else {}
