"""The Exercise page (pages/5_Exercise.py) driven with Streamlit's AppTest.

Opened through lab_ui/main.py's navigation (as a browser opens ``/Exercise?…``): every cell
of a 2-2-1 sigmoid exercise filled in right is all right; a named mistake is named; the URL's
exercise number gives the same exercise as ``bp_core.exercise.make_exercise``; Print makes
HTML with the number on it; Hint, Clear, New exercise and the solution work; what a student
types is shown as text only; every key the page writes is declared in the schema.
"""

from __future__ import annotations

import os
import re

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from bp_core import exercise as bp_ex
from lab_ui.exercise import sheet
from lab_ui.shared import schema, text
from lab_ui.shared.latex import matrix_latex
from tests import exercise_reference as ref
from tests.apptest_helpers import MAIN, WIDGET_KINDS

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

PAGE = "../pages/5_Exercise.py"
TIMEOUT = 90


def _open(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(PAGE)
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _exercise(at: AppTest) -> bp_ex.Exercise:
    ss = at.session_state
    return bp_ex.make_exercise(
        ss["ex_seed"], sheet.network_sizes(ss["ex_net"]), ss["ex_act"], ss["ex_loss"]
    )


def _fill(at: AppTest, values: dict[str, str | float]) -> AppTest:
    for name, v in values.items():
        at.text_input(key=f"w_ex_{name}").set_value(str(v))
    return at


def _latex(at: AppTest) -> list[str]:
    """Every st.latex on the page, without the $$ … $$ Streamlit wraps it in."""
    return [x.value.strip().removeprefix("$$").removesuffix("$$").strip() for x in at.latex]


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def _marks(at: AppTest) -> list[str]:
    return [c for c in _captions(at) if "✓" in c or "✗" in c]


def test_every_cell_right_is_all_right():
    at = _open({"ex_seed": "21", "ex_net": "2-2-1", "ex_act": "sigmoid"})
    ex = _exercise(at)
    assert ex.cfg.layer_sizes == (2, 2, 1) and ex.cfg.activations == ("sigmoid",)
    assert len(at.text_input) == len(ex.cells) == 18
    assert [t.label for t in at.text_input][:4] == ["z⁽²⁾₁", "z⁽²⁾₂", "a⁽²⁾₁", "a⁽²⁾₂"]
    # what a student writes down: 4 significant digits
    _fill(at, {n: f"{v:.4g}" for n, v in ex.answers.items()})
    at.button(key="b_ex_check").click().run()
    _ok(at)
    assert any("All 18 cells are right" in s.value for s in at.success)
    marks = _marks(at)
    assert len(marks) == 18 and all("✓ right]" in m for m in marks)


def test_a_named_mistake_is_named_on_the_page():
    """δ⁽³⁾ = y − ŷ (flipped sign), and everything after it carried on from it."""
    at = _open({"ex_seed": "5", "ex_net": "2-2-1"})
    ex = _exercise(at)
    student = ref.sheet(ex, "flipped_sign")
    _fill(at, {n: repr(v) for n, v in student.items()})
    at.button(key="b_ex_check").click().run()
    _ok(at)
    title = sheet.mistake_title("flipped_sign")  # "Flipping the sign of δ⁽ᴸ⁾"
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # escapes dropped
    assert title in shown  # the mistake, with its sentence
    assert bp_ex.MISTAKES["flipped_sign"].sentence.split(":")[0] in shown
    assert bp_ex.MISTAKES["flipped_sign"].right in _latex(at)
    marks = _marks(at)
    assert any(title in m.replace("\\", "") for m in marks)  # under δ⁽³⁾₁
    assert any("right given your earlier entries" in m for m in marks)  # what follows


def test_a_mistake_in_a_hidden_delta_is_named():
    at = _open({"ex_seed": "8", "ex_net": "2-3-1", "ex_act": "tanh"})
    ex = _exercise(at)
    student = ref.sheet(ex, "forget_g_prime")
    _fill(at, {n: repr(v) for n, v in student.items()})
    at.button(key="b_ex_check").click().run()
    _ok(at)
    title = sheet.mistake_title("forget_g_prime")
    assert any(title in m.replace("\\", "") for m in _marks(at))
    assert not at.success


def test_the_url_gives_the_same_exercise_and_keeps_it():
    query = {"ex_seed": "424242", "ex_net": "3-3-2-1", "ex_act": "relu", "ex_loss": "mse"}
    at = _open(query)
    ex = bp_ex.make_exercise(424242, (3, 3, 2, 1), "relu", "mse")
    assert at.session_state["ex_seed"] == 424242
    latex = _latex(at)
    for l in (1, 2, 3):
        T = matrix_latex(ex.Theta[l - 1], None, None, digits=4, bias_col=True)
        assert rf"\Theta^{{({l})}} = {T}" in latex
    assert dict(at.query_params) == query  # the page writes its exercise back
    assert "Exercise 424242" in " ".join(m.value for m in at.markdown)
    assert len(at.text_input) == len(ex.cells)


def test_a_bad_url_value_keeps_the_default_with_a_notice():
    at = _open({"ex_seed": "banana", "ex_net": "9-9-9"})
    notes = " ".join(i.value for i in at.info)
    assert "Exercise number" in notes and "Network" in notes
    assert at.session_state["ex_seed"] == 1 and at.session_state["ex_net"] == "2-2-1"


@pytest.fixture
def deferred(monkeypatch):
    """Every deferred download registered during the runs: element id → (file name, mime,
    the callable).  The same hook as tests/test_ui_export.py's."""
    seen: dict[str, tuple[str, str, object]] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, element_id=""):
        seen[element_id] = (file_name, mimetype, data_callable)
        return original(
            self, data_callable, mimetype, coordinates, file_name=file_name, element_id=element_id
        )

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return seen


