// Backprop Lab live view: one mounted component (Streamlit components v2) that draws the
// frames of the live channel.  This entry wires the modules; each holds one concept:
//
//   state.js    the view's state: its fields with their defaults, and the functions that
//               change it
//   channel.js  the session's WebSocket: hello, frames in, messages out; a lost connection
//               (retries, and on another replica the page run again to the same epoch)
//   reconnect.js  the retry schedule, the URL's epoch/step, what the view says    (pure)
//   page.js     the page around the view: its URL, Streamlit's rerun and socket
//   frame.js    frames: unpacking, version check, merging, the bounded history   (pure)
//   boundary.js the decision boundary and the per-neuron maps
//   diagram.js  the network diagram and what the pointer is over (also drawn, still, by
//               net_view.js: the Step-through page's entry; lit.js marks what a step touches)
//   curves.js   the J / metric and ‖D^(l)‖ charts
//   panels.js   status and notices, the class chooser, the chain-rule panel, the PNG
//   input.js    buttons, keys (declared by the server), pointer, typed weights
//   dom.js      the elements, text nodes, canvas sizing
//   format.js   numbers and sub/superscripts                                      (pure)
//   colour.js   colour scales                                                     (pure)
//   layout.js   layout arithmetic and hit-testing                                 (pure)
//   classroom.js  a class: its panel (code, question, tally, reveal) and the follower mode
//   tour.js     the first-visit tour: its steps come from the server (lab_ui/live/tour.py)
//   hook.js     the test hook below
// The pure modules touch no DOM and are tested under node (tests/js/*.test.mjs).
//
// Python sends every frame over the session's own WebSocket (lab_ui/live/channel): the
// component gets only a token, the socket's path, the text size, the Playground's keys,
// what a link can replay (its limits) and what it cannot (the hand edits, in words) through
// its Streamlit data (lab_ui/live/live_view.py).  Every number comes from bp_core;
// every label (g's symbol, the keys' names) comes from the server.
//
// * Pacing: when a frame is taken for painting, the client acknowledges it, and the server
//   trains and builds the next one while this one is drawn.  At most two frames are unpainted
//   (the server's window), they are drawn in order, so nothing queues and nothing is thrown
//   away; a hidden tab paints nothing, asks for nothing and costs the server nothing.
// * Canvases draw everything, so the first frame needs no chart library and no view can
//   overlap another.
// * A frame of another version than FRAME_VERSION (frame.js) stops the drawing, and the
//   notice area says the page is out of date.
//
// The one test hook: window.__bp (hook.js), for the browser tests and the benchmarks.
//   painted     frames painted (a count)
//   paintTimes  performance.now() of each painted frame (the last 5,000)
//   last        the last painted frame: {epoch, step, rev, t, server_ms}
//   stats       [t, server_ms, draw_ms, rev, server_wall_ms] per painted frame (the last 5,000)
//   drawMs      milliseconds the last frame took to draw
//   times       the last frame's milliseconds per part: {boundary, net, maps, curves, chain}
//   marks       performance.now() of {mounted, firstPaint, firstBoundary, firstNet, firstMaps,
//               firstCurves, firstFull: every part the view shows painted at least once}
//   skip        set by a benchmark: {boundary, net, maps, curves: true} leaves parts out
//   received    frames received on the socket; recvTimes: their times (the last 5,000)
//   firstFrom   "page" when the first frame came with the page's data (a browser's first run)
//   png         the last PNG made: {width, height, bytes}
//   root        the live view's root element; mounts: how often it was mounted
//   state       the mounted view's state (state.js), to read (state.rejoined: the last
//               comeback after a lost connection, {before, after, same, text, lost})
//   keysSent    keys sent to Python by the other pages' key listener, keysMounts its mounts
//               (backprop_lab/keys/keys.js)
// The root element also carries data-epoch, data-step, data-painted, data-rev, data-sizes,
// data-uirev, data-train-points, data-chain, data-playing, data-error, data-stale and
// data-conn ("lost" while the connection is down, "back" just after, "" otherwise) and
// data-tour (the first-visit tour's step shown, "waiting" before it opens, "" once closed).

