"""Regenerate ``bp_core/data/digits.npz`` from scikit-learn's copy of the UCI digits.

Dev-only, run once by hand (``pip install scikit-learn`` first)::

    python bench/make_digits_data.py

``bp_core`` never imports scikit-learn; it only reads the ``.npz`` this script writes.
The file holds two arrays:

- ``images``: uint8 of shape (1797, 64), pixel counts 0..16, row-major 8x8 images;
- ``labels``: uint8 of shape (1797,), the digit 0..9 of each image.

Source and licence are recorded in ``bp_core/data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUT = Path(__file__).resolve().parent.parent / "bp_core" / "data" / "digits.npz"


def main() -> None:
    """Extract the digits from scikit-learn, check them and write the ``.npz`` file."""
    bunch = load_digits()
    data = np.asarray(bunch.data)  # (1797, 64) float64 holding integers 0..16
    target = np.asarray(bunch.target)  # (1797,)
    if data.shape != (1797, 64) or target.shape != (1797,):
        raise SystemExit(f"unexpected shapes {data.shape}, {target.shape}")
    if not np.array_equal(data, np.round(data)) or data.min() < 0 or data.max() > 16:
        raise SystemExit("pixels are not integers in 0..16")
    if set(np.unique(target).tolist()) != set(range(10)):
        raise SystemExit("labels are not the digits 0..9")
    images = data.astype(np.uint8)  # (1797, 64)
    labels = target.astype(np.uint8)  # (1797,)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, images=images, labels=labels)
    counts = np.bincount(labels, minlength=10)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes); images per digit: {counts.tolist()}")


if __name__ == "__main__":
    main()
