"""Loading a user's CSV file (columns x1, x2, ..., label) with validation.

A student uploads a file; every way it can be wrong ends in one ``ValueError`` sentence that
talks about the file (its line, its column, the cell) and quotes at most
``CSV_QUOTE_CHARS`` characters of it, through ``repr`` so that invisible characters show.
Each limit is checked before the cost it bounds is paid:

- **Size**: at most ``CSV_MAX_BYTES``; then every physical line is measured before it is
  split into cells (at most ``CSV_MAX_LINE_CHARS``), so a header of two million columns is
  refused from its length, without building the cells.  The header must name at most
  ``CSV_MAX_FEATURES`` feature columns and the label; at most ``CSV_MAX_ROWS`` data rows;
  a cell holds at most ``CSV_MAX_CELL_CHARS`` characters.
- **Memory**: rows are parsed one at a time straight into a preallocated float64 array
  (never a list of lists of text); a label is kept as text only when it is a name.
- **Numbers** must be finite and between −``CSV_MAX_ABS`` and ``CSV_MAX_ABS`` (10⁹).  Files
  with bigger values are *refused, not rescaled*: rescaling would silently change the data
  the student sees and types in, while 10⁹ is beyond any measurement a class uploads
  (populations, prices in cents) and keeps x², x1·x2, squared errors and sums over 20,000
  rows far from float64's overflow (~1.8e308) and inside float32's range (~3.4e38), in which
  the live view draws.  The message says to divide the column by a power of ten.
- **Text**: UTF-8; a leading byte-order mark is dropped silently; U+2028 and U+2029 (line
  and paragraph separators) are line breaks; any other invisible or special character
  inside a cell (a zero-width space, a no-break space, a control character) is refused,
  naming the line, the column and the character (e.g. "U+200B ZERO WIDTH SPACE"), since it
  would make two names that look the same differ, or a number unreadable.
- **Separators**: commas; tabs when the header has tabs and no commas (unambiguous: numbers
  never hold tabs).  Semicolon files (a German Excel export) are refused with a sentence
  saying so: they write decimals with a comma (1,5), so they cannot be read safely.
- **Names are data**: column names and class names are returned as the plain strings of
  the file, never interpreted; each is at most ``CSV_MAX_NAME_CHARS`` characters, and a
  longer one is *refused, not truncated* (two long names could become the same).
"""

from __future__ import annotations

import csv
import math
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._checks import _TASK_NAMES, _check_fraction, _check_rng
from .features import _check_features, feature_map
from .records import Dataset, _assemble

# --------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------

#: Limits for uploaded CSV files.
CSV_MAX_ROWS = 20_000
CSV_MAX_FEATURES = 50
CSV_MIN_ROWS = 4
CSV_MAX_BYTES = 16 * 1024 * 1024
#: At most this many distinct integer/name labels make a classification problem by default.
CSV_CLASSIFICATION_MAX_DISTINCT = 20
#: A classification problem from a CSV file may have at most this many classes.
CSV_MAX_CLASSES = 100
#: Numbers in the file must lie in [-CSV_MAX_ABS, CSV_MAX_ABS] (see the module docstring).
CSV_MAX_ABS = 1e9
#: Characters of a column name or a class name (longer names are refused).
CSV_MAX_NAME_CHARS = 40
#: Characters of one cell (a number or a name, spaces around it included).
CSV_MAX_CELL_CHARS = 100
#: Characters of one physical line, measured before the line is split into cells; the
#: header needs at most 51 × (40 + 3) = 2,193 of them, a row 51 × (100 + 1).
CSV_MAX_LINE_CHARS = 8192
#: Characters of the file quoted in a message.
CSV_QUOTE_CHARS = 40

_SEPARATOR_WORDS = {",": "comma", "\t": "tab"}

# --------------------------------------------------------------------------------------
# Words for messages
# --------------------------------------------------------------------------------------


