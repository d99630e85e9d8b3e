"""User-supplied text is data; numbers have one formatter (lab_ui.shared.text), on every page.

The fuzz part opens every page with hostile values — Markdown links and images, HTML, LaTeX,
Streamlit directives, 100,000-character values — in the URL and, on the Playground, as a CSV
file's name, column names and class labels.  Every string of every element on the page
(bodies, labels, options, help, figures) must hold no Markdown link or image that would
render, no HTML tag, no unescaped LaTeX from the value, and no run of more than ~60
characters of the value.
"""

from __future__ import annotations

import csv
import io
import os
import re

import pytest
from google.protobuf.json_format import MessageToDict
from hypothesis import given
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from lab_ui.shared import text
from tests.apptest_helpers import MAIN, PAGES

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

LONG = "Zq" * 50_000  # 100,000 characters (not a run base64 would produce)
SPACED = "lorem ipsum " * 8_400  # 100,800 characters with spaces
PAYLOADS = {
    "link": "[Session expired - log in again](https://evil.example/login)",
    "image": "![t](https://evil.example/t.png)",
    "html": '<img src="https://evil.example/t.png" onerror="alert(1)">',
    "script": "<script>alert(1)</script><a href='https://evil.example'>x</a>",
    "latex": r"$\frac{1}{0}$ and $$\int_0^1 x$$",
    "directive": ":red[big] :material/warning: **bold** # heading",
    "autolink": "www.evil.example https://evil.example/x <https://evil.example> me@evil.ex",
    "long": LONG,
    "spaced": SPACED,
}

# ---------------------------------------------------------------------------------------------
# Collecting and checking what a page shows
# ---------------------------------------------------------------------------------------------


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k not in ("data", "arrowData", "id", "formId"):  # binary tables, widget ids
                yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def page_strings(at: AppTest) -> list[str]:
    """Every string of every element and block on the page (protobuf fields), toasts too."""
    out: list[str] = []

    for node in at:  # AppTest iterates over every node of the page, blocks and elements
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.extend(_strings(MessageToDict(proto)))
    return out


_LINK = re.compile(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\s*\((?!\))")
_TAG = re.compile(r"<\s*(img|script|a|iframe|svg|style)\b", re.IGNORECASE)


def _long_runs(payload: str, n: int = 61) -> list[str]:
    """Every n-character piece of a periodic payload (its rotations)."""
    period = 12 if payload is SPACED else 2
    return [(payload * 2)[i : i + n] for i in range(period)]


def assert_shown_as_text(strings: list[str], payload: str) -> None:
    runs = _long_runs(payload) if len(payload) > 1000 else []
    for s in strings:
        assert not _LINK.search(s), s[:200]  # no [text](url) / ![alt](url) that renders
        assert not _TAG.search(s), s[:200]
        assert "\\frac{1}{0}" not in s and "\\int_0^1" not in s, s[:200]
        assert ":red[big]" not in s and "](https://evil" not in s, s[:200]
        # a bare URL is linked even when escaped (seen in Chromium): it must be broken
        assert not re.search(r"(?i)(https?\\?:\\?/\\?/|www\\?\.|\w@)evil", s), s[:200]
        for r in runs:
            assert r not in s, (len(s), s[:120])
        assert len(s) < 20_000 or s.startswith("{"), len(s)  # no 100 k value echoed


def _open(page: str, query: dict[str, str]) -> AppTest:
    """``page`` opened first, by its URL with ``query``, on a fresh session."""
    at = AppTest.from_file(MAIN, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    if page != PAGES[0]:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---------------------------------------------------------------------------------------------
# The helpers themselves
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (0.123456, "0.1235"),
        (-2.5, "-2.5"),
        (3, "3"),
        (0.0, "0"),
        (12345.6, "12346"),
        (99999.4, "99999"),
        (1e5, "1.000e+05"),
        (-6.7168036e101, "-6.717e+101"),
        (1.5e-7, "1.500e-07"),
        (float("nan"), "diverged"),
        (float("inf"), "diverged"),
        (float("-inf"), "diverged"),
    ],
)
def test_one_number_formatter(x, shown):
    assert text.number(x) == shown


@given(hs.floats(allow_nan=True, allow_infinity=True))
def test_a_number_is_never_long(x):
    shown = text.number(x)
    assert len(shown) <= 11
    if shown != "diverged":
        assert float(shown) == pytest.approx(x, rel=1e-3, abs=0)


