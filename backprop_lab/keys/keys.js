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
  const btn = document.createElement("button");
  btn.type = "button";
  btn.className = "bp-keyboard-btn";
  btn.textContent = "⌨ Keys (?)";
  const panel = document.createElement("div");
  panel.className = "bp-keyboard-panel";
  panel.dataset.role = "keys-list";
  panel.hidden = true;
  root.append(btn, panel);
  parent.appendChild(root);
  return { root, btn, panel };
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

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = parseData(component.data) || {};
  let kb = parentElement.__bpKeys;
  if (!kb || !kb.dom.root.isConnected) {
    kb = { dom: buildDom(parentElement), n: 0, map: {} };
    parentElement.__bpKeys = kb;
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
      window.__bpKeysSent = (window.__bpKeysSent || 0) + 1; // for tests: what was sent
      if (kb.trigger) kb.trigger("key", { a: action, n: kb.n });
    };
    document.addEventListener("keydown", kb.onKey);
    window.__bpKeysMounts = (window.__bpKeysMounts || 0) + 1;
  }
  kb.map = data.map || {};
  kb.trigger = setTriggerValue;
  fillList(kb, data.title, data.legend);
  return () => {
    // A re-render with new data keeps the element: keep the listener then.
    setTimeout(() => {
      if (parentElement.isConnected && kb.dom.root.isConnected) return;
      document.removeEventListener("keydown", kb.onKey);
      kb.dom.root.remove();
      if (parentElement.__bpKeys === kb) parentElement.__bpKeys = null;
    }, 0);
  };
}
