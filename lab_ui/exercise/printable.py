"""The exercise on paper: the network drawn as SVG with its numbers, and the worksheet and the
answer sheet as standalone HTML pages (no script, no link to fetch: they print offline).

Pure functions of a ``bp_core.exercise.Exercise`` (no streamlit, no session).  Every number
comes from the exercise and is written by ``lab_ui.shared.text.number``; every string is
HTML-escaped.  Course notation, 1-based superscripts: Θ⁽ˡ⁾ⱼ,ₖ is row j, column k (k = 0 the
bias unit), as in ``bp_core.network``.
"""

from __future__ import annotations

import html

import numpy as np

from bp_core import exercise as bp_ex
from lab_ui.exercise import sheet
from lab_ui.shared import text

#: The Playground's colours: blue positive, orange negative (``lab_ui.shared.figures``).
POSITIVE, NEGATIVE = "rgb(8,119,189)", "rgb(245,147,34)"
_R = 21  # node radius (px)


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _num(v: float) -> str:
    """One given number (a weight, an input, a target): "0.3", "−1.2", "2"."""
    return sheet.value_text(float(v))


def _positions(sizes: tuple[int, ...], dx: float, dy: float, left: float, mid: float):
    """Centre of every node: ``pos[(l, k)]`` for layer l = 1 … L and unit k, k = 0 the bias
    unit (layers 1 … L − 1 only), each layer's column centred on ``mid``."""
    L = len(sizes)
    pos: dict[tuple[int, int], tuple[float, float]] = {}
    for l, s in enumerate(sizes, start=1):
        ks = list(range(0 if l < L else 1, s + 1))
        top = mid - (len(ks) - 1) * dy / 2
        for i, k in enumerate(ks):
            pos[(l, k)] = (left + (l - 1) * dx, top + i * dy)
    return pos


def network_svg(ex: bp_ex.Exercise) -> str:
    """The network with its numbers: x in the input units, every Θ⁽ˡ⁾ⱼ,ₖ on its connection
    (blue positive, orange negative, thicker when larger), the bias units a₀ = 1 as
    squares, each unit named as in the cells (a⁽ˡ⁾ⱼ), and y beside the output units.

    Returns
    -------
    str
        A standalone ``<svg>`` element.
    """
    sizes = ex.cfg.layer_sizes
    L = len(sizes)
    # more room between the layers, and between the units, as the network grows
    dx, dy, left = (240.0 if L > 3 else 210.0), (84.0 if max(sizes) > 2 else 74.0), 80.0
    rows = max(s + (1 if l < L else 0) for l, s in enumerate(sizes, start=1))
    height = rows * dy + 30
    width = left + (L - 1) * dx + 120
    pos = _positions(sizes, dx, dy, left, height / 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" '
        'role="img" aria-label="The network with its weights, input and target">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    labels = []
    for l in range(1, L):
        T = ex.Theta[l - 1]  # (s_{l+1}, s_l + 1)
        n_to = sizes[l]
        for j in range(1, n_to + 1):
            # labels of edges into unit j sit at one fraction t of the way, spread by j
            t = 0.28 + 0.34 * ((j - 1) / (n_to - 1) if n_to > 1 else 0.5)
            for k in range(sizes[l - 1] + 1):
                (x0, y0), (x1, y1) = pos[(l, k)], pos[(l + 1, j)]
                w = float(T[j - 1, k])
                colour = POSITIVE if w > 0 else NEGATIVE
                parts.append(
                    f'<line x1="{x0 + _R:.1f}" y1="{y0:.1f}" x2="{x1 - _R:.1f}" y2="{y1:.1f}" '
                    f'stroke="{colour}" stroke-width="{1 + abs(w):.2f}" stroke-opacity="0.7">'
                    f"<title>{_e(text.weight(l, j, k))} = {_e(_num(w))}</title></line>"
                )
                lx, ly = x0 + _R + t * (x1 - x0 - 2 * _R), y0 + t * (y1 - y0)
                labels.append(
                    f'<rect x="{lx - 19:.1f}" y="{ly - 10:.1f}" width="38" height="20" rx="3" '
                    f'fill="white" fill-opacity="0.9" stroke="{colour}" stroke-width="0.8"/>'
                    f'<text x="{lx:.1f}" y="{ly + 5:.1f}" font-size="14" text-anchor="middle" '
                    f'fill="#222">{_e(_num(w))}</text>'
                )
    parts += labels
    for (l, k), (x, y) in pos.items():
        if k == 0:
            parts.append(
                f'<rect x="{x - 15:.1f}" y="{y - 15:.1f}" width="30" height="30" fill="#f2f2f2" '
                f'stroke="#666" stroke-width="1.2"/><text x="{x:.1f}" y="{y + 5:.1f}" '
                'font-size="14" text-anchor="middle" fill="#444">1</text>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{y - 20:.1f}" font-size="11" text-anchor="middle" '
                f'fill="#666">a{_e(text.subscript(0))} (bias)</text>'
            )
            continue
        fill = "#eef5fb" if l > 1 else "#fff7e6"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_R}" fill="{fill}" stroke="#333" '
            'stroke-width="1.3"/>'
        )
        if l == 1:
            parts.append(
                f'<text x="{x:.1f}" y="{y + 5.5:.1f}" font-size="16" font-weight="bold" '
                f'text-anchor="middle">{_e(_num(ex.x[k - 1]))}</text>'
                f'<text x="{x - _R - 6:.1f}" y="{y + 5:.1f}" font-size="14" text-anchor="end">'
                f"x{_e(text.subscript(k))} =</text>"
            )
        else:
            name = text.sup("a", l) + text.subscript(k)
            parts.append(
                f'<text x="{x:.1f}" y="{y + 5:.1f}" font-size="13" text-anchor="middle">'
                f"{_e(name)}</text>"
            )
        if l == L:
            parts.append(
                f'<text x="{x + _R + 8:.1f}" y="{y + 5:.1f}" font-size="14">'
                f"y{_e(text.subscript(k))} = {_e(_num(ex.y[k - 1]))}</text>"
            )
    for l in range(1, L + 1):
        x = left + (l - 1) * dx
        name = "input" if l == 1 else "output" if l == L else "hidden"
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6:.1f}" font-size="12" text-anchor="middle" '
            f'fill="#555">layer {l} ({name})</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The sheets
