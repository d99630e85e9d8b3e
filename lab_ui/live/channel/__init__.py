"""The live channel: the Playground's frames travel over a WebSocket of their own.

Streamlit re-runs a script for every change on the page; that path is fine for a control
that changed, but not for 60 frames a second.  So the frames leave it:

* a :class:`~lab_ui.live.channel.session.LiveSession` per Streamlit session holds the Lab, what
  the view shows and an unguessable token (handed to the live view through its data);
* the route ``/bp/live/ws`` (:mod:`lab_ui.live.channel.endpoint`, mounted by ``app.py`` through
  ``st.App``) checks the Origin and the token, then streams that session's frames;
* one scheduler thread (:mod:`lab_ui.live.channel.scheduler`) trains the playing sessions in
  turn, paced by the browsers: a client asks for the next frame as it starts painting the
  last one, so nothing queues and nothing is thrown away; under load every session's
  training budget per frame shrinks, so every one keeps moving;
* :mod:`lab_ui.live.channel.protocol` validates what clients send and packs frames (JSON header
  plus binary arrays).

Every number in a frame still comes from ``bp_core`` (through :mod:`lab_ui.live.frames`); the
component only draws.
"""

from .session import HUB, LiveSession

__all__ = ["HUB", "LiveSession"]