def test_print_makes_a_worksheet_and_an_answer_sheet_with_the_seed(deferred):
    at = _open({"ex_seed": "31337", "ex_net": "2-3-2"})
    ex = _exercise(at)
    buttons = {b.key for b in at.get("download_button")}
    assert {"b_ex_sheet", "b_ex_answers"} <= buttons
    files = {k: v for eid, v in deferred.items() for k in buttons if eid.endswith(k)}
    name, mime, make = files["b_ex_sheet"]
    assert mime == "text/html" and name == "backprop-lab_exercise_31337_2-3-2_worksheet.html"
    html = make().decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Exercise 31337" in html
    assert "ex_seed=31337" in html and "<script" not in html
    assert sheet.value_text(ex.answers["D1_1_0"]) not in html.split("<svg")[0]  # no answers
    name, mime, make = files["b_ex_answers"]
    answers = make().decode("utf-8")
    assert name.endswith("_answers.html") and "Exercise 31337" in answers
    for cell in ex.cells:
        assert f'{sheet.label(cell)} = <span class="value">' in answers
    assert sheet.value_text(ex.answers["delta3_2"]) in answers


def test_hint_shows_the_equation_of_the_next_empty_cell():
    at = _open({"ex_seed": "3"})
    ex = _exercise(at)
    _fill(at, {"z2_1": ex.answers["z2_1"]})
    at.button(key="b_ex_hint").click().run()
    _ok(at)
    assert at.session_state["_ex_hint"] == "z2_2"
    assert sheet.hint_latex(ex, ex.cell("z2_2")) in _latex(at)
    assert any("Hint for z⁽²⁾₂" in m.value for m in at.markdown)
    _fill(at, {n: v for n, v in ex.answers.items()})
    at.button(key="b_ex_hint").click().run()
    assert any("Every cell is filled in" in i.value for i in at.info)


