"""Class sessions on the Playground page (AppTest): the lecturer starts a class, asks,
reveals and ends it; a student's page follows it; a malformed code is said in words; a
lecturer's reload takes the class back with its secret, and a forged one is refused."""

from __future__ import annotations

from apptest_helpers import ok, open_app

from lab_ui.classroom import lecturer_ui
from lab_ui.classroom.model import CLASSES
from lab_ui.live.channel import LiveSession


def _button(at, label):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def _lecturer():
    at = open_app()
    _button(at, "Start a class").click().run()
    ok(at)
    return at, CLASSES.get(at.session_state["_class_code"])


def test_a_lecturer_starts_asks_reveals_and_ends_a_class():
    at, klass = _lecturer()
    try:
        assert klass is not None and klass.lecturer() is at.session_state["live"]
        assert any(klass.code in str(h.body) for h in at.get("html"))  # the code, large
        assert not [b for b in at.button if b.label == "Start a class"]
        assert _button(at, "Reveal").disabled  # nothing asked yet
        _button(at, "Ask the class").click().run()
        ok(at)
        q = klass.current()
        assert q is not None and q.kind == "sign" and q.open
        _button(at, "Reveal").click().run()
        ok(at)
        assert q.revealed and q.reveal_text.startswith(("Right answer", "D"))
        exports = [d for d in at.get("download_button") if d.proto.label == "Export tallies"]
        assert len(exports) == 1
    finally:
        _button(at, "End class").click().run()
    ok(at)
    assert klass.ended and CLASSES.get(klass.code) is None
    assert any("has ended" in i.value for i in at.info)
    assert _button(at, "Start a class")


def test_a_multiple_choice_question_needs_its_choices():
    at, klass = _lecturer()
    try:
        at.selectbox(key="class_q_kind").set_value("choice").run()
        at.text_input(key="class_q_text").set_value("Which layer learns slowest?").run()
        _button(at, "Ask the class").click().run()
        assert at.error and klass.current() is None  # no choices: said, not asked
        at.text_input(key="class_q_choice_0").set_value("Θ⁽¹⁾").run()
        at.text_input(key="class_q_choice_1").set_value("Θ⁽²⁾").run()
        at.radio(key="class_q_right").set_value("B").run()
        _button(at, "Ask the class").click().run()
        ok(at)
        q = klass.current()
        assert q.choices == ("Θ⁽¹⁾", "Θ⁽²⁾") and q.answer == 1
    finally:
        CLASSES.end(klass.code)


def test_a_student_page_follows_the_class_by_its_link():
    at, klass = _lecturer()
    try:
        student = open_app({"class": klass.code.lower()})
        assert [h.value for h in student.subheader] == [f"Following class {klass.code}"]
        assert not [b for b in student.button if b.label == "Start a class"]
        assert "lab" not in student.session_state  # a follower has no Lab of its own
    finally:
        CLASSES.end(klass.code)


def test_a_malformed_code_is_said_as_plain_text():
    at = open_app({"class": "[x](http://e)"})
    assert at.warning and "is not a class code" in at.warning[0].value
    assert "](" not in at.warning[0].value  # escaped: no link
    assert not at.subheader or "Following" not in at.subheader[0].value


def test_a_reload_takes_the_class_back_and_a_forged_secret_is_refused():
    first = LiveSession()
    klass, secret = CLASSES.create(first)
    try:
        again = LiveSession()
        assert lecturer_ui.reclaim(again, f"{klass.code}.{secret}") == (klass, secret, False)
        assert klass.lecturer() is again and again.classroom is klass
        assert first.classroom is None
        assert lecturer_ui.reclaim(LiveSession(), f"{klass.code}.forged")[0] is None
        assert lecturer_ui.reclaim(LiveSession(), "ZZZZZZ." + secret)[0] is None
        assert klass.lecturer() is again
    finally:
        CLASSES.end(klass.code)
    assert lecturer_ui.reclaim(LiveSession(), f"{klass.code}.{secret}")[0] is None  # stale


def test_a_lesson_question_can_be_put_to_the_class():
    from bp_core.presets import PRESETS
    from lab_ui.classroom.questions import lesson_question

    for preset in PRESETS.values():  # every lesson's question makes a class question
        for q in preset.questions:
            cq = lesson_question(q)
            assert cq.kind in ("choice", "number") and cq.text == q.prompt
            assert cq.right_bar() is not None
    at = open_app({"preset": "xor_hidden_layer"})
    _button(at, "Start a class").click().run()
    klass = CLASSES.get(at.session_state["_class_code"])
    try:
        at.selectbox(key="class_q_kind").set_value("lesson").run()
        at.selectbox(key="class_q_lesson").set_value(0).run()
        _button(at, "Ask the class").click().run()
        ok(at)
        q = klass.current()
        assert q.text == PRESETS["xor_hidden_layer"].questions[0].prompt
    finally:
        CLASSES.end(klass.code)


