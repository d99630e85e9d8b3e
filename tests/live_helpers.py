"""A live session as the Playground makes one, for the channel's and the classes' tests."""

from __future__ import annotations

from lab_ui.live.channel import LiveSession
from lab_ui.live.channel.session import ViewSettings
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema


def live_session(**settings: object) -> LiveSession:
    """A LiveSession showing the Lab the Playground builds from these URL settings (e.g.
    ``batch=10``), with the default view settings."""
    ss: dict = {}
    schema.init_session(ss, {k: str(v) for k, v in settings.items()})
    live = LiveSession()
    live.publish(lab_mod.sync_lab(ss), ViewSettings())
    return live
