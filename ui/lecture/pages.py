"""Each page as a lecture sees it: its file and title, its link (``ui.links.Link``: every setting with the
values it offers, the open tab included), its session defaults, and the arrival actions it offers.

A chapter declares its link at the top of its script, before ``chapter.begin(title, LINK, DEFAULTS)``.
A lecture needs every page's link before that page has ever run (to check an uploaded lecture, to build a
step's address), and a chapter script cannot be imported (it draws). So ``page`` runs the part of the
chapter above its ``chapter.begin`` call (imports and constants, nothing that draws) and evaluates that
call's link and defaults arguments: the chapter stays the one place its settings are declared.
"""

from __future__ import annotations

import ast
import functools
import threading
from dataclasses import dataclass, field
from typing import Any

from ui import links, nav, tabs

HOME = "home"  # the home page's name in a lecture (its URL path is "")


@dataclass(frozen=True)
class PageRef:
    name: str            # "home", "neuron", … (the URL path; "home" for "")
    file: str
    title: str
    link: links.Link
    defaults: dict[str, Any] = field(default_factory=dict)  # the session defaults beyond the link's

    @property
    def path(self) -> str:
        """The page's address path in the browser: "/" for home, "/neuron", …"""
        return "/" if self.name == HOME else f"/{self.name}"

    @property
    def tab_control(self) -> links.Control | None:
        """The control of the page's open tab, if it has tabs."""
        found = [c for c in self.link.controls if c.key.startswith(tabs.MEMORY_PREFIX)]
        return found[0] if found else None

    def control(self, param: str) -> links.Control | None:
        return next((c for c in self.link.controls if c.param == param), None)


def _header(source: str, filename: str) -> tuple[list[ast.stmt], ast.Call]:
    """The statements above the script's ``chapter.begin(...)`` call, and that call."""
    tree = ast.parse(source, filename)
    for index, node in enumerate(tree.body):
        call = node.value if isinstance(node, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "begin"
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "chapter"):
            return tree.body[:index], call
    raise LookupError(f"{filename} has no chapter.begin(...) call")


# Sessions run in threads of one process, and a class's first visits ask for the pages at once: each page is
# read once, by one thread at a time. (CPython 3.11's parser is not safe to run in two threads at once: it
# failed with "AST constructor recursion depth mismatch" when ten students arrived together.)
_READING = threading.Lock()


def page(name: str) -> PageRef:
    """The page called ``name`` ("home", "neuron", …); KeyError if the app has no such page."""
    with _READING:
        return _read(name)


@functools.cache
def _read(name: str) -> PageRef:
    info = next((p for p in nav.PAGES if (p.url_path or HOME) == name), None)
    if info is None:
        raise KeyError(name)
    path = nav.ROOT / info.file
    statements, call = _header(path.read_text(encoding="utf-8"), str(path))
    namespace: dict[str, Any] = {"__name__": f"neuronlab_lecture_{name.replace('-', '_')}"}
    exec(compile(ast.Module(statements, type_ignores=[]), str(path), "exec"), namespace)  # noqa: S102
    link = eval(compile(ast.Expression(call.args[1]), str(path), "eval"), namespace)  # noqa: S307
    defaults = (eval(compile(ast.Expression(call.args[2]), str(path), "eval"), namespace)  # noqa: S307
                if len(call.args) > 2 else {})
    return PageRef(name, info.file, info.title, link, dict(defaults))


def names() -> list[str]:
    """Every page's name, in story order."""
    return [p.url_path or HOME for p in nav.PAGES]


def by_file(file: str) -> PageRef | None:
    """The page whose script is ``file`` (relative to the repository root, as in ``ui.nav``)."""
    return next((page(n) for n, p in zip(names(), nav.PAGES) if p.file == file), None)
