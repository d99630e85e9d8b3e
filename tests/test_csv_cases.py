"""The review's CSV cases, one test each: every bad file ends in one short sentence about the
file (no function arguments, no csv-module jargon), before anything is built."""

from __future__ import annotations

import re
import time
import tracemalloc

import numpy as np
import pytest

from bp_core import datasets as ds


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def rows(n: int = 6, n_features: int = 2, sep: str = ",") -> str:
    return "".join(
        sep.join([f"{i + 0.5 * j}" for j in range(n_features)] + [str(i % 2)]) + "\n"
        for i in range(n)
    )


GOOD = "x1,x2,label\n" + rows()

#: Words that belong to the code, not to the file a student uploaded.
JARGON = ["task=", "train_fraction", "field limit", "_csv", "csv.Error", "Traceback"]


def refused(source, *words: str, input_text: str | None = None) -> str:
    """load_csv(source) must raise a short ValueError with every word in it (case-blind)."""
    with pytest.raises(ValueError) as err:
        ds.load_csv(source, rng=rng())
    message = str(err.value)
    for w in words:
        assert w.lower() in message.lower(), message
    for j in JARGON:
        assert j not in message, message
    assert len(message) <= 300, message
    assert message[0].isupper() and message.endswith((".", ")")), message
    text = input_text if input_text is not None else source
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if isinstance(text, str):
        assert not any(message[i : i + 61] in text for i in range(len(message) - 60)), message
    return message


# --------------------------------------------------------------------------------------
# Huge numbers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"), [("1e308", "'1e308'"), ("1.7e308", "'1.7e308'"), ("-1.7e308", "'-1.7e308'")]
)
def test_huge_feature_values_are_refused(cell, shown):
    text = "x1,x2,label\n1,2,0\n3,4,1\n" + f"{cell},5,0\n" + "6,7,1\n8,9,0\n"
    refused(text, "line 4", "column 'x1'", shown, "too large", "±1e9", "divide the column")


def test_plus_and_minus_huge_in_one_column_are_refused_at_the_first():
    text = "x1,x2,label\n1,2,0\n1.7e308,4,1\n-1.7e308,5,0\n6,7,1\n"
    refused(text, "line 3", "'1.7e308'", "too large")


def test_a_huge_regression_target_is_refused():
    text = "x1,label\n" + "".join(f"{i},{i / 7:.5f}\n" for i in range(8)) + "9,1e300\n"
    refused(text, "line 10", "column 'label'", "too large")


def test_the_bound_itself_is_allowed_and_standardizes_finely():
    text = "x1,x2,label\n1e9,-1e9,0\n-1e9,1e9,1\n0.5,2,0\n3,4,1\n5,6,0\n"
    d = ds.load_csv(text, rng=rng(), standardize=True, features=("x1", "x2", "x1^2", "x1*x2"))
    assert np.all(np.isfinite(d.X_train)) and np.all(np.isfinite(d.X_test))
    refused(text.replace("1e9,-1e9", "1.0000001e9,-1"), "too large")


# --------------------------------------------------------------------------------------
# Shape refused before parsing
# --------------------------------------------------------------------------------------


def test_a_15_mb_header_of_1_9_million_columns_is_refused_from_its_length():
    data = b"abcdefg," * 1_900_000 + b"label\n1,2\n"  # 15.2 MB, cheap to build
    tracemalloc.start()
    t = time.perf_counter()
    with pytest.raises(ValueError) as err:
        ds.load_csv(data, rng=rng())
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    message = str(err.value)
    assert "Line 1 (the header) is 15,200,005 characters long" in message, message
    assert "1,900,001 columns" in message and "50 feature columns" in message, message
    # the decoded text (one copy of the file) is the only big thing made; before: +400 MB
    assert peak < 1.1 * len(data), peak
    assert elapsed < 2.0, elapsed


def test_a_header_of_many_short_columns_is_refused_by_count():
    header = ",".join(f"c{i}" for i in range(1000)) + ",label\n"  # 6 kB: within a line
    refused(header + rows(), "1000 feature columns", "limit is 50")


def test_a_long_data_line_is_refused_before_it_is_split():
    text = "x1,x2,label\n1,2,0\n" + "3," * 50_000 + "0\n" + rows()
    refused(text, "line 3", "100,001 characters long")