def test_the_100_digit_r2_of_a_diverged_run_is_short():
    """The status line printed "R² train -671680360328230394818579272309520437757…"."""
    r2 = -6.716803603282304e99
    assert text.number(r2) == "-6.717e+99"
    assert text.percent(float("nan")) == "diverged" and text.percent(0.9734) == "97.3 %"


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_quote_cuts_and_escapes(name):
    q = text.quote(PAYLOADS[name])
    assert q.startswith("“") and q.endswith("”")
    assert len(text.clip(PAYLOADS[name])) <= text.QUOTE_CHARS + 1
    assert_shown_as_text([q], PAYLOADS[name])


@given(hs.text(max_size=300))
def test_escaped_text_has_no_markup(s):
    out = text.escape_markdown(s)
    assert "<" not in out and ">" not in out
    assert not re.search(r"(?<!\\)[\[\]()*_`$!#|~:]", out.replace("\\\\", ""))


def test_shorten_cuts_every_quoted_part_of_a_message():
    msg = f"Line 1 (the header): the column name '{SPACED}' appears twice ({LONG})."
    short = text.shorten(msg)
    assert len(short) < 200 and short.startswith("Line 1 (the header): the column name '")
    assert_shown_as_text([text.plain(msg)], SPACED)
    assert_shown_as_text([text.plain(msg)], LONG)


def test_course_symbols_as_unicode():
    assert text.sup("Theta", 1) == "Θ⁽¹⁾" and text.weight(1, 2, 0) == "Θ⁽¹⁾₂,₀"
    assert text.course("finite difference ∂J_i/∂z^(3)") == "finite difference ∂Jᵢ/∂z⁽³⁾"
    assert text.course("cross_entropy") == "cross_entropy"
    assert text.tex_to_text(r"\sigma") == "σ" and text.tex_to_text(r"\mathrm{LReLU}") == "LReLU"


# ---------------------------------------------------------------------------------------------
# Fuzz: every page, every payload
# ---------------------------------------------------------------------------------------------

#: URL settings the fuzz puts the payload into: choices, lists, numbers, a bool.
FUZZED = ("dataset", "acts", "hidden", "alpha", "loss", "features", "standardize", "speed")


@pytest.mark.parametrize("name", list(PAYLOADS))
@pytest.mark.parametrize("page", PAGES, ids=["playground", "step", "grad", "deriv", "exercise"])
def test_url_values_are_shown_as_text_on_every_page(page, name):
    payload = PAYLOADS[name]
    # Streamlit ignores a query string over 512 k characters: four 100 k values at most
    keys = FUZZED if len(payload) < 1000 else FUZZED[:4]
    at = _open(page, dict.fromkeys(keys, payload))
    notes = [i.value for i in at.info if "The link's value" in i.value]
    assert len(notes) == len(keys), notes  # every refused value said so, on this page
    assert_shown_as_text(page_strings(at), payload)
    assert all(len(n) < 700 for n in notes)


def _csv(columns: list[str], labels: list[str], rows: int = 12) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([*columns, "label"])
    for i in range(rows):
        w.writerow([*(f"{(i * (c + 3)) % 7 - 3}" for c in range(len(columns))), labels[i % 2]])
    return out.getvalue().encode()


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_csv_names_columns_and_labels_are_shown_as_text_on_every_page(name):
    payload = PAYLOADS[name]
    at = _open(PAGES[0], {})
    # bp_core.datasets.load_csv takes names of at most 40 characters (longer: the refused
    # file below); the file's own name has no limit
    short = payload[:38]
    data = _csv([short + "1", short + "2"], [short, short[:-1] + "!"])
    at.file_uploader(key="w_csv").set_value((payload + ".csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    strings = page_strings(at)
    assert_shown_as_text(strings, payload)
    assert at.session_state["dataset"] == "csv", [w.value for w in at.warning]
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert_shown_as_text(page_strings(at), payload)


@pytest.mark.parametrize("name", ["link", "html", "long", "spaced"])
def test_a_refused_csv_quotes_it_short_and_as_text(name):
    payload = PAYLOADS[name]
    at = _open(PAGES[0], {})
    bad = f"x1,x2,label\n1,{payload},0\n".encode()  # a cell that is not a number
    at.file_uploader(key="w_csv").set_value((payload + ".csv", bad, "text/csv")).run()
    assert not at.exception
    warnings = [w.value for w in at.warning if "was not loaded" in w.value]
    assert warnings and all(len(w) < 700 for w in warnings)
    assert_shown_as_text(page_strings(at), payload)
    assert at.session_state["dataset"] == "circle"  # untouched


def test_feature_names_as_the_course_writes_them():
    from bp_core.datasets import FEATURES

    shown = [text.feature(f) for f in FEATURES]
    assert shown == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin(x₁)", "sin(x₂)"]