import { drawBoundary, drawMaps } from "./boundary.js";
import { connect, disconnect, send, watchPage } from "./channel.js";
import { drawClass, followMode, keepLecturerKey } from "./classroom.js";
import { drawCurves } from "./curves.js";
import { drawNet } from "./diagram.js";
import { buildDom, pageTop } from "./dom.js";
import { versionProblem } from "./frame.js";
import { windowScale } from "./layout.js";
import { hook, mark, mounted, painted, received } from "./hook.js";
import { attachMechanism, drawMechanism } from "./mechanism.js";
import { attachBoundary, attachChain, attachControls, attachTips, showBindings } from "./input.js";
import { showPosition } from "./page.js";
import { attachTour, setTour } from "./tour.js";
import { drawChain, drawChooser, drawHighlight, drawStatus, notice } from "./panels.js";
import {
  applyData, createState, framePainted, framePlaying, receiveFrame, stopDrawing, takeFrame,
} from "./state.js";

// Draw frame f; returns the milliseconds each part took.
function draw(view, f) {
  const times = {};
  let t = performance.now();
  const lap = (name) => { const n = performance.now(); times[name] = +(n - t).toFixed(2); t = n; };
  framePlaying(view.state, f);
  drawStatus(view, f);
  const skip = hook().skip || {}; // benchmark switch: leave parts out to measure them
  if (f.boundary && !skip.boundary) {
    drawBoundary(view, f);
    mark("firstBoundary");
  }
  lap("boundary");
  if (!skip.net) drawNet(view, f);
  lap("net");
  if (!skip.maps) drawMaps(view, f);
  lap("maps");
  if (!skip.curves && f.history) drawCurves(view, f);
  lap("curves");
  drawChooser(view, f);
  drawChain(view, f);
  drawHighlight(view, f);
  lap("chain");
  drawMechanism(view, f); // the landscape, slow motion, ghosts and the race (mechanism.js)
  lap("mechanism");
  drawClass(view, f); // a class's code, question, tally and reveal (classroom.js)
  return times;
}

function showPainted(root, f, n) {
  Object.assign(root.dataset, {
    epoch: String(f.epoch),
    step: String(f.step),
    painted: String(n),
    rev: String(f.rev),
    sizes: f.net ? f.net.sizes.join("-") : "",
    uirev: f.uirev || "",
    trainPoints: String(f.points && f.points.train ? f.points.train.x.length : 0),
    chain: f.chain ? f.chain.w.join(",") : "",
  });
}

// Paint the next queued frame on the next screen refresh (one a refresh, in order).
function schedule(view) {
  if (view.rafPending) return;
  view.rafPending = true;
  requestAnimationFrame(() => {
    view.rafPending = false;
    const f = takeFrame(view.state);
    if (!f) return;
    if (view.state.queue.length) schedule(view);
    // Ask for the next frame now: the server builds it while this one is drawn.
    send(view, { t: "ack", rev: f.rev });
    try {
      const t0 = performance.now();
      const times = draw(view, f);
      const ms = performance.now() - t0;
      framePainted(view.state, f);
      mark("firstPaint");
      showPainted(view.dom.root, f, painted(f, ms, times));
      view.dom.root.dataset.error = "";
      showPosition(view, f); // the page's URL: this epoch (a reload or a rerun replays to it)
    } catch (err) {
      view.dom.status.textContent = "Live view error: " + (err && err.message ? err.message : err);
      view.dom.root.dataset.error = String(err);
      console.error(err);
    }
    tellPage(view, f);
  });
}

// The frame's events (paused, diverged, stepped, edited) go to the page, which re-runs: told
// once the frame is painted, so that the re-run's work in the browser never holds it back.
// Told as the component's *state* "event", not as a trigger: Streamlit keeps only the
// newest trigger of a component among the re-run requests waiting for its script thread,
// so an event sent as a trigger right after Reset (the command trigger) wiped the Reset out
// (a Reset pressed at once after Pause).  A state value leaves a waiting trigger alone.
function tellPage(view, f) {
  for (const e of f.events || []) view.setState("event", { e, rev: f.rev });
}

// A frame from the socket: one of another version stops the view (and its socket).
function onFrame(view, f) {
  received();
  if (view.state.stopped) return;
  const problem = versionProblem(f);
  if (problem) {
    stopDrawing(view.state, problem);
    disconnect(view);
    notice(view, problem);
    view.dom.root.dataset.stale = "1";
    return;
  }
  receiveFrame(view.state, f);
  schedule(view);
}

