"""The shape of the code and of what ships: rooms that depend one way, and no machine's paths in the files."""

import ast
import json
import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "ui", "lessons")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules ``path`` imports anywhere in it (function-level imports too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known and t != name}
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    """{module: the modules of ``package`` it imports}, for every module file in the package. A module's
    package ``__init__`` is not an edge of its own: importing ``a.b`` runs ``a/__init__`` first anyway."""
    files = {_module_name(p): p for p in (ROOT / package).rglob("*.py")}
    known = set(files)
    graph = {}
    for name, path in files.items():
        parents = {name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)}
        graph[name] = _imports(path, name, known) - parents
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle in ``graph`` as [a, b, …, a], or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_a_circle_and_passes_a_line():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_depends_one_way(package):
    graph = import_graph(package)
    assert len(graph) > 3, graph
    assert cycle(graph) is None, " → ".join(cycle(graph))


def test_the_engine_never_imports_the_ui():
    for path in (ROOT / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {m for m in names if m.split(".")[0] in ("streamlit", "ui", "plotly")}, path


# An absolute path of a machine: /home/…, /work/…, /root/…, /tmp/…, /Users/…, C:\…
ABSOLUTE = re.compile(r"(?<![\w.])(/(home|work|root|tmp|Users|mnt|var/folders)/[\w.-]+|[A-Z]:\\\\?[A-Za-z][\w.-]*)")


def _shipped() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def _texts(path: Path):
    """The text a file holds: its own, or for an .npz every member's (the JSON metadata as strings)."""
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as z:
            for key in z.files:
                if z[key].dtype.kind in "US":
                    yield f"{path.name}:{key}", str(z[key])
        with zipfile.ZipFile(path) as z:  # member names, too
            yield f"{path.name}:members", " ".join(z.namelist())
    elif path.suffix in {".png", ".jpg", ".ico", ".woff2"}:
        return
    else:
        yield path.name, path.read_text(errors="replace")


def test_the_absolute_path_pattern_finds_paths_and_passes_urls_and_prose():
    assert ABSOLUTE.search('"data_source": "/work/shared/data/cats"')
    assert ABSOLUTE.search("C:\\Users\\me")
    assert not ABSOLUTE.search("see ../shared/data and http://127.0.0.1:8501/work/ and docs/x.md")


def test_no_shipped_file_holds_an_absolute_path():
    """Model metadata, docs and code say where things are relative to the project, never on one machine."""
    found = []
    for path in _shipped():
        if not path.is_file() or path.relative_to(ROOT).parts[0] == "tests" and path.name == "test_layout.py":
            continue
        for where, text in _texts(path):
            found += [f"{where}: {m.group(0)}" for m in ABSOLUTE.finditer(text)]
    assert not found, found[:10]


def test_the_bundled_models_name_their_data_set_and_its_fingerprint():
    for path in sorted((ROOT / "models").glob("*.npz")):
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))["metadata"]
        data = meta["data"]
        assert data["name"] == "cats_and_dogs_filtered", path
        assert re.fullmatch(r"[0-9a-f]{16}", data["fingerprint"]), data
        # Every photo read: trained on, held out for validation (when there was no refit), or tested.
        assert data["photos"] == meta["n_train"] + meta.get("n_held_out", 0) + meta["n_test"], data
