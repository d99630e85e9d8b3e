// The live view's state: every field it keeps between frames, declared once with its
// default (createState), and changed only through the named functions below.  Other modules
// read it; the drawing modules record where they drew things with setHits (what the pointer
// is over).  No DOM here.

import { mergeFrame } from "./frame.js";
import { windowScale } from "./layout.js";

/** A fresh state, every field at its default. */
export function createState() {
  return {
    // ----- from the component's data (lab_ui/live/live_view.py), set by applyData
    fontScale: 1, // canvas text size: 1, or presenter mode's 2 (at most 3) at 1080 px tall
    baseScale: 1, // the server's text size (fontScale is it for the window's height)
    presenter: false, // presenter mode: the root gets the class bp-presenter
    bindings: [], // the Playground's keys: [{keys, action, shown, what}] (keys_ui.PLAYGROUND_KEYS)
    slowBindings: [], // slow motion's, while it is on: the same form (keys_ui.SLOWMO_KEYS)
    follow: null, // following a class: {code} (classroom.js followMode; token is the tab's id)
    classroom: null, // the class panel's own state (classroom.js createClassState)
    token: null, // which session's frame stream to open …
    wsPath: null, // … and where (a path under the app's root)
    link: null, // what a link can replay: {spe, max_epoch, max_step} (page.js writes the URL)
    edits: [], // what a link cannot replay (hand edits, an uploaded CSV file), in words

    // ----- the channel (channel.js), set by setOnline / setResume
    online: false, // frames are arriving on an open socket
    resume: null, // where the run was when the connection dropped (reconnect.js rejoinedSays)
    rejoined: null, // the last comeback: {before, after, same, text} (read by the tests)

    // ----- frames, set by receiveFrame / takeFrame / framePainted / stopDrawing
    uirev: null, // the server's UI revision: a new one (data or network rebuilt) drops the zoom
    points: null, // the data points of the last frame that sent them ("same" keeps these)
    history: null, // the curves' rows so far (appended to, bounded: frame.js)
    queue: [], // frames received, not yet painted (at most the server's window: 2–3)
    drawn: null, // the last frame painted
    stopped: "", // why nothing more is drawn ("" while frames are drawn): an out-of-date page

    // ----- the student's choices
    playing: false, // as shown by the Play button (answered at once; the next frame confirms)
    zoom: null, // the boundary's extent [x0, x1, y0, y1], or null for the whole plane
    sharedScale: false, // the diagram: one colour scale for all layers
    drawClass: 0, // the class of a point drawn on the plane
    resets: 0, // Resets asked for (each one a new trigger value)

    // ----- where things were drawn (for the pointer), set by setHits
    hits: {
      boundary: null, // the plot's geometry {m, side, ext, X, Y}
      values: null, // the boundary's values under the pointer {values, cls, b}
      net: null, // the diagram: {nodes, segs, r, net, emax}
      maps: null, // the per-neuron maps' cells
      curves: null, // the J / metric chart: {spec, X, m, pw, ph, xs}
      grads: null, // the ‖D‖ chart, the same
    },
  };
}

/** The component's data; returns {rescaled: the text size changed, stream: a stream to open}. */
export function applyData(s, data, windowH = 0) {
  s.baseScale = Number(data.scale) > 0 ? Math.min(3, Number(data.scale)) : 1;
  s.presenter = Boolean(data.presenter);
  const scale = windowScale(s.baseScale, s.presenter, windowH); // presenter: follows the window
  const rescaled = scale !== s.fontScale;
  s.fontScale = scale;
  if (Array.isArray(data.keys)) s.bindings = data.keys;
  if (Array.isArray(data.slowmo_keys)) s.slowBindings = data.slowmo_keys;
  if (data.link && typeof data.link === "object") s.link = data.link;
  if (Array.isArray(data.edits)) s.edits = data.edits.map(String);
  const stream = data.schema === 2 && Boolean(data.token);
  if (stream) { s.token = data.token; s.wsPath = data.ws; }
  return { rescaled, stream };
}

/** Follow a class (classroom.js): stream from its socket (wsPath) with the tab's anonymous id. */
export function setFollow(s, follow, id, wsPath) {
  s.follow = follow;
  s.token = id;
  s.wsPath = wsPath;
}

/** A frame arrived: complete it from what the view has (frame.js mergeFrame) and queue it. */
export function receiveFrame(s, f) {
  const kept = mergeFrame(s, f);
  if (kept.newUi) s.zoom = null;
  s.uirev = kept.uirev;
  s.points = kept.points;
  s.history = kept.history;
  s.queue.push(f);
  return f;
}

/** The next frame to paint (frames are painted in order, none skipped), or undefined. */
export const takeFrame = (s) => s.queue.shift();

/** Frame f has been painted. */
export function framePainted(s, f) {
  s.drawn = f;
}

/** The frame f says whether it is playing (drawn before framePainted); a frame painted
 * after the connection dropped is not playing any more, whatever it says. */
export function framePlaying(s, f) {
  s.playing = Boolean(f.playing) && s.online;
}

/** Frames are arriving (true), or the connection dropped (false: nothing plays). */
export function setOnline(s, on) {
  s.online = Boolean(on);
  if (!s.online) s.playing = false;
}

/** The connection dropped: frames received but not painted are not shown (the run is
 * brought back to the last one painted). */
export function dropUnpainted(s) {
  s.queue.length = 0;
}

/** Where the run was when the connection dropped (null: nothing to bring back). */
export function setResume(s, where) {
  s.resume = where;
}

/** Add to what is known about the drop (fields of s.resume: rejoin, goneAt, askedAt). */
export function noteResume(s, fields) {
  if (s.resume) Object.assign(s.resume, fields);
}

/** The run came back: what it was and what it is now (see reconnect.js rejoinedSays). */
export function setRejoined(s, record) {
  s.rejoined = record;
  s.resume = null;
}

/** Draw nothing more, for this reason (shown in the notice area). */
export function stopDrawing(s, reason) {
  s.stopped = reason;
  s.queue.length = 0;
}

/** Play ↔ Pause, at once (the next frame confirms it); returns the new value. */
export function togglePlaying(s) {
  s.playing = !s.playing;
  return s.playing;
}

/** The boundary's extent (null: the whole plane). */
export function setZoom(s, ext) {
  s.zoom = ext;
}

export function setSharedScale(s, on) {
  s.sharedScale = Boolean(on);
}

/** The class of drawn points: k if it is one of K classes, else 0. */
export function setDrawClass(s, k, K = Infinity) {
  s.drawClass = Number.isInteger(k) && k >= 0 && k < K ? k : 0;
}

/** One more Reset; returns its number. */
export function nextReset(s) {
  s.resets += 1;
  return s.resets;
}

/** Where `part` (a key of s.hits) was drawn. */
export function setHits(s, part, value) {
  s.hits[part] = value;
}
