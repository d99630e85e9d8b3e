// Backprop Lab keys: a small component that listens for the page's keyboard shortcuts.
//
// Mounted in the main document (components v2, no iframe), it puts one listener on
// `document` and sends each key it knows to Python as the trigger value `key`
// ({a: action, n: a counter}); the page's on_key_change callback does what the page's
// buttons do.  Which key means what comes from the component's data:
//   {"map": {"ArrowRight": "next", "Shift+ArrowRight": "epoch", "r": "reset", …},
//    "legend": [["→  .  PageDown", "next step"], …], "title": "Keys on this page"}
// "?" shows or hides the list of keys (drawn here, as text nodes).  Keys typed into an
// input, a text area, a select box or a slider are theirs, not ours.  The listener is
// removed when the component is unmounted.
//
// A key answered at once.  Streamlit re-runs the page for a key (0.3–2.5 s); what the key
// changes is shown before that, in the same animation frame: the data may hold the page's
// position, `where` (position.js: the walk-through's step and its equation, or the epoch
// and gradient steps trained), drawn here as one line (data-role=where) and moved by each
// key with the server's own rules; the page follows, and its next data is the truth again.
// So that no key is lost (Streamlit keeps only the newest of two triggers sent during one
// run), one trigger is in flight at a time: {a: the last action, n, id: this mount's,
// q: [every action since the last trigger]}; the keys pressed meanwhile wait in a queue
// (and are shown) until the data says the server has applied it (`seen`: {id, n}).
//
// Test hook: window.__bp.keysSent counts the keys sent to Python, window.__bp.keysMounts the
// mounts (window.__bp is the app's one test hook, documented in live_view/live_view.js).

import { advanceAll, positionText } from "./position.js";

// A trigger not acknowledged in this long is taken as lost: the next key goes out anyway.
const IN_FLIGHT_MS = 8000;

function parseData(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  if (typeof data === "string") return JSON.parse(data);
  return data;
}

// The name of a key press as the map spells it: "ArrowRight", "Shift+ArrowRight", "r", ".".
function keyName(ev) {
  const k = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  const shifted = ev.shiftKey && ev.key.length > 1; // Shift+→, not the Shift of "?"
  return (shifted ? "Shift+" : "") + k;
}

const TYPING = /^(INPUT|TEXTAREA|SELECT)$/;
const WIDGET_ROLES = /^(slider|spinbutton|combobox|listbox|option|textbox|menu|menuitem)$/;

function typing(el) {
  if (!el || el === document.body) return false;
  if (el.isContentEditable || TYPING.test(el.tagName)) return true;
  const role = el.getAttribute && el.getAttribute("role");
  return Boolean(role && WIDGET_ROLES.test(role));
}

function buildDom(parent) {
  const root = document.createElement("div");
  root.className = "bp-keyboard";
  root.dataset.testid = "bp-keyboard";
  const where = document.createElement("div");
  where.className = "bp-keyboard-where";
  where.dataset.role = "where";
  where.hidden = true;
  const btn = document.createElement("button");
  btn.type = "button";
  btn.className = "bp-keyboard-btn";
  btn.textContent = "⌨ Keys (?)";
  const panel = document.createElement("div");
  panel.className = "bp-keyboard-panel";
  panel.dataset.role = "keys-list";
  panel.hidden = true;
  root.append(where, btn, panel);
  parent.appendChild(root);
  return { root, where, btn, panel };
}

// The position line: the server's position moved by the keys it has not applied yet.
function showWhere(kb) {
  const pending = [...(kb.inflight ? kb.inflight.actions : []), ...kb.queue];
  const text = kb.server ? positionText(advanceAll(kb.server, pending)) : "";
  kb.dom.where.hidden = !text;
  if (kb.dom.where.textContent !== text) kb.dom.where.textContent = text;
}

// Send the queued keys as one trigger, unless one is still in flight.
function flush(kb) {
  if (!kb.queue.length || !kb.trigger) return;
  if (kb.inflight && performance.now() - kb.inflight.at < IN_FLIGHT_MS) return;
  const actions = kb.queue;
  kb.queue = [];
  kb.sent += 1;
  kb.inflight = { n: kb.sent, actions, at: performance.now() };
  kb.trigger("key", { a: actions[actions.length - 1], n: kb.sent, id: kb.id, q: actions });
}

function fillList(kb, title, legend) {
  const head = document.createElement("div");
  head.className = "bp-keyboard-title";
  head.textContent = title || "Keys on this page";
  const list = document.createElement("dl");
  for (const [keys, what] of legend || []) {
    const dt = document.createElement("dt");
    dt.textContent = String(keys);
    const dd = document.createElement("dd");
    dd.textContent = String(what);
    list.append(dt, dd);
  }
  kb.dom.panel.replaceChildren(head, list);
}

const hook = () => (window.__bp = window.__bp || {});
const listeners = new WeakMap(); // host element → its listener (kept across re-renders)

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = parseData(component.data) || {};
  let kb = listeners.get(parentElement);
  if (!kb || !kb.dom.root.isConnected) {
    kb = {
      dom: buildDom(parentElement), n: 0, map: {}, trigger: null,
      id: Math.random().toString(36).slice(2, 12), // this mount's triggers (see `seen`)
      server: null, queue: [], inflight: null, sent: 0,
    };
    listeners.set(parentElement, kb);
    const toggle = () => {
      kb.dom.panel.hidden = !kb.dom.panel.hidden;
      kb.dom.root.dataset.open = kb.dom.panel.hidden ? "0" : "1";
    };
    kb.dom.btn.addEventListener("click", toggle);
    kb.onKey = (ev) => {
      if (!kb.dom.root.isConnected) { document.removeEventListener("keydown", kb.onKey); return; }
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
      if (typing(ev.target)) return;
      if (ev.key === "?") { ev.preventDefault(); toggle(); return; }
      const action = kb.map[keyName(ev)];
      if (!action) return;
      ev.preventDefault();
      kb.n += 1;
      kb.dom.root.dataset.sent = String(kb.n);
      kb.dom.root.dataset.last = action;
      hook().keysSent = (hook().keysSent || 0) + 1; // for tests: what was sent
      kb.queue.push(action);
      showWhere(kb); // what the key changes, now; the page follows
      flush(kb);
    };
    document.addEventListener("keydown", kb.onKey);
    hook().keysMounts = (hook().keysMounts || 0) + 1;
  }
  kb.map = data.map || {};
  kb.trigger = setTriggerValue;
  kb.server = data.where && typeof data.where === "object" ? data.where : null;
  const seen = data.seen;
  if (kb.inflight && seen && seen.id === kb.id && seen.n >= kb.inflight.n) kb.inflight = null;
  showWhere(kb);
  flush(kb); // the keys pressed while the page ran
  fillList(kb, data.title, data.legend);
  return () => {
    // A re-render with new data keeps the element: keep the listener then.
    setTimeout(() => {
      if (parentElement.isConnected && kb.dom.root.isConnected) return;
      document.removeEventListener("keydown", kb.onKey);
      kb.dom.root.remove();
      if (listeners.get(parentElement) === kb) listeners.delete(parentElement);
    }, 0);
  };
}
