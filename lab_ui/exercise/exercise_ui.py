"""The Exercise page's parts: which exercise, the network with its numbers, the cells, Check /
Hint / Clear and the verdicts, the solution, and the sheets to print.

Each ``…_ui`` draws (and returns what the page needs next).  The session holds, all declared
in ``lab_ui.shared.schema``: the settings ``ex_seed``, ``ex_net``, ``ex_act``, ``ex_loss``
(in the URL) and ``ex_solution``; each cell's text input ``w_ex_<cell>`` and a copy of what
was typed (``_ex_typed``, so the cells survive a visit to another page); ``_ex_for``, the
exercise they were typed for; ``_ex_checked``, the values graded by the last Check; and
``_ex_hint``, the cell Hint explains.  Every number shown comes from ``bp_core.exercise``;
what a student typed is shown only as quoted, escaped text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from bp_core import exercise as bp_ex
from lab_ui.exercise import printable, sheet
from lab_ui.shared import schema, text
from lab_ui.shared.latex import matrix_latex
from lab_ui.shared.widgets import setting_ui, show_code_ui

ss = st.session_state

#: The settings that name an exercise, in the URL.
CHOICES = ("ex_seed", "ex_net", "ex_act", "ex_loss")
_COLOURS = {"right": "green", "carried": "blue", "wrong": "red"}


def _key(name: str) -> str:
    return f"w_ex_{name}"


# ---------------------------------------------------------------------------------------------
# Which exercise
# ---------------------------------------------------------------------------------------------


def _new_exercise() -> None:
    seed = sheet.new_seed(np.random.default_rng(), ss["ex_seed"])
    schema.set_setting(ss, "ex_seed", seed)


def choice_ui() -> tuple[int, tuple[int, ...], str, str]:
    """The exercise number, network, hidden g and loss (from the URL the first time), and
    *New exercise*.  Returns ``make_exercise``'s arguments."""
    c = st.columns([1.1, 1, 1, 1.4, 1.1], vertical_alignment="bottom")
    seed = setting_ui("ex_seed", c[0])
    net = setting_ui("ex_net", c[1])
    act = setting_ui("ex_act", c[2])
    loss = setting_ui("ex_loss", c[3])
    c[4].button(
        "New exercise",
        key="b_ex_new",
        on_click=_new_exercise,
        icon=":material/casino:",
        width="stretch",
        help="Another exercise number: new numbers, the same network, g and loss.",
    )
    return int(seed), sheet.network_sizes(net), act, loss


def query() -> dict[str, str]:
    """The URL parameters of the exercise shown: all four, so the link gives anyone it."""
    return {schema.BY_NAME[n].url: schema.to_text(schema.BY_NAME[n], ss[n]) for n in CHOICES}


def link_text() -> str:
    """``?ex_seed=…&ex_net=…&ex_act=…&ex_loss=…``, as the sheets print it."""
    return "?" + "&".join(f"{k}={v}" for k, v in query().items())


def follow_ui(ex: bp_ex.Exercise) -> None:
    """Start from empty cells when the exercise changes (a new number or other choices)."""
    here = (ex.seed, ex.cfg.layer_sizes, ex.cfg.activations, ex.cfg.loss)
    if ss.get("_ex_for") != here:
        _forget()
        ss["_ex_for"] = here


def _forget() -> None:
    for name in bp_ex.CELL_NAMES:
        ss.pop(_key(name), None)
    ss["_ex_typed"] = {}
    ss["_ex_checked"] = None  # None: not checked yet; {} a Check with no number in any cell
    ss["_ex_hint"] = None


# ---------------------------------------------------------------------------------------------
# The problem
# ---------------------------------------------------------------------------------------------


def problem_ui(ex: bp_ex.Exercise) -> None:
    """The network with its numbers, and x, y and every Θ⁽ˡ⁾ as the course writes them: side
    by side for three layers; for four, the drawing across the page and the matrices below
    it, two to a row."""
    svg = printable.network_svg(ex)
    L = ex.cfg.L
    if L > 3:
        st.image(svg, width="stretch")
        two = st.columns(2)
        places = [two[i % 2] for i in range(L)]
    else:
        left, right = st.columns([3, 2])
        left.image(svg, width="stretch")
        places = [right] * L
    x = matrix_latex(ex.x, None, None, digits=4)
    y = matrix_latex(ex.y, None, None, digits=4)
    places[0].latex(rf"x = a^{{(1)}} = {x},\qquad y = {y}")
    for l in range(1, L):
        T = matrix_latex(ex.Theta[l - 1], None, None, digits=4, bias_col=True)
        places[l].latex(rf"\Theta^{{({l})}} = {T}")
    st.caption(
        "Row j of Θ⁽ˡ⁾ feeds unit j of layer l + 1; column k reads unit k of layer l, and "
        "column 0 (grey) is the bias, multiplied by a₀ = 1."
    )


