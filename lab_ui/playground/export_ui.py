"""The Playground's "Export and import" expander (shown while paused): :func:`export_ui`.

Every file is made only when its button is clicked (``st.download_button(data=callable)``,
documented for Streamlit 1.67: the callable runs when the student clicks, on its own thread,
not on every page run), so a page run costs a copy of the run and the snippet's text
(measured: about 5 ms of a 50 ms page run).  The server takes uploads of at most 5 MB
(``.streamlit/config.toml``): a big run goes back in as .npz.  What each file holds is
:mod:`lab_ui.playground.runs`; importing a run is its :func:`lab_ui.playground.runs.import_run`,
called from the
uploader's ``on_change`` callback, so the page draws the new Lab and its settings at once.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from lab_ui.playground import runs
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import text

ss = st.session_state

#: Download buttons per row.
PER_ROW = 4


def _run_uploaded() -> None:
    """A run file: read, check and adopt it (``runs.import_run``); a refused file changes
    nothing and says why, quoting at most a few dozen characters of it."""
    up = ss.get("w_run_file")
    if up is None:
        return
    data, name = up.getvalue(), text.clip(up.name, 80)
    live = ss.get("live")
    lock = getattr(live, "lock", None) or contextlib.nullcontext()
    try:
        with lock:  # the channel's scheduler reads the Lab under this lock
            runs.import_run(ss, data, name)
    except ValueError as err:
        ss["_run_error"] = (
            f"{text.quote(name)} was not imported: {text.plain(err)} Your current run and "
            "settings are unchanged."
        )
        return
    ss["_run_error"] = ""


def matrix_ui(lab: lab_mod.Lab) -> tuple[str, int]:
    """Which matrix the CSV export writes: Θ, Δ, D (l = 1 … L − 1), a or δ (per example)."""
    choices = runs.matrix_choices(lab.cfg.L)
    if ss.get("w_export_matrix") not in choices:  # a smaller network than before
        ss["w_export_matrix"] = choices[0]
    return st.selectbox(
        "Matrix for the CSV (from the current full-batch backprop)",
        choices,
        choices.index(ss["w_export_matrix"]),  # its default too (widgets.setting_ui says why)
        format_func=lambda c: runs.matrix_label(*c),
        key="w_export_matrix",
        help="Θ, Δ and D: one row per unit j of layer l + 1, one column per k (0 = bias). "
        "a and δ: one row per training example i, one column per unit j.",
    )


def pytorch_ui(lab: lab_mod.Lab) -> None:
    """The same run in PyTorch: a standalone script and the same code as a notebook."""
    st.markdown("**The same run in PyTorch**")
    problem = runs.pytorch_problem(lab)
    if problem is not None:
        st.caption(text.plain(problem))
        return
    st.caption(
        "torch.nn.Linear layers whose weights are set from Θ (bias from column 0), the same "
        "g, output, loss with its regularization, update rule from torch.optim, constants and "
        "mini-batch order, in float64. It trains the same number of steps and prints the "
        "largest |Θ_torch − Θ_bp_core| (expect ≤ 1e-9). Needs numpy and torch."
    )
    left, right = st.columns(2)
    stem = runs.file_stem(lab)
    left.download_button(
        "PyTorch script (.py)",
        data=lambda: runs.pytorch_script(lab, ss).encode("utf-8"),
        file_name=f"{stem}_torch.py",
        mime=runs.MIME["py"],
        key="b_dl_torch_py",
        on_click="ignore",
        width="stretch",
    )
    right.download_button(
        "Jupyter notebook (.ipynb)",
        data=lambda: runs.pytorch_notebook(lab, ss),
        file_name=f"{stem}_torch.ipynb",
        mime=runs.MIME["ipynb"],
        key="b_dl_torch_ipynb",
        on_click="ignore",
        width="stretch",
    )


def export_ui(lab: lab_mod.Lab) -> None:
    """Download the run (JSON, .npz), its history and a matrix (CSV), the figures (HTML),
    the boundary and neuron maps (PNG) and a Python script; import a run file."""
    with st.expander("Export and import", icon=":material/swap_vert:"):
        files, script, upload = st.tabs(["Download", "Python script", "Import a run"])
        with files:
            st.caption(
                "Files are made when you click. A run file (.json or .npz) holds the network, "
                "Θ, the history, the data and the optimizer's state: import it to go on from "
                "where it was."
            )
            matrix = matrix_ui(lab)
            items = runs.downloads(lab, ss, matrix)
            too_big = runs.json_too_big(lab)
            for start in range(0, len(items), PER_ROW):
                cols = st.columns(PER_ROW)
                for col, d in zip(cols, items[start : start + PER_ROW], strict=False):
                    col.download_button(
                        d.label,
                        data=d.make,
                        file_name=d.file_name,
                        mime=d.mime,
                        key=f"b_dl_{d.key}",
                        on_click="ignore",
                        disabled=d.key == "json" and too_big,
                        help="Too big for JSON: use the .npz file."
                        if d.key == "json" and too_big
                        else None,
                        width="stretch",
                    )
            if lab.dataset.raw_train is None:
                st.caption("These data are not points of a plane: no boundary or maps to draw.")
        with script:
            code = runs.snippet(lab, ss)
            st.caption(
                "The same run with bp_core alone: the data, the network, Θ drawn from the seed, "
                "and the gradient steps taken so far. Run it to get the Lab's Θ."
            )
            st.download_button(
                "Python script (.py)",
                data=lambda: code.encode("utf-8"),
                file_name=f"{runs.file_stem(lab)}.py",
                mime=runs.MIME["py"],
                key="b_dl_py",
                on_click="ignore",
            )
            st.code(code, language="python")
            pytorch_ui(lab)
        with upload:
            st.file_uploader(
                "Import a run (.json or .npz)",
                type=["json", "npz"],
                key="w_run_file",
                on_change=_run_uploaded,
                help="A file saved here. Its Θ, history, data and optimizer state become the "
                "Playground's, and the sidebar shows its settings.",
            )
            st.caption(runs.NOT_IN_A_RUN_NOTE)
        if ss.get("_run_error"):
            st.warning(ss["_run_error"])
            ss["_run_error"] = ""


__all__ = ["export_ui", "matrix_ui"]
