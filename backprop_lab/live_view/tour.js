// The first-visit tour of the Playground: a short sequence of steps, each pointing at one
// part of the page (Play, the boundary, the diagram, the curves, the presets) with a sentence
// or two in the course's notation.  The steps come from the server (lab_ui/live/tour.py, the
// component's data "tour"): this module knows where each target is, not what it means.
//
// It opens by itself once per browser (a localStorage flag), never in presenter mode (the
// server sends no steps then), never for a class's follower (?class=…), a preset's link
// (?preset=…), any link with settings, or with ?tour=0; ?tour=1 opens it anyway.  The "Tour" button beside "?" opens
// it again.  Next / Back / Skip tour are buttons; Escape closes it; each step moves the focus
// to its text.  Every text is set as text (textContent), never as markup.
//
// The pure parts (tourWanted, tourMove, stepHead, placeCard) are tested under node
// (tests/js/tour.test.mjs); the rest is thin DOM code, tested in the browser
// (tests/browser/test_tour_browser.py).

// ---------- pure --------------------------------------------------------------------------------

/** Query keys the live view writes itself (its position): they do not make a visit a link's. */
const OWN_KEYS = new Set(["epoch", "step", "tour"]);

/**
 * Should the tour open by itself?  steps: the server's (none in presenter mode); presenter:
 * presenter mode; search: the page URL's query string; seen: the browser's flag is set.
 */
export function tourWanted({ steps, presenter, search, seen }) {
  if (!Array.isArray(steps) || steps.length === 0 || presenter) return false;
  const q = new URLSearchParams(search || "");
  if (q.get("tour") === "0" || q.has("class") || q.get("presenter") === "1") return false;
  if (q.get("tour") === "1") return true;
  // a first visit has nothing in the URL but the view's own position (epoch, step): a link with
  // settings or a lesson (?preset=…) was sent for a reason, and that speaks, not the tour
  for (const key of q.keys()) if (!OWN_KEYS.has(key)) return false;
  return !seen;
}

/** The step after `action` ("next", "back", "skip", "close") from step i of n: an index, or −1
 * when the tour ends (skipped, closed, or "next" on the last step). */
export function tourMove(i, action, n) {
  if (action === "next") return i + 1 < n ? i + 1 : -1;
  if (action === "back") return Math.max(0, i - 1);
  return -1;
}

/** "Step 2 of 5". */
export const stepHead = (i, n) => `Step ${i + 1} of ${n}`;

/**
 * Where the step's card goes (viewport px): below its target if it fits there, else above,
 * else to its right, else to its left, else over the target's bottom; kept `gap` px inside
 * the window.  target: {left, top, right, bottom} or null (then the card is centred in the
 * window); card: {width, height}; view: {width, height}.  Returns {left, top, side}.
 */
export function placeCard(target, card, view, gap = 12) {
  const clampX = (x) => Math.max(gap, Math.min(x, view.width - card.width - gap));
  const clampY = (y) => Math.max(gap, Math.min(y, view.height - card.height - gap));
  if (!target) {
    return { left: clampX((view.width - card.width) / 2), top: clampY((view.height - card.height) / 2), side: "centre" };
  }
  const left = clampX((target.left + target.right) / 2 - card.width / 2);
  if (target.bottom + gap + card.height + gap <= view.height) return { left, top: target.bottom + gap, side: "below" };
  if (target.top - gap - card.height >= gap) return { left, top: target.top - gap - card.height, side: "above" };
  const top = clampY(Math.max(target.top, gap));
  if (target.right + gap + card.width + gap <= view.width) return { left: target.right + gap, top, side: "right" };
  if (target.left - gap - card.width >= gap) return { left: target.left - gap - card.width, top, side: "left" };
  return { left, top: clampY(target.bottom - card.height - gap), side: "over" };
}

// ---------- the page ----------------------------------------------------------------------------

const SEEN = "1";

function storage() {
  try { return window.localStorage; } catch { return null; }
}

function wasSeen(key) {
  try { return storage()?.getItem(key) === SEEN; } catch { return false; }
}

function remember(key) {
  try { storage()?.setItem(key, SEEN); } catch { /* private mode: shown again next time */ }
}

// What a step's target is on the page: the live view's own parts, or the sidebar's presets.
function targetOf(view, name) {
  const d = view.dom;
  const parts = {
    play: d.play,
    boundary: d.boundaryCard,
    net: d.net.closest(".bp-card"),
    curves: d.curves.closest(".bp-row") || d.curves.closest(".bp-card"),
    presets: document.querySelector(".st-key-w_preset"),
  };
  const el = parts[name];
  return el && el.isConnected && el.getClientRects().length ? el : null;
}

function button(label, role) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "bp-btn";
  b.dataset.role = role;
  b.textContent = label;
  return b;
}

function buildCard() {
  const card = document.createElement("div");
  card.className = "bp-tour";
  card.dataset.testid = "bp-tour";
  card.setAttribute("role", "dialog");
  card.setAttribute("aria-modal", "false");
  const head = document.createElement("div");
  head.className = "bp-tour-head";
  const title = document.createElement("div");
  title.className = "bp-tour-title";
  title.id = "bp-tour-title";
  const text = document.createElement("p");
  text.className = "bp-tour-text";
  text.id = "bp-tour-text";
  text.tabIndex = -1; // each step moves the focus here, so a screen reader reads it
  card.setAttribute("aria-labelledby", title.id);
  card.setAttribute("aria-describedby", text.id);
  const bar = document.createElement("div");
  bar.className = "bp-tour-bar";
  const back = button("Back", "tour-back");
  const next = button("Next", "tour-next");
  next.classList.add("bp-primary");
  const skip = button("Skip tour", "tour-skip");
  bar.append(back, next, skip);
  card.append(head, title, text, bar);
  return { card, head, title, text, back, next, skip };
}

