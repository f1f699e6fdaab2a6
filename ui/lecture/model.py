"""A lecture: a title and a list of steps, each a page with its settings (exactly the page's link), an
optional tab and arrival action, a title and a speaker note. Lectures are TOML files in ``lectures/``:

    title = "Neural networks from first principles"

    [[step]]
    title = "α too small"
    page = "gradient-descent"
    action = "play"
    note = "Tiny steps: after 100 of them the path has barely left the start."
    [step.settings]
    lr = 0.01

A file is checked like every other input before anything of it is used: its size before it is parsed,
its nesting depth before it is parsed, then every page, tab, action and setting through the page's own
controls (``ui.links.Control``: the values the page offers). Every message names the line. A note is
plain text: the app shows it as typed, never as Markdown or HTML.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from ui import links, nav
from ui.lecture import actions, pages

FOLDER = nav.ROOT / "lectures"
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
SESSION_NAME = "mine"       # the lecture built or uploaded in this session (never a file's name)
MAX_BYTES = 256 * 1024      # a 200-step lecture with long notes is ~60 kB
MAX_DEPTH = 6               # brackets and braces inside one another; a step needs 3
MAX_STEPS = 200
MAX_TITLE = 120
MAX_NOTE = 4000
STEP_KEYS = ("title", "page", "tab", "action", "note", "settings")
TOP_KEYS = ("title", "step")


class LectureError(ValueError):
    """A lecture file the app cannot run, with the line to look at (1-based; None: the whole file)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Step:
    """One view: ``page`` with ``settings`` ({URL parameter: text}, only those that differ from the page's
    defaults, the tab apart), the open ``tab`` (None: the first), the arrival ``action``, title and note."""

    page: str
    title: str
    settings: tuple[tuple[str, str], ...] = ()
    tab: str | None = None
    action: actions.Action | None = None
    note: str = ""

    @property
    def query(self) -> dict[str, str]:
        """The step's settings as its page's link has them (tab included)."""
        ref = pages.page(self.page)
        query = dict(self.settings)
        if self.tab is not None and ref.tab_control is not None:
            query[ref.tab_control.param] = self.tab
        return query


@dataclass(frozen=True)
class Lecture:
    name: str
    title: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


def step_from_link(page: str, written: dict[str, str], title: str = "", note: str = "",
                   action: actions.Action | None = None) -> Step:
    """The step for ``page`` with the settings its link wrote ({param: text}, ``ui.links.WRITTEN_KEY``)."""
    ref = pages.page(page)
    values = {}
    for control in ref.link.controls:
        if control.param in written:
            try:
                values[control.param] = control.parse(written[control.param])
            except (ValueError, TypeError, OverflowError):
                continue
    return _step(ref, values, title or ref.title, note, action)


def _step(ref: pages.PageRef, values: dict[str, Any], title: str, note: str,
          action: actions.Action | None) -> Step:
    """A step in its one canonical form: settings that differ from the defaults, as their link's text."""
    tab_control = ref.tab_control
    tab = values.pop(tab_control.param, None) if tab_control is not None else None
    settings = tuple((c.param, c.encode(values[c.param])) for c in ref.link.controls
                     if c.param in values and c.encode(values[c.param]) != c.encode(c.default))
    return Step(ref.name, title, settings, None if tab == (tab_control.default if tab_control else None) else tab,
                action, note)


# -- reading ----------------------------------------------------------------------------------------

