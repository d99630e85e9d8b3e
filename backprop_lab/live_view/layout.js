// Layout arithmetic of the live view: where things go on a canvas, and what the pointer is
// over.  Pure functions of numbers (no DOM), tested under node (tests/js/layout.test.mjs).
// Coordinates are CSS pixels from a canvas's top left corner.

import { niceTicks } from "./format.js";

// ---------- text size ------------------------------------------------------------------------

/**
 * Canvas text at `scale` times its base size (presenter mode: 2), so chart text grows with
 * the page's text on a projector: font(px, bold) is a canvas font, px(v) a margin, offset or
 * row height that holds text (scaled with it).
 */
export function textSize(scale = 1) {
  return {
    scale,
    font: (px, bold = false) => `${bold ? "bold " : ""}${Math.round(px * scale)}px sans-serif`,
    px: (v) => v * scale,
  };
}

/** The window height presenter mode's canvas text is sized for (a 1920 × 1080 projector). */
export const PROJECTOR_H = 1080;

/**
 * The canvas text size for a window `windowH` px tall: presenter mode's `scale` (2) is for a
 * 1080 px projector, and a shorter one (1280 × 720) gets text in proportion, so the
 * boundary, the diagram and the J chart fit on it too (at least 1.25 times, and never more
 * than `scale`); a student's view keeps `scale`.
 */
export function windowScale(scale, presenter, windowH) {
  if (!presenter || !(windowH > 0) || scale <= 1.25) return scale;
  return Math.max(1.25, Math.min(scale, +(scale * (windowH / PROJECTOR_H)).toFixed(2)));
}

/** Rows of a legend that wraps: items in order, a new row when the next would pass `room`.
 * width(item) is an item's width including its gap; each row starts at `start`. */
export function wrapRows(items, width, room, start) {
  const rows = [[]];
  let used = start;
  for (const it of items) {
    const w = width(it);
    if (used + w > room && rows[rows.length - 1].length) { rows.push([]); used = start; }
    rows[rows.length - 1].push(it);
    used += w;
  }
  return rows;
}

// ---------- the network diagram ---------------------------------------------------------------

/** The diagram's smallest height (px) when it shrinks to fit the window. */
export const NET_MIN_H = 200;

/** The diagram's height for a network with these layer sizes. */
export function netHeight(sizes, scale = 1) {
  return Math.max(260, Math.min(560, 40 + 22 * Math.max(...sizes) + 40)) + 48 * (scale - 1);
}

/**
 * Where each unit of the diagram goes.  net: the frame's net part ({sizes, names, mode});
 * W × H: the canvas.  Returns {cols: [{x, ys, withBias}] per layer, r: the node radius};
 * ys[0] is the bias unit (+1) of every layer but the output layer.
 */
export function layoutNet(net, W, H, scale = 1) {
  const tx = textSize(scale);
  const sizes = net.sizes, L = sizes.length;
  const longest = (names) => Math.max(0, ...(names || []).map((n) => String(n).length));
  const top = tx.px(34), bottom = tx.px(net.mode === "backward" ? 28 : 14); // backward: two rows of labels
  const left = tx.px(Math.min(110, 22 + 6.5 * longest(net.names[0])));
  const right = tx.px(Math.min(140, 22 + 6.5 * longest(net.names[L - 1])));
  const maxUnits = Math.max(...sizes.map((s, l) => s + (l < L - 1 ? 1 : 0)));
  const step = (H - top - bottom) / Math.max(1, maxUnits);
  const r = Math.max(2.5, Math.min(tx.px(13), step * 0.36));
  const cols = [];
  for (let l = 0; l < L; l++) {
    const x = L === 1 ? W / 2 : left + ((W - left - right) * l) / (L - 1);
    const withBias = l < L - 1;
    const n = sizes[l] + (withBias ? 1 : 0);
    const y0 = top + (H - top - bottom - step * n) / 2 + step / 2;
    const ys = [];
    for (let i = 0; i < n; i++) ys.push(y0 + step * i);
    cols.push({ x, ys, withBias });
  }
  return { cols, r };
}

