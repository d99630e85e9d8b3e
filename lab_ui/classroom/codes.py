"""Class codes: six characters that read aloud without doubt, the first naming the replica.

The alphabet has no 0/O, no 1/I and no L, so a code read from a projector and typed on a
phone is the code that was meant; codes are shown in capitals and read case-insensitively.
The first character is ``ALPHABET[i]`` for replica ``i`` (the environment variable
``BACKPROP_LAB_REPLICA``, default 0): a proxy routes a class's socket by it to the process that
holds the class (``deploy/``).
"""

from __future__ import annotations

import logging
import os
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
ENV_REPLICA = "BACKPROP_LAB_REPLICA"

_log = logging.getLogger(__name__)


def replica_index() -> int:
    """This process's replica number, from ``BACKPROP_LAB_REPLICA`` (0 when unset; a value
    that is not a whole number from 0 to ``len(ALPHABET) - 1`` is logged and means 0)."""
    raw = os.environ.get(ENV_REPLICA, "").strip()
    if not raw:
        return 0
    try:
        i = int(raw)
    except ValueError:
        i = -1
    if not 0 <= i < len(ALPHABET):
        _log.warning(
            "%s=%r is not a replica number 0 … %d; using 0.", ENV_REPLICA, raw, len(ALPHABET) - 1
        )
        return 0
    return i


def new_code() -> str:
    """A fresh code of this replica: its letter, then five random characters."""
    rest = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return ALPHABET[replica_index()] + rest


def normalize(text: object) -> str | None:
    """The code in ``text`` in capitals (blanks around it ignored), or None when ``text`` is
    not a code (wrong length, a character outside :data:`ALPHABET`, not a string)."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


__all__ = ["ALPHABET", "ENV_REPLICA", "LENGTH", "new_code", "normalize", "replica_index"]