def parse(data: bytes | str, name: str = SESSION_NAME) -> Lecture:
    """The lecture in ``data`` (TOML); raises LectureError naming the line."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_BYTES:
        raise LectureError(f"the file is {size / 1e6:.1f} MB; a lecture file is at most {MAX_BYTES // 1024} kB.")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise LectureError("this is not UTF-8 text (a lecture is a TOML text file).", line) from None
    _check_nesting(data)
    try:
        document = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
        if where:
            raise LectureError(f"column {where.group(2)}: this is not valid TOML ({reason}).",
                               int(where.group(1))) from None
        raise LectureError(f"this is not valid TOML ({reason}).") from None
    except RecursionError:
        raise LectureError("the file nests too deeply.") from None
    return _lecture(document, data, name)


def _check_nesting(text: str) -> None:
    """Refuse brackets nested deeper than MAX_DEPTH before the parser sees them (strings and comments
    skipped), so a hostile file cannot make the parser recurse."""
    depth, line, i, n = 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\" and c == '"':
                    j += 1
                elif text[j] == "\n" and len(quote) == 1:
                    break
                j += 1
            line += text.count("\n", i, j)
            i = j + len(quote)
            continue
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise LectureError(f"brackets nest deeper than {MAX_DEPTH} levels; a lecture needs 3.", line)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1


class _Lines:
    """Where things are in the file's text, for messages: the k-th ``[[step]]`` and a key below it."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.steps = [i + 1 for i, line in enumerate(self.lines) if re.match(r"\s*\[\[\s*step\s*\]\]", line)]

    def step(self, k: int) -> int | None:
        return self.steps[k] if k < len(self.steps) else self.key("step")

    def key(self, key: str, k: int | None = None) -> int | None:
        start = self.step(k) if k is not None else 1
        end = self.steps[k + 1] if k is not None and k + 1 < len(self.steps) else len(self.lines) + 1
        start = start or 1
        pattern = re.compile(r"\s*(\[\s*step\.)?[\"']?" + re.escape(key) + r"[\"']?\s*[=\]]")
        for number in range(start, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return start if k is not None else None


def _lecture(document: dict, text: str, name: str) -> Lecture:
    where = _Lines(text)
    for key in document:
        if key not in TOP_KEYS:
            raise LectureError(f"unknown key “{key}”: a lecture has a title and its [[step]] tables.",
                               where.key(key))
    title = document.get("title", "Lecture")
    if not isinstance(title, str) or not 0 < len(title.strip()) <= MAX_TITLE:
        raise LectureError(f"the lecture's title must be text of 1 to {MAX_TITLE} characters.", where.key("title"))
    raw = document.get("step")
    if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
        raise LectureError("a lecture needs at least one [[step]] table (page, title, note, settings).")
    if len(raw) > MAX_STEPS:
        raise LectureError(f"{len(raw)} steps; a lecture has at most {MAX_STEPS}.", where.step(MAX_STEPS))
    return Lecture(name, title.strip(), tuple(_read_step(s, k, where) for k, s in enumerate(raw)))


def _read_step(raw: dict, k: int, where: _Lines) -> Step:
    def fail(message: str, key: str | None = None) -> LectureError:
        return LectureError(f"step {k + 1}: {message}", where.key(key, k) if key else where.step(k))

    for key in raw:
        if key not in STEP_KEYS:
            raise fail(f"unknown key “{key}” (a step has {', '.join(STEP_KEYS)}).", key)
    page = raw.get("page")
    if page is None:
        raise fail(f"it names no page (page = one of {', '.join(pages.names())}).")
    if not isinstance(page, str) or page not in pages.names():
        raise fail(f"there is no page “{page}” (the pages are {', '.join(pages.names())}).", "page")
    ref = pages.page(page)
    title = raw.get("title", ref.title)
    if not isinstance(title, str) or not 0 < len(title.strip()) <= MAX_TITLE:
        raise fail(f"the title must be text of 1 to {MAX_TITLE} characters.", "title")
    note = raw.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise fail(f"the note must be text of at most {MAX_NOTE} characters.", "note")
    action = None
    if "action" in raw:
        if not isinstance(raw["action"], str):
            raise fail("the action must be text such as \"play\" or \"step 20\".", "action")
        try:
            action = actions.parse(raw["action"], page)
        except ValueError as exc:
            raise fail(f"{exc}.", "action") from None
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        raise fail("settings must be a table: [step.settings] with one name = value a line.", "settings")
    values = {}
    for param, value in settings.items():
        control = ref.control(param)
        if control is None:
            known = ", ".join(c.param for c in ref.link.controls)
            raise fail(f"the page {page} has no setting “{param}” (it has {known}).", param)
        try:
            values[param] = control.parse(_as_text(control, value))
        except TypeError as exc:
            raise fail(f"{param}: {exc}", param) from None
        except (ValueError, OverflowError):
            raise fail(f"{param} = {_show(value)} is not a value the page offers ({_offers(control)}).",
                       param) from None
    if "tab" in raw:
        control = ref.tab_control
        if control is None:
            raise fail(f"the page {page} has no tabs.", "tab")
        if raw["tab"] not in control.options:
            raise fail(f"the page {page} has no tab {_show(raw['tab'])} (its tabs: "
                       f"{', '.join(control.options)}).", "tab")
        values[control.param] = raw["tab"]
    return _step(ref, values, title.strip(), note, action)


def _as_text(control: links.Control, value: Any) -> str:
    """A TOML value as the URL text the control parses; TypeError if it is the wrong kind of value."""
    kind = type(control.default)
    if control.many:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"takes a list of names such as [\"{control.options[0]}\"], not {_show(value)}.")
        return ",".join(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise TypeError(f"takes true or false, not {_show(value)}.")
        return "1" if value else "0"
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"takes a number, not {_show(value)}.")
        if kind is int and value != int(value):
            raise TypeError(f"takes a whole number, not {_show(value)}.")
        return repr(value)
    if not isinstance(value, str):
        raise TypeError(f"takes text such as \"{control.default}\", not {_show(value)}.")
    return value


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 60 else text[:59] + "…"


