"""Presenter mode: the app for a lecture hall's projector (1920 × 1080).

One setting, ``presenter`` (schema; URL ``?presenter=1``), read on every page by
``lab_ui/main.py``.  When it is on:

* the sidebar is gone (the navigation is hidden and no page draws into the sidebar) and so
  is Streamlit's header; a bar at the top of the page keeps the switch, to turn it off
  again, and a link to each page (:func:`presenter_bar_ui`);
* the Playground keeps its story, the live view (Play / Step / Reset and their keys), the
  speed and the forward / backward switch; the sidebar's controls are not drawn;
* text is large: one ``<style>`` block (:data:`PRESENTER_CSS`, a constant: no user data in
  it) makes body text, captions, buttons, metrics and widget labels at least 24 px, and the
  live view gets ``presenter`` (its root's class ``bp-presenter``, which the same block
  styles) and ``scale`` = :data:`CANVAS_SCALE` for its canvas text.

When it is off, the switch sits at the top of the sidebar on every page.

Only public Streamlit APIs: ``st.html`` with a style block (Streamlit puts a style-only
block in the page's event container, not in the layout), ``st.navigation(position=…)``,
``st.page_link``.  The selectors are Streamlit's ``data-testid`` names, the one thing an
upgrade can change: ``tests/browser/test_presenter_browser.py`` measures the computed sizes
and fails if they no longer apply.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import streamlit as st

from lab_ui.shared.widgets import number_columns, setting_ui

ss = st.session_state

#: Canvas text of the live view in presenter mode: twice its size on screen (11 px → 22 px
#: tick labels, 12 px → 24 px titles).
CANVAS_SCALE = 2.0
#: Body text in presenter mode (px): markdown, captions, buttons, labels, the live view — on
#: a 1080 px tall window; a shorter one gets the same share of its height, at least
#: MIN_BODY_PX (the same size on the projector's screen: the picture fits it at 1280 × 720).
BODY_PX = 26
MIN_BODY_PX = 18
#: The smallest text of a figure or a table in presenter mode (px): a figure's 12 px
#: default text is scaled to it, a table's cells are set in it.
TABLE_PX = 24
_BODY_VH = math.ceil(BODY_PX * 100_000 / 1080) / 1000  # BODY_PX at 1080 px: 2.408 % of it

PRESENTER_CSS = f"""<style>
/* Backprop Lab presenter mode (lab_ui.shared.presenter_ui): no chrome, large text.  The
   body text is BODY_PX on a 1080 px projector and the same share of a shorter one's height
   (a 720 px projector shows the same picture with larger pixels), at least MIN_BODY_PX. */