function place(view) {
  const t = view.tour;
  if (!t.open) return;
  const target = t.target ? t.target.getBoundingClientRect() : null;
  const box = t.dom.card.getBoundingClientRect();
  const at = placeCard(target, { width: box.width, height: box.height }, { width: window.innerWidth, height: window.innerHeight });
  Object.assign(t.dom.card.style, { left: `${Math.round(at.left)}px`, top: `${Math.round(at.top)}px` });
  t.dom.card.dataset.side = at.side;
}

function show(view, i) {
  const t = view.tour, n = t.steps.length, step = t.steps[i];
  t.i = i;
  if (t.target) t.target.classList.remove("bp-tour-target");
  t.target = targetOf(view, step.target);
  if (t.target) {
    t.target.classList.add("bp-tour-target");
    t.target.scrollIntoView({ block: "center", inline: "nearest" });
  }
  const d = t.dom;
  d.head.textContent = stepHead(i, n);
  d.title.textContent = String(step.title || "");
  d.text.textContent = String(step.text || "");
  d.back.disabled = i === 0;
  d.next.textContent = i + 1 < n ? "Next" : "Done";
  d.card.dataset.step = String(i + 1);
  view.dom.root.dataset.tour = String(i + 1);
  place(view);
  d.text.focus({ preventScroll: true });
}

/** Close the tour (and remember it in this browser). */
export function closeTour(view) {
  const t = view.tour;
  if (!t || !t.open) return;
  t.open = false;
  if (t.target) t.target.classList.remove("bp-tour-target");
  t.target = null;
  t.dom.card.remove();
  for (const off of t.off) off();
  t.off = [];
  view.dom.root.dataset.tour = "";
  remember(t.storage);
  if (t.returnFocus && t.returnFocus.isConnected) t.returnFocus.focus({ preventScroll: true });
}

/** Open the tour at its first step. */
export function openTour(view) {
  const t = view.tour;
  if (!t || !t.steps.length) return;
  if (t.open) { show(view, 0); return; }
  t.open = true;
  t.returnFocus = document.activeElement;
  t.dom = t.dom || wire(view, buildCard());
  document.body.appendChild(t.dom.card);
  const onKey = (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); closeTour(view); }
  };
  const onMove = () => place(view);
  document.addEventListener("keydown", onKey, true); // before the live view's keys
  window.addEventListener("resize", onMove);
  window.addEventListener("scroll", onMove, true); // Streamlit scrolls its main block
  t.off = [
    () => document.removeEventListener("keydown", onKey, true),
    () => window.removeEventListener("resize", onMove),
    () => window.removeEventListener("scroll", onMove, true),
  ];
  remember(t.storage); // shown once per browser, even if the page is left mid-tour
  show(view, 0);
}

function wire(view, dom) {
  const go = (action) => {
    const t = view.tour, i = tourMove(t.i, action, t.steps.length);
    if (i < 0) closeTour(view); else show(view, i);
  };
  dom.next.addEventListener("click", () => go("next"));
  dom.back.addEventListener("click", () => go("back"));
  dom.skip.addEventListener("click", () => go("skip"));
  // keys typed in the card (Space or Enter on its buttons) are the card's, not the live view's
  dom.card.addEventListener("keydown", (ev) => { if (ev.key !== "Escape") ev.stopPropagation(); });
  return dom;
}

/**
 * The component's data "tour" ({steps, storage}, or nothing in presenter mode): keep it, show
 * or hide the Tour button, and open the tour by itself on a first visit, once the view has
 * painted (its targets laid out).
 */
export function setTour(view, data) {
  const steps = data && Array.isArray(data.steps) ? data.steps : [];
  const t = (view.tour = view.tour || { steps: [], i: 0, open: false, off: [], asked: false });
  t.steps = steps;
  t.storage = String((data && data.storage) || "bp-tour-seen");
  if (t.button) t.button.hidden = steps.length === 0;
  if (!steps.length) { closeTour(view); return; }
  if (t.asked) return;
  t.asked = true;
  const wanted = tourWanted({
    steps, presenter: view.state.presenter, search: window.location.search, seen: wasSeen(t.storage),
  });
  if (!wanted) return;
  // once the first frame has been painted for a moment (the page's widgets around the view
  // arrive just after it), or after OPEN_LATEST_MS whatever happens
  const start = performance.now();
  let paintedAt = 0;
  view.dom.root.dataset.tour = "waiting";
  const wait = setInterval(() => {
    if (!view.dom.root.isConnected) { clearInterval(wait); return; }
    const now = performance.now();
    if (view.state.drawn && !paintedAt) paintedAt = now;
    if (!(paintedAt && now - paintedAt >= OPEN_AFTER_PAINT_MS) && now - start < OPEN_LATEST_MS) return;
    clearInterval(wait);
    if (view.tour.steps.length && !view.tour.open) openTour(view);
  }, 200);
}

const OPEN_AFTER_PAINT_MS = 1200;
const OPEN_LATEST_MS = 8000;

/** The "Tour" button beside "?"; returns what undoes it (and closes an open tour). */
export function attachTour(view) {
  const b = button("Tour", "tour");
  b.title = "A short tour of this page";
  b.hidden = true; // until the server sends the steps (never in presenter mode)
  view.dom.keys.after(b);
  b.addEventListener("click", () => openTour(view));
  view.tour = view.tour || { steps: [], i: 0, open: false, off: [], asked: false };
  view.tour.button = b;
  return () => { closeTour(view); b.remove(); };
}