function parseData(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  if (typeof data === "string") return JSON.parse(data);
  return data;
}

// Fit the screen: the views' heights follow the window from their tops on the page
// (layout.js fitHeight) and presenter mode's canvas text the window's height (windowScale).
// When either changes (the story opened above the view, a question answered, the window
// resized), the last frame is drawn again.  The J chart's top counts only in presenter mode,
// where it sits beside the others (a student's is below them: it moves when they fit).
function refit(view) {
  const d = view.dom, s = view.state;
  const tops = [d.boundary, d.net, ...(s.presenter ? [d.curves] : [])].map((c) => pageTop(c.parentElement));
  const widths = [d.boundary, d.net, d.curves].map((c) => c.parentElement.clientWidth);
  const key = [window.innerHeight, ...tops, ...widths].join();
  if (key === view.fitKey) return;
  view.fitKey = key;
  s.fontScale = windowScale(s.baseScale, s.presenter, window.innerHeight);
  if (s.drawn) { try { draw(view, s.drawn); } catch (err) { console.error(err); } }
}

const views = new WeakMap(); // host element → its view (kept across Streamlit re-renders)

// A view: its state, its elements, the trigger to Python, and what to undo when unmounted.
function mount(parentElement) {
  // fit: its views fit their height to the window (layout.js fitHeight; refit below)
  const view = {
    state: createState(), dom: buildDom(parentElement), trigger: () => {}, setState: () => {},
    rafPending: false, fit: true,
  };
  attachTips(view);
  attachChain(view);
  // Streamlit's own socket, and the fit
  const watch = setInterval(() => { watchPage(view); refit(view); }, 1000);
  const onResize = () => refit(view);
  window.addEventListener("resize", onResize);
  // the page's columns settle after the first paint (the preloaded frame comes with the
  // page): the view redraws when its own width changes, not a second later
  const sized = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(onResize);
  if (sized) sized.observe(view.dom.root);
  view.detach = [
    attachBoundary(view), attachControls(view), attachMechanism(view), attachTour(view),
    () => clearInterval(watch), () => window.removeEventListener("resize", onResize),
    () => sized && sized.disconnect(),
  ];
  mounted(view.dom.root, view.state);
  return view;
}

export default function (component) {
  const { parentElement, setTriggerValue, setStateValue } = component;
  const data = parseData(component.data) || {};
  let view = views.get(parentElement);
  if (!view || !view.dom.root.isConnected) {
    view = mount(parentElement);
    views.set(parentElement, view);
  }
  view.trigger = (name, value) => { if (setTriggerValue) setTriggerValue(name, value); };
  view.setState = (name, value) => { if (setStateValue) setStateValue(name, value); };
  const { rescaled, stream } = applyData(view.state, data, window.innerHeight);
  view.dom.root.classList.toggle("bp-presenter", view.state.presenter);
  showBindings(view);
  setTour(view, data.tour); // the first-visit tour (tour.js): its steps, none in presenter mode
  // the next frame (the page re-publishes on every change) is drawn at the new text size
  if (rescaled && view.state.drawn) { try { draw(view, view.state.drawn); } catch (err) { console.error(err); } }
  // a class: a follower streams from the class socket; a lecturer keeps its key (classroom.js)
  const following = data.follow ? followMode(view, data.follow, data.ws, (n, v) => view.trigger(n, v)) : false;
  if (data.lecturer) keepLecturerKey(data.lecturer);
  if ((stream || following) && !view.state.stopped) connect(view, (f) => onFrame(view, f));
  // the first frame comes with the page (a browser's first run): painted now, not after the
  // socket opens; the socket's own frames follow
  if (typeof data.frame === "string" && !view.state.drawn && !view.state.queue.length) {
    hook().firstFrom = "page";
    onFrame(view, parseData(data.frame));
  }
  requestAnimationFrame(() => refit(view)); // the page around it may have changed height
  return () => {
    setTimeout(() => {
      if (parentElement.isConnected && view.dom.root.isConnected) return;
      disconnect(view);
      for (const off of view.detach) off();
      view.dom.root.remove();
      if (views.get(parentElement) === view) views.delete(parentElement);
    }, 0);
  };
}
