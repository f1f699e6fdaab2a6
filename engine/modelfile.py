"""Reading ``.npz`` model files that a stranger may have made: check first, then allocate.

A model file is a zip archive of ``.npy`` members plus one JSON ``meta`` member. Everything a file
*says* about itself is checked against limits before anything is decompressed or allocated:

1. the zip directory: member count, each member's declared uncompressed size, their total;
2. each ``.npy`` header: dtype (real float32/float64 only, or the text of ``meta``) and shape,
   against the shape the caller expects;
3. the JSON metadata: size, nesting depth, then types (done by the caller on a plain dict), and the
   output layer it claims (``check_output``: its kind, and for softmax a class count that agrees with
   the last layer's units).

Only the members the caller names are read, each with a bounded read of exactly the bytes its
header declares; no pickle is ever loaded.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

import numpy as np

from .errors import ModelFileError
from .outputs import MAX_CLASSES, NAMES

#: Defaults that fit the app: its largest bundled model is a few MB.
MAX_BYTES = 10_000_000
MAX_MEMBERS = 256
MAX_META_CHARS = 200_000
MAX_META_DEPTH = 20
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class ArchiveReader:
    """The members of an ``.npz`` archive, read one by one under the limits above."""

    def __init__(self, file: str | BinaryIO | bytes, max_bytes: int = MAX_BYTES,
                 max_members: int = MAX_MEMBERS):
        if isinstance(file, (bytes, bytearray)):
            file = io.BytesIO(file)
        try:
            self._zip = zipfile.ZipFile(file)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ModelFileError("This is not a Neuron Lab model file (.npz): it is not a zip archive "
                                 "of arrays. Export a network from the app and import that file.") from None
        if len(infos) > max_members:
            raise ModelFileError(f"The model file holds {len(infos)} entries; a Neuron Lab model has at "
                                 f"most {max_members}.")
        self._infos = {info.filename: info for info in infos}
        total = sum(info.file_size for info in infos)
        if total > max_bytes:
            raise ModelFileError(f"The model file would unpack to {total / 1e6:.1f} MB; the limit is "
                                 f"{max_bytes / 1e6:.0f} MB.")
        self.max_bytes = max_bytes

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "ArchiveReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def names(self) -> set[str]:
        """Member names without the ``.npy`` ending."""
        return {name[:-4] for name in self._infos if name.endswith(".npy")}

    def text(self, name: str, max_chars: int = MAX_META_CHARS) -> str:
        """A 0-d unicode array member (how ``np.savez`` stores a string) as a str."""
        with self._open(name) as f:
            dtype, shape = _header(f, name)
            if dtype.kind != "U" or shape != () or dtype.itemsize // 4 > max_chars:
                raise ModelFileError(f"The model file's {name!r} entry is not a short text.")
            return str(_read(f, dtype, shape, name)[()])

    def array(self, name: str, shape: tuple[int, ...], dtype=None) -> np.ndarray:
        """A real float32/float64 array member whose header declares exactly ``shape``."""
        with self._open(name) as f:
            found_dtype, found_shape = _header(f, name)
            if found_dtype not in FLOAT_DTYPES:
                raise ModelFileError(f"{name} holds {found_dtype} values; a model's parameters are real "
                                     "numbers (float32 or float64).")
            if found_shape != tuple(shape):
                raise ModelFileError(f"{name} has shape {found_shape}; this network needs {tuple(shape)}.")
            values = _read(f, found_dtype, found_shape, name)
        if not np.all(np.isfinite(values)):
            raise ModelFileError(f"{name} contains NaN or infinite values.")
        return values.astype(dtype or found_dtype, copy=True)

    def _open(self, name: str):
        info = self._infos.get(name + ".npy")
        if info is None:
            raise ModelFileError(f"The model file is missing its {name!r} entry.")
        if info.file_size > self.max_bytes:
            raise ModelFileError(f"The model file's {name!r} entry is too large.")
        try:
            return self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
            raise ModelFileError(f"The model file's {name!r} entry cannot be read.") from None


def _header(f, name: str) -> tuple[np.dtype, tuple[int, ...]]:
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError
    except Exception:  # numpy raises ValueError, EOFError, SyntaxError … for a bad header
        raise ModelFileError(f"The model file's {name!r} entry is not a NumPy array.") from None
    if dtype.hasobject or fortran or not all(isinstance(s, int) and s >= 0 for s in shape):
        raise ModelFileError(f"The model file's {name!r} entry is not a plain array.")
    return dtype, tuple(shape)


def _read(f, dtype: np.dtype, shape: tuple[int, ...], name: str) -> np.ndarray:
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    try:
        data = f.read(nbytes)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        data = b""
    if len(data) != nbytes:
        raise ModelFileError(f"The model file's {name!r} entry is truncated or damaged.")
    return np.frombuffer(data, dtype=dtype).reshape(shape)


def parse_meta(text: str, max_depth: int = MAX_META_DEPTH) -> dict:
    """The JSON metadata as a dict, refusing nesting deeper than ``max_depth`` before parsing."""
    if _nesting_depth(text) > max_depth:
        raise ModelFileError("The model file's metadata is nested too deeply.")
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError):
        raise ModelFileError("The model file's metadata is not valid JSON.") from None
    if not isinstance(meta, dict):
        raise ModelFileError("The model file's metadata is not a JSON object.")
    return meta


def _nesting_depth(text: str) -> int:
    """Deepest [ / { nesting outside JSON strings."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_fields(meta: dict, checks: Iterable[tuple[str, Callable[[object], bool], str]]) -> None:
    """Raise ModelFileError naming the first field whose value fails its check."""
    for key, ok, what in checks:
        if key not in meta:
            raise ModelFileError(f"The model file's metadata lacks {key!r}.")
        if not ok(meta[key]):
            raise ModelFileError(f"The model file's {key!r} must be {what}; got {_short(meta[key])}.")


# -- the output layer (format 2) -------------------------------------------------------------------

def output_meta(kind: str, units: int) -> dict:
    """What a model file records about its output layer: {"output": kind}, and "classes": k for softmax."""
    return {"output": kind, "classes": int(units)} if kind == "softmax" else {"output": kind}


def check_output(meta: dict, max_classes: int | None = None) -> str:
    """The output kind a format-2 file claims ("sigmoid" when it says nothing: files written before the
    other kinds existed), refusing an unknown kind, a class count that is not a whole number from 2 to
    ``max_classes``, or one that disagrees with the last layer's units, before anything is allocated."""
    max_classes = MAX_CLASSES if max_classes is None else max_classes
    kind = meta.get("output", "sigmoid")
    if kind not in NAMES:
        raise ModelFileError(f"The model file's 'output' must be one of {', '.join(NAMES)}; got {_short(kind)}.")
    if kind != "softmax":
        return kind
    check_fields(meta, [("classes", lambda v: is_int(v, 2, max_classes),
                         f"a whole number of classes from 2 to {max_classes}")])
    last = meta["layers"][-1] if isinstance(meta.get("layers"), list) and meta["layers"] else {}
    units = last.get("units") if isinstance(last, dict) else None
    if units != meta["classes"]:
        raise ModelFileError(f"The model file says it tells {meta['classes']} classes apart, but its last layer "
                             f"has {_short(units)} units; a softmax output has one unit per class.")
    return kind


def is_int(value, low: int = 0, high: int | None = None) -> bool:
    """A JSON whole number (not a bool) in [low, high]."""
    return (isinstance(value, int) and not isinstance(value, bool) and value >= low
            and (high is None or value <= high))


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
