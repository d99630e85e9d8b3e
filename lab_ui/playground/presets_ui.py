"""The Playground's presets: a select box of ``bp_core.presets.PRESETS`` and the story of
the one applied.

Choosing a preset writes its settings into the session through the schema (each validated,
:func:`lab_ui.shared.schema.preset_values`), builds the Lab again from them (epoch 0, paused)
and shows the preset's story above the live view, folded to one line. A link
``?preset=xor_hidden_layer`` does the same on the session's first run
(``lab_ui.shared.schema.settings_from_query``). The texts are the preset's own (bp_core), shown
with the course's superscripts and escaped for Markdown.
"""

from __future__ import annotations

import streamlit as st

from bp_core.presets import PRESETS
from lab_ui.live.live_view import live_session_ui
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text
from lab_ui.shared.widgets import setting_ui

ss = st.session_state


def apply_preset(name: str) -> None:
    """Write preset ``name``'s settings into the session and start its Lab at epoch 0.

    A preset the schema refuses (never one of ours: a test applies every one) changes
    nothing and says why.
    """
    try:
        values = schema.preset_values(name)
    except ValueError as err:
        schema.note(ss, f"The preset was not applied: {text.plain(err)}")
        return
    for k, v in values.items():
        schema.set_setting(ss, k, v)
    schema.set_setting(ss, "preset", name)
    schema.drop_layer_widgets(ss)
    live = live_session_ui()
    with live.lock:  # the channel's scheduler trains the Lab between page runs
        try:
            ss["lab"] = lab_mod.build_lab(ss)
        except ValueError as err:
            schema.note(ss, f"The preset could not be built: {text.plain(err)}")
        ss["playing"] = False
        live.playing = False


def _preset_chosen() -> None:
    if schema.sync_from_widget(ss, "preset") and ss["preset"]:
        apply_preset(ss["preset"])


def presets_ui() -> str:
    """The Presets section of the sidebar: the select box and an Apply button (the chosen
    preset again: its settings, epoch 0).  Returns the chosen preset's name ("" for none)."""
    name = setting_ui("preset", on_change=_preset_chosen)
    st.button(
        "Apply again",
        key="b_preset",
        on_click=apply_preset,
        args=(name,),
        disabled=not name,
        width="stretch",
        help="Put back the preset's settings and start again at epoch 0.",
    )
    return name


def _md(s: str) -> str:
    """Our preset text for Markdown: Θ^(1) as Θ⁽¹⁾, every mark shown literally."""
    return text.escape_markdown(text.course(s))


def first_sentence(s: str) -> str:
    """The first sentence of ``s`` (up to its first ". " or the end)."""
    head, dot, _ = str(s).partition(". ")
    return head + ("." if dot else "")


def story_ui(name: str, pointer: str = "") -> None:
    """The story of preset ``name`` (nothing for ""), folded to one line above the live view
    so that it never pushes the view down: its title and, after it, ``pointer`` (where the
    lesson's open question is) or the first sentence of what to watch.  Opened: what to
    watch, what to try next and the claim a test checks."""
    preset = PRESETS.get(name)
    if preset is None:
        return
    after = pointer or first_sentence(text.course(preset.watch))
    label = f"**Preset: {_md(preset.title)}** · {text.escape_markdown(after)}"
    # its container's key (.st-key-bp_story) keeps the folded label on one line (live_view.css)
    with st.container(key="bp_story"), st.expander(label, expanded=False):
        st.markdown(f"**Watch.** {_md(preset.watch)}")
        st.markdown(f"**Try next.** {_md(preset.try_next)}")
        if preset.compare:  # the button is below the live view, where the student looks then
            st.caption(
                f"At epoch {preset.stop_epoch:,}, a button below the live view tries it beside "
                "this run in one click."
            )
        at = " and ".join(f"{s.epoch:,}" for s in preset.all_stops)
        st.caption(
            f"Checked by a test, epoch by epoch: {_md(preset.claim.statement)} "
            f"Play pauses by itself at epoch {at}."
        )


__all__ = ["apply_preset", "first_sentence", "presets_ui", "story_ui"]
