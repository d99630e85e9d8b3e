// The live channel, this side: the session's own WebSocket (lab_ui/live/channel).  It
// opens with {"t": "hello", token}, receives binary frames (frame.js unpacks them) and sends
// the view's messages (ack, play, step, zoom, …).
//
// Pacing: the entry acknowledges a frame when it takes it for painting, and the server
// trains and builds the next one meanwhile; at most two frames are unpainted (the server's
// window), so nothing queues and nothing is thrown away.
//
// A lost connection costs one reconnect, not the run:
// 1. The socket closes without the server saying why (its process died, the network
//    dropped): the view says so, shows Play (nothing plays), writes the epoch it painted
//    into the page's URL and tries again with its token, 0.5, 1, 2, 4, 8 … s apart
//    (reconnect.js RETRY), then gives up with a Reload button.
// 2. The same server answers: the stream goes on where it was (the server kept the run).
// 3. Another server answers (a replica behind nginx): it does not know the token (4403), so
//    the session is gone.  The view asks Streamlit to run the page again with its URL
//    (page.js rerunWithUrl) once Streamlit's own socket is back; that run is a new session
//    there, which replays the run from the URL's settings to its epoch and step, bit for bit
//    (the replay a link uses), and mounts the view with a new token; the view connects with
//    it, says what came back and what was lost, and plays on if it was playing.
// A close the server means (4409: another tab took this stream) is said and not retried.

import { unpackFrame } from "./frame.js";
import { forgetPosition, reloadAt, rerunWithUrl, showPosition, streamlitState } from "./page.js";
import { showConnection, showPlaying } from "./panels.js";
import {
  GAVE_UP, REJOIN_SLOW, RETRY, backoffMs, linkPosition, lostText, rejoiningText, rejoinedSays,
} from "./reconnect.js";
import { dropUnpainted, noteResume, setOnline, setRejoined, setResume } from "./state.js";

const channels = new WeakMap(); // view → {ws, token, onFrame, attempt, timer, dead, rejoin}

export const CLOSE_FORBIDDEN = 4403; // the server has no session with this token
export const CLOSE_REPLACED = 4409; // another tab opened this session's stream
const REPLACED = "This Playground is open in another tab; reload to show it here.";

/** How often the view looks at Streamlit's socket while the page comes back (ms). */
const REJOIN_TICK_MS = 250;
/** Ask again when the page has not started running this long after the last ask (ms). */
const REJOIN_AGAIN_MS = 5000;
/** Say plainly that the page has not come back by itself after this long (ms). */
const REJOIN_SLOW_MS = 30000;
/** Stop looking after this long (ms); a new token still connects whenever it comes. */
const REJOIN_GIVE_UP_MS = 180000;

function channelOf(view) {
  let c = channels.get(view);
  if (!c) {
    channels.set(view, (c = {
      ws: null, token: null, onFrame: null, attempt: 0, timer: null, dead: null, rejoin: null,
      early: [], // commands sent while the socket opens (send)
    }));
  }
  return c;
}

/** Is the stream open (frames arriving)? */
export const isOnline = (view) => Boolean(view.state.online);

/** What a class's follower may send (lab_ui/classroom/endpoint.py KINDS, less the hello). */
export const FOLLOWER_SENDS = ["ack", "answer", "copy", "mode", "ping"];

/** Commands sent while the socket is still opening wait for it, at most this many. */
export const EARLY_MAX = 16;

/**
 * Send msg (JSON) if the socket is open.  While it is still opening (the first frame may come
 * with the page, before the socket: preload), a command waits and goes right after the hello
 * (at most EARLY_MAX; a click on the boundary at once is not lost).  With no socket it is
 * dropped: the next frame tells the truth.
 */
export function send(view, msg) {
  const c = channelOf(view);
  const ws = c.ws;
  if (view.state.follow && !FOLLOWER_SENDS.includes(msg.t)) return; // nothing drives the class's run
  if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg));
  else if (ws && ws.readyState === 0 && msg.t !== "ack" && c.early.length < EARLY_MAX) c.early.push(msg);
}

/** Close the socket for good (the view is gone, or cannot draw what it would receive). */
export function disconnect(view) {
  const c = channelOf(view);
  clearTimeout(c.timer);
  c.timer = null;
  stopRejoin(c);
  if (c.ws) { c.ws.onclose = null; c.ws.close(); c.ws = null; }
  forgetPosition(view);
  setOnline(view.state, false);
  showPlaying(view);
}

