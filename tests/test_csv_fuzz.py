"""Fuzzing load_csv with messy CSV bytes: it returns a valid, finite Dataset or raises a short
ValueError that quotes at most a few dozen characters of the file — never anything else.

Each file starts as a valid one (a header, numeric features, a label column) and then gets
up to four spoilers: another separator, a byte-order mark, an invisible character, a huge,
NaN or infinite value, a ragged row, empty lines, a long cell, a stray quote mark, other line
ends, unicode names, a cut, a zero byte or another encoding.  The outcomes are counted and
printed (``pytest -s``) so a run says how many files loaded and how many were refused.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_core import datasets as ds

N_FILES = 1500

NAMES = ["x1", "x2", "a", "b", "weight", "höhe", "größe (cm)", "列", "x 1", "Label", "lab\u200bel"]
LABEL_NAMES = ["cat", "dog", "bird", "0", "1", "2", "7", "-1", "0.5", "x" * 45, "ünï", "🐈"]
ODD_CELLS = [
    "1e308",
    "-1.7e308",
    "1.7e308",
    "nan",
    "inf",
    "-inf",
    "1,5",
    " 3 ",
    "",
    "   ",
    "1\u200b2",
    "1\u00a0234",
    "\ufeff4",
    '"5"',
    '"6',
    "7\x07",
    "1e9",
    "-1e9",
    "1.0000001e9",
    "0x10",
    "1_000",
    "١٢",
    "True",
    "9" * 5000,
    "z" * 200,
    "\u2028",
    "a;b",
    "\t",
]
SPOILERS = [
    "separator",
    "bom",
    "invisible",
    "odd_cell",
    "ragged",
    "empty_lines",
    "long_cell",
    "quote",
    "line_ends",
    "unicode_header",
    "cut",
    "nul",
    "encoding",
    "many_rows_of_names",
]


def _cell(draw, table: list[list[str]]) -> tuple[int, int] | None:
    """A (row, column) of the table that exists, or None when every row is empty."""
    full = [r for r, row in enumerate(table) if row]
    if not full:
        return None
    r = draw(st.sampled_from(full))
    return r, draw(st.integers(0, len(table[r]) - 1))


@st.composite
def messy_csv(draw) -> bytes:
    n_features = draw(st.integers(1, 4))
    n_rows = draw(st.integers(4, 16))
    header = [f"x{j + 1}" for j in range(n_features)] + ["label"]
    numbers = st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: repr(round(v, 3)))
    kind = draw(st.sampled_from(["classes", "names", "regression"]))
    table = []
    for i in range(n_rows):
        cells = [draw(numbers) for _ in range(n_features)]
        if kind == "classes":
            cells.append(str(i % 3))
        elif kind == "names":
            cells.append(["cat", "dog", "bird"][i % 3])
        else:
            cells.append(draw(numbers))
        table.append(cells)
    sep, newline, prefix = ",", "\n", ""
    spoilers = draw(st.lists(st.sampled_from(SPOILERS), max_size=4))
    for spoiler in spoilers:
        if spoiler == "separator":
            sep = draw(st.sampled_from([";", "\t", "|", " ", ",,"]))
        elif spoiler == "bom":
            prefix = draw(st.sampled_from(["\ufeff", "\ufeff\ufeff", "\u00ef\u00bb\u00bf", "\n\n"]))
        elif spoiler == "invisible" and (at_cell := _cell(draw, table)):
            r, c = at_cell
            ch = draw(st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff", "\u00a0", "\x0b"]))
            cell = table[r][c]
            at = draw(st.integers(0, len(cell)))
            table[r][c] = cell[:at] + ch + cell[at:]
        elif spoiler == "odd_cell" and (at_cell := _cell(draw, table)):
            r, c = at_cell
            table[r][c] = draw(st.sampled_from(ODD_CELLS + LABEL_NAMES))
        elif spoiler == "ragged" and (at_cell := _cell(draw, table)):
            r = at_cell[0]
            table[r] = table[r][:-1] if draw(st.booleans()) else [*table[r], "9"]
        elif spoiler == "empty_lines":
            at = draw(st.integers(0, len(table)))
            table.insert(at, [""] * draw(st.integers(0, n_features + 1)))
        elif spoiler == "long_cell" and (at_cell := _cell(draw, table)):
            r = at_cell[0]
            table[r][0] = draw(st.sampled_from(["1", "a", "é"])) * draw(st.integers(50, 20_000))
        elif spoiler == "quote" and (at_cell := _cell(draw, table)):
            r = at_cell[0]
            table[r][-1] = '"' + table[r][-1]
        elif spoiler == "line_ends":
            newline = draw(st.sampled_from(["\r\n", "\r", "\u2028", "\u2029", "\x85", "\n\n"]))
        elif spoiler == "unicode_header":
            header[draw(st.integers(0, n_features))] = draw(
                st.sampled_from(NAMES) | st.text(min_size=0, max_size=50)
            )
        elif spoiler == "many_rows_of_names" and table:
            for row in (row for row in table if row):
                row[-1] = draw(st.sampled_from(LABEL_NAMES) | st.text(max_size=8))
    text = prefix + newline.join(sep.join(row) for row in [header, *table]) + newline
    data = text.encode("utf-8", errors="surrogatepass")
    if "cut" in spoilers:
        data = data[: draw(st.integers(0, len(data)))]
    if "nul" in spoilers:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" + data[at:]
    if "encoding" in spoilers:
        encoding = draw(st.sampled_from(["utf-16", "utf-32", "latin-1", "cp1252"]))
        data = text.encode(encoding, "replace")
    return data


def _check_dataset(d: ds.Dataset) -> None:
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        assert X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == d.n_features
        assert np.all(np.isfinite(X)) and np.all(np.abs(X) <= ds.CSV_MAX_ABS)
        assert y.shape == (X.shape[0],) and np.all(np.isfinite(y))
    assert d.m_train >= 1 and d.m_test >= 1 and d.m_train + d.m_test >= ds.CSV_MIN_ROWS
    assert 1 <= d.n_features <= ds.CSV_MAX_FEATURES
    assert all(type(n) is str and len(n) <= 40 for n in d.feature_names + d.class_names)
    if d.task == "classification":
        assert 2 <= d.n_classes <= ds.CSV_MAX_CLASSES
        assert d.y_train.dtype == np.int64 and d.y_train.min() >= 0
        assert max(d.y_train.max(), d.y_test.max()) < d.n_classes
    else:
        assert d.task == "regression" and d.n_classes == 0


def _check_message(message: str, data: bytes) -> None:
    assert 0 < len(message) <= 300, message
    assert message[0].isupper(), message
    for jargon in ("task=", "train_fraction", "field limit", "Error", "Traceback"):
        assert jargon not in message, message
    for encoding in ("utf-8", "latin-1"):
        text = data.decode(encoding, errors="replace")
        for i in range(len(message) - 60):
            assert message[i : i + 61] not in text, (message, i)


def test_fuzz_load_csv() -> None:
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()

    @settings(
        max_examples=N_FILES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(messy_csv())
    def one(data: bytes) -> None:
        try:
            d = ds.load_csv(data, rng=np.random.default_rng(0), train_fraction=0.5)
        except ValueError as err:
            _check_message(str(err), data)
            outcomes["refused"] += 1
            reasons[" ".join(str(err).split()[:5])] += 1
            return
        except Exception:
            outcomes["other exception"] += 1
            raise
        _check_dataset(d)
        outcomes["loaded"] += 1

    one()
    tried = sum(outcomes.values())
    print(f"\nload_csv fuzz: {tried} files, {dict(outcomes)}")
    print("most common refusals:", reasons.most_common(12))
    assert outcomes["other exception"] == 0
    assert tried >= N_FILES // 2
    assert outcomes["loaded"] >= tried // 10 and outcomes["refused"] >= tried // 10
