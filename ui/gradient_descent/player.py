"""The gradient-descent player: the whole path of a setup goes to the browser once, and the browser plays it.

``st.plotly_chart`` re-creates a chart from scratch for every new figure: four charts a tick (one a
3-D surface) kept the browser busy 12 of every 14 seconds and the step counter moved every few
seconds. Here a small component (``player_frontend/``: one HTML file, ``player.js`` and the
``plotly.min.js`` of the installed plotly package, served locally) draws every view of a setup from
each run's per-step series (``figures.player_spec``) and advances the step itself on
``requestAnimationFrame``: the surface and contour are drawn once per setup, a frame redraws only
the paths, the markers and the curves.

A setup travels as a file, not as an argument: ``scene_id`` writes its JSON (about 170 kB) next to
the component's HTML, named by its content, and the component fetches it once (the browser caches
it). A rerun then sends a few hundred bytes, and the presets' setups are fetched ahead of time, so a
preset shows at once.

Playback stays in the page's session state, so the numbers panel, "Step" and a later visit continue
from the step the student saw:

- the server's own playback callbacks (the buttons, as AppTest presses them) bump ``gd_cmd``; the
  player adopts the server's step and running flag whenever that number changes;
- in the browser the player answers the playback buttons, the presets and their keys at once,
  without waiting for the server (``buttons``, ``presets``, ``keys``), and reports what it did:
  ``{action, frame, running, base}``, applied by ``controls.apply_report`` unless a newer server
  command has superseded it (``base``).

A second instance with ``role="follower"`` draws other views (the data fit, the 3-D bowl) at the
leader's step and setup, which it hears over a ``BroadcastChannel``; a view can be throttled while
playing (``throttle_ms``): a software-rendered 3-D frame costs ~20 ms for the paths, ~100 ms with the bowl.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from ui import style
from ui.gradient_descent import figures as figs
from ui.gradient_descent import look
from ui.gradient_descent.controls import Settings
from ui.gradient_descent.scene import scene_for
from ui.frontend import PLOTLY_JS, font_file, served_directory
from ui.live_chart import to_json

FRONTEND = Path(__file__).with_name("player_frontend")
VIEWS = {"leader": ("map", "cost"), "follower": ("fit", "bowl")}
CHANNEL = "neuronlab-gradient-descent"
KEEP_SCENES = 400   # scene files kept on disk (~170 kB each); the oldest go first


SERVED = served_directory("neuronlab-gd-player-", {
    "index.html": FRONTEND / "index.html", "player.js": FRONTEND / "player.js", "plotly.min.js": PLOTLY_JS,
    **font_file()})
_component = components.declare_component("gd_player", path=str(SERVED))


@st.cache_resource(max_entries=256, show_spinner=False)
def _texts(settings: Settings, presenting: bool) -> tuple[str, dict[str, str]]:
    """(id, {role: JSON text}) of a setup: immutable strings, shared by every session."""
    spec = figs.player_spec(scene_for(settings))
    views = spec.pop("views")
    texts = {role: to_json({**spec, "views": {n: views[n] for n in names}}) for role, names in VIEWS.items()}
    digest = hashlib.sha1("\0".join(texts.values()).encode()).hexdigest()[:16]
    return digest, texts


def _path(scene: str, role: str) -> Path:
    return SERVED / f"scene-{scene}-{role}.json"


def scene_id(settings: Settings) -> str:
    """The id of this setup's scene files (written next to the player's HTML the first time)."""
    digest, texts = _texts(settings, look.presenting())
    for role, text in texts.items():
        path = _path(digest, role)
        if not path.exists():
            partial = path.with_suffix(".part")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)  # the browser never reads half a file
            _prune()
    return digest


def _prune() -> None:
    files = sorted(SERVED.glob("scene-*.json"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP_SCENES]:
        old.unlink(missing_ok=True)


def scene(scene: str, role: str = "leader") -> dict:
    """A scene file as the player reads it (for the tests)."""
    return json.loads(_path(scene, role).read_text(encoding="utf-8"))


def player(settings: Settings, playback: dict, *, key: str, role: str = "leader", buttons: dict | None = None,
           presets: dict | None = None, keys: dict | None = None, on_change=None, heights: dict | None = None,
           throttle_ms: dict | None = None, label: str = "") -> None:
    """Mount the player for ``settings`` at ``playback`` ({frame, running, speed, cmd, ack}).

    ``buttons``: {Streamlit button key: action} and ``keys``: {key name: action}, with actions
    play, pause, toggle, step, end, reset, which the leader answers in the browser; ``presets``:
    {Streamlit button key: {"scene": id, "speed": steps/s}}, setups it switches to at a click.
    ``heights``: {view: px} (default: the rest of the first screen); ``throttle_ms``: {view: the
    least time between two redraws while playing}.
    """
    _component(scene_id=scene_id(settings), state=playback, role=role, buttons=buttons or {},
               presets=presets or {}, keys=keys or {}, channel=CHANNEL, heights=heights or {},
               throttle_ms=throttle_ms or {}, config=style.CHART_CONFIG, title=label, key=key, default=None,
               on_change=on_change)
