"""The lecturer's side of a class, on the Playground page: *Start a class*, then the code, the
link and its QR code for the projector, *Ask the class*, *Reveal*, *End class*, and the
class's questions with their tallies (*Export tallies*: a CSV).

The live tally ("N answers") and the reveal's bars are drawn by the live view from the
frame's class part (:meth:`lab_ui.classroom.model.Classroom.parts`), so the projector and
every student's screen show the same thing as it happens; this page re-runs only when the
lecturer presses something.

The lecturer's secret: made by :meth:`~lab_ui.classroom.model.Classes.create` (only its hash
is kept), held in this session's state and in a cookie (``SameSite=Strict``, set by the
live view's script), so a reload of the lecturer's page takes the class back
(:func:`reclaim_ui`); a stale or forged secret is refused with a sentence.  A second tab
with the same key takes the class over: it says so, and the first tab is told in words that
the class moved (its view's notice at once, its page when it re-runs), loses the class's
buttons, and may take the class back (*Teach class … from this tab*).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from bp_core.presets import PRESETS
from lab_ui.shared import presenter_ui, text

from . import bounds, qr
from .model import CLASSES, Classroom, moved_away, moved_here
from .questions import LETTERS, lesson_question, quick_question

ss = st.session_state

COOKIE = "bp_class_lecturer"
CODE_KEY = "_class_code"
SECRET_KEY = "_class_secret"
MOVED_HERE_KEY = "_class_moved_here"
KINDS = {
    "sign": "Sign of D⁽ˡ⁾ⱼₖ: + or −",
    "choice": "Multiple choice A–D",
    "number": "A number (with a tolerance)",
}
LESSON_KIND = "One of this lesson's questions"
REFUSED = (
    "This browser kept the key of a class that this server no longer holds, or a key it "
    "does not accept: that class has ended. Start a new class to teach again."
)
ENDED = "Class {code} has ended: its students were told, and nothing of it is kept."


def current() -> Classroom | None:
    """This session's class (None: none, or it has ended)."""
    code = ss.get(CODE_KEY)
    if not code:
        return None
    klass = CLASSES.get(code)
    if klass is None or klass.ended or not klass.check(ss.get(SECRET_KEY)):
        ss.pop(CODE_KEY, None)
        ss.pop(SECRET_KEY, None)
        ss["_class_note"] = ENDED.format(code=code)
        ss["_class_cookie"] = ""  # the view clears the cookie
        return None
    return klass


def reclaim_ui(live: Any) -> None:
    """After a reload: the cookie's class, if its secret is right, is this session's again."""
    if ss.get(CODE_KEY) or ss.get("_class_reclaimed"):
        return
    ss["_class_reclaimed"] = True  # once per session
    raw = st.context.cookies.get(COOKIE) if st.context.cookies else None
    if not raw:
        return
    klass, secret, took_over = reclaim(live, raw)
    if klass is None:
        ss["_class_note"] = REFUSED
        ss["_class_cookie"] = ""
        return
    ss[CODE_KEY], ss[SECRET_KEY] = klass.code, secret
    if took_over:  # another tab still had it open: said here (class_ui) and there
        ss[MOVED_HERE_KEY] = moved_here(klass.code)


def reclaim(live: Any, cookie: Any) -> tuple[Classroom | None, str, bool]:
    """The class the lecturer's cookie ``CODE.SECRET`` names, now led by ``live``, the
    secret, and whether another tab's screen that led it was still open (it is told that the
    class moved); (None, "", False) when the class is gone or the secret is not its own."""
    code, _, secret = str(cookie).partition(".")
    klass = CLASSES.get(code)
    if klass is None or not klass.check(secret):
        return None, "", False
    return klass, secret, klass.attach(live)


def _take_back(klass: Classroom, live: Any) -> None:
    if klass.attach(live):
        ss[MOVED_HERE_KEY] = moved_here(klass.code)


def moved_ui(klass: Classroom, live: Any) -> bool:
    """In a tab whose class another tab took over: say so, with *Teach class … from this
    tab* (True); False while this tab leads its class."""
    if klass.leads(live):
        return False
    with st.container(key="bp_class_moved", border=True):
        st.warning(text.plain(moved_away(klass.code), total=400))
        st.button(
            f"Teach class {klass.code} from this tab",
            key="class_take_back",
            on_click=_take_back,
            args=(klass, live),
            help="The class's frames and buttons come back here; the other tab is told.",
        )
    return True


def view_data() -> dict[str, Any]:
    """What the lecturer's live view gets for the cookie: ``{"lecturer": {"cookie": …}}``
    (the value to keep, or "" to forget it), or nothing."""
    klass = current()
    if klass is not None:
        return {"lecturer": {"cookie": f"{klass.code}.{ss[SECRET_KEY]}", "name": COOKIE}}
    if ss.get("_class_cookie") == "":
        return {"lecturer": {"cookie": "", "name": COOKIE}}
    return {}