def _q(text: str, limit: int = CSV_QUOTE_CHARS) -> str:
    """``repr`` of text cut to ``limit`` characters ("…" marks the cut)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _is_special(c: str) -> bool:
    """An invisible or special character: controls, format characters (zero-width ones, the
    byte-order mark), spaces other than the ordinary one, unassigned and private ones."""
    if c in "\t\n\r ":
        return False
    category = unicodedata.category(c)
    return category[0] == "C" or category in ("Zs", "Zl", "Zp")


def _char_name(c: str) -> str:
    """E.g. "U+200B ZERO WIDTH SPACE"."""
    name = unicodedata.name(c, "")
    if not name:
        name = "CONTROL CHARACTER" if unicodedata.category(c) == "Cc" else "UNNAMED CHARACTER"
    if c == "\ufeff":
        name += ", a byte-order mark"
    return f"U+{ord(c):04X} {name}"


def _special_error(where: str, cell: str, c: str) -> ValueError:
    kind = "a special space" if unicodedata.category(c) == "Zs" else "an invisible character"
    if c in "\n\r":
        kind = "a line break"
    return ValueError(
        f"{where} contains {kind} ({_char_name(c)}) in {_q(cell)}. Retype the cell without it "
        "and save the file again."
    )


def _first_special(text: str, special: frozenset[str]) -> str | None:
    for c in text:
        if c in special:
            return c
    return None


def _specials_in(text: str) -> frozenset[str]:
    """Every invisible or special character the text holds (cheap: Python objects only for
    the distinct non-ASCII characters)."""
    ascii_controls = set(re.findall(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text))
    if text.isascii():
        return frozenset(ascii_controls)
    rest = re.sub(r"[\x00-\x7f]+", "", text)  # the non-ASCII characters only
    return frozenset(ascii_controls | {c for c in set(rest) if _is_special(c)})


# --------------------------------------------------------------------------------------
# Reading the source
# --------------------------------------------------------------------------------------


def _too_big() -> ValueError:
    return ValueError(
        f"The file is larger than {CSV_MAX_BYTES // (1024 * 1024)} MB; the limit is "
        f"{CSV_MAX_ROWS:,} rows and {CSV_MAX_FEATURES} feature columns."
    )


def _read_csv_text(source: Any) -> tuple[str, str]:
    """Return (text, display name) for any accepted CSV source."""
    name = "csv"
    if isinstance(source, os.PathLike):
        path = Path(source)
        name = path.name
        if path.stat().st_size > CSV_MAX_BYTES:
            raise _too_big()
        data: str | bytes = path.read_bytes()
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        stripped = source.strip() if len(source) < 1000 else ""  # (a long text is no name)
        if "\n" not in stripped and "," not in stripped and stripped.lower().endswith(".csv"):
            raise ValueError(
                f"{_q(source)} looks like a file name. A str is read as the CSV text itself; "
                "to read a file, pass pathlib.Path('...') instead."
            )
        data = source
    elif hasattr(source, "read"):
        data = source.read(CSV_MAX_BYTES + 1)
        if not isinstance(data, str | bytes):
            raise TypeError("The file object's read() must return str or bytes.")
        file_name = getattr(source, "name", None)
        if isinstance(file_name, str) and file_name:
            name = Path(file_name).name
    else:
        raise TypeError(
            "source must be CSV text (str), bytes, a path (pathlib.Path) or an open file; "
            f"got {type(source).__name__}."
        )
    if len(data) > CSV_MAX_BYTES:
        raise _too_big()
    if isinstance(data, bytes) and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(
            "The file is saved as UTF-16 (or UTF-32) text, not UTF-8. Save it from your "
            "spreadsheet as 'CSV UTF-8 (comma delimited)' and try again."
        )
    nul = "\x00" if isinstance(data, str) else b"\x00"
    if nul in data:
        at = data.index(nul)
        line = data[:at].count("\n" if isinstance(data, str) else b"\n") + 1
        raise ValueError(
            f"Line {line} contains binary data (a zero byte), so this is not a CSV text file. "
            "Export it from your spreadsheet as 'CSV UTF-8'."
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise ValueError(
                f"Line {line} is not UTF-8 text (byte 0x{data[err.start]:02x} at position "
                f"{err.start}). Save the file as 'CSV UTF-8' and try again."
            ) from None
    else:
        text = data
    # byte-order marks at the start say nothing about the data: drop them (also a second
    # one, and the three characters a BOM becomes when UTF-8 was read as Windows-1252)
    while text.startswith(("\ufeff", "\u00ef\u00bb\u00bf")):
        text = text[1:] if text[0] == "\ufeff" else text[3:]
    return text, name


def _normalize_line_breaks(text: str) -> str:
    """U+2028 / U+2029 are line breaks; a file of old-Mac "\\r" line ends gets "\\n"."""
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    return text


def _lines(text: str) -> Iterator[str]:
    """The physical lines of text (each with its "\\n"), each measured before it is cut out."""
    pos, line, n = 0, 0, len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end < 0 else end + 1
        line += 1
        if end - pos > CSV_MAX_LINE_CHARS + 2:  # "\r\n" does not count
            length = end - pos - (text[end - 1] == "\n") - (text[end - 2 : end] == "\r\n")
            raise ValueError(
                f"Line {line} is {length:,} characters long; a row holds at most "
                f"{CSV_MAX_FEATURES + 1} cells of at most {CSV_MAX_CELL_CHARS} characters. "
                "Check that each row ends with a line break."
            )
        yield text[pos:end]
        pos = end


def _header_span(text: str) -> tuple[int, int, int]:
    """(line number, start, end) of the header: the first line with a visible character."""
    found = re.search(r"\S", text)
    start = text.rfind("\n", 0, found.start()) + 1 if found else 0
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return text.count("\n", 0, start) + 1, start, end


def _separator(text: str, line: int, start: int, end: int) -> str:
    """The column separator, read from the header line (measured first, never split whole)."""
    if end - start > CSV_MAX_LINE_CHARS:
        columns = max(text.count(sep, start, end) for sep in ",;\t") + 1
        raise ValueError(
            f"Line {line} (the header) is {end - start:,} characters long, with about "
            f"{columns:,} columns; the limit is {CSV_MAX_FEATURES} feature columns and the "
            "'label' column."
        )
    header = text[start:end]
    if "," in header:
        return ","
    if "\t" in header:
        return "\t"
    if ";" in header:
        raise ValueError(
            f"Line {line} (the header): this file separates columns with semicolons (;), as "
            "a German or other European Excel export does. Such files write decimals with a "
            "comma (1,5), so columns and decimals cannot be told apart: save it with commas "
            "between columns and points in numbers (1.5)."
        )
    if "|" in header:
        raise ValueError(
            f"Line {line} (the header): this file separates columns with vertical bars (|). "
            "Save it with commas between the columns."
        )
    return ","


def _csv_error(err: csv.Error, line: int) -> ValueError:
    """The csv module's complaint in words."""
    text = str(err)
    if "field larger than field limit" in text:
        return ValueError(
            f"Line {line}: a cell runs on for more than {csv.field_size_limit():,} characters. "
            'Probably a quote mark (") opens a cell and is never closed, so the rest of the '
            "file became one cell."
        )
    if "new-line character" in text:
        return ValueError(
            f"Line {line} has a carriage return (\\r) inside a row. Save the file with "
            "ordinary line endings."
        )
    return ValueError(f'Line {line} cannot be read as CSV: its quote marks (") are out of place.')