def test_more_rows_than_allowed_stop_at_the_limit():
    text = "x1,x2,label\n" + "1,2,0\n3,4,1\n" * (ds.CSV_MAX_ROWS // 2) + "5,6,0\n"
    refused(text, "line 20002", "more than 20,000 data rows")


# --------------------------------------------------------------------------------------
# Long cells are quoted short
# --------------------------------------------------------------------------------------


def test_a_100_kb_cell_is_not_echoed():
    cell = "7" * 100_000
    text = "x1,x2,label\n1,2,0\n" + f"{cell},3,1\n" + rows()
    message = refused(text, "line 3", "100,004 characters long")
    assert "7" * 41 not in message


def test_a_long_cell_within_a_line_is_quoted_short():
    cell = "1234567890" * 500  # 5,000 characters: a short enough line, too long a cell
    message = refused(GOOD + f"{cell},1,0\n", "line 8", "column 'x1'", "5,000 characters", "…")
    assert "1234567890" * 5 not in message


def test_a_quoted_cell_spanning_many_lines_is_quoted_short():
    cell = '"' + ("a" * 99 + "\n") * 1000 + '"'  # 100,000 characters in one quoted cell
    message = refused(GOOD + f"{cell},1,0\n", "line 8", "100,000 characters", "…")
    assert "a" * 41 not in message


def test_an_unclosed_quote_is_explained_in_words():
    text = GOOD + '"1,2,0\n' + ("a" * 90 + "\n") * 2000
    refused(text, "line 8", "more than 131,072 characters", "quote mark", "never closed")


# --------------------------------------------------------------------------------------
# Separators
# --------------------------------------------------------------------------------------


def test_a_semicolon_file_is_named_and_the_decimal_comma_explained():
    text = "x1;x2;label\n0,5;1,5;0\n1,5;2,5;1\n2,5;3,5;0\n3,5;4,5;1\n"
    refused(text, "line 1", "semicolons (;)", "decimals with a comma", "save it with commas")


def test_a_tab_separated_file_is_read():
    d = ds.load_csv(GOOD.replace(",", "\t"), rng=rng(), train_fraction=0.5)
    assert d.feature_names == ("x1", "x2") and d.m_train + d.m_test == 6


def test_a_tab_file_with_decimal_commas_says_so():
    text = "x1\tx2\tlabel\n0,5\t1\t0\n1\t2\t1\n2\t3\t0\n3\t4\t1\n"
    refused(text, "line 2", "column 'x1'", "'0,5' is not a number", "with a point (1.5)")


def test_a_decimal_comma_in_a_comma_file_is_hinted():
    refused(GOOD + "1,5,2,0\n", "line 8", "4 fields", "3 columns", "extra comma", "1.5")


def test_a_vertical_bar_file_is_named():
    refused("x1|x2|label\n1|2|0\n", "vertical bars (|)", "commas")


# --------------------------------------------------------------------------------------
# Messages about the file, not about function arguments
# --------------------------------------------------------------------------------------


def test_too_many_class_names_explains_how_regression_is_decided():
    text = "x1,label\n" + "".join(f"{i},class{i}\n" for i in range(120))
    message = refused(text, "column 'label'", "120 different label names", "at most 100")
    assert "decimals" in message and "more than 20 different whole numbers" in message
    assert "regression" in message


def test_a_split_leaving_no_test_rows_talks_about_the_split():
    with pytest.raises(ValueError) as err:
        ds.load_csv(GOOD, rng=rng(), train_fraction=0.95)
    message = str(err.value)
    assert "95%" in message and "would be empty" in message and "train_fraction" not in message


# --------------------------------------------------------------------------------------
# BOM, invisible characters, line separators
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        b"\xef\xbb\xbf" + GOOD.encode(),
        "\ufeff" + GOOD,
        b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD.encode(),  # saved twice with a BOM
        "\u00ef\u00bb\u00bf" + GOOD,  # a BOM read as Windows-1252
    ],
    ids=["bytes", "str", "two", "mojibake"],
)
def test_a_leading_bom_is_dropped_silently(source):
    d = ds.load_csv(source, rng=rng())
    assert d.feature_names == ("x1", "x2")


def test_a_zero_width_space_inside_a_number_is_named():
    text = "x1,x2,label\n1,2,0\n3\u200b5,4,1\n" + rows()
    refused(
        text,
        "line 3, column 'x1'",
        "contains an invisible character (U+200B ZERO WIDTH SPACE)",
        r"'3\u200b5'",
    )


def test_an_invisible_character_in_a_column_name_is_named():
    text = "x1\u200d,x2,label\n" + rows()
    refused(text, "line 1 (the header), column 1", "U+200D ZERO WIDTH JOINER")


def test_an_invisible_character_in_a_label_would_make_two_classes():
    text = "x1,label\n1,cat\n2,dog\n3,cat\u2060\n4,dog\n5,cat\n"
    refused(text, "line 4, column 'label'", "U+2060 WORD JOINER")


def test_a_bom_in_the_middle_is_named():
    refused(GOOD + "1,\ufeff2,0\n", "line 8, column 'x2'", "U+FEFF", "byte-order mark")


