// A class (lab_ui/classroom): the class panel the projector and every student see, and the
// follower mode of the live view.
//
// * The frame's `class` part (lab_ui/classroom/model.py Classroom.parts) says the code, the
//   number of students and the current question with "N answers"; after the reveal, its
//   answer in words and the bars of the distribution.  drawClass shows it, on the lecturer's
//   view and the followers' alike; the server sends every label.
// * A follower's view (the Playground opened with ?class=CODE, lab_ui/classroom/student_ui.py)
//   streams from the class socket (/bp/class/ws?class=CODE) with its tab's anonymous id
//   (sessionStorage: a reload rejoins with its answer); it hides every control that drives a
//   run, and adds Answer and Take a copy.  The socket says the rest: {"t": "you"} (the answer
//   as taken), {"t": "copy"} (the lecturer's run file: handed to the page as the trigger
//   value "copy"), {"t": "notice"}; a close with a class code (ended, no such class …) is
//   said in words and not retried, and the page is told of an end, of a code no class has
//   and of too many wrong codes (the trigger "ended", {text, code}: it says so itself).
// * A follower's boundary shows the lecturer's zoom: one frame, built once, goes to every
//   student, so a student's own zoom could only stretch the lecturer's pixels.  Its wheel,
//   drag and double-click are taken before input.js sees them (the page scrolls as usual),
//   and a line over the boundary says so (ZOOM_HINT).
// * The lecturer's view keeps the lecturer's key in a cookie (SameSite=Strict) so a reload
//   takes the class back (lab_ui/classroom/lecturer_ui.py).
//
// Text from the data (a question typed by the lecturer) goes in as text nodes only.

import { send } from "./channel.js";
import { button } from "./dom.js";
import { setFollow } from "./state.js";

/** Close codes of the class socket after which nothing is retried (lab_ui/classroom/model.py). */
export const CLASS_CLOSES = [4404, 4409, 4410, 4413, 4429];
/** The closes the page is told of (student_ui.py: the end; no class has this code; too many
 * wrong codes): it then draws the student's own page and says why. */
export const PAGE_CLOSES = [4404, 4410, 4429];
/** Over a follower's boundary: its zoom is the lecturer's. */
export const ZOOM_HINT = "The lecturer's view: zoom is the lecturer's (Take a copy to zoom on your own).";
const TAB_KEY = "bp-class-tab";
const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// ---------- pure parts (tests/js/classroom.test.mjs) ---------------------------------------

/** A fresh anonymous id of 24 characters from `bytes` (24 random bytes). */
export function makeId(bytes) {
  return Array.from(bytes, (b) => ID_CHARS[b % 64]).join("");
}

/** The tab's id: kept in `storage` (sessionStorage) so a reload of this tab keeps it. */
export function tabId(storage, random) {
  let id = storage ? storage.getItem(TAB_KEY) : null;
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    id = makeId(random(24));
    if (storage) storage.setItem(TAB_KEY, id);
  }
  return id;
}

/** The class socket's path with the tab's id (`&tab=`), so that wrong codes count per tab as
 * well as per address (lab_ui/classroom/model.py JoinGuard). */
export function followPath(wsPath, id) {
  const path = String(wsPath || "");
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(String(id))) return path;
  return `${path}${path.includes("?") ? "&" : "?"}tab=${id}`;
}

/** Each bar's width in per cent of the largest (0 … 100). */
export function barWidths(counts) {
  const top = Math.max(0, ...counts);
  return counts.map((c) => (top > 0 ? Math.round((100 * c) / top) : 0));
}

/** An answer as the student sees it: the choice's letter, + / −, or the number. */
export function answerText(q, a) {
  if (q.kind === "choice") return "ABCD"[a] || "?";
  if (q.kind === "sign") return ["+", "−"][a] || "?";
  return String(a);
}

/** The cookie that keeps (value) or forgets ("") the lecturer's key. */
export function cookieText(name, value) {
  const life = value ? "max-age=14400" : "max-age=0";
  return `${name}=${value}; path=/; SameSite=Strict; ${life}`;
}

