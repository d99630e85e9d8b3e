"""Every value the pages show as text: numbers, course symbols and user-supplied strings.

Pure functions (no streamlit), so the rules are tested once and every page uses them.

* **Numbers** — :func:`number` is the one formatter: 4 significant digits, scientific
  notation beyond 10⁵ (and below 10⁻⁴), "diverged" for NaN or ±∞.  :func:`percent` for
  accuracies.
* **Course symbols** in plain text (widget labels, select options) are written with Unicode
  superscripts, Θ⁽¹⁾, as the course writes Θ^(1) (:func:`sup`, :func:`weight`); in Markdown
  they are LaTeX.
* **User-supplied text is data, never markup.**  A URL value, a CSV file name, a column name,
  a class label or an error message quoting one of them may hold Markdown (a link, an image),
  HTML or LaTeX.  :func:`quote` shortens such a value to ``QUOTE_CHARS`` characters and
  escapes it for Markdown; :func:`plain` escapes a whole message for Markdown (``st.info``,
  ``st.warning``, ``st.toast``, ``st.caption`` all render Markdown) and shortens every long
  run in it; :func:`html_text` does the same for the HTML that plotly titles, hover labels
  and the live view's tooltips render.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from typing import Any

from bp_core.activations import plain_symbol

#: A quoted user value is cut after this many characters ("…" marks the cut).
QUOTE_CHARS = 40
#: A whole message that quotes user data is cut after this many characters.
MESSAGE_CHARS = 400

_SUPERSCRIPT = str.maketrans("0123456789()+-lLjk", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻ˡᴸʲᵏ")
_SUBSCRIPT = str.maketrans("0123456789()+-ijkl", "₀₁₂₃₄₅₆₇₈₉₍₎₊₋ᵢⱼₖₗ")
_SYMBOLS = {"Theta": "Θ", "Delta": "Δ", "delta": "δ", "a": "a", "z": "z", "D": "D"}

# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------


def number(x: Any, digits: int = 4, nonfinite: str = "diverged", sci: bool = False) -> str:
    """One number as text: ``digits`` significant digits, scientific beyond 10⁵ or below 10⁻⁴
    (always, with ``sci=True``: for relative differences and tolerances).

    >>> number(0.123456), number(-6.7168e35), number(float("nan")), number(12345.6)
    ('0.1235', '-6.717e+35', 'diverged', '12346')
    """
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(v):
        return nonfinite
    if v == 0.0:
        return "0"
    big = abs(v)
    if sci or big >= 1e5 or big < 1e-4:
        return f"{v:.{max(digits - 1, 0)}e}"
    if big >= 10**digits:  # 10⁴ … 10⁵: whole numbers, no exponent
        return f"{v:.0f}"
    return f"{v:.{digits}g}"


def percent(x: Any, nonfinite: str = "diverged") -> str:
    """A fraction as a percentage with one decimal: 0.9734 → "97.3 %"."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    return f"{100 * v:.1f} %" if math.isfinite(v) else nonfinite


# ---------------------------------------------------------------------------------------------
# Course symbols in plain text
# ---------------------------------------------------------------------------------------------


def superscript(text: Any) -> str:
    """Digits, parentheses, signs and l, j, k as Unicode superscripts: "(12)" → "⁽¹²⁾"."""
    return str(text).translate(_SUPERSCRIPT)


def subscript(text: Any) -> str:
    """Digits, parentheses, signs and i, j, k, l as Unicode subscripts: "12" → "₁₂"."""
    return str(text).translate(_SUBSCRIPT)


def sup(symbol: str, l: int | str) -> str:
    """``sup("Theta", 1)`` → "Θ⁽¹⁾": a course symbol with its layer superscript, as text."""
    return _SYMBOLS.get(symbol, symbol) + superscript(f"({l})")


def weight(l: int, j: int, k: int, symbol: str = "Theta") -> str:
    """Θ^(l)_{jk} in the course's numbering as text: ``weight(1, 2, 0)`` → "Θ⁽¹⁾₂,₀"."""
    return sup(symbol, l) + subscript(j) + "," + subscript(k)


