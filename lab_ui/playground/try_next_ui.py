"""A preset's "try next" in one click: the current run stays on screen as a ghost (its J and
accuracy curves and its boundary outline, faded and labelled: ``lab_ui.live.compare``) and the
suggestion — the preset's comparison settings (``Preset.compare``) — starts training beside
it, from epoch 0, pausing at the epoch the ghost reached (the *Stop at epoch* setting), so
the two are compared at the same point.

The button is drawn below the live view, where the student looks when the lesson's stop is
reached (:func:`try_next_at_stop_ui`: the preset's own run, paused at its first stop or
diverged), not in the folded story.  The stop it sets is the URL's ``stop=`` only while it
applies: once the run has gone past it, the setting goes back to 0 (:func:`forget_passed_stop`).

Every setting goes through the schema (validated), and the new run is built by the one
builder (``lab_mod.build_lab`` → ``bp_core.build_run``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from bp_core import RunSettings
from bp_core.presets import PRESETS, Preset
from lab_ui.live import live_view
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text

ss = st.session_state

#: The button's key (declared in ``lab_ui.shared.schema``).
BUTTON_KEY = "b_try_next"
#: The session key of the stop a try next set (declared in ``lab_ui.shared.schema``).
STOP_KEY = "_try_next_stop"


def _value_text(name: str, value: Any) -> str:
    if isinstance(value, tuple | list):
        if not value:
            return "none"
        if len(value) > 1 and len(set(value)) == 1:
            return f"all {value[0]}"
        return ", ".join(text.feature(v) if name == "features" else str(v) for v in value)
    if isinstance(value, float):
        return text.number(value)
    return str(value)


def change_text(preset: Preset) -> str:
    """What the suggestion changes, in words: "α = 0.03", "Hidden layers = none"."""
    parts = []
    changed = dict(preset.compare)
    for name, value in preset.compare:
        if name == "acts" and changed.get("hidden") == ():
            continue  # no hidden layer: no activations to name
        setting = schema.BY_NAME[name]
        label = text.short_label(setting.label or name)
        shown = setting.fmt(value) if setting.fmt and not isinstance(value, tuple) else None
        parts.append(f"{label} = {shown or _value_text(name, value)}")
    return "; ".join(parts)


def run_try_next(name: str) -> None:
    """Keep the current run as a ghost, apply the preset's comparison settings, and play the
    new run to the epoch the ghost reached (the preset's stop when it had not trained)."""
    preset = PRESETS.get(name)
    if preset is None or not preset.compare:
        return
    live = live_view.live_session_ui()
    with live.lock:  # the channel's scheduler trains the Lab between page runs
        old = live.lab if live.lab is not None else ss.get("lab")
        if old is None:
            return
        kept = live.mech.ghost("keep", old, live)
        if not kept.startswith("Kept"):
            schema.note(ss, text.escape_markdown(kept))  # at most 4 runs: refused, why
            return
        try:
            for k, v in preset.compare:
                schema.set_setting(ss, k, v)
            stop = old.trainer.epoch if old.trainer.epoch > 0 else preset.stop_epoch
            ss[STOP_KEY] = schema.set_setting(ss, "stop", min(stop, schema.MAX_LINK_EPOCHS))
            schema.drop_layer_widgets(ss)
            same_data = lab_mod.data_sig(ss) == old.data_sig
            lab = lab_mod.build_lab(ss, old.dataset if same_data else None)
        except ValueError as err:
            schema.note(ss, f"The suggestion could not be built: {text.plain(err)}")
            return
        ss["lab"] = lab
        live.lesson_stops = lab_mod.lesson_stops(ss, lab)
    live.publish(lab, live_view.view_settings(ss))
    with live.lock:
        live.playing = True  # the suggestion trains beside its ghost
        live.notice = (
            f"{kept.split('.')[0]}. Now training the suggestion ({change_text(preset)}); it "
            f"pauses at epoch {ss['stop']:,}, where the ghost is."
        )
        live.dirty = True
    ss["playing"] = True


def forget_passed_stop(state: Any, lab: lab_mod.Lab) -> bool:
    """The stop a try next set (the ghost's epoch) no longer applies once the run has gone
    past it (or the *Stop at epoch* setting was changed since): it is forgotten, and the
    setting goes back to 0 when it still holds that stop, so the URL drops ``stop=``.  A stop
    the student set by hand is never touched.  Returns True when the setting was cleared."""
    stop = state.get(STOP_KEY)
    if not stop:
        return False
    if state.get("stop") != stop:  # changed since (by hand, a preset, a link): not ours
        state.pop(STOP_KEY, None)
        return False
    if lab.trainer.epoch <= stop:
        return False
    state.pop(STOP_KEY, None)
    schema.set_setting(state, "stop", 0)
    return True


def at_stop(preset: Preset, lab: lab_mod.Lab) -> bool:
    """The session trains the preset's own run and it has reached the lesson's first stop
    (or diverged before it): the moment to try the suggestion."""
    if lab.settings is None or getattr(lab, "edits", ()):
        return False
    try:
        if lab.settings != RunSettings.from_mapping(preset.settings):
            return False
    except ValueError:
        return False
    tr = lab.trainer
    return tr.diverged or tr.epoch >= preset.stop_epoch


def try_next_at_stop_ui(lab: lab_mod.Lab) -> None:
    """Below the live view, once the applied preset's run is paused at its stop: what to try
    next and the one-click button (nothing for a preset without a comparison run, while
    playing, or before the stop).  Also forgets a try next's stop the run has passed."""
    forget_passed_stop(ss, lab)
    preset = PRESETS.get(ss.get("preset") or "")
    if preset is None or not preset.compare or ss.get("playing") or not at_stop(preset, lab):
        return
    with st.container(border=True, key="bp_try_next"):
        st.markdown(f"**Try next.** {text.escape_markdown(text.course(preset.try_next))}")
        try_next_ui(preset.name)


def try_next_ui(name: str) -> None:
    """The one-click button of a preset's "Try next" (none for a preset without a
    comparison run)."""
    preset = PRESETS.get(name)
    if preset is None or not preset.compare:
        return
    st.button(
        f"Try it beside this run: {change_text(preset)}",
        key=BUTTON_KEY,
        on_click=run_try_next,
        args=(name,),
        type="primary",
        help="Keeps the current run as a ghost (its curves and boundary, faded and labelled) "
        "and trains the suggestion from epoch 0 beside it, pausing at the ghost's epoch.",
    )


__all__ = [
    "BUTTON_KEY",
    "STOP_KEY",
    "at_stop",
    "change_text",
    "forget_passed_stop",
    "run_try_next",
    "try_next_at_stop_ui",
    "try_next_ui",
]