/** What a follower's view says when its socket closes with `code` (null: not a class close). */
export function closeSays(code, reason) {
  if (!CLASS_CLOSES.includes(code)) return null;
  return reason || "The class's connection was closed.";
}

/** The panel's shape: what must be rebuilt when it changes (the counts alone update in place). */
export function panelKey(part, mine, follow) {
  const q = part && part.question;
  if (!q) return `none|${follow}`;
  return [q.id, q.open, q.reveal ? q.reveal.counts.join(",") : "", mine ? mine.a : "", follow].join("|");
}

// ---------- the class panel ------------------------------------------------------------------

/** The diagram a follower may choose for itself (the server builds that frame once for all
 * who chose it): m is what the socket's {"t": "mode"} says. */
export const MODE_CHOICES = [
  { m: null, label: "The lecturer's diagram" },
  { m: "forward", label: "Forward: a, Θ" },
  { m: "backward", label: "Backward: δ, D" },
];

/** The class panel's own state (view.state.classroom). */
export function createClassState() {
  return { key: null, picked: null, mine: null, ended: "", notice: "", copies: 0, mode: null, modeSent: true };
}

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function panelOf(view) {
  let p = view.classPanel;
  if (!p) {
    p = view.classPanel = el("section", "bp-class");
    p.setAttribute("aria-label", "Class");
    p.dataset.testid = "bp-class";
    p.head = el("div", "bp-class-head");
    p.body = el("div", "bp-class-body");
    p.tally = el("div", "bp-class-tally");
    p.tally.setAttribute("role", "status");
    p.tally.setAttribute("aria-live", "polite");
    p.note = el("div", "bp-class-note");
    p.note.setAttribute("role", "status");
    p.append(p.head, p.body, p.tally, p.note);
    view.dom.root.prepend(p);
  }
  return p;
}

function cls(view) {
  if (!view.state.classroom) view.state.classroom = createClassState();
  return view.state.classroom;
}

/** Draw frame f's class part (nothing when the frame has none and this is not a follower). */
export function drawClass(view, f) {
  const part = f.class;
  const c = cls(view);
  if (!part && !view.state.follow) {
    if (view.classPanel) view.classPanel.hidden = true;
    return;
  }
  const p = panelOf(view);
  p.hidden = false;
  if (c.ended) return; // its last words stay
  if (view.state.follow) sendMode(view);
  if (!part) return;
  const follow = Boolean(view.state.follow);
  p.head.textContent = follow ? `Class ${part.code} · ${part.students_text}`
    : `Class ${part.code} · ${part.students_text} following`;
  const q = part.question;
  p.tally.textContent = q ? q.answers_text : "";
  const key = panelKey(part, c.mine, follow);
  if (key === c.key) return;
  if (c.key !== null && key.split("|")[0] !== c.key.split("|")[0]) p.note.textContent = ""; // a new question
  if (q && q.reveal) p.note.textContent = "";
  c.key = key;
  p.body.replaceChildren(...(q ? questionNodes(view, q, follow) : waiting(follow)));
  p.dataset.question = q ? String(q.id) : "";
  p.dataset.revealed = q && q.reveal ? "1" : "";
}

function waiting(follow) {
  return follow ? [el("div", "bp-class-wait", "No question yet: watch the network with the lecturer.")] : [];
}

