"""The session's state, under its old name: the settings schema and the session's Lab.

The two halves now live in their own modules:

* :mod:`lab_ui.schema` — every setting and every other session key, declared once
  (type, bounds, label, URL name, validation), the URL round trip and the widget glue;
* :mod:`lab_ui.lab` — the session's :class:`~lab_ui.lab.Lab` (build, sync, reset, train).

This module re-exports both so older imports (``from lab_ui import state``) keep working.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from .lab import (
    CsvFile,
    Lab,
    build_lab,
    make_config,
    make_dataset_from,
    make_settings,
    reset_lab,
    snapshots_kept,
    status_line,
    sync_lab,
    train_for_frame,
)
from .schema import (
    ALPHAS,
    BATCH_SIZES,
    BY_NAME,
    CSV_DATASET,
    LAMBDAS,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    N_POINTS,
    SCHEMA,
    SPEEDS,
    Setting,
    fit_acts,
    init_session,
    seed_widget,
    settings_from_query,
    settings_to_query,
    sync_from_widget,
    validate,
)

SPEED_LABELS = {s: BY_NAME["speed"].fmt(s) for s in ("slow", "step", "1")}


def widget_key(state: MutableMapping[str, Any], name: str) -> str:
    """Old name of :func:`lab_ui.schema.seed_widget`: the widget key of setting ``name``,
    seeded from the setting if the widget is new."""
    return seed_widget(state, name)


__all__ = [
    "ALPHAS",
    "BATCH_SIZES",
    "BY_NAME",
    "CSV_DATASET",
    "LAMBDAS",
    "MAX_HIDDEN_LAYERS",
    "MAX_UNITS",
    "N_POINTS",
    "SCHEMA",
    "SPEEDS",
    "SPEED_LABELS",
    "CsvFile",
    "Lab",
    "Setting",
    "build_lab",
    "fit_acts",
    "init_session",
    "make_config",
    "make_dataset_from",
    "make_settings",
    "reset_lab",
    "settings_from_query",
    "settings_to_query",
    "snapshots_kept",
    "status_line",
    "sync_from_widget",
    "sync_lab",
    "train_for_frame",
    "validate",
    "widget_key",
]
