"""A CSV file a stranger made → a table of text cells, or one ``TableError`` that says what is wrong and how
to fix it. Everything cheap is checked before pandas parses anything: the size, empty and binary files, the
text encoding, the number of columns (from the header line) and of lines. pandas then reads every cell as
text, and ``lessons.tables.columns`` decides what each column is.
"""

from __future__ import annotations

import csv
import io
import re

MAX_BYTES = 10 * 1024 * 1024    # the app's upload cap (.streamlit/config.toml: maxUploadSize = 10 MB)
MAX_COLUMNS = 200
MAX_ROWS = 100_000
DELIMITERS = ",;\t|"
# What spreadsheets read as a formula: "=…", or "+", "-", "@" before a function name (=HYPERLINK(…), @SUM(…),
# -cmd|…). A negative number such as -3.5 is not one.
FORMULA = re.compile(r"^\s*(=|[+\-@]\s*[A-Za-z_][\w.]*\s*[(|!])")
MISSING = ["", "NA", "N/A", "n/a", "na", "NaN", "nan", "null", "NULL", "None", "none", "?", "-", "--"]
# File signatures of things that are not text tables.
SIGNATURES = [(b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook is one)"),
              (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"), (b"%PDF", "a PDF document"),
              (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
              (b"\x1f\x8b", "a gzip archive"), (b"SQLite format", "an SQLite database")]
SAVE_AS_CSV = "Save the table as CSV (comma-separated values, UTF-8) and use that file."


class TableError(ValueError):
    """A table Neuron Lab cannot use. ``kind`` names which problem: "empty", "too_large", "binary", "encoding",
    "too_wide", "too_long", "malformed", "no_header", "one_row", "formula", "target", "one_class",
    "no_features", "too_few_rows", "too_many_classes". The message says how to fix it, in one line."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def read_csv(data: bytes, max_bytes: int = MAX_BYTES, max_columns: int = MAX_COLUMNS, max_rows: int = MAX_ROWS):
    """Bytes of a CSV file with a header row → a pandas DataFrame of text cells (missing cells are NaN).

    The delimiter (comma, semicolon, tab or |) is detected; a UTF-8 byte-order mark is allowed. Raises
    ``TableError`` for an empty, binary, non-UTF-8, too large, too wide or too long file, one that is not a
    table (rows of different lengths), has no header or a single row, or holds a spreadsheet formula.
    """
    text = decode(data, max_bytes)
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines - 1 > max_rows:
        raise TableError(f"The table has about {lines - 1:,} rows; Neuron Lab reads at most {max_rows:,}. "
                         "Keep a sample of the rows and try again.", "too_long")
    sep = _delimiter(text)
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sep), [])
    if len(header) > max_columns:
        raise TableError(f"The table has {len(header):,} columns; Neuron Lab reads at most {max_columns}. "
                         "Keep the columns you need (delete the others in a spreadsheet) and save it again.",
                         "too_wide")
    frame = _parse(text, sep)
    _check_shape(frame)
    _check_formulas(frame)
    return frame


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """The file's bytes as text, refusing what is too large, empty, binary or not UTF-8 (``TableError``)."""
    if data is None or len(data) == 0 or not data.strip():
        raise TableError("The file is empty. Choose a CSV file with a header row and at least a few rows.", "empty")
    if len(data) > max_bytes:
        raise TableError(f"The file is larger than the {max_bytes / 1024 / 1024:g} MB limit ({len(data):,} bytes). "
                         "Keep a sample of the rows (or fewer columns) and try again.", "too_large")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise TableError("The file is UTF-16 text. Save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8) "
                         "and use that file.", "encoding")
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise TableError(f"This is not a text table: it looks like {what}. {SAVE_AS_CSV}", "binary")
    if b"\x00" in data[:65536]:
        raise TableError(f"This is a binary file, not a text table. {SAVE_AS_CSV}", "binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"The file is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}; it was "
                         "probably saved as Latin-1 or Windows-1252). Save it as 'CSV UTF-8' and try again.",
                         "encoding") from None


def _delimiter(text: str) -> str:
    sample = "\n".join(text[:65536].split("\n")[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _parse(text: str, sep: str):
    # pandas is imported here, not at the top, so that the command line answers a bad file (the checks
    # above) before pandas has loaded: within 2 s even on a busy machine.
    import pandas as pd

    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, na_values=MISSING, keep_default_na=False,
                           skipinitialspace=True, skip_blank_lines=True, engine="c")
    except pd.errors.EmptyDataError:
        raise TableError("The file holds no table. Choose a CSV file with a header row and data rows.",
                         "empty") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        where = (f"line {found[2]} has {found[3]} values but the header names {found[1]} columns"
                 if found else "its rows do not all have the same number of values")
        raise TableError(f"This is not a regular table: {where}. Every row needs one value per column "
                         "(put text that contains the delimiter in double quotes).", "malformed") from None
    except (ValueError, MemoryError, UnicodeError) as exc:
        raise TableError(f"The file cannot be read as a table ({type(exc).__name__}). {SAVE_AS_CSV}",
                         "malformed") from None


def _check_shape(frame) -> None:
    names = [str(c) for c in frame.columns]
    if names and all(_is_number(n) for n in names):
        raise TableError("The first row holds numbers, not column names. Add a header row that names each "
                         "column (for example: age,height,species).", "no_header")
    if len(frame) < 2:
        rows = "no data rows" if len(frame) == 0 else "only one data row"
        raise TableError(f"The table has {rows} below its header. A network needs many rows to learn from and "
                         "to test on: at least 10.", "one_row")


def _check_formulas(frame) -> None:
    for name in frame.columns:
        if FORMULA.match(str(name)):
            raise TableError(f"The column name {_short(name)} is a spreadsheet formula. Neuron Lab reads values, "
                             "never formulas: rename the column and save the table again.", "formula")
    for name in frame.columns:
        cells = frame[name].dropna()
        hits = cells[cells.str.match(FORMULA)]
        if len(hits):
            row = int(hits.index[0]) + 2  # the header is line 1
            raise TableError(f"Line {row}, column {_short(name)} holds a spreadsheet formula, {_short(hits.iloc[0])}. "
                             "Neuron Lab reads values, never formulas: in your spreadsheet copy the cells, paste "
                             "them as values only, and save the table again.", "formula")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _short(value, limit: int = 40) -> str:
    text = str(value).replace("\n", " ")
    return "“" + (text if len(text) <= limit else text[:limit - 1] + "…") + "”"