def weight_html(l: int, j: int, k: int, symbol: str = "Theta") -> str:
    """Θ^(l)_{jk} for plotly (HTML): "Θ<sup>(1)</sup><sub>2,0</sub>"."""
    return f"{_SYMBOLS.get(symbol, symbol)}<sup>({l})</sup><sub>{j},{k}</sub>"


# Super- and subscripts that Unicode has (a script with any other character is written
# out as ^(…) or _(…), never dropped).
_SUP = str.maketrans("0123456789()+-−=TKilLjkmnz", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻⁻⁼ᵀᴷⁱˡᴸʲᵏᵐⁿᶻ")
_SUB = str.maketrans("0123456789()+-=ijklmns", "₀₁₂₃₄₅₆₇₈₉₍₎₊₋₌ᵢⱼₖₗₘₙₛ")
_SUP_OK = set("0123456789()+-−=TKilLjkmnz")
_SUB_OK = set("0123456789()+-=ijklmns,")

_QUAD = "\x00"  # a \\quad until the end: then a wide space that HTML keeps

#: LaTeX commands → text (the stepper's equations use these; an unknown command keeps its
#: name without the backslash).
_WORDS = {
    "Theta": "Θ",
    "Delta": "Δ",
    "delta": "δ",
    "sigma": "σ",
    "lambda": "λ",
    "alpha": "α",
    "beta": "β",
    "mu": "μ",
    "epsilon": "ε",
    "sum": "Σ",
    "log": "log",
    "exp": "exp",
    "cdots": "…",
    "vdots": "⋮",
    "ddots": "⋱",
    "ge": "≥",
    "geq": "≥",
    "le": "≤",
    "leq": "≤",
    "Rightarrow": "⇒",
    "rightarrow": "→",
    "to": "→",
    "cdot": "·",
    "times": "×",
    "odot": "⊙",
    "partial": "∂",
    "infty": "∞",
    "max": "max",
    "min": "min",
    "prime": "′",
    "hat": "",
    "sqrt": "√",
    "quad": _QUAD,
    "qquad": _QUAD,
}
_DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "mathrm", "operatorname"}


class _Tex:
    """A tiny reader of the stepper's LaTeX (the commands it writes, no more)."""

    def __init__(self, tex: str) -> None:
        self.s, self.i = tex, 0

    def group(self) -> str:
        """The next argument: {…} read whole, or one character."""
        s = self.s
        while self.i < len(s) and s[self.i] == " ":
            self.i += 1
        if self.i >= len(s):
            return ""
        if s[self.i] == "{":
            depth, j = 0, self.i
            while j < len(s):
                depth += {"{": 1, "}": -1}.get(s[j], 0)
                if depth == 0:
                    break
                j += 1
            inner, self.i = s[self.i + 1 : j], j + 1
            return _Tex(inner).text()
        if s[self.i] == "\\":
            return self.command()
        self.i += 1
        return s[self.i - 1]

    def command(self) -> str:
        s = self.s
        self.i += 1  # the backslash
        m = re.match(r"[A-Za-z]+", s[self.i :])
        if not m:  # \, \; \! \  \\ (a row break: only inside a matrix)
            c = s[self.i : self.i + 1]
            self.i += 1
            return {",": " ", ";": " ", " ": " ", "!": "", "\\": "; "}.get(c, c)
        name = m.group(0)
        self.i += len(name)
        if name in ("frac", "tfrac", "dfrac"):
            num, den = self.group(), self.group()
            wrap = lambda t: t if re.fullmatch(r"[\w.⁰-⁹ᵀ⁽⁾]+", t) else f"({t})"  # noqa: E731
            return f"({wrap(num)}/{wrap(den)})"
        if name in ("text", "mathrm", "operatorname", "mathbf"):
            return self.group()
        if name == "color":
            self.group()  # the colour's name
            return self.group()
        if name == "hat":
            return self.group() + "\u0302"
        if name == "begin":
            env = self.group()
            return self.matrix(env)
        if name == "end":
            self.group()
            return ""
        if name in _DROP:
            return ""
        return _WORDS.get(name, name)

    def matrix(self, env: str) -> str:
        """A (b)matrix as [a, b; c, d]: rows apart by ";", a column vector [a; b; c]."""
        end = self.s.find(r"\end{" + env + "}", self.i)
        body, self.i = self.s[self.i : end], end + len(r"\end{" + env + "}")
        rows = [r for r in re.split(r"\\\\", body) if r.strip()]
        cells = [[_Tex(c).text().strip() for c in r.split("&")] for r in rows]
        return "[" + "; ".join(", ".join(r) for r in cells) + "]"

    def script(self, table: dict, ok: set, mark: str) -> str:
        arg = self.group().strip()
        if arg and set(arg) <= ok:
            return arg.translate(table)
        if arg.startswith("rows") or ":" in arg:  # the stepper's [v]_{1:s} picks rows
            return f" (rows {arg.removeprefix('rows').strip()})"
        return mark + arg if re.fullmatch(r"\w+", arg) else f"{mark}({arg})"

    def text(self) -> str:
        out, s = [], self.s
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                out.append(self.command())
            elif c == "^":
                self.i += 1
                out.append(self.script(_SUP, _SUP_OK, "^"))
            elif c == "_":
                self.i += 1
                out.append(self.script(_SUB, _SUB_OK, "_"))
            elif c in "{}":
                self.i += 1
                out.append(self.group() if c == "{" and not self._back() else "")
            elif c == "'":
                self.i += 1
                out.append("′")
            else:
                self.i += 1
                out.append("−" if c == "-" else c)
        return "".join(out)

    def _back(self) -> bool:
        self.i -= 1  # a bare {…}: read it as a group
        return False


