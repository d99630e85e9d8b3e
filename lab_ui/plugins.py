"""Registry entries from outside the repository, loaded once when the server starts.

``BACKPROP_LAB_PLUGINS`` names Python modules, comma-separated
(``BACKPROP_LAB_PLUGINS=my_course.entries,other.module streamlit run app.py``).  Each is
imported once per server process, before any page runs; a module registers its entries with
``bp_core.register_activation``, ``register_optimizer`` and ``register_dataset``, either when
it is imported or in a function ``register_all()``, which is then called.  From then on every
page, link and run file knows the entries, exactly as it knows bp_core's own.

A module that cannot be imported, or whose registration fails, is reported in the server's
log with the reason, once; the app runs on without it (a page never crashes over it).
No streamlit import here.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading

#: The environment variable naming the plugin modules.
PLUGINS_VARIABLE = "BACKPROP_LAB_PLUGINS"
#: The function a plugin module may define; it is called once, after the import.
REGISTER_FUNCTION = "register_all"

log = logging.getLogger("backprop_lab.plugins")

_lock = threading.Lock()
#: Every module asked for so far in this process → "" when loaded, else the reason it failed.
_loaded: dict[str, str] = {}


def plugin_names(spec: str | None) -> list[str]:
    """The module names in a ``BACKPROP_LAB_PLUGINS`` value: split at commas, blanks dropped,
    each name once."""
    names = [n.strip() for n in (spec or "").split(",")]
    return list(dict.fromkeys(n for n in names if n))


def _load(name: str) -> str:
    """Import ``name`` and call its ``register_all()``; "" on success, else the reason."""
    try:
        module = importlib.import_module(name)
        register = getattr(module, REGISTER_FUNCTION, None)
        if callable(register):
            register()
    except Exception as err:  # noqa: BLE001 (any error in a plugin is reported, not raised)
        return f"{type(err).__name__}: {err}"
    return ""


def load_plugins(spec: str | None = None) -> dict[str, str]:
    """Load the plugin modules named in ``spec`` (default: ``$BACKPROP_LAB_PLUGINS``), each
    once per process (a second call does nothing for a name already tried).

    Returns
    -------
    dict
        Every name in ``spec`` → "" when it is loaded, else why it is not (also written to
        the server's log, once, when it first fails).
    """
    names = plugin_names(os.environ.get(PLUGINS_VARIABLE) if spec is None else spec)
    with _lock:
        for name in names:
            if name in _loaded:
                continue
            problem = _load(name)
            _loaded[name] = problem
            if problem:
                log.error(
                    "%s: the plugin module %r was not loaded (%s); the app runs without it.",
                    PLUGINS_VARIABLE,
                    name,
                    problem,
                )
            else:
                log.info("%s: loaded the plugin module %r.", PLUGINS_VARIABLE, name)
        return {name: _loaded[name] for name in names}