def test_a_no_break_space_inside_a_number_is_named():
    refused(GOOD + "1\u00a0234,2,0\n", "line 8", "a special space (U+00A0 NO-BREAK SPACE)")


def test_a_control_character_is_named():
    refused(GOOD + "1,2\x07,0\n", "line 8", "column 'x2'", "U+0007 CONTROL CHARACTER")


def test_spaces_around_cells_are_still_fine():
    d = ds.load_csv("x1 , x2,label\n" + rows().replace(",", " \u00a0, "), rng=rng())
    assert d.feature_names == ("x1", "x2") and d.m_train + d.m_test == 6


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_unicode_line_separators_are_line_breaks(separator):
    text = GOOD.replace("\n", separator)
    d = ds.load_csv(text, rng=rng(), train_fraction=0.5)
    assert d.m_train + d.m_test == 6
    refused(text.replace("0.0,0.5", "abc,0.5", 1), "line 2", "'abc'")


def test_old_mac_line_ends_are_line_breaks():
    assert ds.load_csv(GOOD.replace("\n", "\r"), rng=rng()).m_train == 4


def test_utf16_is_named():
    refused(GOOD.encode("utf-16"), "UTF-16", "CSV UTF-8")


def test_rows_of_empty_cells_are_blank_lines():
    d = ds.load_csv(GOOD.replace("\n", "\n,,\n", 2), rng=rng(), train_fraction=0.5)
    assert d.m_train + d.m_test == 6


# --------------------------------------------------------------------------------------
# Names are data, with a length cap
# --------------------------------------------------------------------------------------


def test_names_are_returned_as_the_files_plain_text():
    odd = ["=SUM(A1:A2)", "<b>x</b>", "{0}", "None", "'quoted'"]
    header = ",".join(f'"{n}"' if "'" not in n else n for n in odd[:2]) + ",label\n"
    body = "".join(f"{i},{i * 2},{odd[2 + i % 3]}\n" for i in range(9))
    d = ds.load_csv(header + body, rng=rng())
    assert d.feature_names == ("=SUM(A1:A2)", "<b>x</b>")
    assert d.class_names == tuple(sorted(odd[2:]))
    assert all(type(n) is str for n in d.feature_names + d.class_names)


def test_a_column_name_longer_than_40_characters_is_refused_not_cut():
    name = "n" * 41
    refused(f"{name},x2,label\n" + rows(), "line 1 (the header), column 1", "41 characters", "40")
    d = ds.load_csv(f"{'n' * 40},x2,label\n" + rows(), rng=rng())
    assert d.feature_names[0] == "n" * 40


def test_a_class_name_longer_than_40_characters_is_refused():
    text = "x1,label\n" + "".join(f"{i},{'c' * (40 if i == 3 else 3)}{i % 2}\n" for i in range(6))
    refused(text, "line 5", "column 'label'", "41 characters", "40")


# --------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------


def test_memory_of_a_2_mb_file_stays_a_small_multiple_of_its_size():
    """Measured on this file: 12.6x before (lists of lists of text), 2.6x after."""
    g = np.random.default_rng(0)
    X = g.normal(size=(20_000, 12))
    lines = [",".join([f"f{j}" for j in range(12)] + ["label"])]
    lines += [",".join(f"{v:.6f}" for v in X[i]) + f",{i % 3}" for i in range(len(X))]
    data = ("\n".join(lines) + "\n").encode()  # 2.3 MB
    tracemalloc.start()
    d = ds.load_csv(data, rng=rng())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert d.m_train + d.m_test == 20_000
    np.testing.assert_array_equal(
        np.sort(np.concatenate([d.X_train, d.X_test])[:, 0]), np.sort(np.round(X[:, 0], 6))
    )
    assert peak < 4 * len(data), peak / len(data)


def test_every_fixed_message_is_free_of_jargon():
    """The messages of the older malformed-file tests too (test_datasets.BAD_CSVS)."""
    from tests.test_datasets import BAD_CSVS

    for _, source, _ in BAD_CSVS:
        with pytest.raises(ValueError) as err:
            ds.load_csv(source, rng=rng())
        message = str(err.value)
        assert not any(j in message for j in JARGON), message
        assert len(message) <= 300 and not re.search(r"\w+=", message), message


def test_a_line_holding_only_an_invisible_character_is_named_not_called_ragged():
    refused(GOOD + "\u200b\n", "line 8, column 'x1'", "U+200B ZERO WIDTH SPACE")


def test_a_quoted_label_spanning_lines_is_named():
    refused(GOOD + '1,2,"cat\ndog"\n', "line 8, column 'label'", "a line break")
