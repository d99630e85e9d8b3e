"""The network diagram alone and still: the live view's own diagram (``diagram.js`` drawNet)
as a small component of its own, for a page that shows one pass, not a stream (the
Step-through page).

It draws the same :class:`~lab_ui.live.frame.NetPart` the live view draws, built by the one
frame builder (:func:`lab_ui.live.frames.net_part`), and marks what one step touches
(:class:`LitPart`, ``lit.js``).  Its assets are the live view's (``backprop_lab/live_view/``,
entry ``net_view.js``), declared in ``pyproject.toml`` as the component ``net_view``; its style
is the live view's own sheet, ``live_view.css`` (the same ``asset_dir``, so Streamlit lets both
components name it): the card, legend and tooltip both draw are written there once, as
``:is(.bp-live, .bp-still)``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypedDict

import streamlit as st

from lab_ui.live.frame import NetPart
from lab_ui.shared import presenter_ui

COMPONENT = "backprop-lab.net_view"  # "<project name>.<component name>" in pyproject.toml


class LitPart(TypedDict):
    """What one step reads, computes and uses, in the course's numbers (1-based)."""

    read: list[int]  # course layers l whose units the step reads
    written: list[int]  # course layers l whose units it computes
    edges: list[int]  # course l of each Θ^(l) it uses (its connections are marked)
    bias: bool  # whether the bias unit's connections take part (not when δ is sent back)
    backward: bool  # a backward step (δ, Δ, D, the update): marked in the backward colour


def lit_part(
    read: Sequence[int],
    written: Sequence[int],
    edges: Sequence[int],
    *,
    bias: bool = True,
    backward: bool = False,
) -> LitPart:
    """A :class:`LitPart` from course layer numbers."""
    return {
        "read": [int(l) for l in read],
        "written": [int(l) for l in written],
        "edges": [int(l) for l in edges],
        "bias": bool(bias),
        "backward": bool(backward),
    }


def _mounter():
    return st.components.v2.component(
        COMPONENT,
        html='<div class="bp-net-host"></div>',
        js="net_view.js",
        css="live_view.css",  # the live view's sheet: the rules both share, once
        isolate_styles=False,
    )


def net_view(net: NetPart, lit: LitPart | None = None, *, key: str) -> None:
    """Draw ``net`` (a frame's net part) with ``lit`` marked, at the page's text size
    (presenter mode's larger text too)."""
    data = {
        "net": net,
        "lit": lit,
        "scale": presenter_ui.canvas_scale(),
        "presenter": presenter_ui.presenting(),
    }
    _mounter()(
        key=key,
        data=json.dumps(data, separators=(",", ":")).encode("utf-8"),
        width="stretch",
        height="content",
    )