function questionNodes(view, q, follow) {
  const c = cls(view);
  const out = [el("div", "bp-class-qtitle", `Question ${q.number}`), el("div", "bp-class-qtext", q.text)];
  const mine = c.mine && c.mine.q === q.id ? c.mine.a : null;
  if (q.kind === "number") {
    if (follow && q.open) {
      const input = el("input", "bp-class-number");
      Object.assign(input, { type: "number", step: "any" });
      input.setAttribute("aria-label", "Your number");
      if (c.picked !== null && c.picked.q === q.id) input.value = String(c.picked.a);
      input.addEventListener("input", () => { c.picked = { q: q.id, a: Number(input.value) }; });
      out.push(input);
    }
  } else {
    const row = el("div", "bp-class-choices");
    const labels = q.kind === "sign" ? ["+", "−"] : q.choices.map((t, i) => `${"ABCD"[i]}: ${t}`);
    labels.forEach((label, i) => {
      const b = button(label, "class-choice", follow && q.open ? "Pick this answer" : "");
      const on = c.picked && c.picked.q === q.id ? c.picked.a === i : mine === i;
      b.setAttribute("aria-pressed", String(Boolean(on)));
      b.disabled = !(follow && q.open);
      b.addEventListener("click", () => { c.picked = { q: q.id, a: i }; c.key = null; drawAgain(view); });
      row.append(b);
    });
    out.push(row);
  }
  if (follow && q.open) {
    const answer = button("Answer", "class-answer", "Send your answer (you may change it until the reveal)");
    answer.classList.add("bp-primary");
    answer.addEventListener("click", () => {
      const input = view.classPanel.querySelector(".bp-class-number");
      if (input && input.value !== "") c.picked = { q: q.id, a: Number(input.value) };
      if (c.picked && c.picked.q === q.id && Number.isFinite(c.picked.a)) {
        send(view, { t: "answer", q: q.id, a: c.picked.a });
      } else showNote(view, "Pick an answer first.");
    });
    out.push(answer);
  }
  if (follow && mine !== null) {
    const still = q.open ? " (you may change it until the lecturer reveals)" : "";
    out.push(el("div", "bp-class-mine", `Your answer: ${answerText(q, mine)}${still}`));
  }
  if (q.reveal) out.push(revealNodes(q, mine, follow));
  return out;
}

function revealNodes(q, mine, follow) {
  const r = q.reveal;
  const box = el("div", "bp-class-reveal");
  box.append(el("div", "bp-class-right", r.text));
  const widths = barWidths(r.counts);
  const chart = el("div", "bp-class-bars");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", r.labels.map((l, i) => `${l}: ${r.counts[i]}`).join(", "));
  r.labels.forEach((label, i) => {
    const row = el("div", "bp-class-bar" + (i === r.right ? " bp-right" : ""));
    const bar = el("span", "bp-class-fill");
    bar.style.width = `${widths[i]}%`;
    row.append(el("span", "bp-class-label", label + (i === r.right ? " ✓" : "")), el("span", "bp-class-track"), el("span", "bp-class-count", String(r.counts[i])));
    row.children[1].append(bar);
    chart.append(row);
  });
  box.append(chart);
  if (follow && mine !== null && r.right !== null) {
    const right = q.kind === "number" ? undefined : mine === r.right;
    if (right !== undefined) box.append(el("div", "bp-class-verdict", right ? "Your answer was right." : "Your answer was not the right one."));
  }
  return box;
}

function drawAgain(view) {
  if (view.state.drawn) drawClass(view, view.state.drawn);
}

function showNote(view, text) {
  panelOf(view).note.textContent = text;
}

// ---------- follower mode --------------------------------------------------------------------

/** Make `view` a class's follower (the component's data `follow`): its socket, its id, its
 * panel with Take a copy; returns true (the view then connects). */
export function followMode(view, follow, wsPath, onTrigger) {
  const s = view.state;
  const id = tabId(window.sessionStorage, (n) => crypto.getRandomValues(new Uint8Array(n)));
  setFollow(s, { code: String(follow.code || "") }, id, followPath(wsPath, id));
  view.dom.root.classList.add("bp-follower");
  lecturersZoom(view);
  const p = panelOf(view);
  if (!p.copy) {
    const row = el("div", "bp-class-actions");
    p.copy = button("Take a copy", "class-copy", "Your own copy of the lecturer's run, to explore alone");
    p.copy.addEventListener("click", () => { send(view, { t: "copy" }); showNote(view, "Copying the lecturer's run …"); });
    p.modes = MODE_CHOICES.map((choice) => {
      const b = button(choice.label, "class-mode", "The network diagram on your screen");
      b.setAttribute("aria-pressed", String(choice.m === null));
      b.addEventListener("click", () => chooseMode(view, choice.m));
      return b;
    });
    const label = el("span", "bp-class-modes-label", "Your diagram:");
    row.append(p.copy, label, ...p.modes);
    p.append(row);
  }
  view.classTrigger = onTrigger;
  view.onMessage = (m) => classMessage(view, m, onTrigger);
  view.onClose = (code, reason) => classClosed(view, code, reason);
  return true;
}