# ---------------------------------------------------------------------------------------------
# Check, Hint, Clear
# ---------------------------------------------------------------------------------------------


def _typed(ex: bp_ex.Exercise) -> dict[str, str]:
    """What is in each cell of this exercise now (the text, "" when empty)."""
    kept = ss.get("_ex_typed", {})
    return {c.name: str(ss.get(_key(c.name), kept.get(c.name, ""))) for c in ex.cells}


def _numbers(typed: dict[str, str]) -> tuple[dict[str, float], list[str]]:
    """The cells that hold a number, and those that hold something else."""
    values, bad = {}, []
    for name, raw in typed.items():
        try:
            v = sheet.parse_entry(raw)
        except ValueError:
            bad.append(name)
            continue
        if v is not None:
            values[name] = v
    return values, bad


def _check(ex: bp_ex.Exercise) -> None:
    ss["_ex_checked"] = _numbers(_typed(ex))[0]


def _hint(ex: bp_ex.Exercise) -> None:
    filled = set(_numbers(_typed(ex))[0])
    cell = sheet.next_empty(ex, filled)
    ss["_ex_hint"] = "" if cell is None else cell.name


def checked() -> dict[str, float]:
    """The values graded by the last Check (empty before the first)."""
    return dict(ss.get("_ex_checked") or {})


def actions_ui(ex: bp_ex.Exercise, verdicts: dict[str, bp_ex.Verdict]) -> None:
    """Check, Hint and Clear; after a Check, the tally and every mistake found with its
    sentence and its equation written right and wrong."""
    st.caption(
        f"Fill in the cells in order (any you like: you may check part way). An entry counts "
        f"as right {bp_ex.TOLERANCE_TEXT}. Type decimals such as 0.25 or −1.5."
    )
    b = st.columns([1, 1, 1, 3])
    b[0].button(
        "Check", key="b_ex_check", on_click=_check, args=(ex,), type="primary", width="stretch"
    )
    b[1].button(
        "Hint",
        key="b_ex_hint",
        on_click=_hint,
        args=(ex,),
        width="stretch",
        help="The equation of the next empty cell.",
    )
    b[2].button("Clear", key="b_ex_clear", on_click=_forget, width="stretch")
    if ss.get("_ex_hint") == "":
        st.info("Every cell is filled in: press Check.", icon=":material/lightbulb:")
    _, bad = _numbers(_typed(ex))
    if ss.get("_ex_checked") is None:
        return
    t = sheet.tally(ex, verdicts)
    if t.right == len(ex.cells):
        st.success(f"All {len(ex.cells)} cells are right.", icon=":material/check_circle:")
    else:
        st.info(text.escape_markdown(t.sentence), icon=":material/fact_check:")
    if bad:
        shown = ", ".join(sheet.label(ex.cell(n)) for n in bad)
        st.warning(f"Not graded, as they are not numbers: {text.escape_markdown(shown)}.")
    for name, cells in t.mistakes.items():
        m = bp_ex.MISTAKES[name]
        with st.container(border=True):
            where = text.escape_markdown(", ".join(cells))
            title = text.escape_markdown(sheet.mistake_title(name))
            st.markdown(f"**{title}** — in {where}")
            st.markdown(text.escape_markdown(sheet.mistake_sentence(name)))
            right, wrong = st.columns(2)
            right.caption("Right")
            right.latex(m.right)
            wrong.caption("What your numbers did")
            wrong.latex(m.wrong)


# ---------------------------------------------------------------------------------------------
# The cells
# ---------------------------------------------------------------------------------------------


def _keep(name: str) -> None:
    ss.setdefault("_ex_typed", {})[name] = ss.get(_key(name), "")