/**
 * Open the stream of view.state.token at view.state.wsPath (kept open if it already is);
 * onFrame(f) gets every frame.  A token the server said it does not know is not tried again:
 * the view waits for the page's next run to bring a new one.  The path is relative to the
 * app's root, three levels above this module's URL (…/_stcore/bidi-components/<c>/channel.js).
 */
export function connect(view, onFrame) {
  const c = channelOf(view);
  c.onFrame = onFrame;
  const token = view.state.token;
  if (!token || token === c.dead) return;
  if (c.token === token && ((c.ws && c.ws.readyState <= 1) || c.timer)) return; // open, or retrying
  if (token !== c.token) { // a new session (the page ran again): start afresh with it
    clearTimeout(c.timer);
    c.timer = null;
    c.attempt = 0;
    stopRejoin(c);
  }
  open(view, c);
}

function open(view, c) {
  if (c.ws) { c.ws.onclose = null; c.ws.close(); }
  const { token, wsPath } = view.state;
  const url = new URL(wsPath, new URL("../../../", import.meta.url));
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url.href);
  ws.binaryType = "arraybuffer";
  c.ws = ws;
  c.token = token;
  if (!view.state.drawn && !view.state.resume) view.dom.conn.textContent = "connecting …";
  c.early = [];
  ws.onopen = () => {
    ws.send(JSON.stringify({ t: "hello", token }));
    for (const msg of c.early.splice(0)) ws.send(JSON.stringify(msg));
  };
  ws.onmessage = (ev) => {
    if (!(ev.data instanceof ArrayBuffer)) return;
    const f = unpackFrame(ev.data);
    if (f.t !== "frame") { if (view.onMessage) view.onMessage(f); return; } // a class's messages
    if (!view.state.online) comeBack(view, c, f);
    c.onFrame(f);
  };
  ws.onclose = (ev) => {
    if (c.ws !== ws) return;
    c.ws = null;
    if (view.onClose && view.onClose(ev.code, ev.reason)) { // a class said why: not retried
      c.dead = c.token;
      setOnline(view.state, false);
      showPlaying(view);
      return;
    }
    dropped(view, c, ev.code);
  };
}

// The first frame on a socket: the stream is back (or there for the first time).
function comeBack(view, c, f) {
  const s = view.state;
  c.attempt = 0;
  stopRejoin(c);
  view.dom.conn.textContent = "";
  setOnline(s, true);
  const before = s.resume;
  if (!before) return;
  if (before.fresh) { setRejoined(s, { before, after: { epoch: f.epoch, step: f.step } }); showConnection(view, ""); return; }
  if (!before.rejoin) { // the same server, the same session: it kept the run
    const after = { epoch: f.epoch, step: f.step, at: performance.now() };
    setRejoined(s, { before, after, same: true, text: "Reconnected.", lost: "", playOn: false });
    showConnection(view, "Reconnected.", { tone: "back", hideMs: 4000 });
    return;
  }
  const after = { epoch: f.epoch, step: f.step, theta: thetaOf(f), at: performance.now() };
  const says = rejoinedSays(before, after, s.link ? s.link.max_epoch : 0);
  setRejoined(s, { before, after, ...says });
  // not back where it was (and a link could have brought it there): a reload at that
  // epoch is a new session's replay; offered, not done (a note above may say why it stopped)
  const retry = !says.same && !before.capped ? () => reloadAt(view, before) : false;
  showConnection(view, says.text, { tone: "back", dismiss: true, hideMs: says.playOn ? 15000 : 0, reload: retry });
  if (says.playOn) send(view, { t: "play" }); // the next frame says playing
}

// Θ of frame f as plain numbers (forward mode only: its edges are Θ; backward shows D).
function thetaOf(f) {
  if (!f.net || f.net.mode !== "forward" || !f.net.edges) return null;
  return f.net.edges.map((e) => Array.from(f32(e)));
}

function f32(e) {
  if (typeof e === "string") {
    const bin = atob(e);
    const u = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
    return new Float32Array(u.buffer);
  }
  return new Float32Array(e.slice().buffer);
}