# --------------------------------------------------------------------------------------
# load_csv
# --------------------------------------------------------------------------------------


def load_csv(
    source: str | bytes | os.PathLike[str] | Any,
    *,
    train_fraction: float = 0.7,
    rng: np.random.Generator,
    task: str | None = None,
    standardize: bool = False,
    features: Sequence[str] | None = None,
) -> Dataset:
    """Read your own data from a CSV file with a header row and a final ``label`` column.

    The file looks like::

        x1,x2,label
        0.5,-1.2,1
        -0.3,0.8,0

    The feature columns may have any (distinct) names; the last column must be called
    ``label`` and holds the target.  How the target is read:

    - labels that are **names** (``cat``, ``dog``) are classes, numbered 0..K-1 in sorted
      order (``class_names`` keeps the names);
    - labels that are **whole numbers with at most 20 different values** are classes too,
      numbered in sorted order (``class_names`` keeps the numbers as text);
    - any other numbers (decimals, or more than 20 different whole numbers) are a
      **regression** target, kept as they are.

    Blank lines (and rows of empty cells only) are skipped; spaces around cells are ignored.
    See the module docstring for what else a file may and may not hold (size, separators,
    numbers at most 10⁹ in size, invisible characters, names at most 40 characters).

    Parameters
    ----------
    source : str, bytes, os.PathLike or file-like
        A str is the CSV *text*; bytes are the file's contents (UTF-8); a path
        (``pathlib.Path``) is read from disk; a file-like object (e.g. Streamlit's
        ``UploadedFile``) is read with ``.read()``.
    train_fraction : float, default 0.7
        Share of the rows used for training, strictly between 0 and 1.
    rng : np.random.Generator
        Source of randomness for the shuffle.
    task : {"classification", "regression"} or None
        Overrides the automatic choice (the app never sets it).
    standardize : bool, default False
        Fit a ``Standardizer`` on the training features and apply it to both parts.
    features : sequence of str or None
        Only for files with exactly two feature columns: treat them as (x1, x2) and apply
        this feature map, e.g. ``("x1", "x2", "x1*x2")``. None keeps the columns as they are.

    Returns
    -------
    Dataset
        ``X_train`` of shape (m_train, n) float64; ``y_train`` int64 (classification) or
        float64 (regression); ``raw_train`` of shape (m_train, 2) when there are exactly
        two feature columns, else None.  ``feature_names`` and ``class_names`` are the
        file's own text.

    Raises
    ------
    ValueError
        For any malformed file, with the line number and/or column name of the problem:
        empty file, missing header, no final ``label`` column, fewer than two columns,
        rows with the wrong number of fields, empty cells, features that are not finite
        numbers or too large, labels mixing numbers and names, fewer than 4 rows, a single
        class, non-UTF-8 or binary content, invisible characters, semicolon separators, a
        line, cell or name too long, more than 20,000 rows or 50 feature columns.
    """
    _check_rng(rng)
    if task is not None and task not in _TASK_NAMES:
        raise ValueError(f"task must be 'classification', 'regression' or None; got {task!r}.")
    fraction = _check_fraction(train_fraction)
    text, file_name = _read_csv_text(source)
    text = _normalize_line_breaks(text)
    if not text or text.isspace():  # (not text.strip(): that would copy the text)
        raise ValueError(
            "The file is empty: line 1 should be a header such as 'x1,x2,label', "
            "followed by one row per example."
        )
    sep = _separator(text, *_header_span(text))
    special = _specials_in(text)
    table = _Table(capacity=min(CSV_MAX_ROWS, text.count("\n") + 1), sep=sep, special=special)
    reader = csv.reader(_lines(text), delimiter=sep)
    first = 1  # the line the next row starts on (a quoted cell may span lines)
    try:
        for fields in reader:
            if fields and "".join(fields).strip():  # skip blank lines and rows of empty cells
                table.add(fields, first)
            first = reader.line_num + 1
    except csv.Error as err:
        raise _csv_error(err, first) from None
    del text

    if table.header is None:  # e.g. only blank quoted cells
        raise ValueError("The file is empty: line 1 should be a header such as 'x1,x2,label'.")
    m = table.m
    if m < CSV_MIN_ROWS:
        where = f"after the header on line {table.header_line}"
        raise ValueError(
            f"The file has only {m} data row{'s' if m != 1 else ''} {where}; at least "
            f"{CSV_MIN_ROWS} are needed, some to train on and some to test on."
        )
    table.check_label_kinds()
    y, chosen_task, class_names = table.encode_labels(task)
    X = table.X[:m]  # (m, n)
    feature_names = tuple(table.header[:-1])
    raw = X if X.shape[1] == 2 else None
    plane_features: tuple[str, ...] = ("x1", "x2") if raw is not None else ()
    if features is not None:
        if raw is None:
            raise ValueError(
                f"A feature map needs exactly two feature columns to use as x1 and x2; this "
                f"file has {X.shape[1]}."
            )
        plane_features = _check_features(features)
        X = feature_map(raw, plane_features)  # (m, len(features))
        feature_names = plane_features
    if not 1 <= math.floor(fraction * m + 0.5) <= m - 1:
        raise ValueError(
            f"The file has {m} data rows: with {fraction:.0%} of them for training, the "
            "training or test set would be empty. Use a split nearer 50 % or add rows."
        )
    return _assemble(
        name=file_name,
        X=X,
        y=y,
        raw=raw,
        train_fraction=fraction,
        rng=rng,
        task=chosen_task,
        n_classes=len(class_names) if chosen_task == "classification" else 0,
        feature_names=feature_names,
        class_names=class_names,
        standardize=standardize,
        plane_features=plane_features,
    )


