"""Every page is a link: each chapter's settings live in the URL, so a reload keeps them and a copied
link reproduces the page.

A page declares its controls once (session-state key, URL name, default, the values it offers), calls
``Link.enter`` at the top of each run and ``Link.write`` at the end (``ui.chapter`` does both):

- when the page is *entered* (a new session, a reload, a link, Back or Forward, or a click in the
  navigation), every valid parameter of the URL is copied into its widget; values the page does not
  offer (unknown, out of range, non-finite, badly formed) are collected so the page can say which it
  ignored (``Link.warn``, as plain text, never as Markdown or HTML);
- at the end of every run, each control's current value is written back to the URL in one update, and
  parameters no control of this page knows are dropped (from the session's first report of the history
  guard on, ``ui.history.ready``). Streamlit's
  frontend pushes a history entry for each change of the query string; ``ui.history`` turns those into
  replacements, so the browser keeps one entry per page visit, holding the settings the page had.

A page's open tab is one more control (``ui.tabs.control``), so a link names the tab too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import history

# Parameters every page shares: presentation mode (``ui.present``), the lecture and its step (``ui.lecture``).
SHARED_PARAMS = ("present", "lecture", "step")
PAGE_KEY = "_links_page"         # the page that ran last in this session: a different one means "entered"
WRITTEN_KEY = "_links_written"   # {param: text} that page last wrote to the URL
IGNORED_KEY = "_links_ignored"   # what the link that page was entered with had to ignore


@dataclass(frozen=True)
class Control:
    """One widget: its session-state key, its URL parameter, default and allowed values."""

    key: str
    param: str
    default: Any
    options: tuple | None = None    # allowed values (a choice or a select_slider)
    bounds: tuple | None = None     # (lo, hi) for a number
    step: float | None = None       # a number must sit on lo + k·step (a slider's grid)
    many: bool = False              # a list of options (multiselect)

    def parse(self, text: str) -> Any:
        """The value a URL string stands for; raises ValueError when the page does not offer it."""
        if self.many:
            values = [v for v in text.split(",") if v]
            if any(v not in self.options for v in values) or len(set(values)) != len(values):
                raise ValueError(text)
            return values
        kind = type(self.default)
        if kind is bool:
            if text not in ("0", "1"):
                raise ValueError(text)
            return text == "1"
        if kind in (int, float):
            number = float(text)
            if not math.isfinite(number) or (kind is int and number != int(number)):
                raise ValueError(text)
            value = kind(number)
        else:
            value = text
        if self.options is not None:
            match = [o for o in self.options if o == value
                     or (isinstance(o, float) and math.isclose(o, value, rel_tol=1e-9))]
            if not match:
                raise ValueError(text)
            return match[0]
        lo, hi = self.bounds
        if not lo <= value <= hi:
            raise ValueError(text)
        if self.step is not None:
            k = round((value - lo) / self.step)
            if not math.isclose(lo + k * self.step, value, rel_tol=1e-9, abs_tol=1e-9):
                raise ValueError(text)
            value = kind(round(lo + k * self.step, 10))
        return value

    def encode(self, value: Any) -> str:
        if self.many:
            return ",".join(value)
        if isinstance(value, bool):
            return "1" if value else "0"
        return f"{value:g}" if isinstance(value, float) else str(value)


def from_defaults(defaults: dict[str, Any], key: str, param: str, **allowed) -> Control:
    """The control ``key`` with its default taken from a page's ``defaults`` dict."""
    return Control(key, param, defaults[key], **allowed)


def plain(text: str, limit: int = 80) -> str:
    """``text`` as a Markdown code span, so a link, an address, HTML or LaTeX in a URL shows exactly as
    typed and is never rendered or made clickable; cut to ``limit`` characters. The fence is one backtick
    longer than any run of backticks in the text, so the text cannot close it."""
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


@dataclass(frozen=True)
class Link:
    """A page's URL parameters: one ``Control`` per setting, the open tab included."""

    page: str
    controls: tuple[Control, ...]

    @property
    def defaults(self) -> dict[str, Any]:
        """{session key: default} of every control, as ``ui.state.init`` takes them."""
        return {c.key: (list(c.default) if c.many else c.default) for c in self.controls}

    def enter(self, ss) -> list[str]:
        """Read the URL if the page has just been entered. Returns what the link the page was entered
        with had to ignore, in every run until the page is left (the first runs of a session follow each
        other quickly, see ``ui.history``: a warning shown in one run only would flash by).

        A click in the navigation keeps the previous page's query string in the address; the parameters
        that page wrote are its own, not a link to this one, so they are dropped unread."""
        if ss.get(PAGE_KEY) == self.page:
            return ss.get(IGNORED_KEY, [])
        ss[PAGE_KEY] = self.page
        left_behind = ss.pop(WRITTEN_KEY, {})
        ss[IGNORED_KEY] = self.read(ss, skip={p for p, text in left_behind.items() if st.query_params.get(p) == text})
        return ss[IGNORED_KEY]

    def read(self, ss, skip: set[str] = frozenset()) -> list[str]:
        """Copy every valid URL parameter (except those in ``skip``) into its control. Returns what was
        ignored; ``write`` drops the parameters nobody here knows from the URL."""
        params = st.query_params
        ignored = []
        for c in self.controls:
            if c.param in params and c.param not in skip:
                text = params[c.param]
                try:
                    ss[c.key] = c.parse(text)
                except (ValueError, TypeError, OverflowError):
                    ignored.append(f"{c.param}={text}")
        return ignored

    def write(self, ss) -> None:
        """Mirror every control into the URL in one update, touching only parameters whose text changed,
        and drop the parameters nobody here knows (a link's typos, the page left behind). Nothing is
        written before the browser's history guard is in place (``ui.history.ready``): until then the
        address stays the link the page was opened with."""
        written = {c.param: c.encode(ss[c.key]) for c in self.controls}
        ss[WRITTEN_KEY] = written
        if not history.ready():
            return
        params = st.query_params
        known = set(written) | set(SHARED_PARAMS)
        for param in [p for p in params if p not in known]:
            try:
                del params[param]
            except Exception:  # noqa: BLE001 - bound to a widget of another page: Streamlit owns it
                pass
        changed = {param: text for param, text in written.items() if params.get(param) != text}
        if changed:
            params.update(changed)

    @staticmethod
    def warn(ignored: Iterable[str]) -> None:
        """The page's one warning about a link's values it ignored, each shown as plain text."""
        ignored = list(ignored)
        if ignored:
            st.warning("Ignored URL parameters with values the page does not offer: "
                       f"{', '.join(plain(text) for text in ignored)}.", icon=":material/link_off:")