// The socket closed.  Remember where the run was, say so, then try again or wait.
function dropped(view, c, code) {
  const s = view.state;
  const wasOnline = s.online, wasPlaying = s.playing;
  c.saidPageDown = false; // the line now says what the stream says
  setOnline(s, false);
  dropUnpainted(s);
  showPlaying(view);
  if (wasOnline || !s.resume) rememberRun(view, wasPlaying);
  if (!view.dom.root.isConnected) return;
  if (code === CLOSE_REPLACED) {
    setResume(s, null);
    showConnection(view, REPLACED, { reload: true });
    return;
  }
  if (code === CLOSE_FORBIDDEN) {
    c.dead = c.token;
    startRejoin(view, c);
    return;
  }
  c.attempt += 1;
  if (c.attempt > RETRY.attempts) {
    showConnection(view, GAVE_UP, { reload: true });
    return;
  }
  showConnection(view, lostText(c.attempt, RETRY.attempts));
  c.timer = setTimeout(() => { c.timer = null; open(view, c); }, backoffMs(c.attempt));
}

// Where the run was: the last frame painted (its epoch and step go into the URL at once,
// so whatever runs the page next replays to it), whether it was playing, and what a link
// cannot replay.
function rememberRun(view, wasPlaying) {
  const s = view.state, f = s.drawn;
  if (!f) { setResume(s, null); return; }
  const capped = linkPosition(f.epoch, f.step, s.link) === null;
  setResume(s, {
    epoch: f.epoch, step: f.step, spe: s.link ? s.link.spe : 0, playing: wasPlaying, edits: s.edits.slice(),
    capped, theta: thetaOf(f), rejoin: false, at: performance.now(),
  });
  showPosition(view, f, { force: true });
}

// The server has no session for the token: have the page run again (see the top).
function startRejoin(view, c) {
  const s = view.state;
  if (!s.resume) setResume(s, { fresh: true }); // nothing shown yet: nothing to bring back
  // the server has no session for the token (goneAt: when it said so)
  if (!s.resume.rejoin) noteResume(s, { rejoin: true, goneAt: performance.now() });
  const before = s.drawn ? s.resume : null;
  showConnection(view, rejoiningText(before));
  if (c.rejoin) return;
  const r = (c.rejoin = { t0: performance.now(), asked: 0, lastAsk: 0, slow: false, timer: null });
  const tick = () => {
    r.timer = null;
    if (c.rejoin !== r || !view.dom.root.isConnected) return;
    const now = performance.now(), st = streamlitState();
    // ask once Streamlit's own socket is back and the page is not running (asking while it
    // runs would stop a replay half-way; a run Streamlit started itself brings a token too);
    // ask again only when nothing came of it
    if (st === "idle" && (r.asked === 0 || now - r.lastAsk > REJOIN_AGAIN_MS)) {
      if (s.drawn) showPosition(view, s.drawn, { force: true });
      rerunWithUrl();
      r.asked += 1;
      r.lastAsk = now;
      if (s.resume && !s.resume.askedAt) noteResume(s, { askedAt: now }); // the page asked to run
    }
    if (!r.slow && now - r.t0 > REJOIN_SLOW_MS) {
      r.slow = true;
      showConnection(view, REJOIN_SLOW, { reload: true });
    }
    if (now - r.t0 < REJOIN_GIVE_UP_MS) r.timer = setTimeout(tick, REJOIN_TICK_MS);
  };
  tick();
}

function stopRejoin(c) {
  if (c.rejoin) clearTimeout(c.rejoin.timer);
  c.rejoin = null;
}

/** What the view says while only Streamlit's own socket is down (the page's controls wait
 * for it; the stream, on its own socket, goes on). */
export const PAGE_DOWN = "The page's own connection to the server dropped: its controls wait for it to come back; the live view goes on.";

/**
 * Look at Streamlit's socket (once a second, from the entry): while the stream is online and
 * Streamlit's socket has been down for two looks running, say so; say nothing more once it
 * is back.  (When both drop, the stream's own messages say it.)
 */
export function watchPage(view) {
  const c = channelOf(view);
  const down = view.state.online && streamlitState() === "connecting";
  c.pageDown = down ? (c.pageDown || 0) + 1 : 0;
  if (c.pageDown === 2) { c.saidPageDown = true; showConnection(view, PAGE_DOWN); }
  if (!down && c.saidPageDown && view.state.online) { c.saidPageDown = false; showConnection(view, ""); }
}