def test_presenter_mode_has_start_a_class_without_taking_the_views_room():
    at = open_app({"presenter": "1"})
    assert _button(at, "Start a class")
    assert not [n for n in at.number_input if n.key == "class_max_students"]
    _button(at, "Start a class").click().run()
    ok(at)
    klass = CLASSES.get(at.session_state["_class_code"])
    try:
        assert klass.max_students == 500 and _button(at, "Ask the class")
        at.toggle(key="class_show_code").set_value(False).run()  # folded to one line
        ok(at)
        assert any(klass.code in m.value for m in at.markdown)
    finally:
        CLASSES.end(klass.code)


class _Outlet:
    closed = False

    def send(self, data: bytes) -> None:
        pass


def _student(code: str):
    """A student's page opened at ``/?class=code`` (an error box is what some tests want)."""
    from apptest_helpers import APP, TIMEOUT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["class"] = code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _fresh_guard(monkeypatch):
    from lab_ui.classroom import endpoint, model

    monkeypatch.setattr(model, "JOINS", model.JoinGuard())
    monkeypatch.setattr(endpoint, "JOINS", model.JOINS)


def test_a_code_no_class_has_is_said_plainly_with_the_playground(monkeypatch):
    from lab_ui.classroom import codes

    _fresh_guard(monkeypatch)
    code = codes.ALPHABET[codes.replica_index()] + "ZZZZZ"  # this process's: looked up here
    assert CLASSES.get(code) is None
    at = _student(code.lower())
    said = " ".join(e.value for e in at.error)
    assert f"No class has the code “{code}”" in said
    assert not any("Following" in h.value for h in at.subheader)
    assert not [b for b in at.button if b.label == "Start a class"]  # not yet: asked first
    _button(at, "Go to the Playground").click().run()
    ok(at)
    assert "class" not in at.query_params and _button(at, "Start a class")
    assert not any("Following" in h.value for h in at.subheader)


def test_a_code_of_another_process_is_not_said_to_be_followed_before_its_socket_answers(
    monkeypatch,
):
    from lab_ui.classroom import codes, student_ui

    _fresh_guard(monkeypatch)
    here = codes.ALPHABET[codes.replica_index()]
    other = next(c for c in codes.ALPHABET if c != here) + "ZZZZZ"
    at = _student(other)
    assert [h.value for h in at.subheader] == [f"Class {other}"]  # not "Following"
    assert not at.error
    # the view's socket found no class (4404, routed to its process): the page says so
    assert student_ui.look_up(other, "198.51.100.9", "t" * 24) == (False, "")
    state = at.session_state[student_ui.FOLLOW]
    state["missing"] = student_ui.no_class_text(other)
    at.run()
    assert any("No class has the code" in e.value for e in at.error)
    assert not any("Following" in h.value for h in at.subheader)


def test_a_lecturer_tab_whose_class_another_tab_took_is_told_and_may_take_it_back():
    at, klass = _lecturer()
    try:
        first = at.session_state["live"]
        first.outlet = _Outlet()  # its view is connected
        secret = at.session_state[lecturer_ui.SECRET_KEY]
        other = LiveSession()
        assert lecturer_ui.reclaim(other, f"{klass.code}.{secret}")[2]  # another tab took it
        at.run()  # the first tab's page re-runs (its view's "class" event)
        assert not at.exception
        said = " ".join(w.value for w in at.warning)
        assert f"Class {klass.code} moved to another tab" in said
        assert not [b for b in at.button if b.label in ("Ask the class", "End class")]
        _button(at, f"Teach class {klass.code} from this tab").click().run()
        ok(at)
        assert klass.leads(first) and _button(at, "Ask the class")
        assert not any("This tab now teaches class" in i.value for i in at.info)
    finally:
        CLASSES.end(klass.code)


def test_a_class_page_on_a_browsers_first_run_still_has_the_presenter_switch(monkeypatch):
    """The switch is held back for the live view's first frame; a page that stops before
    the view (a class's code, here one that no class has) draws it all the same."""
    from streamlit.testing.v1 import AppTest

    from lab_ui.live import live_view
    from tests.apptest_helpers import APP

    monkeypatch.setattr(live_view, "first_paint_pending", lambda: True)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["class"] = "AZZZZZ"
    at.run()
    assert not at.exception and "No class has the code" in at.error[0].value
    assert [t for t in at.sidebar.toggle if t.label == "Presenter mode"]
    assert not [m for m in at.markdown if "Following class" in m.value]