/** The y of unit `unit` (0 = the bias, 1 … s_l the real units, as in the course) of a column. */
export function nodeY(col, unit) {
  return col.withBias ? col.ys[unit] : col.ys[unit - 1];
}

/** At most this many edges are drawn (the strongest): a big network has thousands. */
export const MAX_EDGES = 1200;

/**
 * The diagram's edges.  edges[l]: Θ^(l+1) (or D) row-major, (s_{l+1}, s_l + 1); shared: one
 * scale for all layers instead of each layer's own.  Returns {segs, total, emaxL, emax}: segs
 * are [x1, y1, x2, y2, l, j, k, value, strength 0…1] (l 0-based, j and k as in Θ^(l+1)_jk),
 * the `max` strongest of `total`; emaxL each layer's largest |value|, emax the largest of all.
 */
export function netSegments(net, geo, edges, shared, max = MAX_EDGES) {
  const L = net.sizes.length;
  const emaxL = edges.map((e) => {
    let m = 0;
    for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(e[i]) || 0);
    return m > 0 ? m : 1;
  });
  let emax = Math.max(...emaxL);
  if (!(emax > 0)) emax = 1;
  // each weight's strength (0 … 1) first; segments are made only for the ones drawn (a big
  // network has ~8,000 weights, and sorting that many arrays every frame was half the cost)
  let total = 0;
  for (let l = 0; l < L - 1; l++) total += (net.sizes[l] + 1) * net.sizes[l + 1];
  const strength = new Float64Array(total);
  let n = 0;
  for (let l = 0; l < L - 1; l++) {
    const e = edges[l], scale = shared ? emax : emaxL[l];
    const count = (net.sizes[l] + 1) * net.sizes[l + 1];
    for (let q = 0; q < count; q++) strength[n++] = Math.min(1, Math.abs(e[q]) / scale) || 0;
  }
  // the `max` strongest: all above the max-th largest strength, then ties in weight order
  let cut = -1, ties = Infinity;
  if (total > max) {
    const sorted = Float64Array.from(strength).sort();
    cut = sorted[total - max];
    let above = 0;
    for (let q = 0; q < total; q++) if (strength[q] > cut) above++;
    ties = max - above;
  }
  const segs = [];
  n = 0;
  for (let l = 0; l < L - 1; l++) {
    const a = geo.cols[l], b = geo.cols[l + 1];
    const nIn = net.sizes[l] + 1, nOut = net.sizes[l + 1];
    const e = edges[l];
    for (let j = 1; j <= nOut; j++) {
      const yb = nodeY(b, j);
      for (let i = 0; i < nIn; i++, n++) {
        const st = strength[n];
        if (st < cut || (st === cut && ties-- <= 0)) continue;
        segs.push([a.x, nodeY(a, i), b.x, yb, l, j, i, e[(j - 1) * nIn + i], st]);
      }
    }
  }
  if (total > max) segs.sort((p, q) => q[8] - p[8]); // strongest first, as before
  return { segs, total, emaxL, emax };
}

/**
 * How the drawn edges look: each segment's stroke bucket (2·nb of them: negative edges
 * 0 … nb − 1, positive nb … 2·nb − 1, by strength in nb steps) and `key`, a text that is the
 * same exactly when the picture is (the same edges in the same buckets at the same places;
 * the order of segs does not matter).  geo: layoutNet's; extra: anything else the picture
 * depends on (size, pixel ratio, line widths).  While a network trains, Θ changes every frame
 * but an edge changes bucket rarely: the diagram draws its edges again only when key changes.
 */