def _cell_ui(ex: bp_ex.Exercise, cell: bp_ex.Cell, verdicts: dict[str, bp_ex.Verdict]) -> None:
    key = _key(cell.name)
    if key not in ss:  # back from another page: what was typed before
        ss[key] = ss.get("_ex_typed", {}).get(cell.name, "")
    raw = st.text_input(
        sheet.label(cell),
        ss[key],  # its default too (widgets.setting_ui says why)
        key=key,
        placeholder="?",
        max_chars=40,
        on_change=_keep,
        args=(cell.name,),
    )
    try:
        value = sheet.parse_entry(raw)
    except ValueError as err:
        st.caption(f":red[⚠] {err}")  # the message quotes the text, escaped
        return
    v = verdicts.get(cell.name)
    if v is not None and value is not None and value == v.entry:
        kind = sheet.verdict_kind(v)
        st.caption(f":{_COLOURS[kind]}[{text.escape_markdown(sheet.verdict_text(v))}]")


def cells_ui(ex: bp_ex.Exercise, verdicts: dict[str, bp_ex.Verdict]) -> None:
    """Every cell as a text input with its symbol, in the order of the computation; under
    each, after a Check, its verdict (while it still holds the value checked); the hint
    under the row of the cell it explains."""
    hint = ss.get("_ex_hint") or None
    for sec in sheet.sections(ex):
        st.subheader(sec.title)
        st.caption(sec.note)
        width = max(len(r) for r in sec.rows)
        for head, row in zip(sec.heads, sec.rows, strict=True):
            # as wide as four cells, whatever the row holds (a spacer fills the rest)
            cols = st.columns([0.8] + [2] * width + ([2 * (4 - width)] if width < 4 else []))
            cols[0].markdown(f"\n\n{head}")  # the vector, or the matrix at its first row
            for col, cell in zip(cols[1:], row, strict=False):
                with col:
                    _cell_ui(ex, cell, verdicts)
            if hint in {c.name for c in row}:
                _hint_ui(ex, ex.cell(hint))


def _hint_ui(ex: bp_ex.Exercise, cell: bp_ex.Cell) -> None:
    with st.container(border=True):
        st.markdown(f":material/lightbulb: **Hint for {sheet.label(cell)}**")
        st.latex(sheet.hint_latex(ex, cell))


# ---------------------------------------------------------------------------------------------
# The solution, the sheets
# ---------------------------------------------------------------------------------------------


def solution_ui(ex: bp_ex.Exercise, steps: Sequence) -> None:
    """*Show the solution*: the Step-through page's equations with this exercise's numbers
    (``lab_ui.step.stepper`` steps, passed in by the page), then every cell's value."""
    if not setting_ui("ex_solution"):
        return
    for step in steps:
        st.markdown(f"**{text.escape_markdown(step.title)}**")
        st.latex(step.symbolic)
        st.latex(step.numeric)
    st.markdown("**Every cell**")
    for sec in sheet.sections(ex):
        for head, row in zip(sec.heads, sec.rows, strict=True):
            values = "  ·  ".join(
                f"{sheet.label(c)} = {sheet.value_text(ex.answers[c.name])}" for c in row
            )
            st.text(f"{head + ':' if head else '':<7} {values}")


def print_ui(ex: bp_ex.Exercise) -> None:
    """*Print*: the worksheet and the answer sheet as standalone HTML pages (made when
    clicked), each with the exercise number on it."""
    st.subheader("Print")
    link = link_text()
    st.caption(
        f"Exercise {ex.seed}: the worksheet (empty boxes) and its answer sheet, each a page "
        "to open in a browser and print. This page's address gives everyone the same "
        f"exercise: {text.escape_markdown(link)}"
    )
    c = st.columns(2)
    for col, answers, key, name in (
        (c[0], False, "b_ex_sheet", "Worksheet (HTML)"),
        (c[1], True, "b_ex_answers", "Answer sheet (HTML)"),
    ):
        col.download_button(
            name,
            data=lambda a=answers: printable.worksheet_html(ex, a, link).encode("utf-8"),
            file_name=printable.file_name(ex, answers),
            mime="text/html",
            key=key,
            on_click="ignore",
            icon=":material/print:",
            width="stretch",
        )
    show_code_ui(bp_ex.check, title="Show the code: `bp_core.exercise.check`")