// The boundary's zoom is the lecturer's: the hint over it, and its wheel, drag and
// double-click stopped on the way down (capture), before input.js's listeners on the canvas.
function lecturersZoom(view) {
  const canvas = view.dom.boundary;
  const wrap = canvas && canvas.parentElement;
  if (!wrap || view.zoomHint) return;
  const hint = view.zoomHint = el("div", "bp-class-zoom-hint", ZOOM_HINT);
  hint.dataset.testid = "bp-class-zoom-hint";
  wrap.parentElement.insertBefore(hint, wrap);
  let timer = null;
  const stop = (ev) => {
    if (ev.target !== canvas) return;
    ev.stopPropagation(); // not preventDefault: the wheel scrolls the page as anywhere else
    hint.classList.add("bp-tried");
    clearTimeout(timer);
    timer = setTimeout(() => hint.classList.remove("bp-tried"), 1500);
  };
  for (const type of ["wheel", "mousedown", "dblclick"]) wrap.addEventListener(type, stop, { capture: true });
}

function chooseMode(view, m) {
  const c = cls(view);
  c.mode = m;
  c.modeSent = false;
  sendMode(view);
  const p = panelOf(view);
  p.modes.forEach((b, i) => b.setAttribute("aria-pressed", String(MODE_CHOICES[i].m === m)));
}

// The chosen mode goes with the first frame of every socket (a reconnect starts afresh).
function sendMode(view) {
  const c = cls(view);
  if (c.modeSent || !view.state.online) return;
  send(view, { t: "mode", m: c.mode });
  c.modeSent = true;
}

function classMessage(view, m, onTrigger) {
  const c = cls(view);
  if (m.t === "you") { c.mine = { q: m.q, a: m.a }; c.key = null; drawAgain(view); showNote(view, "Answer sent."); }
  else if (m.t === "notice") showNote(view, String(m.text || ""));
  else if (m.t === "copy" && m.run instanceof Uint8Array) {
    c.copies += 1;
    showNote(view, "Your copy is opening below …");
    const rng = typeof m.rng === "string" ? m.rng : ""; // the generator's state, as text
    onTrigger("copy", { name: String(m.name || "run.npz"), b64: toBase64(m.run), rng, n: c.copies });
  }
}

function classClosed(view, code, reason) {
  cls(view).modeSent = cls(view).mode === null; // a new socket: the mode is said again
  const says = closeSays(code, reason);
  if (says === null) return false;
  const p = panelOf(view);
  cls(view).ended = says;
  p.hidden = false;
  p.head.textContent = view.state.follow ? `Class ${view.state.follow.code}` : "";
  p.note.textContent = "";
  const after = code === 4410 ? " The network below stays as it was; the Playground in the menu gives you one of your own." : "";
  p.body.replaceChildren(el("div", "bp-class-ended", says), el("div", "bp-class-after", after));
  p.tally.textContent = "";
  p.dataset.ended = "1";
  if (p.copy) p.copy.parentElement.hidden = true; // the socket is gone: nothing to copy from
  // the class has ended (or no class has this code): the page becomes the student's own
  // Playground, or says that no class has the code, and why
  if (PAGE_CLOSES.includes(code) && view.classTrigger) view.classTrigger("ended", { text: says, code });
  return true;
}

function toBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The lecturer's view: keep (or forget) the lecturer's key in its cookie. */
export function keepLecturerKey(lecturer) {
  if (!lecturer || typeof lecturer.name !== "string" || !/^[a-z_]+$/.test(lecturer.name)) return;
  const value = String(lecturer.cookie || "");
  if (!/^[A-Za-z0-9._-]*$/.test(value)) return;
  document.cookie = cookieText(lecturer.name, value);
}