def class_link(code: str) -> str:
    """The students' link: this app's root with ``?class=CODE`` (the Playground)."""
    url = st.context.url or ""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return f"/?class={code}"
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}?class={code}"


def _start(live: Any) -> None:
    ss.pop(MOVED_HERE_KEY, None)
    try:
        klass, secret = CLASSES.create(live, int(ss.get("class_max_students", bounds.MAX_STUDENTS)))
    except ValueError as err:
        ss["_class_note"] = str(err)
        return
    ss[CODE_KEY], ss[SECRET_KEY] = klass.code, secret
    ss.pop("_class_cookie", None)


def _end() -> None:
    ss.pop(MOVED_HERE_KEY, None)
    code = ss.pop(CODE_KEY, None)
    ss.pop(SECRET_KEY, None)
    if code:
        CLASSES.end(code)
        ss["_class_note"] = ENDED.format(code=code)
    ss["_class_cookie"] = ""


def start_ui(live: Any, where: Any = None) -> None:
    """*Start a class* (and its students' bound), or nothing while this session has one."""
    where = st if where is None else where
    note = ss.pop("_class_note", None)
    if note:
        where.info(text.plain(note, total=400))
    if current() is not None:
        return
    if where is not st:
        where.subheader("Class session", divider="gray")
    if not presenter_ui.presenting():  # the projector: the session's bound, one button
        where.number_input(
            "Students at most",
            1,
            bounds.MAX_STUDENTS,
            bounds.MAX_STUDENTS,
            key="class_max_students",
            help="A class takes at most this many students at once.",
        )
    where.button(
        "Start a class",
        key="class_start",
        on_click=_start,
        args=(live,),
        help="Students follow this run live on their own screens and answer your questions.",
        type="primary",
    )


def lesson_questions() -> tuple[Any, ...]:
    """The current lesson's predict-then-reveal questions (the applied preset's), if any."""
    preset = PRESETS.get(ss.get("preset", ""))
    return tuple(preset.questions) if preset is not None else ()


def _ask(klass: Classroom, live: Any) -> None:
    ss.pop(MOVED_HERE_KEY, None)
    kind = ss.get("class_q_kind", "sign")
    prompt = ss.get("class_q_text", "")
    try:
        if kind == "lesson":
            lesson = lesson_questions()
            i = int(ss.get("class_q_lesson", 0))
            if not 0 <= i < len(lesson):
                raise ValueError("This lesson has no such question; pick one of its own.")
            klass.ask(lesson_question(lesson[i]))
            return
        if kind == "choice":
            choices = [ss.get(f"class_q_choice_{i}", "") for i in range(4)]
            while choices and not choices[-1].strip():
                choices.pop()
            right = LETTERS.index(ss.get("class_q_right", "A"))
            q = quick_question(kind, prompt, choices=choices, answer=right)
        elif kind == "number":
            q = quick_question(
                kind,
                prompt,
                answer=float(ss.get("class_q_number", 0.0)),
                tolerance=float(ss.get("class_q_tol", 0.0)),
            )
        else:
            weight = (
                live.chain
                if ss.get("class_q_picked", True) and live.chain is not None
                else (ss.get("class_q_l", 1), ss.get("class_q_j", 1), ss.get("class_q_k", 1))
            )
            q = quick_question(kind, prompt, weight=tuple(int(v) for v in weight))
        klass.ask(q)
    except ValueError as err:
        ss["_class_ask_error"] = str(err)


def _reveal(klass: Classroom, live: Any) -> None:
    ss.pop(MOVED_HERE_KEY, None)
    with live.lock:
        trainer = live.lab.trainer if live.lab is not None else None
        klass.reveal(trainer)


def question_form_ui(klass: Classroom, live: Any) -> None:
    """The next question's fields, then *Ask the class*."""
    kinds = {**KINDS, **({"lesson": LESSON_KIND} if lesson_questions() else {})}
    kind = st.selectbox("Question", list(kinds), format_func=kinds.get, key="class_q_kind")
    if kind == "lesson":
        lesson = lesson_questions()
        st.selectbox(
            "The lesson's question",
            range(len(lesson)),
            format_func=lambda i: text.clip(lesson[i].prompt, 90),
            key="class_q_lesson",
        )
        return
    st.text_input(
        "Question text (optional for a sign)", key="class_q_text", max_chars=bounds.MAX_TEXT
    )
    if kind == "choice":
        cols = st.columns(2)
        for i in range(4):
            cols[i % 2].text_input(
                f"Choice {LETTERS[i]}", key=f"class_q_choice_{i}", max_chars=bounds.MAX_CHOICE
            )
        st.radio("Right answer", list(LETTERS), key="class_q_right", horizontal=True)
    elif kind == "number":
        cols = st.columns(2)
        cols[0].number_input("Right answer", key="class_q_number", format="%g", value=0.0)
        cols[1].number_input("Tolerance ±", key="class_q_tol", min_value=0.0, value=0.05)
    else:
        chain = live.chain
        picked = f"{text.weight(*chain, 'D')}" if chain else "none yet"
        st.toggle(
            f"The edge picked on the diagram ({picked})",
            key="class_q_picked",
            value=True,
            help="Click an edge of the network diagram (its chain rule opens) to pick it.",
        )
        cols = st.columns(3)
        L = len(live.lab.trainer.Theta) if live.lab is not None else 1
        cols[0].number_input("l (layer)", 1, max(1, L), 1, key="class_q_l")
        cols[1].number_input("j (to)", 1, 100_000, 1, key="class_q_j")
        cols[2].number_input("k (from; 0: bias)", 0, 100_000, 1, key="class_q_k")
    err = ss.pop("_class_ask_error", None)
    if err:
        st.error(text.plain(err))