@pytest.mark.parametrize(
    "typed",
    ["abc", "[click](http://evil.example)", "<b>bold</b>", "$x^2$", "1/2", "x" * 40],
)
def test_what_a_student_types_is_shown_as_text_only(typed):
    at = _open({"ex_seed": "4"})
    _fill(at, {"z2_1": typed})
    at.run()
    at.button(key="b_ex_check").click().run()
    _ok(at)
    (msg,) = [c for c in _captions(at) if "is not a number" in c]
    quoted = text.quote(typed, 20)  # cut short and escaped: no link, no tag, no LaTeX
    assert quoted in msg and not re.search(r"(?<!\\)[$\[\]<>`*_]", quoted)
    assert any("Not graded, as they are not numbers" in w.value for w in at.warning)
    assert at.session_state["_ex_checked"] == {}  # checked, nothing to grade


def test_decimal_commas_and_typographic_minus_are_numbers():
    at = _open({"ex_seed": "4"})
    ex = _exercise(at)
    v = ex.answers["z2_1"]
    typed = f"{v:.3f}".replace("-", "−").replace(".", ",")
    _fill(at, {"z2_1": f"  {typed} "})
    at.button(key="b_ex_check").click().run()
    _ok(at)
    assert at.session_state["_ex_checked"] == {"z2_1": pytest.approx(v, abs=6e-4)}
    assert _marks(at) == [":green[✓ right]"]


def test_clear_new_exercise_and_the_cells_kept_across_pages():
    at = _open({"ex_seed": "6"})
    ex = _exercise(at)
    _fill(at, {"z2_1": ex.answers["z2_1"], "z2_2": "1"})
    at.button(key="b_ex_check").click().run()
    at.switch_page("../pages/2_Step_through.py").run()
    _ok(at)
    at.switch_page(PAGE).run()
    _ok(at)
    assert at.text_input(key="w_ex_z2_2").value == "1"  # kept while away
    assert len(_marks(at)) == 2
    at.button(key="b_ex_clear").click().run()
    _ok(at)
    assert at.text_input(key="w_ex_z2_1").value == "" and _marks(at) == []
    _fill(at, {"z2_1": "0.5"}).run()
    at.button(key="b_ex_new").click().run()
    _ok(at)
    assert at.session_state["ex_seed"] != 6
    assert at.text_input(key="w_ex_z2_1").value == ""  # a new exercise starts empty
    assert at.query_params["ex_seed"] == str(at.session_state["ex_seed"])


def test_the_solution_walks_the_step_through_equations():
    at = _open({"ex_seed": "10", "ex_net": "2-2-1"})
    ex = _exercise(at)
    before = len(at.latex)
    at.toggle(key="w_ex_solution").set_value(True).run()
    _ok(at)
    latex = _latex(at)
    assert len(latex) > before + 10
    assert r"z^{(2)} = \Theta^{(1)}\, a^{(1)}" in latex  # the Step-through page's text
    assert any(r"\delta^{(3)}" in x and "=" in x for x in latex)
    solution = " ".join(t.value for t in at.text)
    for c in ex.cells:
        assert f"{sheet.label(c)} = {sheet.value_text(ex.answers[c.name])}" in solution


def test_every_network_activation_and_loss_opens():
    for net in bp_ex.NETWORKS:
        for act in bp_ex.EXERCISE_ACTIVATIONS:
            at = _open({"ex_seed": "2", "ex_net": net, "ex_act": act, "ex_loss": "mse"})
            assert len(at.text_input) == len(_exercise(at).cells)


def test_every_key_and_widget_is_declared():
    at = _open({"ex_seed": "12"})
    ex = _exercise(at)
    _fill(at, {"z2_1": ex.answers["z2_1"], "a2_1": "zz"})
    for key in ("b_ex_check", "b_ex_hint", "b_ex_clear", "b_ex_new"):
        at.button(key=key).click().run()
        _ok(at)
    at.toggle(key="w_ex_solution").set_value(True).run()
    at.selectbox(key="w_ex_net").set_value("3-3-2-1").run()
    _ok(at)
    assert sorted(k for k in at.session_state.keys() if not schema.is_declared(k)) == []
    keys = [w.key for kind in (*WIDGET_KINDS, "button", "text_input") for w in getattr(at, kind)]
    assert keys and all(k is not None and schema.is_declared(k) for k in keys)
    assert all(schema.is_declared(f"w_ex_{n}") for n in bp_ex.CELL_NAMES)