:root {{ --bp-body: clamp({MIN_BODY_PX}px, {_BODY_VH}vh, {BODY_PX}px); }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarCollapseButton"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{
  padding-top: 1rem !important; padding-left: 2.5rem !important;
  padding-right: 2.5rem !important; max-width: none !important;
}}
[data-testid="stAppViewContainer"] {{ font-size: var(--bp-body); }}
[data-testid="stMarkdownContainer"], [data-testid="stMarkdownContainer"] p,
[data-testid="stMarkdownContainer"] li, [data-testid="stCaptionContainer"],
[data-testid="stCaptionContainer"] p, [data-testid="stWidgetLabel"],
[data-testid="stWidgetLabel"] p, [data-testid="stMetricLabel"],
[data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"], [data-testid="stAlert"] p,
[data-testid="stExpander"] summary p, [data-testid="stPageLink"] p,
[data-testid="stPageLink-NavLink"] span, [data-testid="stTooltipContent"] p,
[data-testid="stSelectbox"] input, [data-testid="stMultiSelect"] input,
[data-testid="stMultiSelect"] span, [role="listbox"] [role="option"],
[data-baseweb="radio"] div, [data-testid="stNumberInput"] input,
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"],
[data-testid="stSliderTickBarMax"], button[data-testid^="stBaseButton"] p,
[data-testid="stButtonGroup"] p, [data-testid="stHeadingWithActionElements"] + div p {{
  font-size: var(--bp-body) !important; line-height: 1.4 !important;
}}
[data-testid="stTable"] th, [data-testid="stTable"] td {{
  font-size: max({TABLE_PX}px, var(--bp-body)) !important; line-height: 1.35 !important;
}}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
  font-size: calc(var(--bp-body) - 2px) !important;
}}
button[data-testid^="stBaseButton"] {{ min-height: 3rem; }}
[data-testid="stSlider"] > div[role="group"] {{
  margin-top: calc(var(--bp-body) + 4px); margin-bottom: calc(var(--bp-body) + 4px);
}}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div {{
  font-size: calc(var(--bp-body) + 14px) !important;
}}
h1 {{ font-size: calc(var(--bp-body) * 1.6) !important; padding: 0 !important; }}
h2 {{ font-size: 40px !important; }}
h3 {{ font-size: 34px !important; }}
.katex {{ font-size: 1.25em; }}
/* the live view (backprop_lab/live_view: its root has the class bp-presenter) */
.bp-live.bp-presenter .bp-btn {{ font-size: var(--bp-body) !important; padding: 0.3em 0.75em; }}
.bp-live.bp-presenter .bp-status, .bp-live.bp-presenter .bp-conn,
.bp-live.bp-presenter .bp-title, .bp-live.bp-presenter .bp-legend,
.bp-live.bp-presenter .bp-check, .bp-live.bp-presenter .bp-tip {{
  font-size: calc(var(--bp-body) - 2px); line-height: 1.35;
}}
.bp-live.bp-presenter .bp-status {{ font-size: var(--bp-body); }}
/* a floor for all the live view's other text (its toolbar's labels, panels, tooltips) */
.bp-live.bp-presenter :not(sup, sub, canvas) {{
  font-size: max(calc(var(--bp-body) - 2px), 1em) !important;
}}
.bp-live.bp-presenter .bp-tip {{ max-width: 520px; }}
.bp-live.bp-presenter .bp-swatch {{ width: 110px; height: 16px; }}
.bp-live.bp-presenter .bp-check input {{ width: 22px; height: 22px; }}
/* the keys' list (backprop_lab/keys) */
.bp-keyboard .bp-keyboard-btn, .bp-keyboard .bp-keyboard-panel {{
  font-size: calc(var(--bp-body) - 2px);
}}
</style>"""


def presenting() -> bool:
    """Whether presenter mode is on for this session."""
    return bool(ss.get("presenter", False))


def canvas_scale() -> float:
    """The live view's ``scale``: :data:`CANVAS_SCALE` in presenter mode, else 1."""
    return CANVAS_SCALE if presenting() else 1.0


_FONT_KEYS = ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont")