def tex_plain(tex: str) -> str:
    """LaTeX as plain text (the one converter: registry formulas, the stepper's equations,
    titles and the live view) with Unicode super- and subscripts, its
    matrices as [rows apart by ";"]: ``\\delta^{(3)} = a^{(3)} - y`` → "δ⁽³⁾ = a⁽³⁾ − y",
    ``\\begin{bmatrix}1 \\\\ 2\\end{bmatrix}`` → "[1; 2]"."""
    s = _Tex(str(tex)).text()
    s = re.sub(r"\s*\.\*\s*", " .* ", s)
    s = re.sub(r"\]=", "] =", s)
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"\s+\)", ")", s)
    s = re.sub(r" +", " ", s.strip())
    s = re.sub(r"\s*\x00[\s\x00]*", " \u2003", s).strip()  # a \\quad: a wide space
    return unicodedata.normalize("NFC", s)  # y + ◌̂ → ŷ


def tex_sentence(sentence: str) -> str:
    """An explanation with inline maths (``$…$``) and Markdown's escapes as plain text."""
    s = re.sub(r"\$([^$]*)\$", lambda m: tex_plain(m.group(1)), sentence)
    return re.sub(r"\\([()\[\]*_.])", r"\1", s)  # Markdown's escapes


def tex_to_text(tex: str) -> str:
    r"""A LaTeX function name as plain text: ``\sigma`` → "σ", ``\mathrm{ReLU}`` → "ReLU".

    The rule a registry entry's ``short`` symbol is made by when it does not give one
    (``bp_core.activations.plain_symbol``); a page reads ``entry.short`` itself."""
    return plain_symbol(tex)


_SUP_RE = re.compile(r"\^\(([0-9A-Za-z+\-−]+)\)")
_SUB_RE = re.compile(r"(?<=[A-Za-zΘΔδŷ⁾)])_\{?([0-9ijkl]+(?:,[0-9ijkl]+)?)\}?(?![A-Za-z])")


def course(text_: str) -> str:
    """Plain course notation with Unicode super- and subscripts: "Θ^(1)_2,0" → "Θ⁽¹⁾₂,₀",
    "∂J_i/∂z^(3)" → "∂Jᵢ/∂z⁽³⁾".  For text written elsewhere in the "^(l)" form."""
    out = _SUP_RE.sub(lambda m: superscript(f"({m.group(1)})"), str(text_))
    return _SUB_RE.sub(lambda m: subscript(m.group(1)), out)


def feature(name: str) -> str:
    """A feature name of ``bp_core.datasets.FEATURES`` as the course writes it: "x1" → "x₁",
    "x1^2" → "x₁²", "x1*x2" → "x₁x₂", "sin(x1)" → "sin(x₁)"."""
    out = re.sub(r"x(\d+)", lambda m: "x" + subscript(m.group(1)), str(name))
    out = re.sub(r"\^(\d+)", lambda m: superscript(m.group(1)), out)
    return out.replace("*", "")


