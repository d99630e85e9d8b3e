"""The ordered steps of one forward + backward pass, each one course equation with its numbers.

``build_steps`` turns a ``bp_core.BackpropTrace`` into a list of ``Step`` records: the
equation in symbols, the same equation with the actual matrices written out (abbreviated
when large), what the step reads and writes in the network diagram, the matrices for the
full view, and the ``bp_core`` function that computed it (for "show the code").

Pure: no streamlit, no session.  Every number comes from the trace, from ``bp_core``'s
activation registry (g'(z)) or from the update rule's own entry (``bp_core.OPTIMIZERS``:
gradient descent unless the trainer's rule is given); how g is written (σ, tanh, …) is the
registry entry's ``symbol``, how δ^(L) reads is the loss's, and how the update reads is the
rule's ``formula``, so an activation or optimizer registered with ``bp_core`` is walked
through like the others.

Display convention: the course writes one example as a column vector; a batch of m
examples is shown with the examples as *columns* (a^(l) is s_l × m, the bias row a_0 = 1
on top), so every equation reads exactly as in the lecture, e.g. z^(2) = Θ^(1) a^(1).
``bp_core`` stores examples as rows, so this module transposes for display only.

Index rule: Python index = course superscript − 1; ``Step`` fields hold *course* layer
numbers (``nodes_written=(2,)`` means layer 2, ``edges=(1,)`` means Θ^(1)).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bp_core import LOSSES, BackpropTrace, NetConfig, add_bias
from bp_core import network as bp_network
from bp_core.config import REGULARIZATIONS
from bp_core.network import reshape_params, unroll
from bp_core.optimizers import OPTIMIZERS
from bp_core.training import TrainSettings
from lab_ui.shared import text
from lab_ui.shared.latex import is_abbreviated, matrix_latex, number, sup

Array = np.ndarray
T = text.sup  # Θ⁽¹⁾, δ⁽³⁾ … as text


@dataclass(frozen=True)
class Step:
    """One equation of the walk-through.

    Attributes
    ----------
    phase : str
        "forward", "backward" or "update".
    title : str
        Short plain-text title with Unicode superscripts, e.g. "z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾".
    symbolic : str
        The equation in the course's symbols (LaTeX).
    numeric : str
        The same equation with the numbers written out (LaTeX, matrices abbreviated).
    explanation : str
        One or two sentences for a student.
    nodes_read, nodes_written : tuple of int
        Course layer numbers the step reads / writes (for the network diagram).
    edges : tuple of int
        Course l of the Θ^(l) the step uses.
    matrices : tuple of (str, ndarray, bool)
        (label as text, e.g. "Θ⁽¹⁾", full array as displayed, whether row 0 is the bias
        unit) for every matrix.
    abbreviated : bool
        True when some matrix in ``numeric`` was shortened.
    code : callable or None
        The ``bp_core`` function behind the step.
    bias_edges : bool
        Whether the bias unit's connections take part (not when δ is sent back: the bias
        row is dropped).
    """

    phase: str
    title: str
    symbolic: str
    numeric: str
    explanation: str
    nodes_read: tuple[int, ...]
    nodes_written: tuple[int, ...]
    edges: tuple[int, ...]
    matrices: tuple[tuple[str, Array, bool], ...]
    abbreviated: bool
    code: Callable | None
    bias_edges: bool = True


def n_forward_steps(cfg: NetConfig) -> int:
    """a^(1) = x, then z and a for each of the L − 1 layers, then J: 2L steps."""
    return 2 * cfg.L


def n_backward_steps(cfg: NetConfig) -> int:
    """δ^(L), δ^(L−1) … δ^(2), then Δ^(l), D^(l) and the update for each Θ^(l): 4L − 4."""
    return 1 + (cfg.L - 2) + 3 * (cfg.L - 1)


def build_steps(
    cfg: NetConfig,
    Theta: Sequence[Array],
    trace: BackpropTrace,
    Y: Array,
    alpha: float,
    max_rows: int | None = 6,
    max_cols: int | None = 6,
    *,
    rule: TrainSettings | None = None,
    state: dict | None = None,
) -> list[Step]:
    """Every forward and backward step of one pass over the trace's m examples.

    Parameters
    ----------
    cfg : NetConfig
    Theta : sequence of ndarray
        The weights the trace was computed with, ``Theta[l]`` (s_{l+1}, s_l + 1).
    trace : BackpropTrace
        From ``bp_core.backprop(cfg, Theta, X, Y)``.
    Y : ndarray of shape (m, s_L)
        The encoded targets used for the trace.
    alpha : float
        Learning rate α for the update step (when ``rule`` is not given).
    max_rows, max_cols : int or None
        Abbreviation limits for the printed matrices.
    rule : TrainSettings or None
        The trainer's settings: its optimizer makes the update step, with its α and
        constants.  None: one gradient-descent step with ``alpha``, the course's.
    state : dict or None
        That optimizer's memory (``Trainer.optimizer_state``); None: a fresh one.

    Returns
    -------
    list of Step
        ``n_forward_steps(cfg) + n_backward_steps(cfg)`` steps, forward first.
    """
    L, m, lam = cfg.L, trace.m, cfg.lambda_
    cols = "one column per example" if m > 1 else "one example, as a column vector"
    steps: list[Step] = []

    def add(phase, title, symbolic, parts, explanation, read, written, edges, code, bias=True):
        """parts: (latex before, array or None, bias row?, label) → numeric LaTeX + matrices."""
        numeric, mats, abbreviated = "", [], False
        for prefix, M, bias_row, label in parts:  # not `bias`: that is the step's own
            numeric += prefix
            if M is not None:
                M = np.atleast_2d(np.asarray(M))
                numeric += matrix_latex(M, max_rows, max_cols, bias_row=bias_row)
                abbreviated |= is_abbreviated(M.shape, max_rows, max_cols)
                mats.append((label, M, bias_row))
        steps.append(
            Step(
                phase,
                title,
                symbolic,
                numeric,
                explanation,
                tuple(read),
                tuple(written),
                tuple(edges),
                tuple(mats),
                abbreviated,
                code,
                bias,
            )
        )

    def col(A):  # (m, s) rows-are-examples → (s, m) columns-are-examples
        return np.asarray(A).T

    def col1(A):  # with the bias row a_0 = 1 on top: (s + 1, m)
        return add_bias(A).T

    # ---------------------------------------------------------------- forward
    add(
        "forward",
        f"{T('a', 1)} = x",
        r"a^{(1)} = x \quad(\text{with } a_0^{(1)} = 1)",
        [("a^{(1)} = ", col1(trace.a[0]), True, f"{T('a', 1)} (row 0: bias a₀ = 1)")],
        f"The input layer just holds the example ({cols}); the bias unit a₀ = 1 (grey) is "
        "put on top so that Θ's column 0 acts as the bias.",
        (),
        (1,),
        (),
        bp_network.add_bias,
    )
    for l in range(1, L):
        unit = cfg.unit(l + 1)  # the registry entry of layer l + 1's g
        g = unit.symbol
        th, a_l, z_n = sup("Theta", l), sup("a", l), sup("z", l + 1)
        add(
            "forward",
            f"{T('z', l + 1)} = {T('Theta', l)} {T('a', l)}",
            rf"{z_n} = {th}\, {a_l}",
            [
                (f"{z_n} = ", col(trace.z[l]), False, T("z", l + 1)),
                ("= ", Theta[l - 1], False, T("Theta", l)),
                (r"\,", col1(trace.a[l - 1]), True, f"{T('a', l)} (row 0: bias a₀ = 1)"),
            ],
            f"Each unit of layer {l + 1} takes a weighted sum of layer {l}'s outputs: row j of "
            f"{T('Theta', l)} ({Theta[l - 1].shape[0]} × {Theta[l - 1].shape[1]}) holds unit "
            "j's weights, column 0 its bias.",
            (l,),
            (l + 1,),
            (l,),
            bp_network.forward,
        )
        out_word = r" = $h_\Theta(x)$, the network's output" if l + 1 == L else ""
        lhs = rf"h_\Theta(x) = {sup('a', L)}" if l + 1 == L else sup("a", l + 1)
        bias_note = "" if l + 1 == L else rf"\quad(\text{{then }} a_0^{{({l + 1})}} = 1)"
        add(
            "forward",
            f"{T('a', l + 1)} = g({T('z', l + 1)})",
            rf"{lhs} = {g}({z_n}){bias_note}",
            [
                (f"{sup('a', l + 1)} = {g}\\Big(", col(trace.z[l]), False, T("z", l + 1)),
                (r"\Big) = ", col(trace.a[l]), False, T("a", l + 1)),
            ],
            f"The activation {text.escape_markdown(unit.label)}, ${unit.latex}$, is applied "
            f"to every entry of {T('z', l + 1)}{out_word}.",
            (l + 1,),
            (l + 1,),
            (),
            unit.g,
        )
    loss = LOSSES[cfg.loss]
    penalty = REGULARIZATIONS[cfg.regularization]  # its J and D terms (L2, the course's, or L1)
    reg = f" + {penalty.J_term}" if lam else ""
    add(
        "forward",
        "J(Θ)",
        loss.formula + reg,
        [
            (r"h_\Theta = ", col(trace.a[-1]), False, "h(x) = a⁽ᴸ⁾"),
            (r",\quad y = ", col(Y), False, "y"),
            (
                rf",\quad m = {m},\ \lambda = {number(lam)}"
                rf"\quad\Rightarrow\quad J(\Theta) = {number(trace.J, 5)}",
                None,
                False,
                "",
            ),
        ],
        f"The cost averages the loss over the {m} example(s)"
        + (" and adds the regularization term (bias column excluded)." if lam else "."),
        (L,),
        (),
        (),
        bp_network.cost,
    )

    # ---------------------------------------------------------------- backward
    dL, out = sup("delta", L), cfg.unit(L)
    rhs = (
        loss.delta_latex(out).replace("(L)", f"({L})")  # the loss's own δ^(L)
        if loss.delta_latex is not None
        else rf"\frac{{\partial J_i}}{{\partial z^{{({L})}}}}"
    )
    sym = rf"{dL} = {rhs}"
    why = loss.delta_why(out)  # the loss says why, for this output unit
    add(
        "backward",
        f"{T('delta', L)} = ŷ − y" if loss.delta_is_residual(out) else T("delta", L),
        sym,
        [
            (f"{dL} = ", col(trace.delta[-1]), False, T("delta", L)),
            (rf"\quad a^{{({L})}} = ", col(trace.a[-1]), False, T("a", L)),
            (r",\quad y = ", col(Y), False, "y"),
        ],
        f"The output layer's error term, {T('delta', L)} = ∂Jᵢ/∂{T('z', L)}. {why}",
        (L,),
        (L,),
        (),
        bp_network.output_delta,
    )
    for l in range(L - 1, 1, -1):
        unit = cfg.unit(l)
        gp = unit.g_prime(trace.z[l - 1], trace.a[l - 1])  # g'(z^(l)), (m, s_l)
        th, dn, dl = sup("Theta", l), sup("delta", l + 1), sup("delta", l)
        gz = f"{unit.short}′({T('z', l)})"
        add(
            "backward",
            f"{T('delta', l)} = ({T('Theta', l)})ᵀ {T('delta', l + 1)} .* g′({T('z', l)})",
            rf"{dl} = \left[({th})^T {dn}\right]_{{1:s_{{{l}}}}} \,.\!*\, "
            rf"{unit.symbol}'(z^{{({l})}})",
            [
                (f"{dl} = ", col(trace.delta[l - 1]), False, T("delta", l)),
                (r"= \Big[", Theta[l - 1].T, False, f"({T('Theta', l)})ᵀ"),
                (r"\,", col(trace.delta[l]), False, T("delta", l + 1)),
                (
                    r"\Big]_{\text{rows }1:" + str(cfg.layer_sizes[l - 1]) + r"}\,.\!*\,",
                    col(gp),
                    False,
                    gz,
                ),
            ],
            f"The error is sent back along the same weights {T('Theta', l)}, transposed; row 0 "
            f"(the bias unit, which has no error) is dropped, then multiplied entrywise by the "
            f"slope {gz} of layer {l}'s units, ${unit.latex_prime}$.",
            (l + 1,),
            (l,),
            (l,),
            bp_network.hidden_delta,
            bias=False,
        )
    for l in range(L - 1, 0, -1):
        Dl, dn = sup("Delta", l), sup("delta", l + 1)
        add(
            "backward",
            f"{T('Delta', l)} = Σ {T('delta', l + 1)} ({T('a', l)})ᵀ",
            rf"{Dl} = \sum_{{i=1}}^{{m}} {dn}_{{(i)}} \big(a^{{({l})}}_{{(i)}}\big)^T",
            [
                (f"{Dl} = ", trace.Delta[l - 1], False, T("Delta", l)),
                ("= ", col(trace.delta[l]), False, T("delta", l + 1)),
                (r"\,", add_bias(trace.a[l - 1]), False, f"({T('a', l)})ᵀ, column 0: bias"),
            ],
            f"Each example adds the outer product of layer {l + 1}'s errors with layer {l}'s "
            f"outputs (bias included); with examples as columns that is {T('delta', l + 1)} "
            f"({T('a', l)})ᵀ. {T('Delta', l)} has {T('Theta', l)}'s shape.",
            (l, l + 1),
            (),
            (l,),
            bp_network.accumulate,
        )
    for l in range(L - 1, 0, -1):
        add(
            "backward",
            f"{T('D', l)} = {T('Delta', l)}/m + the {text.short_label(penalty.label)} term",
            rf"D^{{({l})}}_{{jk}} = \tfrac{{1}}{{m}}\Delta^{{({l})}}_{{jk}} + "
            + penalty.D_term.replace("{(l)}", f"{{({l})}}")
            + r"\ (k\ge1;\ \text{the bias column } k=0\text{ without }\lambda)",
            [
                (f"D^{{({l})}} = ", trace.D[l - 1], False, T("D", l)),
                (rf"\quad m = {m},\ \lambda = {number(lam)}", None, False, ""),
            ],
            f"{T('D', l)} = ∂J/∂{T('Theta', l)}: the average over the examples, plus the "
            "derivative of the regularization term (not for the bias column).",
            (),
            (),
            (l,),
            bp_network.gradient,
        )
    rule = TrainSettings(alpha=alpha) if rule is None else rule  # α and the constants
    opt = OPTIMIZERS[rule.optimizer]  # the update rule's entry: its formula and its step
    theta = unroll(Theta)
    memory = opt.init(theta) if state is None else state
    new_vec, _ = opt.update(theta, unroll(trace.D), memory, rule)
    new_Theta = reshape_params(cfg, new_vec)
    name = text.short_label(opt.label)
    kept = (
        " Its memory between steps is the trainer's, as the next step would use it."
        if opt.memory_vectors
        else ""
    )
    for l in range(L - 1, 0, -1):
        th = sup("Theta", l)
        formula = layer_formula(opt.formula, l)
        add(
            "update",
            text.tex_plain(formula),
            formula,
            [
                (f"{th}_{{\\text{{new}}}} = ", new_Theta[l - 1], False, f"new {T('Theta', l)}"),
                (rf"\quad\text{{from}}\quad {th} = ", Theta[l - 1], False, T("Theta", l)),
                (
                    rf",\quad \alpha = {number(rule.alpha)},\quad D^{{({l})}} = ",
                    trace.D[l - 1],
                    False,
                    T("D", l),
                ),
            ],
            f"One {name} step with α = {text.number(rule.alpha)}: every weight moves against "
            f"its gradient {T('D', l)}, by the rule ${opt.formula}$.{kept}",
            (),
            (),
            (l,),
            opt.update,
        )
    return steps


def layer_formula(formula: str, l: int) -> str:
    r"""An update rule's LaTeX, written for the whole Θ, for the weights of layer l:
    ``\Theta := \Theta - \alpha D`` → ``\Theta^{(1)} := \Theta^{(1)} - \alpha D^{(1)}``
    (a power of D gets parentheses: ``(D^{(1)})^2``)."""
    up = f"^{{({l})}}"
    out = re.sub(r"\\Theta(?![A-Za-z^])", lambda m: r"\Theta" + up, formula)
    return re.sub(
        r"(?<![\\A-Za-z])D(?![A-Za-z])(\^)?",
        lambda m: f"(D{up})^" if m.group(1) else f"D{up}",
        out,
    )


def matrix_table(M: Array, bias_col: bool = False, bias_row: bool = False) -> pd.DataFrame:
    """A matrix as a table with course indices: rows 1…r (0 first if ``bias_row``), same for
    columns, for the full "expand" view of an abbreviated matrix."""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    r0, c0 = (0 if bias_row else 1), (0 if bias_col else 1)
    return pd.DataFrame(
        M,
        index=[str(i) for i in range(r0, r0 + M.shape[0])],
        columns=[str(j) for j in range(c0, c0 + M.shape[1])],
    )
