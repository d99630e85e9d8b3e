"""Widgets drawn from the settings schema: one call per setting, bounds and labels from it.

``setting_ui("noise")`` draws the Noise slider with the schema's bounds, step, label and help,
keyed ``"w_noise"``, and copies a change into the setting (validated) in its ``on_change``
callback; the value survives page switches (Streamlit drops the state of widgets that are
not on the current page, the setting stays).  Bounds that depend on the data (an example
number i ≤ m) are passed as ``lo``/``hi`` and the setting is moved inside them first.

:func:`weight_ui` is the one (l, j, k) picker of a weight Θ^(l)_jk, used by the Gradients
and Derivation pages alike, in the course's numbering (j from 1, k = 0 the bias).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from bp_core import NetConfig
from lab_ui.shared import schema, text

ss = st.session_state


def _on_change(name: str, after: Callable[[], None] | None) -> Callable[[], None]:
    def callback() -> None:
        if schema.sync_from_widget(ss, name) and after is not None:
            after()

    return callback


def setting_ui(
    name: str,
    where: Any = None,
    *,
    lo: float | None = None,
    hi: float | None = None,
    options: Sequence[Any] | None = None,
    label: str | None = None,
    after: Callable[[], None] | None = None,
    on_change: Callable[[], None] | None = None,
    format_func: Callable[[Any], str] | None = None,
    disabled: bool = False,
    help: str | None = None,
    **kwargs: Any,
) -> Any:
    """Draw the widget of setting ``name`` and return the setting's value.

    Parameters
    ----------
    where : a Streamlit container (``st``, a column, the sidebar); default ``st``.
    lo, hi : bounds narrower than the schema's, known only now (e.g. hi = m).
    options : the values to offer, when only some of the allowed ones apply.
    label, format_func, help : override the schema's.
    after : called after a change was taken (validated and stored in the setting).
    on_change : replaces the default callback entirely (it must sync the setting itself).
    kwargs : passed on to the Streamlit widget (``width``, ``label_visibility`` …).
    """
    s = schema.BY_NAME[name]
    where = st if where is None else where
    opts = list(options) if options is not None else list(s.allowed())
    if opts and s.kind in ("choice", "int", "float") and ss[name] not in opts:
        ss[name] = opts[0] if s.default not in opts else s.default  # e.g. a smaller network
        ss.pop(schema.widget_key(name), None)
    key = schema.seed_widget(ss, name, lo, hi)
    common = {
        "key": key,
        "on_change": on_change or _on_change(name, after),
        "disabled": disabled,
        "help": s.help if help is None else help,
        **kwargs,
    }
    label = s.label if label is None else label
    fmt = format_func or s.fmt or str
    widget = s.widget
    # The widget's value is given as its default too, not left to the session state alone.
    # Streamlit sends a keyed widget's session-state value to the browser only in the run
    # that set it; if that run is interrupted before the widget is drawn (a rerun asked for
    # meanwhile: a Step pressed in the page's first second), the next run sends only the
    # default, and a browser that never got the value shows the default and sends it back:
    # the data set became the first one and every slider its minimum
    # (tests/test_widget_defaults.py).
    now = ss[key]
    if s.kind == "bool":
        where.toggle(label, value=bool(now), **common)
    elif s.kind == "choices":
        now = [o for o in now if o in opts]
        where.multiselect(label, opts, default=now, format_func=fmt, **common)
    elif s.kind == "choice" or (opts and widget in ("select", "radio", "segmented")):
        if widget == "slider":
            where.select_slider(label, opts, value=now, format_func=fmt, **common)
        elif widget == "radio":
            where.radio(
                label, opts, option_index(opts, now), format_func=fmt, horizontal=True, **common
            )
        elif widget == "segmented":
            where.segmented_control(label, opts, default=now, format_func=fmt, **common)
        else:
            where.selectbox(label, opts, option_index(opts, now), format_func=fmt, **common)
    elif opts:  # a number from a list: α, λ, the batch size …
        where.select_slider(label, opts, value=now, format_func=fmt, **common)
    else:
        cast = int if s.kind == "int" else float
        low = cast(s.lo if lo is None else lo)
        high = cast(s.hi if hi is None else hi)
        step = cast(s.step) if s.step is not None else cast(1) if s.kind == "int" else None
        if widget == "number":
            where.number_input(label, low, high, cast(now), step=step, **common)
        else:
            where.slider(label, low, high, cast(now), step=step, **common)
    return ss[name]


def option_index(options: Sequence[Any], value: Any) -> int:
    """The position of ``value`` among ``options`` (0 if it is not one)."""
    try:
        return list(options).index(value)
    except ValueError:
        return 0


def weight_ui(prefix: str, cfg: NetConfig, columns: Sequence[Any]) -> tuple[int, int, int]:
    """The (l, j, k) of one weight Θ^(l)_jk, picked in three columns; course numbering.

    ``prefix`` names the settings ``{prefix}_l``, ``{prefix}_j``, ``{prefix}_k`` (declared in
    the schema).  The bounds come from the network: l = 1 … L − 1, j = 1 … s_(l+1),
    k = 0 (bias) … s_l.
    """
    c_l, c_j, c_k = columns
    l = setting_ui(f"{prefix}_l", c_l, options=list(range(1, cfg.L)))
    rows, cols = cfg.theta_shapes[l - 1]
    j = setting_ui(f"{prefix}_j", c_j, lo=1, hi=rows, label=f"j (1 … {rows})")
    k = setting_ui(f"{prefix}_k", c_k, lo=0, hi=cols - 1, label=f"k (0 = bias … {cols - 1})")
    return int(l), int(j), int(k)


def weight_label(l: int, j: int, k: int, symbol: str = "Theta") -> str:
    """The weight as a widget label or metric shows it: "Θ⁽¹⁾₂,₀"."""
    return text.weight(l, j, k, symbol)


# Streamlit's slider (react-aria) names its thumb twice: the <input type=range> has
# aria-label="Epoch" and aria-labelledby="<its own id> <the slider group's id>", and that group
# is aria-label="Epoch" too, so a screen reader (and getByRole) reads "Epoch Epoch".  Streamlit
# offers no option for it, so this script drops the aria-labelledby of each slider thumb that
# has its own aria-label, in the keyed widget's container (and again if React redraws it).
# tests/browser/test_a11y_browser.py finds the Epoch slider by its exact name: it fails if a
# Streamlit upgrade changes this markup.
_ONE_NAME_JS = """
function parse(d) {
  if (d instanceof Uint8Array || d instanceof ArrayBuffer) d = new TextDecoder().decode(d);
  if (typeof d === "string") { try { return JSON.parse(d); } catch (e) { return {}; } }
  return d || {};
}
function once(root) {
  for (const input of root.querySelectorAll('input[type="range"][aria-labelledby]')) {
    if (input.getAttribute("aria-label")) input.removeAttribute("aria-labelledby");
  }
}
export default function (component) {
  const key = String(parse(component.data).key || "");
  let observer = null, tries = 0, frame = 0;
  const attach = () => {
    const root = document.querySelector(".st-key-" + CSS.escape(key));
    if (!root) {
      if (++tries < 120) frame = requestAnimationFrame(attach);
      return;
    }
    once(root);
    observer = new MutationObserver(() => once(root));
    observer.observe(root, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["aria-labelledby"],
    });
  };
  attach();
  return () => { cancelAnimationFrame(frame); if (observer) observer.disconnect(); };
}
"""


def slider_name_once_ui(key: str) -> None:
    """Give the slider keyed ``key`` its label once as its accessible name ("Epoch", not
    Streamlit's "Epoch Epoch"): a small script in the main document, drawn nothing (see
    ``_ONE_NAME_JS``).  Call it right after the slider."""
    host = f"bp_one_name_{key}"
    st.components.v2.component(
        "backprop-lab.one_name",
        html="",
        css=f".st-key-{host} {{ display: none; }}",
        js=_ONE_NAME_JS,
        isolate_styles=False,
    )(key=host, data=json.dumps({"key": key}))


__all__ = ["option_index", "setting_ui", "slider_name_once_ui", "weight_label", "weight_ui"]


def show_code_ui(*functions, title: str | None = None) -> None:
    """ "Show the code": the source of the ``bp_core`` functions behind a view."""
    names = ", ".join(f"{f.__module__}.{f.__name__}" for f in functions)
    with st.expander(title or f"Show the code: `{names}`"):
        for f in functions:
            try:
                st.code(inspect.getsource(f), language="python")
            except (OSError, TypeError):
                st.write("The source of this function is not available.")


def number_columns(table: dict, fmt: str = "%.6e") -> dict:
    """Column settings that show every numeric column of ``table`` (all but the first, the
    row names) in scientific notation with 7 significant digits."""
    return dict.fromkeys(list(table)[1:], st.column_config.NumberColumn(format=fmt))