# --------------------------------------------------------------------------------------
# The table, filled one row at a time
# --------------------------------------------------------------------------------------

_NUMBER_WORDS = "numbers between -1,000,000,000 and 1,000,000,000 (±1e9)"


class _Table:
    """The header, then the rows: features into a preallocated float64 array X (capacity, n),
    labels as numbers (NaN for a name) and, for names only, as text."""

    def __init__(self, capacity: int, sep: str, special: frozenset[str]) -> None:
        self.capacity, self.sep, self.special = capacity, sep, special
        self.header: list[str] | None = None
        self.header_line = 1
        self.m = 0
        self.X = np.empty((0, 0))
        self.values = np.empty(0)
        self.line_of = np.empty(0, dtype=np.int64)
        self.names: list[str] = []  # the label of each row when it is a name, else ""
        self.first_name: tuple[int, str] | None = None  # (line, cell) of the first name label
        self.first_number: tuple[int, str] | None = None
        self.first_label = ""

    # -- the header -----------------------------------------------------------------------

    def _set_header(self, fields: list[str], line: int) -> None:
        cells = [cell.strip() for cell in fields]
        if all(_is_number(cell) for cell in cells):
            raise ValueError(
                f"Line {line} holds numbers, but the first line must be a header naming the "
                "columns, for example 'x1,x2,label'."
            )
        if len(cells) < 2:
            raise ValueError(
                f"Line {line} (the header) has only {len(cells)} column; at least 2 are "
                "needed: one or more features and then 'label'."
            )
        if len(cells) - 1 > CSV_MAX_FEATURES and cells[-1].lower() == "label":
            raise ValueError(
                f"Line {line} (the header): the file has {len(cells) - 1} feature columns; "
                f"the limit is {CSV_MAX_FEATURES}."
            )
        if len(cells) > CSV_MAX_FEATURES + 1:
            raise ValueError(
                f"Line {line} (the header) has {len(cells)} columns; the limit is "
                f"{CSV_MAX_FEATURES} feature columns and the 'label' column."
            )
        for j, cell in enumerate(cells, start=1):
            where = f"Line {line} (the header), column {j}"
            if not cell:
                raise ValueError(f"Line {line} (the header): column {j} has no name.")
            c = _first_special(cell, self.special | {"\n", "\r"})
            if c is not None:
                raise _special_error(where, cell, c)
            if len(cell) > CSV_MAX_NAME_CHARS:
                raise ValueError(
                    f"{where}: the name {_q(cell)} is {len(cell)} characters long; column "
                    f"names may have at most {CSV_MAX_NAME_CHARS}. Shorten it in the file."
                )
        seen: set[str] = set()
        for cell in cells:
            if cell in seen:
                raise ValueError(
                    f"Line {line} (the header): the column name {_q(cell)} appears twice."
                )
            seen.add(cell)
        lowered = [cell.lower() for cell in cells]
        if lowered[-1] != "label":
            if "label" in lowered:
                j = lowered.index("label") + 1
                raise ValueError(
                    f"Line {line} (the header): column 'label' is column {j} of {len(cells)}, "
                    "but it must be the last column."
                )
            raise ValueError(
                f"Line {line} (the header): there is no column named 'label'. The last column "
                f"must be called 'label' and hold the target; the last column here is "
                f"{_q(cells[-1])}."
            )
        self.header, self.header_line = cells, line
        n = len(cells) - 1
        self.X = np.empty((self.capacity, n))  # (rows, n) filled row by row
        self.values = np.empty(self.capacity)
        self.line_of = np.empty(self.capacity, dtype=np.int64)

    # -- one row ----------------------------------------------------------------------------

    def add(self, fields: list[str], line: int) -> None:
        if self.header is None:
            self._set_header(fields, line)
            return
        header = self.header
        if self.m >= CSV_MAX_ROWS or self.m >= self.capacity:
            raise ValueError(
                f"Line {line}: the file has more than {CSV_MAX_ROWS:,} data rows; "
                f"the limit is {CSV_MAX_ROWS:,}."
            )
        if self.special:  # first: an invisible character may be all a line holds
            for j, cell in enumerate(fields):
                c = _first_special(cell.strip(), self.special)
                if c is not None:
                    column = f"column {_q(header[j])}" if j < len(header) else f"field {j + 1}"
                    raise _special_error(f"Line {line}, {column}", cell.strip(), c)
        if len(fields) != len(header):
            self._ragged(fields, line)
        if max(map(len, fields)) > CSV_MAX_CELL_CHARS:
            j = next(j for j, cell in enumerate(fields) if len(cell) > CSV_MAX_CELL_CHARS)
            raise ValueError(
                f"Line {line}, column {_q(header[j])}: the cell is {len(fields[j]):,} "
                f"characters long ({_q(fields[j].strip())}); a cell holds one number or a "
                f"name of at most {CSV_MAX_NAME_CHARS} characters."
            )
        i = self.m
        try:
            self.X[i] = fields[:-1]  # numpy reads each text as float() does
        except ValueError:
            cells = zip(fields[:-1], header[:-1], strict=True)
            self.X[i] = [_feature_value(cell, line, column) for cell, column in cells]
        row = self.X[i]
        if not (np.abs(row) <= CSV_MAX_ABS).all():  # also False for NaN
            j = int(np.argmin(np.abs(row) <= CSV_MAX_ABS))
            _check_number(float(row[j]), fields[j].strip(), line, header[j], "")
        self.values[i] = self._label(fields[-1].strip(), line)
        self.line_of[i] = line
        self.m += 1

    def _ragged(self, fields: list[str], line: int) -> None:
        header, word = self.header, _SEPARATOR_WORDS[self.sep]
        names = ", ".join(header)
        names = f" ({names})" if len(names) <= CSV_QUOTE_CHARS else ""
        hint = ""
        if self.sep == "," and len(fields) > len(header):
            hint = " A decimal comma (1,5) splits a number in two: write 1.5."
        raise ValueError(
            f"Line {line} has {len(fields)} fields but the header on line {self.header_line} "
            f"has {len(header)} columns{names}. Check for a missing or extra {word}.{hint}"
        )

    def _label(self, cell: str, line: int) -> float:
        column = self.header[-1]
        if not cell:
            raise ValueError(f"Line {line}, column {_q(column)}: the cell is empty.")
        if "\n" in cell or "\r" in cell:  # a quoted label spanning lines
            raise _special_error(f"Line {line}, column {_q(column)}", cell, "\n")
        if not self.first_label:
            self.first_label = cell
        try:
            value = float(cell)
        except ValueError:
            if len(cell) > CSV_MAX_NAME_CHARS:
                raise ValueError(
                    f"Line {line}, column {_q(column)}: the label {_q(cell)} is {len(cell)} "
                    f"characters long; class names may have at most {CSV_MAX_NAME_CHARS}."
                ) from None
            if self.first_name is None:
                self.first_name = (line, cell)
            self.names.append(cell)
            return math.nan
        _check_number(value, cell, line, column, " as labels")
        if self.first_number is None:
            self.first_number = (line, cell)
        self.names.append("")
        return value

    # -- the labels -------------------------------------------------------------------------

    def check_label_kinds(self) -> None:
        """Labels must be all numbers or all names (the message names the odd one out)."""
        if self.first_name is None or self.first_number is None:
            return
        column = _q(self.header[-1])
        n_names = int(np.isnan(self.values[: self.m]).sum())
        if self.m - n_names >= n_names:
            line, cell = self.first_name
            raise ValueError(
                f"Line {line}, column {column}: {_q(cell)} is not a number, but most labels "
                "are numbers. Labels must be all numbers or all names (like 'cat' and 'dog')."
            )
        line, cell = self.first_number
        raise ValueError(
            f"Line {line}, column {column}: {_q(cell)} is a number, but most labels are names. "
            "Labels must be all numbers or all names (like 'cat' and 'dog')."
        )

    def encode_labels(self, task: str | None) -> tuple[np.ndarray, str, tuple[str, ...]]:
        """Turn the labels into (y (m,), task, class_names)."""
        column, example = _q(self.header[-1]), _q(self.first_label)
        if self.first_number is None:  # all names
            if task == "regression":
                raise ValueError(
                    f"Column {column}: labels like {example} are names, not numbers, so this "
                    "file cannot be used for regression."
                )
            names = sorted(set(self.names))
            _check_class_count(len(names), example, column, "names")
            lookup = {name: k for k, name in enumerate(names)}
            y = np.array([lookup[cell] for cell in self.names], dtype=np.int64)  # (m,)
            return y, "classification", tuple(names)

        values = self.values[: self.m]  # (m,)
        distinct = np.unique(values)  # (K,) sorted
        all_int = bool(np.all(values == np.round(values)))
        if task is None:
            small = all_int and len(distinct) <= CSV_CLASSIFICATION_MAX_DISTINCT
            task = "classification" if small else "regression"
        if task == "regression":
            return values.copy(), "regression", ()
        _check_class_count(len(distinct), example, column, "numbers")
        y = np.searchsorted(distinct, values).astype(np.int64)  # (m,)
        if all_int:
            class_names = tuple(str(int(v)) for v in distinct)
        else:
            class_names = tuple(str(float(v)) for v in distinct)
        return y, "classification", class_names


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _check_number(value: float, cell: str, line: int, column: str, where: str) -> None:
    """A number read from the file must be finite and at most CSV_MAX_ABS in size."""
    if not math.isfinite(value):
        raise ValueError(
            f"Line {line}, column {_q(column)}: {_q(cell)} is not a finite number; "
            f"NaN and infinity are not allowed{where}."
        )
    if abs(value) > CSV_MAX_ABS:
        raise ValueError(
            f"Line {line}, column {_q(column)}: {_q(cell)} is too large; this app reads "
            f"{_NUMBER_WORDS}. Divide the column by a power of ten (e.g. write thousands)."
        )


def _feature_value(cell: str, line: int, column: str) -> float:
    """float(cell) of a feature cell, or a ValueError saying why it is not a number."""
    cell = cell.strip()
    if not cell:
        raise ValueError(f"Line {line}, column {_q(column)}: the cell is empty.")
    try:
        return float(cell)
    except ValueError:
        pass
    hint = ""
    if "," in cell and _is_number(cell.replace(",", ".", 1)):
        hint = " Write decimals with a point (1.5), not a comma."
    raise ValueError(f"Line {line}, column {_q(column)}: {_q(cell)} is not a number.{hint}")


def _check_class_count(k: int, example: str, column: str, kind: str) -> None:
    if k == 1:
        raise ValueError(
            f"Column {column}: every row has the label {example}; a classifier needs at "
            "least two different labels."
        )
    if k > CSV_MAX_CLASSES:
        raise ValueError(
            f"Column {column} has {k} different label {kind}; a classifier here tells apart "
            f"at most {CSV_MAX_CLASSES} classes. (Labels that are decimals, or more than "
            f"{CSV_CLASSIFICATION_MAX_DISTINCT} different whole numbers, are read as a "
            "regression target instead.)"
        )
