"""lab_ui.live.transport: one byte per value for the browser (moved from bp_core.grids)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bp_core import grids
from lab_ui.live.transport import dequantize, quantize

# --------------------------------------------------------------------------------------
# Quantization
# --------------------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    lo=finite,
    width=st.floats(1e-3, 1e6),
    u=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=6), elements=st.floats(0, 1)),
)
def test_quantize_round_trip_error(lo, width, u):
    hi = lo + width
    grid = lo + u * (hi - lo)  # values in [lo, hi]
    grid = np.clip(grid, lo, hi)
    q = quantize(grid, lo, hi)
    assert q.dtype == np.uint8 and q.shape == grid.shape
    back = dequantize(q, lo, hi)
    # stated tolerance: half a level, (hi − lo)/510, plus float64 rounding of the arithmetic
    tol = (hi - lo) / 510 * (1 + 1e-12) + 1e-15 * max(abs(lo), abs(hi))
    assert np.all(np.abs(back - grid) <= tol)


def test_quantize_levels_clip_and_errors():
    g = np.array([[-5.0, 0.0, 0.5, 1.0, 7.0]])
    np.testing.assert_array_equal(quantize(g, 0, 1), [[0, 0, 128, 255, 255]])
    np.testing.assert_array_equal(quantize(g, 0, 1, levels=3), [[0, 0, 1, 2, 2]])
    np.testing.assert_array_equal(dequantize(np.array([0, 1, 2], np.uint8), 0, 1, 3), [0, 0.5, 1])
    for args in [(g, 1, 1), (g, 1, 0), (g, 0, np.inf), (g, 0, 1, 1), (g, 0, 1, 257)]:
        with pytest.raises(ValueError):
            quantize(*args)
    with pytest.raises(ValueError):
        quantize(np.array([np.nan]), 0, 1)
    with pytest.raises(ValueError):
        dequantize(np.array([1.0]), 0, 1)


def test_quantize_left_the_engine():
    """The engine computes grids; packing them for the browser is lab_ui's job."""
    assert not hasattr(grids, "quantize") and not hasattr(grids, "dequantize")
    import ast

    import lab_ui.live.transport as transport

    tree = ast.parse(open(transport.__file__, encoding="utf-8").read())
    imported = {
        a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    imported |= {
        n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    }
    assert imported <= {"__future__", "math", "numpy"}, imported
