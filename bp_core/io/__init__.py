"""Save and load a training run: configuration, Θ, history, settings and the data set.

Two formats, the same content:

* **JSON** (``to_json`` / ``from_json``, in ``json_file``): one object, readable in any text
  editor; at most ``MAX_JSON_BYTES`` (8 MB) and ``MAX_JSON_VALUES`` values.
* **.npz** (``save_npz`` / ``load_npz``, in ``npz_file``): numpy's zip of arrays, compressed,
  for runs of any size up to ``MAX_NUMBERS`` numbers.

What is written and every check made on reading live once, in ``schema``: the
configuration and the settings are written field by field (``dataclasses.fields``), so
every field of ``NetConfig`` and ``TrainSettings`` round-trips.

Loading treats the file as untrusted.  Nothing is unpickled (``allow_pickle=False``; object
arrays are refused from their header).  A JSON text is measured before it is parsed (size,
values, nesting).  Every shape and every name is checked before an array is allocated.  Every
problem — not JSON, not an .npz, a wrong or missing format version, missing keys, **unknown
keys (rejected, not ignored, so a typo or a newer file never loads half-understood)**, wrong
types, numbers out of range (a whole number above ``MAX_COUNT``, more classes than the output
layer can tell apart, an image shape that is not the features, a name longer than
``MAX_NAME_CHARS``), Θ shapes that do not match the configuration, NaN or inf in Θ or the data,
more than ``MAX_NUMBERS`` numbers, layers wider than ``MAX_LAYER_SIZE`` or more than
``MAX_LAYERS`` layers — raises ``ValueError`` with a sentence for the student.  Every object
is rebuilt with its normal constructor (``NetConfig``, ``TrainSettings``, ``Dataset``, …), so
their checks run too.

The optimizer's state is saved too (momentum's velocity v, Adam's moments m, v and step count
t: ``Run.optimizer_state``), so training continued after a save and a load gives the same Θ,
bit for bit, as training on without them.  Files written before it was saved load with
``optimizer_state = None`` and resume with a fresh state; files written before L1
regularization existed load as L2 (``schema.FIELDS_ADDED``).  Not saved: the random generator
(mini-batch order) and the Θ snapshots.  A run may carry ``app_settings`` (the settings of
the program that made it, e.g. the Playground's noise and seed): kept as they are, checked
as plain short values (``MAX_APP_SETTINGS`` of them at most), never read by bp_core.

Beside the run file: ``png.encode_png`` (an image array → PNG bytes, numpy + zlib only) and
``snippet.python_snippet`` (a Python script that reproduces a run with bp_core's
``build_run``, as the app builds it).
"""

from __future__ import annotations

from . import json_file, npz_file, png, schema, snippet
from .json_file import from_json, to_json
from .npz_file import load_npz, save_npz
from .png import encode_png
from .run import Run, copy_optimizer_state, restore_trainer, run_from_trainer
from .schema import (
    APP_SETTINGS_KEY,
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_APP_SETTINGS,
    MAX_COUNT,
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    MAX_JSON_CHARS,
    MAX_JSON_DEPTH,
    MAX_JSON_VALUES,
    MAX_LAYER_SIZE,
    MAX_LAYERS,
    MAX_META_CHARS,
    MAX_NAME_CHARS,
    MAX_NUMBERS,
)
from .snippet import python_snippet

__all__ = [
    "APP_SETTINGS_KEY",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_APP_SETTINGS",
    "MAX_COUNT",
    "MAX_FILE_BYTES",
    "MAX_JSON_BYTES",
    "MAX_JSON_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_VALUES",
    "MAX_LAYERS",
    "MAX_LAYER_SIZE",
    "MAX_META_CHARS",
    "MAX_NAME_CHARS",
    "MAX_NUMBERS",
    "Run",
    "copy_optimizer_state",
    "encode_png",
    "from_json",
    "json_file",
    "load_npz",
    "npz_file",
    "png",
    "python_snippet",
    "restore_trainer",
    "run_from_trainer",
    "save_npz",
    "schema",
    "snippet",
    "to_json",
]
