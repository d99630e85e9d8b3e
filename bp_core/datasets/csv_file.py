"""Loading a user's CSV file (columns x1, x2, ..., label) with validation."""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._checks import _TASK_NAMES, _check_fraction, _check_rng
from .features import _check_features, feature_map
from .records import Dataset, _assemble

# --------------------------------------------------------------------------------------
# CSV files
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


def _read_csv_text(source: Any) -> tuple[str, str]:
    """Return (text, display name) for any accepted CSV source."""
    name = "csv"
    if isinstance(source, os.PathLike):
        path = Path(source)
        name = path.name
        if path.stat().st_size > CSV_MAX_BYTES:
            raise ValueError(
                f"The file {name} is larger than {CSV_MAX_BYTES // (1024 * 1024)} MB; the limit "
                f"is {CSV_MAX_ROWS:,} rows and {CSV_MAX_FEATURES} feature columns."
            )
        data: str | bytes = path.read_bytes()
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        stripped = source.strip()
        if "\n" not in stripped and "," not in stripped and stripped.lower().endswith(".csv"):
            raise ValueError(
                f"{source!r} looks like a file name. A str is read as the CSV text itself; "
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
        raise ValueError(
            f"The file is larger than {CSV_MAX_BYTES // (1024 * 1024)} MB; the limit is "
            f"{CSV_MAX_ROWS:,} rows and {CSV_MAX_FEATURES} feature columns."
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
        text = data.removeprefix("\ufeff")
    return text, name


def _parse_number(cell: str) -> float | None:
    """float(cell), or None when the cell is not a number (non-finite values stay)."""
    try:
        return float(cell)
    except ValueError:
        return None


def _label_kind_error(
    labels: list[tuple[int, str, float | None]], label_col: str
) -> ValueError | None:
    """An error when some labels are numbers and others are names, else None."""
    numeric = [item for item in labels if item[2] is not None]
    names = [item for item in labels if item[2] is None]
    if not numeric or not names:
        return None
    if len(numeric) >= len(names):
        line, cell, _ = names[0]
        return ValueError(
            f"Line {line}, column '{label_col}': '{cell}' is not a number, but most labels are "
            "numbers. Labels must be all numbers or all names (like 'cat' and 'dog')."
        )
    line, cell, _ = numeric[0]
    return ValueError(
        f"Line {line}, column '{label_col}': '{cell}' is a number, but most labels are names. "
        "Labels must be all numbers or all names (like 'cat' and 'dog')."
    )


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
    ``label`` and holds the target. Labels that are all integers, or all names such as
    ``cat``/``dog``, with at most 20 different values make a classification problem (they
    are mapped to 0..K-1 in sorted order, and ``class_names`` keeps the originals);
    otherwise it is regression. Blank lines are skipped; spaces around cells are ignored.

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
        Overrides the automatic choice.
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
        two feature columns, else None.

    Raises
    ------
    ValueError
        For any malformed file, with the line number and/or column name of the problem:
        empty file, missing header, no final ``label`` column, fewer than two columns,
        rows with the wrong number of fields, empty cells, features that are not finite
        numbers, labels mixing numbers and names, fewer than 4 rows, a single class,
        non-UTF-8 or binary content, more than 20,000 rows or 50 feature columns.
    """
    _check_rng(rng)
    if task is not None and task not in _TASK_NAMES:
        raise ValueError(f"task must be 'classification', 'regression' or None; got {task!r}.")
    fraction = _check_fraction(train_fraction)
    text, file_name = _read_csv_text(source)
    if not text.strip():
        raise ValueError(
            "The file is empty: line 1 should be a header such as 'x1,x2,label', "
            "followed by one row per example."
        )

    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 1
    X_rows: list[list[float]] = []
    labels: list[tuple[int, str, float | None]] = []  # (line, cell, number or None)
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            cells = [cell.strip() for cell in fields]
            if header is None:
                header, header_line = _check_header(cells, line), line
                continue
            if len(X_rows) >= CSV_MAX_ROWS:
                raise ValueError(
                    f"Line {line}: the file has more than {CSV_MAX_ROWS:,} data rows; "
                    f"the limit is {CSV_MAX_ROWS:,}."
                )
            if len(cells) != len(header):
                raise ValueError(
                    f"Line {line} has {len(cells)} fields but the header on line {header_line} "
                    f"has {len(header)} columns ({', '.join(header)}). Check for a missing or "
                    "extra comma."
                )
            row = []
            for column, cell in zip(header[:-1], cells[:-1], strict=True):
                row.append(_feature_value(cell, line, column))
            X_rows.append(row)
            labels.append(_label_cell(cells[-1], line, header[-1]))
    except csv.Error as err:
        raise ValueError(f"Line {reader.line_num}: the CSV is malformed ({err}).") from None

    if header is None:  # e.g. only blank quoted cells
        raise ValueError("The file is empty: line 1 should be a header such as 'x1,x2,label'.")
    m = len(X_rows)
    if m < CSV_MIN_ROWS:
        where = f"after the header on line {header_line}"
        raise ValueError(
            f"The file has only {m} data row{'s' if m != 1 else ''} {where}; at least "
            f"{CSV_MIN_ROWS} are needed, some to train on and some to test on."
        )
    label_col = header[-1]
    mixed = _label_kind_error(labels, label_col)
    if mixed is not None:
        raise mixed

    y, chosen_task, class_names = _encode_labels(labels, label_col, task)
    X = np.array(X_rows, dtype=np.float64)  # (m, n)
    feature_names = tuple(header[:-1])
    raw = X if X.shape[1] == 2 else None
    plane_features: tuple[str, ...] = ("x1", "x2") if raw is not None else ()
    if features is not None:
        if raw is None:
            raise ValueError(
                f"A feature map needs exactly two feature columns to use as x1 and x2; this "
                f"file has {X.shape[1]} ({', '.join(feature_names)})."
            )
        plane_features = _check_features(features)
        X = feature_map(raw, plane_features)  # (m, len(features))
        feature_names = plane_features
    if not 1 <= math.floor(fraction * m + 0.5) <= m - 1:
        raise ValueError(
            f"The file has {m} data rows; with train_fraction={fraction:g} the training or "
            "test set would be empty. Use a train_fraction nearer 0.5 or add rows."
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


def _check_header(cells: list[str], line: int) -> list[str]:
    if all(_parse_number(cell) is not None for cell in cells):
        raise ValueError(
            f"Line {line} holds numbers, but the first line must be a header naming the columns, "
            "for example 'x1,x2,label'."
        )
    if len(cells) < 2:
        raise ValueError(
            f"Line {line} (the header) has only {len(cells)} column; at least 2 are needed: "
            "one or more features and then 'label'."
        )
    for j, cell in enumerate(cells, start=1):
        if not cell:
            raise ValueError(f"Line {line} (the header): column {j} has no name.")
    seen: set[str] = set()
    for cell in cells:
        if cell in seen:
            raise ValueError(f"Line {line} (the header): the column name '{cell}' appears twice.")
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
            f"must be called 'label' and hold the target; the last column here is '{cells[-1]}'."
        )
    if len(cells) - 1 > CSV_MAX_FEATURES:
        raise ValueError(
            f"Line {line} (the header): the file has {len(cells) - 1} feature columns; "
            f"the limit is {CSV_MAX_FEATURES}."
        )
    return cells


def _feature_value(cell: str, line: int, column: str) -> float:
    if not cell:
        raise ValueError(f"Line {line}, column '{column}': the cell is empty.")
    value = _parse_number(cell)
    if value is None:
        raise ValueError(f"Line {line}, column '{column}': '{cell}' is not a number.")
    if not math.isfinite(value):
        raise ValueError(
            f"Line {line}, column '{column}': '{cell}' is not a finite number; "
            "NaN and infinity are not allowed."
        )
    return value


def _label_cell(cell: str, line: int, column: str) -> tuple[int, str, float | None]:
    if not cell:
        raise ValueError(f"Line {line}, column '{column}': the cell is empty.")
    value = _parse_number(cell)
    if value is not None and not math.isfinite(value):
        raise ValueError(
            f"Line {line}, column '{column}': '{cell}' is not a finite number; "
            "NaN and infinity are not allowed as labels."
        )
    return line, cell, value


def _encode_labels(
    labels: list[tuple[int, str, float | None]], label_col: str, task: str | None
) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """Turn label cells into (y (m,), task, class_names)."""
    if labels[0][2] is None:  # all names
        if task == "regression":
            raise ValueError(
                f"Column '{label_col}': labels like '{labels[0][1]}' are names, not numbers, "
                "so this file cannot be used for regression."
            )
        names = sorted({cell for _, cell, _ in labels})
        lookup = {name: k for k, name in enumerate(names)}
        y = np.array([lookup[cell] for _, cell, _ in labels], dtype=np.int64)  # (m,)
        _check_class_count(len(names), labels[0][1], label_col)
        return y, "classification", tuple(names)

    values = np.array([value for _, _, value in labels], dtype=np.float64)  # (m,)
    distinct = np.unique(values)  # (K,) sorted
    all_int = bool(np.all(values == np.round(values)))
    if task is None:
        small = all_int and len(distinct) <= CSV_CLASSIFICATION_MAX_DISTINCT
        task = "classification" if small else "regression"
    if task == "regression":
        return values, "regression", ()
    _check_class_count(len(distinct), labels[0][1], label_col)
    y = np.searchsorted(distinct, values).astype(np.int64)  # (m,)
    if all_int:
        class_names = tuple(str(int(v)) for v in distinct)
    else:
        class_names = tuple(str(float(v)) for v in distinct)
    return y, "classification", class_names


def _check_class_count(k: int, example: str, label_col: str) -> None:
    if k == 1:
        raise ValueError(
            f"Column '{label_col}': every row has the label '{example}'; a classifier needs at "
            "least two different labels."
        )
    if k > CSV_MAX_CLASSES:
        raise ValueError(
            f"Column '{label_col}' has {k} different labels; a classifier here can have at most "
            f"{CSV_MAX_CLASSES} classes. For numeric targets, use task='regression'."
        )
