"""A widget the browser never got the value of still shows the setting, not its first option.

Streamlit sends a keyed widget's session-state value to the browser only in the run that set
it.  When that run is interrupted before the widget is drawn (a rerun asked for meanwhile:
a Step pressed in the page's first second, under load), the next run sends the widget's
*default* only; a browser that has no state for the widget shows that default and sends it
back with its next rerun.  Before the fix a page opened as ``?dataset=xor&batch=64`` came back
as the Circle data set with every slider at its minimum (the failover browser test, under
CI's load).  So every widget is drawn with its value as its default too: here, on every
page, in a second run (the values no longer new), each widget's default, as a browser
without state reads it from the element, is the widget's value.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import PAGES, ok, open_app

# a value unlike the default for the Playground's settings of every kind of widget
QUERY = {
    "dataset": "xor",  # selectbox
    "noise": "0.35",  # float slider
    "train_pct": "70",  # int slider
    "n_points": "200",  # select slider of ints
    "seed": "42",  # number input
    "features": "x1,x1*x2",  # multiselect
    "standardize": "false",  # toggle
    "hidden": "3,5",  # a number input and a selectbox per layer
    "acts": "tanh,relu",
    "alpha": "0.3",  # select slider of floats
    "batch": "16",
    "speed": "2",  # select slider of choices
    "mode": "backward",  # segmented control
    "optimizer": "adam",
}


def _as_browser_without_state(el) -> tuple[object, object]:
    """(what a browser without state for ``el`` shows: its default, the widget's value) in
    the same terms: indices for widgets of options, values for the others."""
    p, kind = el.proto, type(el).__name__
    if kind in ("Selectbox", "Radio"):
        return p.default if p.HasField("default") else None, el.index
    if kind in ("Multiselect", "ButtonGroup"):
        return list(p.default), list(el.indices)
    if kind == "SelectSlider":
        value = el.value
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        fmt = el.format_func
        return [int(i) for i in p.default], [el.options.index(str(fmt(v))) for v in values]
    if kind == "Slider":
        value = el.value
        return list(p.default), list(value) if isinstance(value, (list, tuple)) else [value]
    if kind in ("NumberInput", "TextInput", "TextArea"):
        return (p.default if p.HasField("default") else None), el.value
    if kind in ("Toggle", "Checkbox"):
        return p.default, el.value
    raise AssertionError(f"no rule for {kind}")


def _widgets(at: AppTest) -> list:
    """The page's keyed widgets that hold a value (main area and sidebar)."""
    return [
        el
        for part in (at.main, at.sidebar)
        for el in part
        if getattr(el, "key", None) is not None
        and hasattr(el, "_widget_state")
        and type(el).__name__ not in ("Button", "DownloadButton", "FileUploader")
    ]


def _check_every_widget(at: AppTest) -> int:
    widgets = _widgets(at)
    for el in widgets:
        shown, value = _as_browser_without_state(el)
        if isinstance(value, float) or (
            isinstance(value, list) and value and isinstance(value[0], float)
        ):
            assert shown == pytest.approx(value), el.key
        else:
            assert shown == value, el.key
    return len(widgets)


@pytest.mark.parametrize("page", PAGES)
def test_every_widget_is_drawn_with_its_value_as_its_default(page):
    at = open_app(QUERY)
    if page != PAGES[0]:
        at.switch_page(page).run()
        ok(at)
    at.run()  # the values are no longer new: only the widgets' defaults carry them
    ok(at)
    assert _check_every_widget(at) >= 3, "the page draws its settings' widgets"


def test_the_playground_checks_the_settings_of_every_kind():
    """The parametrized test above did look at the widgets QUERY set."""
    at = open_app(QUERY)
    at.run()
    keys = {el.key for el in _widgets(at)}
    wanted = {f"w_{k}" for k in QUERY if k not in ("hidden", "acts")}
    assert wanted <= keys, wanted - keys
    assert {"w_units_0", "w_units_1", "w_act_0", "w_act_1"} <= keys
    assert _check_every_widget(at) >= len(wanted) + 4


def test_a_browser_without_state_reads_the_setting_not_the_first_option():
    """The rule above, seen on the two widgets the failover test lost: the data set's
    selectbox says "XOR" and the batch size's select slider 16, not Circle and 1."""
    at = open_app(QUERY)
    at.run()
    by_key = {el.key: el for el in _widgets(at)}
    box = by_key["w_dataset"]
    assert box.options[box.proto.default] == box.format_func("xor")
    batch = by_key["w_batch"]
    assert batch.options[int(batch.proto.default[0])] == str(batch.format_func(16))
