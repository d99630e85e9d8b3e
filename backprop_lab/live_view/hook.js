// The one test hook on `window`: window.__bp, read by the browser tests and benchmarks (its
// fields are documented in live_view.js).  Nothing here runs at import time.

import { pushBounded } from "./frame.js";

const DEFAULTS = () => ({
  painted: 0,
  paintTimes: [],
  last: null,
  stats: [],
  drawMs: 0,
  times: {},
  marks: {},
  skip: {},
  received: 0,
  recvTimes: [],
  png: null,
  root: null,
  mounts: 0,
  state: null,
});

/** window.__bp, made on first use (fields set before, e.g. a benchmark's `skip`, are kept). */
export function hook() {
  const h = (window.__bp = window.__bp || {});
  if (!h.paintTimes) {
    const d = DEFAULTS();
    for (const k of Object.keys(d)) if (!(k in h)) h[k] = d[k];
  }
  return h;
}

/** Mark the first time something happened (performance.now()). */
export function mark(name) {
  const m = hook().marks;
  if (!m[name]) m[name] = performance.now();
}

/** A frame arrived on the socket. */
export function received() {
  const h = hook();
  h.received += 1;
  pushBounded(h.recvTimes, performance.now());
}

/** Frame f was painted in drawMs (times: per part). */
export function painted(f, drawMs, times) {
  const h = hook();
  const t = performance.now();
  markParts(h, f);
  h.painted += 1;
  h.drawMs = drawMs;
  h.times = times;
  pushBounded(h.paintTimes, t);
  h.last = { epoch: f.epoch, step: f.step, rev: f.rev, t, server_ms: f.server_ms };
  pushBounded(h.stats, [t, f.server_ms || 0, drawMs, f.rev, f.server_wall_ms || 0]);
  return h.painted;
}

// The first time each part of the view was painted, and firstFull: every part the view shows
// (the boundary and the maps only when the frame has an input plane and hidden layers).
function markParts(h, f) {
  const skip = h.skip || {}, m = h.marks;
  if (f.net && !skip.net) mark("firstNet");
  const hasMaps = Boolean(f.maps && f.maps.layers && f.maps.layers.length);
  if (hasMaps && !skip.maps) mark("firstMaps");
  if (f.history && !skip.curves) mark("firstCurves");
  if (!m.firstFull && m.firstNet && m.firstCurves && (m.firstBoundary || !f.boundary)
    && (m.firstMaps || !hasMaps)) m.firstFull = performance.now();
}

/** A live view was mounted: its root element and its state. */
export function mounted(root, state) {
  const h = hook();
  h.mounts += 1;
  h.root = root;
  h.state = state;
  h.marks.mounted = performance.now();
}
