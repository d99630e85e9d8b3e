// Colour scales of the live view: pure functions from values to RGB (no DOM), tested under
// node (tests/js/colour.test.mjs).  Orange is negative (and class 0), blue positive (and
// class 1), white the middle, as in TF Playground.

export const ORANGE = [245, 147, 34]; // negative / class 0
export const BLUE = [8, 119, 189]; // positive / class 1
export const WHITE = [248, 248, 248];
export const CLASS_RGB = [
  ORANGE, BLUE, [44, 160, 44], [148, 103, 189], [214, 39, 40],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];
/** One colour per layer, for the ‖D^(l)‖ curves. */
export const LAYER_COLORS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
];

/** The colour a fraction t of the way from c0 to c1 (whole numbers). */
export function mix(c0, c1, t) {
  return [0, 1, 2].map((i) => Math.round(c0[i] + (c1[i] - c0[i]) * t));
}

/** Diverging colour for v in [−1, 1] (clipped): orange (−1) → white (0) → blue (+1). */
export function divRGB(v) {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(WHITE, ORANGE, -t) : mix(WHITE, BLUE, t);
}

/** Class k's colour (the ten colours repeat beyond class 9). */
export const classRGB = (k) => CLASS_RGB[k % CLASS_RGB.length];

/** CSS text of an RGB triple. */
export const css = (rgb, a = 1) => `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${a})`;

/**
 * The decision boundary's pixels from its quantized grid.
 *
 * b: the frame's boundary part ({nx, ny, lo, hi, mid}); q: its values, uint8 (ny × nx, row 0 =
 * the lowest y); cls: the predicted class per cell (multiclass) or null; disc: two (or K) flat
 * colours instead of a shaded scale.  Returns {rgba: Uint8ClampedArray (ny × nx × 4, row 0 =
 * the top, as an image is), values: Float32Array (ny × nx, the grid's order, dequantized)}.
 */
export function boundaryPixels(b, q, cls, disc) {
  const { nx, ny } = b;
  const rgba = new Uint8ClampedArray(nx * ny * 4);
  const values = new Float32Array(nx * ny);
  const span = b.hi - b.lo;
  const midq = ((b.mid - b.lo) / (span || 1)) * 255;
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const k = i * nx + j;
      let c;
      values[k] = b.lo + (q[k] / 255) * span;
      if (cls) {
        c = mix(WHITE, classRGB(cls[k]), disc ? 0.75 : 0.15 + 0.7 * (q[k] / 255));
      } else {
        let t = (q[k] - midq) / (q[k] >= midq ? 255 - midq || 1 : midq || 1); // −1 … 1
        if (disc) t = q[k] >= midq ? 0.8 : -0.8;
        c = divRGB(t);
      }
      const p = ((ny - 1 - i) * nx + j) * 4; // grid row 0 is the bottom (y ascending)
      rgba[p] = c[0]; rgba[p + 1] = c[1]; rgba[p + 2] = c[2]; rgba[p + 3] = 255;
    }
  }
  return { rgba, values };
}

/**
 * One unit's map into rgba (res × res × 4, row 0 = the top).  m: the maps part's layer
 * ({lo, hi, sym, scale}); q: the layer's uint8 values (units × res × res); u: the unit (0-based).
 * Symmetric ranges (sym) are coloured by v / scale, the others from lo (orange) to hi (blue).
 */
export function mapPixels(m, q, u, res, rgba) {
  const off = u * res * res;
  for (let i = 0; i < res; i++) {
    for (let j = 0; j < res; j++) {
      const v = m.lo + (q[off + i * res + j] / 255) * (m.hi - m.lo);
      const c = divRGB(m.sym ? v / m.scale : (2 * (v - m.lo)) / (m.hi - m.lo || 1) - 1);
      const p = ((res - 1 - i) * res + j) * 4; // grid row i is y ascending: drawn bottom-up
      rgba[p] = c[0]; rgba[p + 1] = c[1]; rgba[p + 2] = c[2]; rgba[p + 3] = 255;
    }
  }
  return rgba;
}

/** A data point's fill: its class's colour, or (regression) its target on the boundary's scale. */
export function pointRGB(task, v, b) {
  if (task === "regression") return divRGB((2 * (v - b.lo)) / (b.hi - b.lo || 1) - 1);
  return classRGB(v);
}

// ---------- data points: outlined so both classes read on any background ----------------------

/** WCAG's relative luminance of an RGB triple (0 black … 1 white). */
export function luminance(rgb) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
}

/** WCAG's contrast ratio of two colours (1 … 21). */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export const POINT_DARK = [17, 17, 17];
export const POINT_LIGHT = [255, 255, 255];

/**
 * The rings around a data point, outermost first: [{rgb, width}] in CSS px.  Every point has
 * a dark ring and a light ring, so its edge reads on any background (a saturated orange or
 * blue boundary, or the white middle) and its fill reads against its edge whatever its class.
 * A training point has the dark ring outside (thin) and the light ring inside; a test point
 * the light ring outside and a thicker dark ring inside, so the two kinds stay apart.
 */
export function pointRings(split) {
  return split === "test"
    ? [{ rgb: POINT_LIGHT, width: 1 }, { rgb: POINT_DARK, width: 1.6 }]
    : [{ rgb: POINT_DARK, width: 1 }, { rgb: POINT_LIGHT, width: 1 }];
}
