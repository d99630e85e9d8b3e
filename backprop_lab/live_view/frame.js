// Frames as they arrive: unpacking, the version check, merging with what the view already
// has, and the bounded curve history.  Pure functions (no DOM), tested under node
// (tests/js/frame.test.mjs).  The frame itself is declared and built in Python
// (lab_ui/live/frames.py).

/** The frame layout this code draws; lab_ui/live/frames.py FRAME_VERSION must be equal
 * (tests/test_js_units.py checks it). */
export const FRAME_VERSION = 2;

/** What the notice area says when a frame of another version arrives. */
export const OUT_OF_DATE = "This page is out of date (the server was upgraded): reload the page.";

/** Why frame f cannot be drawn by this code (OUT_OF_DATE), or "" when it can. */
export function versionProblem(f) {
  return f && f.version === FRAME_VERSION ? "" : OUT_OF_DATE;
}

// ---------- arrays arrive as binary (Uint8Array views) or base64 text ----------------------

/** The bytes of a binary part (as is) or of base64 text. */
export function b64bytes(s) {
  if (s instanceof Uint8Array) return s;
  const bin = atob(s || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Little-endian float32 values (Python: frames.encode_f32), without a copy when aligned. */
export function b64f32(s) {
  const b = b64bytes(s);
  if (b.byteOffset % 4 === 0) return new Float32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  return new Float32Array(b.slice().buffer);
}

/**
 * A frame message: uint32 header length (little-endian), the JSON header, then the binary
 * values it points to; each {"$b": [offset, length]} in the header becomes a Uint8Array view
 * of those bytes (offset counted from the end of the header).
 */
export function unpackFrame(buf) {
  const n = new DataView(buf).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
  const base = 4 + n;
  const fill = (o) => {
    if (Array.isArray(o)) return o.map(fill);
    if (o && typeof o === "object") {
      if (o.$b && Object.keys(o).length === 1) return new Uint8Array(buf, base + o.$b[0], o.$b[1]);
      for (const k of Object.keys(o)) o[k] = fill(o[k]);
    }
    return o;
  };
  return fill(header);
}

// ---------- merging: a frame carries only what changed ---------------------------------------

/** At most this many epochs on the curves: beyond it the older half is thinned by two. */
export const MAX_CURVE_POINTS = 4000;
const CURVE_COLUMNS = ["epoch", "J_train", "J_test", "metric_train", "metric_test"];

/** History h with the rows appended (a new object; h is left as it is). */
export function appendHistory(h, rows, max = MAX_CURVE_POINTS) {
  const out = { metric_name: h.metric_name, metric_percent: h.metric_percent };
  for (const c of CURVE_COLUMNS) out[c] = h[c].concat(rows[c]);
  out.grad_norm = h.grad_norm.map((ys, l) => ys.concat(rows.grad_norm[l] || []));
  if (out.epoch.length > max) {
    // as the trainer thins its own history, so the view's memory stays bounded
    const half = out.epoch.length >> 1;
    const keep = (ys) => ys.filter((_, i) => i >= half || i % 2 === 0);
    for (const c of CURVE_COLUMNS) out[c] = keep(out[c]);
    out.grad_norm = out.grad_norm.map(keep);
  }
  return out;
}

/**
 * Frame f completed from what the view kept of the frames before it: "same" points or
 * history are the kept ones, {append: rows} history is appended to the kept one.  Fills f's
 * points and history in place and returns what to keep now: {uirev, points, history,
 * newUi} (newUi: the data or network was rebuilt, so a zoom no longer applies).
 */
export function mergeFrame(kept, f) {
  const out = { uirev: kept.uirev, points: kept.points, history: kept.history, newUi: false };
  if (f.uirev !== kept.uirev) { out.uirev = f.uirev; out.newUi = true; }
  if (f.points === "same") f.points = kept.points; else out.points = f.points;
  if (f.history === "same") f.history = kept.history;
  else if (f.history && f.history.append && kept.history) f.history = out.history = appendHistory(kept.history, f.history.append);
  else out.history = f.history;
  return out;
}

/** Can points be drawn on frame f's plane?  Its draw part then, else null. */
export const drawable = (f) => (f && f.draw && f.boundary ? f.draw : null);

/** Push v to list, keeping its last max entries (the test hook's logs). */
export function pushBounded(list, v, max = 5000) {
  list.push(v);
  if (list.length > max) list.splice(0, list.length - max);
  return list;
}