def _scale_fonts(obj: Any, k: float) -> None:
    """Every numeric font ``size`` inside a plotly figure's dict, times ``k`` (in place)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in _FONT_KEYS and isinstance(value, dict):
                size = value.get("size")
                if isinstance(size, int | float) and not isinstance(size, bool):
                    value["size"] = size * k
            _scale_fonts(value, k)
    elif isinstance(obj, list | tuple):
        for item in obj:
            _scale_fonts(item, k)


def _font(parent: dict, name: str) -> dict:
    """``parent[name]["font"]`` (made empty where missing; a bare title text kept)."""
    item = parent.get(name)
    if not isinstance(item, dict):
        item = parent[name] = {} if item is None else {"text": item}
    return item.setdefault("font", {})


def figure(fig: Any) -> Any:
    """A plotly figure as this page shows it: :func:`scaled_figure` in presenter mode (12 px
    text becomes :data:`TABLE_PX`), else ``fig`` itself."""
    return scaled_figure(fig, TABLE_PX / 12) if presenting() else fig


def table_ui(where: Any, table: dict[str, list], fmt: str = "%.6e", **dataframe_kw: Any) -> None:
    """A table of numbers (its first column the row names, every other one numbers written
    with ``fmt``): an interactive ``st.dataframe`` (``dataframe_kw``: its height…), or in
    presenter mode an ``st.table``, whose text the page's style sets at :data:`TABLE_PX` or
    more (a data frame draws its cells on a canvas at a fixed small size)."""
    where = st if where is None else where
    if not presenting():
        where.dataframe(
            table, hide_index=True, column_config=number_columns(table, fmt), **dataframe_kw
        )
        return
    import pandas as pd

    names, *numbers = list(table)
    cells = {
        k: [fmt % v if isinstance(v, int | float) else str(v) for v in table[k]] for k in numbers
    }
    frame = pd.DataFrame(cells, index=[str(v) for v in table[names]]).rename_axis(names)
    height = dataframe_kw.get("height")
    if isinstance(height, int):  # as many rows as the data frame showed, scrolling like it
        where = where.container(height=round(height * TABLE_PX / 14))
    where.table(frame)


def scaled_figure(fig: Any, k: float) -> Any:
    """A copy of plotly figure ``fig`` with every text ``k`` times its size (a size the
    figure leaves to plotly or to Streamlit's chart theme counts as 12 px), the margins and
    the height grown to hold it."""
    import plotly.graph_objects as go

    spec = fig.to_dict()
    layout = spec.setdefault("layout", {})
    _scale_fonts(spec, k)
    # Streamlit's chart theme sizes titles, ticks and legends itself: each gets a size here
    # (plotly's default 12 px, scaled) unless the figure set one (scaled above).
    base = 12 * k
    fonts = [layout.setdefault("font", {}), _font(layout, "legend"), _font(layout, "hoverlabel")]
    if "title" in layout:
        fonts.append(_font(layout, "title"))
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            fonts += [axis.setdefault("tickfont", {}), _font(axis, "title")]
        if name.startswith("coloraxis") and isinstance(axis, dict):  # a shared colour bar
            bar = axis.setdefault("colorbar", {})
            fonts += [bar.setdefault("tickfont", {}), _font(bar, "title")]
    fonts += [a.setdefault("font", {}) for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        if "colorbar" in trace or trace.get("type") == "heatmap":
            bar = trace.setdefault("colorbar", {})
            fonts += [bar.setdefault("tickfont", {}), _font(bar, "title")]
    for font in fonts:
        font.setdefault("size", base)
    margin = layout.setdefault("margin", {})
    for side, default in (("l", 80), ("r", 80), ("t", 100), ("b", 80)):
        margin[side] = (margin.get(side) or default) * 1.5
    layout["height"] = (layout.get("height") or 450) * 1.4
    return go.Figure(spec)


def presenter_toggle_ui(where: Any = None) -> bool:
    """The "Presenter mode" switch (the setting's widget); returns the setting."""
    return bool(setting_ui("presenter", where))


def presenter_bar_ui(pages: Sequence[Any], where: Any = None) -> None:
    """Presenter mode's top bar: the switch (to turn it off) and a link to every page."""
    where = st if where is None else where
    cols = where.columns([2.2, *([2] * len(pages))], vertical_alignment="center")
    presenter_toggle_ui(cols[0])
    for col, page in zip(cols[1:], pages, strict=True):
        col.page_link(page, label=page.title, icon=page.icon)


#: Session key of the sidebar switch's slot while the page holds the switch back
#: (:func:`presenter_ui` with ``later``; drawn by :func:`later_toggle_ui`).
LATER_KEY = "_presenter_toggle_slot"


def presenter_ui(pages: Sequence[Any], bar: Any, later: bool = False) -> bool:
    """Presenter mode's style and top bar (in ``bar``, a container at the top of the page),
    or, when it is off, its switch at the top of the sidebar.  Returns whether it is on.

    ``later``: the switch's place is kept at the top of the sidebar but the page draws it
    (:func:`later_toggle_ui`): the Playground's first run does so after the live view's first
    frame, because a switch is a widget whose code the browser loads first (a checkbox held
    the first frame back by about 0.1 s, ``bench/bench_browser.py``)."""
    st.session_state.pop(LATER_KEY, None)
    if presenting():
        st.html(PRESENTER_CSS)
        presenter_bar_ui(pages, bar)
        return True
    slot = st.sidebar.empty()
    if later:
        st.session_state[LATER_KEY] = slot
    else:
        presenter_toggle_ui(slot)
    return False


def later_toggle_ui() -> None:
    """The sidebar's switch that :func:`presenter_ui` held back for the page (if it did)."""
    slot = st.session_state.pop(LATER_KEY, None)
    if slot is not None:
        presenter_toggle_ui(slot)


__all__ = [
    "BODY_PX",
    "CANVAS_SCALE",
    "MIN_BODY_PX",
    "TABLE_PX",
    "PRESENTER_CSS",
    "canvas_scale",
    "figure",
    "scaled_figure",
    "table_ui",
    "presenter_bar_ui",
    "presenter_toggle_ui",
    "presenter_ui",
    "later_toggle_ui",
    "presenting",
]