def _buttons_ui(klass: Classroom, live: Any, cols: list[Any]) -> None:
    """*Ask the class*, *Reveal* and *End class*, one in each of ``cols``."""
    q = klass.current()
    cols[0].button(
        "Ask the class",
        key="class_ask",
        on_click=_ask,
        args=(klass, live),
        type="primary",
        help="Asks the question set under the live view (Next question; by default the sign "
        "of an edge's D). Every student's screen shows it with an Answer button.",
    )
    cols[1].button(
        "Reveal",
        key="class_reveal",
        on_click=_reveal,
        args=(klass, live),
        disabled=q is None or q.revealed,
        help="Close the question and show its answer and the class's answers.",
    )
    cols[2].button("End class", key="class_end", on_click=_end, help="Ends it for everyone.")


def class_ui(live: Any, app_settings: dict[str, Any]) -> Classroom | None:
    """The class's panel above the live view, for the projector: its code, link and QR code
    (folded to one line by *Show the code and QR code*), and *Ask the class*, *Reveal* and
    *End class*.  Nothing when this session has no class.  Returns the class."""
    klass = current()
    if klass is None or moved_ui(klass, live):
        return None
    klass.seen()
    klass.app_settings = app_settings  # what a student's copy carries
    link = class_link(klass.code)
    show = ss.get("class_show_code", True)  # folded: the network gets the projector
    with st.container(key="bp_class_panel", border=True):
        here = ss.get(MOVED_HERE_KEY)  # until the lecturer asks or reveals
        if here:
            st.info(text.plain(here, total=400))
        if show:
            qr_col, code_col, act_col = st.columns([1.0, 2.0, 2.0], vertical_alignment="top")
            qr_col.image(qr.svg(link), caption="Scan to follow", width="stretch")
            with code_col:
                st.caption("Class code")
                st.html(f'<div class="bp-class-code">{klass.code}</div>')
                st.caption("or open")
                st.code(link, language=None)
            with act_col:
                _buttons_ui(klass, live, st.columns(3))
                st.toggle("Show the code and QR code", key="class_show_code", value=True)
        else:
            cols = st.columns([3.2, 1.3, 1, 1, 2], vertical_alignment="center")
            cols[0].markdown(f"**Class {klass.code}** · `{link}`")
            _buttons_ui(klass, live, cols[1:4])
            cols[4].toggle("Show the code and QR code", key="class_show_code", value=True)
    st.html(CODE_CSS + (LINK_CSS if presenter_ui.presenting() else ""))
    return klass


def class_tools_ui(live: Any) -> None:
    """Below the live view: the next question's fields, and the questions asked with their
    tallies (*Export tallies*); in presenter mode without a class, *Start a class* (the
    projector's view keeps its room)."""
    klass = current()
    if klass is None:
        if presenter_ui.presenting():
            start_ui(live)
        return
    if not klass.leads(live):  # another tab teaches it (class_ui says so)
        return
    with st.expander("Next question (Ask the class, above, asks it)", expanded=False):
        question_form_ui(klass, live)
    tallies_ui(klass)


#: The code, large enough to read from the back of a hall (a constant: no user data in it).
CODE_CSS = """<style>
.bp-class-code {
  font: 700 clamp(32px, 4.2vw, 88px)/1.05 ui-monospace, monospace; letter-spacing: 0.12em;
}
</style>"""


#: On the projector the link is read from the back too.
LINK_CSS = "<style>.st-key-bp_class_panel code { font-size: 22px !important; }</style>"


def tallies_ui(klass: Classroom) -> None:
    """The class's questions with their tallies, and *Export tallies*."""
    rows = klass.tallies()
    if not rows:
        return
    with st.expander(f"Questions asked ({len(rows)})"):
        st.dataframe(rows, hide_index=True, key="class_tallies")
        st.download_button(
            "Export tallies",
            klass.tallies_csv(),
            file_name=f"class-{klass.code}-tallies.csv",
            mime="text/csv",
            key="class_export",
        )


__all__ = ["COOKIE", "class_link", "class_ui", "current", "reclaim_ui", "start_ui"]