def architecture(layer_sizes: Any) -> str:
    """(2, 4, 1) → "2 → 4 → 1"."""
    return " → ".join(str(int(s)) for s in layer_sizes)


def short_label(label: str) -> str:
    """A registry label without its parenthetical: "linear (identity)" → "linear"."""
    return re.sub(r"\s+\(.*\)\s*$", "", str(label)).strip() or str(label)


# ---------------------------------------------------------------------------------------------
# User-supplied text
# ---------------------------------------------------------------------------------------------

_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_ASCII_PUNCT = set("!\"#$%'()*+,-./:;=?@[\\]^_`{|}~")


def _one_line(text: Any) -> str:
    """``text`` as one line of printable characters (controls → spaces, bidi marks dropped)."""
    s = str(text).translate(_BIDI)
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in s)


def clip(text: Any, limit: int = QUOTE_CHARS) -> str:
    """``text`` on one line, cut after ``limit`` characters with "…" (not escaped)."""
    s = _one_line(text)
    return s if len(s) <= limit else s[:limit] + "…"


#: Where an autolink would start (a scheme's "://", "www.", an e-mail's "@"): Streamlit
#: links bare URLs even when their punctuation is escaped, so a word joiner (U+2060,
#: invisible) goes in between.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(?=:\s*/\s*/)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Escape ``text`` so Markdown shows it literally: every ASCII punctuation mark gets a
    backslash (so no link, image, emphasis, LaTeX ``$``, directive ``:``, heading or list
    forms), ``<``, ``>``, ``&`` become HTML entities (so no tag ever forms), and a bare URL
    or e-mail address is broken by an invisible word joiner (so it is not linked)."""
    out = []
    for c in _AUTOLINK.sub(WORD_JOINER, text):
        if c in _ENTITIES:
            out.append(_ENTITIES[c])
        elif c in _ASCII_PUNCT:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def quote(value: Any, limit: int = QUOTE_CHARS) -> str:
    """A user-supplied value inside a Markdown message: cut to ``limit`` characters,
    escaped, in curly quotes: ``quote("[x](http://e)")`` → ``“\\[x\\]\\(http\\:\\/\\/e\\)”``."""
    return "“" + escape_markdown(clip(value, limit)) + "”"


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|\([^()]*\)")


def shorten(message: Any, run: int = QUOTE_CHARS, total: int = MESSAGE_CHARS) -> str:
    """A message that may quote user data, made short: every quoted or parenthesised part
    and every unbroken run longer than ``run`` characters is cut to ``run`` ("…"), and the
    whole to ``total``.  Not escaped (see :func:`plain`)."""
    s = _one_line(message)

    def cut(m: re.Match) -> str:
        part = m.group(0)
        if len(part) <= run + 2:
            return part
        return part[: run + 1] + "…" + part[-1]

    s = _QUOTED.sub(cut, s)
    s = re.sub(r"\S{" + str(run + 1) + ",}", lambda m: m.group(0)[:run] + "…", s)
    return s if len(s) <= total else s[:total] + "…"


def plain(message: Any, run: int = QUOTE_CHARS, total: int = MESSAGE_CHARS) -> str:
    """A whole message for a Markdown element, shown as plain text: shortened
    (:func:`shorten`) and escaped (:func:`escape_markdown`)."""
    return escape_markdown(shorten(message, run, total))


def html_text(value: Any, limit: int = QUOTE_CHARS) -> str:
    """A user-supplied value for HTML (plotly titles and hovers, the live view's tooltips):
    cut to ``limit`` characters and HTML-escaped, so ``<img …>`` shows as text."""
    return html.escape(clip(value, limit), quote=True)


__all__ = [
    "MESSAGE_CHARS",
    "architecture",
    "course",
    "QUOTE_CHARS",
    "clip",
    "escape_markdown",
    "feature",
    "html_text",
    "number",
    "percent",
    "plain",
    "quote",
    "short_label",
    "shorten",
    "subscript",
    "sup",
    "superscript",
    "tex_plain",
    "tex_sentence",
    "tex_to_text",
    "weight",
    "weight_html",
]