def _offers(control: links.Control) -> str:
    if control.options is not None:
        shown = ", ".join(o if control.many else control.encode(o) for o in control.options[:12])
        return f"one of {shown}" + (", …" if len(control.options) > 12 else "")
    lo, hi = control.bounds
    return f"from {control.encode(lo)} to {control.encode(hi)}" + (
        f" in steps of {control.step:g}" if control.step else "")


# -- the lectures that ship -------------------------------------------------------------------------

def names() -> list[str]:
    """The lectures in ``lectures/`` (their file names without .toml), the default first."""
    found = sorted(p.stem for p in FOLDER.glob("*.toml") if NAME.fullmatch(p.stem) and p.stem != SESSION_NAME)
    return sorted(found, key=lambda n: n != "default")


def load(name: str) -> Lecture:
    """The lecture ``lectures/NAME.toml``; LectureError if there is none (``name`` is checked against the
    folder's listing, never used as a path as typed)."""
    if name not in names():
        raise LectureError(f"there is no lecture called “{name[:40]}” (the lectures: {', '.join(names())}).")
    path = FOLDER / f"{name}.toml"
    return _load(name, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _load(name: str, mtime_ns: int) -> Lecture:
    return parse((FOLDER / f"{name}.toml").read_bytes(), name)


# -- writing ----------------------------------------------------------------------------------------

def to_toml(lecture: Lecture) -> str:
    """The lecture as a TOML file that ``parse`` reads back to the same steps."""
    steps = []
    for step in lecture.steps:
        ref = pages.page(step.page)
        table: dict[str, Any] = {"title": step.title, "page": step.page}
        if step.tab is not None:
            table["tab"] = step.tab
        if step.action is not None:
            table["action"] = str(step.action)
        if step.note:
            table["note"] = step.note
        if step.settings:
            table["settings"] = {param: ref.control(param).parse(text) for param, text in step.settings}
        steps.append(table)
    header = "# A Neuron Lab lecture: one [[step]] per view. See docs/lectures.md.\n"
    return header + tomli_w.dumps({"title": lecture.title, "step": steps}, multiline_strings=True)