export function edgeLook(segs, nb, geo, extra = "") {
  const bucket = new Uint8Array(segs.length);
  const codes = new Float64Array(segs.length); // exact in a double: l, j, k < 2^16, bucket < 2^8
  for (let n = 0; n < segs.length; n++) {
    const sg = segs[n];
    const b = (sg[7] >= 0 ? nb : 0) + Math.min(nb - 1, Math.floor(sg[8] * nb));
    bucket[n] = b;
    codes[n] = ((sg[4] * 65536 + sg[5]) * 65536 + sg[6]) * 256 + b;
  }
  codes.sort();
  const where = geo.cols.map((c) => `${c.x.toFixed(2)},${(c.ys[0] || 0).toFixed(2)},${(c.ys[1] || 0).toFixed(2)}`);
  return { bucket, key: `${extra}|${where.join(";")}|${codes.join(",")}` };
}

/** Distance from (px, py) to the segment s = [x1, y1, x2, y2, …]. */
export function segDist(px, py, s) {
  const [x1, y1, x2, y2] = s;
  const dx = x2 - x1, dy = y2 - y1;
  const len2 = dx * dx + dy * dy || 1;
  let t = ((px - x1) * dx + (py - y1) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const qx = x1 + t * dx - px, qy = y1 + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}

/**
 * What of the drawn diagram is at (px, py): {node} within r + 2 px of a node's centre
 * (nodes win), else {seg} for the nearest edge closer than `within` px, else null.
 * hits: {nodes: [{x, y, …}], segs, r}.
 */
export function netHit(hits, px, py, within = 5) {
  if (!hits) return null;
  for (const n of hits.nodes) if ((n.x - px) ** 2 + (n.y - py) ** 2 <= (hits.r + 2) ** 2) return { node: n };
  let best = null, bd = within;
  for (const s of hits.segs) {
    const d = segDist(px, py, s);
    if (d < bd) { bd = d; best = s; }
  }
  return best ? { seg: best } : null;
}

// ---------- the decision boundary -------------------------------------------------------------

/** The boundary plot's size: {W, H, m: margins, side: the square plot's side}.  width: the
 * card's; multiclass plots have no colour bar on the right; maxH: the height it may take
 * (fitHeight: the plot shrinks, to a side of MIN_SIDE at least, to keep its bottom in the
 * window). */
export function boundaryLayout(width, multiclass, scale = 1, maxH = Infinity) {
  const tx = textSize(scale);
  const W = Math.max(260, Math.min(width || 420, 560 + 200 * (scale - 1)));
  const m = { l: tx.px(46), r: multiclass ? 12 : tx.px(64), t: tx.px(8), b: tx.px(58) };
  let side = W - m.l - m.r;
  if (side + m.t + m.b > maxH) {
    side = Math.max(Math.min(side, MIN_SIDE), Math.floor(maxH - m.t - m.b));
    const extra = W - side - m.l - m.r; // the smaller square in the middle, the legend as wide
    m.l += extra / 2;
    m.r += extra / 2;
  }
  return { W, H: side + m.t + m.b, m, side };
}

/** The boundary plot's smallest side (px) when it shrinks to fit the window. */
export const MIN_SIDE = 140;
/** The J chart's smallest height (px) when it fits the window beside the others (presenter). */
export const CHART_MIN_H = 200;

/**
 * The height a view may take so that its bottom stays inside the window, for a page seen
 * from its top (a projector, a first look): its `natural` height, cut to the room from
 * `top` (the view's top on the page, px) to the window's bottom less `margin`, but never
 * below `floor` (then the page scrolls, as before).  No window height: `natural`.
 */
export function fitHeight(natural, top, windowH, floor, margin = 12) {
  if (!(windowH > 0) || !Number.isFinite(top)) return natural;
  return Math.min(natural, Math.max(floor, windowH - top - margin));
}

/** The plot's geometry for the data extent ext = [x0, x1, y0, y1]: X(x), Y(y) in pixels. */
export function plotGeo(m, side, ext) {
  const X = (v) => m.l + ((v - ext[0]) / (ext[1] - ext[0])) * side;
  const Y = (v) => m.t + side - ((v - ext[2]) / (ext[3] - ext[2])) * side;
  return { m, side, ext, X, Y };
}

/** The data point [x, y] under pixel (px, py) (outside the plot too). */
export function toData(g, px, py, ext = g.ext) {
  return [
    ext[0] + ((px - g.m.l) / g.side) * (ext[1] - ext[0]),
    ext[2] + ((g.m.t + g.side - py) / g.side) * (ext[3] - ext[2]),
  ];
}

/** Is pixel (px, py) on the plot (edges included)? */
export const inPlot = (g, px, py) =>
  Boolean(g) && px >= g.m.l && py >= g.m.t && px <= g.m.l + g.side && py <= g.m.t + g.side;

/** The extent after one wheel step about data point (x, y): out (deltaY > 0) by 1.25, else in. */
export function zoomAbout(ext, x, y, deltaY) {
  const k = deltaY > 0 ? 1.25 : 0.8;
  return [x - (x - ext[0]) * k, x + (ext[1] - x) * k, y - (y - ext[2]) * k, y + (ext[3] - y) * k];
}

/** The extent after dragging data point p (grabbed at extent ext) to pixel (px, py). */
export function panned(g, ext, p, px, py) {
  const [x, y] = toData(g, px, py, ext);
  const dx = p[0] - x, dy = p[1] - y;
  return [ext[0] + dx, ext[1] + dx, ext[2] + dy, ext[3] + dy];
}

/** The index (i · nx + j) of the boundary grid's cell holding data point (x, y), or −1. */
export function gridCell(b, x, y) {
  const j = Math.floor(((x - b.img_x[0]) / (b.img_x[1] - b.img_x[0])) * b.nx);
  const i = Math.floor(((y - b.img_y[0]) / (b.img_y[1] - b.img_y[0])) * b.ny);
  return i < 0 || j < 0 || i >= b.ny || j >= b.nx ? -1 : i * b.nx + j;
}

// ---------- per-neuron maps and charts --------------------------------------------------------

/** The maps' grid: a row per layer, a square cell per unit.  units: the layers' unit counts. */
export function mapsLayout(W, units, scale = 1) {
  const labelW = 54 * scale;
  const cell = Math.max(14, Math.min(64, Math.floor((W - labelW) / Math.max(...units)) - 3));
  const rowH = cell + 6;
  return {
    labelW, cell, rowH, H: rowH * units.length + 4,
    x: (u) => labelW + u * (cell + 3),
    y: (row) => 2 + row * rowH,
  };
}

/**
 * One vertical axis of a chart: {tr: value → pixel y, ticks}.  The range is the series'
 * finite values on this side (positive ones on a log axis), or ax.range; a linear axis gets
 * 5 % padding (from 0 when ax.zero), a log one whole decades.
 */
export function chartAxis(series, side, ax, top, ph) {
  let lo = Infinity, hi = -Infinity;
  for (const sr of series) {
    if ((sr.axis || "left") !== side) continue;
    for (const v of sr.y) {
      if (v === null || !Number.isFinite(v) || (ax.log && v <= 0)) continue;
      lo = Math.min(lo, v); hi = Math.max(hi, v);
    }
  }
  if (ax.range) { lo = ax.range[0]; hi = ax.range[1]; }
  if (!Number.isFinite(lo)) { lo = ax.log ? 1e-3 : 0; hi = 1; }
  if (ax.log) {
    let a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
    if (a === b) { a -= 1; b += 1; }
    const every = Math.max(1, Math.ceil((b - a) / 6));
    const ticks = [];
    for (let e = a; e <= b; e += every) ticks.push(Math.pow(10, e));
    return { tr: (v) => top + ph - ((Math.log10(v) - a) / (b - a)) * ph, ticks, lo: 10 ** a, hi: 10 ** b };
  }
  if (!ax.range) {
    if (ax.zero) lo = Math.min(0, lo);
    const pad = (hi - lo) * 0.05 || 0.5;
    hi += pad;
    if (!ax.zero) lo -= pad;
  }
  return { tr: (v) => top + ph - ((v - lo) / (hi - lo)) * ph, ticks: ax.ticks || niceTicks(lo, hi, 4), lo, hi };
}