# ---------------------------------------------------------------------------------------------

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 60em;
       color: #111; line-height: 1.35; }
h1 { font-size: 1.5em; margin: 0 0 .2em; } h2 { font-size: 1.15em; margin: 1.2em 0 .3em; }
.meta { color: #444; margin: 0 0 1em; } .note { color: #444; margin: .2em 0 .5em; }
table { border-collapse: collapse; margin: .3em 0 .8em; }
td, th { border: 1px solid #999; padding: .25em .6em; text-align: center; }
th { background: #f2f2f2; font-weight: normal; }
td.bias, th.bias { background: #f7f7f7; color: #555; }
.given { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.cell { display: inline-block; margin: .2em 1.2em .4em 0; white-space: nowrap; }
.box { display: inline-block; width: 7em; height: 1.5em; border-bottom: 1px solid #333;
       vertical-align: bottom; }
.value { font-weight: bold; } .row-head { display: inline-block; width: 7em; color: #555; }
.seed { font-size: 1.1em; font-weight: bold; } footer { margin-top: 2em; color: #555; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; }
               section { break-inside: avoid; } }
"""


def _theta_table(ex: bp_ex.Exercise, l: int) -> str:
    T = ex.Theta[l - 1]
    head = "".join(
        '<th class="bias">k = 0 (bias)</th>' if k == 0 else f"<th>k = {k}</th>"
        for k in range(T.shape[1])
    )
    body = "".join(
        f"<tr><th>j = {j}</th>"
        + "".join(
            f'<td class="{"bias" if k == 0 else ""}">{_e(_num(T[j - 1, k]))}</td>'
            for k in range(T.shape[1])
        )
        + "</tr>"
        for j in range(1, T.shape[0] + 1)
    )
    return (
        f"<div><b>{_e(text.sup('Theta', l))}</b> "
        f"({T.shape[0]} × {T.shape[1]}: row j, column k)"
        f"<table><tr><th></th>{head}</tr>{body}</table></div>"
    )


def _vector(name: str, v: np.ndarray) -> str:
    cells = "".join(f"<td>{_e(_num(x))}</td>" for x in v)
    heads = "".join(f"<th>{_e(name)}{_e(text.subscript(i))}</th>" for i in range(1, len(v) + 1))
    return f"<table><tr>{heads}</tr><tr>{cells}</tr></table>"


def worksheet_html(ex: bp_ex.Exercise, answers: bool = False, link: str = "") -> str:
    """The worksheet (empty boxes) or, with ``answers``, the answer sheet (every cell's value
    to 4 significant digits), as one standalone, printable HTML page with the exercise
    number (seed) and the choices on it.

    Parameters
    ----------
    link : str
        The page's URL parameters that open this exercise again (``?ex_seed=…``), printed
        in the footer.
    """
    kind = "answer sheet" if answers else "worksheet"
    title = f"Backprop Lab · Exercise {ex.seed} · {kind}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Backpropagation by hand — {_e(kind)}</h1>",
        f'<p class="meta"><span class="seed">Exercise {ex.seed}</span> · '
        f"{_e(sheet.choice_text(ex))}</p>",
    ]
    if not answers:
        out.append('<p>Name: <span class="box" style="width:18em"></span></p>')
    out.append('<section class="given">')
    out.append(network_svg(ex))
    out.append("<div>")
    out.append(f"<div><b>x</b> (a{_e(text.superscript('(1)'))} = x){_vector('x', ex.x)}</div>")
    out.append(f"<div><b>y</b>{_vector('y', ex.y)}</div>")
    out += [_theta_table(ex, l) for l in range(1, ex.cfg.L)]
    out.append("</div></section>")
    out.append(
        '<p class="note">One example (m = 1) and λ = 0, so D⁽ˡ⁾ = Δ⁽ˡ⁾. An entry counts as '
        f"right {_e(bp_ex.TOLERANCE_TEXT)}.</p>"
    )
    for sec in sheet.sections(ex):
        out.append(f"<section><h2>{_e(sec.title)}</h2><p class='note'>{_e(sec.note)}</p>")
        for head, row in zip(sec.heads, sec.rows, strict=True):
            out.append(f'<div><span class="row-head">{_e(head)}</span>')
            for c in row:
                shown = (
                    f'<span class="value">{_e(sheet.value_text(ex.answers[c.name]))}</span>'
                    if answers
                    else '<span class="box"></span>'
                )
                out.append(f'<span class="cell">{_e(sheet.label(c))} = {shown}</span>')
            out.append("</div>")
        out.append("</section>")
    out.append(
        f"<footer>Backprop Lab · Exercise {ex.seed}"
        + (f" · open it again on the Exercise page: <code>{_e(link)}</code>" if link else "")
        + "</footer></body></html>"
    )
    return "\n".join(out)


def file_name(ex: bp_ex.Exercise, answers: bool) -> str:
    """``backprop-lab_exercise_1234_2-2-1_worksheet.html`` (``…_answers.html``)."""
    net = "-".join(map(str, ex.cfg.layer_sizes))
    return f"backprop-lab_exercise_{ex.seed}_{net}_{'answers' if answers else 'worksheet'}.html"
