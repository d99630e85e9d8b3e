// The panels around the canvases: the status line and the notice area, the class chooser
// for drawing points, the chain rule of one weight, and the PNG of what is shown.
//
// Edits go to the server as messages (lab_ui/live/channel/protocol.py validates them); it
// applies them under its lock and the next frame shows the result.  Every number of the
// chain-rule panel comes from bp_core (lab_ui/live/frames.py: chain_part); this code only
// writes it out, as text nodes.

import { classRGB, css } from "./colour.js";
import { T, setLabel, setText } from "./dom.js";
import { clip, fmt, tenDigits } from "./format.js";
import { drawable } from "./frame.js";
import { hook } from "./hook.js";
import { textSize } from "./layout.js";
import { send } from "./channel.js";
import { setDrawClass } from "./state.js";

// ---------- status and notices ----------------------------------------------------------------

/** The status line and the notice of frame f (the notice keeps its line while points can be
 * drawn or a chain rule is open, so a notice never moves the plot under the mouse). */
export function drawStatus(view, f) {
  const d = view.dom;
  setText(d.epochValue, String(f.epoch));
  // the run's state in words, as the server says it (it changes with the state, not with
  // every frame: a polite status region is read out on each change)
  showRunState(d.runState, f.state || (f.playing ? "Playing" : `Epoch ${f.epoch} · paused`), f.epoch, f.notice);
  d.status.textContent = f.status || "";
  if (!f.boundary && f.no_plane) d.status.textContent += " — " + f.no_plane;
  showPlaying(view);
  d.root.classList.toggle("bp-noplane", !f.boundary);
  // the server's notice; else the view's own (a weight typed out of range) for a while
  const own = view.ownNotice && performance.now() < view.ownNotice.until ? view.ownNotice.text : "";
  if (f.notice) view.ownNotice = null;
  setText(d.notice, f.notice || own);
  d.notice.classList.toggle("bp-reserve", Boolean(f.draw || f.chain || f.notice || own));
}

/** The status region's text, read out whole; what the view already shows beside it (the
 * epoch element's "Epoch N · ", the notice line's message) is not shown twice.  Changed only
 * when the text changes (each change is read out). */
function showRunState(box, text, epoch, noticeText) {
  if (box.dataset.text === text) return;
  box.dataset.text = text;
  const head = text.startsWith(`Epoch ${epoch} · `) ? `Epoch ${epoch} · ` : "";
  const tail = noticeText && text.endsWith(": " + noticeText) ? ": " + noticeText : "";
  const hidden = (t) => {
    const e = document.createElement("span");
    e.className = "bp-sr-only";
    e.textContent = t;
    return e;
  };
  const parts = [document.createTextNode(text.slice(head.length, text.length - tail.length))];
  if (head) parts.unshift(hidden(head));
  if (tail) parts.push(hidden(tail));
  box.replaceChildren(...parts);
}

/** The Play toggle as the state has it (never a Pause while nothing plays); Play, Step and
 * Reset wait while the connection is down (the page is being brought back). */
export function showPlaying(view) {
  const d = view.dom, s = view.state;
  // a toggle: the name stays "Play", aria-pressed and the icon (❚❚ while playing) change
  setLabel(d.play, s.playing ? "❚❚ Play" : "▶ Play");
  d.play.setAttribute("aria-pressed", String(Boolean(s.playing)));
  d.play.title = (s.playing ? "Playing: press to pause" : "Play") + (d.play.dataset.keyHint || "");
  d.root.dataset.playing = s.playing ? "1" : "0";
  for (const b of [d.play, d.stepB, d.stepE, d.reset]) b.disabled = !s.online;
}

// ---------- the connection -------------------------------------------------------------------

const bars = new WeakMap(); // view → the connection line's elements (made on first use)

function connectionBar(view) {
  let b = bars.get(view);
  if (b) return b;
  const line = document.createElement("div");
  line.className = "bp-connbar";
  line.dataset.role = "connection";
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  line.hidden = true;
  const text = document.createElement("span");
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "bp-btn";
  reload.dataset.role = "reload";
  reload.textContent = "Reload";
  reload.title = "Reload the page: its link replays the run to the epoch shown";
  reload.addEventListener("click", () => (bars.get(view).onReload || (() => location.reload()))());
  const close = document.createElement("button");
  close.type = "button";
  close.className = "bp-btn bp-connbar-close";
  close.dataset.role = "connection-close";
  close.textContent = "×";
  close.title = "Hide this message";
  close.addEventListener("click", () => showConnection(view, ""));
  line.append(text, reload, close);
  view.dom.status.before(line);
  bars.set(view, (b = { line, text, reload, close, timer: null, onReload: null }));
  return b;
}

/**
 * The connection line above the status: `text` ("" hides it), with a Reload button
 * (`reload`: true, or a function to run instead of a plain reload), a close button
 * (`dismiss`), and hidden again after `hideMs` (0: it stays).
 * `tone` "lost" (amber) or "back" (green).
 */
export function showConnection(view, text, { reload = false, dismiss = false, hideMs = 0, tone = "lost" } = {}) {
  if (!text && !bars.has(view)) return;
  const b = connectionBar(view);
  clearTimeout(b.timer);
  b.line.hidden = !text;
  b.line.dataset.tone = tone;
  b.text.textContent = text;
  b.reload.hidden = !reload;
  b.onReload = typeof reload === "function" ? reload : null;
  b.close.hidden = !dismiss;
  view.dom.root.dataset.conn = text ? tone : "";
  if (text && hideMs) b.timer = setTimeout(() => showConnection(view, ""), hideMs);
}

/** A notice of the view itself (a weight typed wrong; the page out of date), shown at once
 * (the next frame's notice replaces it). */
export function notice(view, text) {
  view.dom.notice.textContent = text;
  if (text) view.dom.notice.classList.add("bp-reserve");
  // kept through the frames that follow (they carry no notice of the server's) for a while
  view.ownNotice = text ? { text, until: performance.now() + OWN_NOTICE_MS } : null;
}

/** How long the view's own notice stays (the next server notice replaces it sooner). */
const OWN_NOTICE_MS = 8000;

// ---------- drawing points: the class chooser -------------------------------------------------

const choosers = new WeakMap(); // view → the chooser's key (rebuilt when the classes change)

export function drawChooser(view, f) {
  const d = drawable(f);
  const box = view.dom.drawBox;
  view.dom.root.classList.toggle("bp-drawable", Boolean(d));
  if (!d) { box.style.display = "none"; return; }
  box.style.display = "";
  const K = d.classes;
  const key = K + ":" + d.names.join("|");
  if (choosers.get(view) !== key) {
    choosers.set(view, key);
    const label = document.createElement("span");
    label.className = "bp-draw-label";
    label.textContent = "Draw class";
    const kids = [label];
    const name = (k) => (d.names[k] !== undefined && d.names[k] !== String(k) ? `${k}: ${d.names[k]}` : String(k));
    if (K <= 10) {
      for (let k = 0; k < K; k++) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "bp-cls";
        b.dataset.cls = String(k);
        const dot = document.createElement("span");
        dot.className = "bp-dot";
        dot.style.background = css(classRGB(k));
        b.append(dot, document.createTextNode(name(k)));
        b.addEventListener("click", () => { setDrawClass(view.state, k); markClass(view); });
        kids.push(b);
      }
    } else {
      const sel = document.createElement("select");
      sel.className = "bp-cls-select";
      sel.dataset.role = "draw-class";
      for (let k = 0; k < K; k++) {
        const o = document.createElement("option");
        o.value = String(k);
        o.textContent = name(k);
        sel.appendChild(o);
      }
      sel.addEventListener("change", () => setDrawClass(view.state, Number(sel.value)));
      kids.push(sel);
    }
    box.replaceChildren(...kids);
    setDrawClass(view.state, view.state.drawClass, K);
    markClass(view);
  }
  box.title =
    `Click the plane: a new training point of the chosen class. Shift+click: remove the nearest ` +
    `training point (within ${d.radius_px} px). Drawn points stay through Reset and network changes; ` +
    `choosing another data set or changing a data setting drops them. At most ` +
    `${d.max.toLocaleString("en")} drawn points (${d.drawn} now). Drag to pan, wheel to zoom, ` +
    `double-click for the whole plane.`;
}

function markClass(view) {
  const k = view.state.drawClass;
  for (const b of view.dom.drawBox.querySelectorAll(".bp-cls")) {
    b.setAttribute("aria-pressed", String(Number(b.dataset.cls) === k));
  }
  const sel = view.dom.drawBox.querySelector("select");
  if (sel) sel.value = String(k);
}

// ---------- the chain rule of one weight ------------------------------------------------------

/** Open the chain rule of weight w = [l, j, k] (course indices), or close it (null). */
export function setChain(view, w) {
  send(view, { t: "chain", w });
  if (!w) view.dom.chain.card.style.display = "none"; // at once; the next frame agrees
}

const chains = new WeakMap(); // view → {key: the weight shown, theta: its value shown}

export function drawChain(view, f) {
  const c = f.chain, d = view.dom.chain;
  const shown = chains.get(view) || { key: null, theta: null };
  chains.set(view, shown);
  if (!c) {
    d.card.style.display = "none";
    shown.key = null;
    return;
  }
  d.card.style.display = "";
  const [l, j, k] = c.w;
  const W = (sym) => T`${sym}<sup>(${l})</sup><sub>${j},${k}</sub>`;
  const key = c.w.join(",");
  d.card.dataset.theta = String(c.theta);
  if (shown.key !== key) {
    shown.key = key;
    const from = k === 0 ? `the bias unit (+1) of layer ${l}` : `unit ${k} of layer ${l}`;
    d.title.replaceChildren(T`Chain rule of one weight, live: `, W("Θ"), T` (from ${from} to unit ${j} of layer ${l + 1})`);
    [view.dom.pickL.value, view.dom.pickJ.value, view.dom.pickK.value] = c.w.map(String);
    d.label.replaceChildren(T`set `, W("Θ"), T` to `);
    d.input.value = tenDigits(c.theta_exact ?? c.theta); // 10 significant digits
  } else if (document.activeElement !== d.input && shown.theta !== c.theta) {
    d.input.value = tenDigits(c.theta_exact ?? c.theta);
  }
  if (c.limit) [d.input.min, d.input.max] = [String(-c.limit), String(c.limit)];
  shown.theta = c.theta;
  // fresh fragments each time: appending a fragment empties it
  const aK = () => T`a<sub>${k}</sub><sup>(${l})</sup>`;
  const dJ = () => T`δ<sub>${j}</sub><sup>(${l + 1})</sup>`;
  const formula = T`<b>∂J/∂</b>`;
  formula.append(W("Θ"), T`<b> = D</b>`, W(""), T`<b> = (1/m) Σ<sub>i</sub> </b>`, dJ(), T` `, aK());
  if (k === 0) formula.append(T` <b>(bias: a<sub>0</sub> = 1, and no λ term: biases are not regularized)</b>`);
  else formula.append(T`<b> + ${c.reg_formula}</b>`);
  const who = c.full
    ? `on the whole training set (full batch, m = ${c.m})`
    : `on the last mini-batch (m = ${c.m} of the ${c.m_train} training examples)`;
  const nums = T`${who}, at the current Θ: Σ<sub>i</sub> δ a = ${fmt(c.sum)} · (1/m) Σ = ${fmt(c.mean)}`;
  if (k !== 0) nums.append(T` · λ term ${c.reg_formula} = ${fmt(c.reg_term)} (λ = ${fmt(c.lambda)})`);
  nums.append(T` · `, T`<b>D</b>`, W(""), T`<b> = ${fmt(c.D)}</b> (bp_core's backprop)`);
  const table = document.createElement("table");
  table.className = "bp-chain-top";
  const head = document.createElement("tr");
  for (const h of [T`example i`, dJ(), aK(), T`δ · a`]) {
    const th = document.createElement("th");
    th.append(h);
    head.appendChild(th);
  }
  table.appendChild(head);
  for (const t of c.top) {
    const tr = document.createElement("tr");
    const row = t.i !== null ? String(t.i) : `row ${t.row} of the batch`;
    for (const v of [row, fmt(t.delta), fmt(t.a), fmt(t.product)]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  const cap = T`the ${c.top.length} largest terms δ a of the ${c.m} in the sum:`;
  const upd = T`the update it makes (${c.opt_label}: ${c.opt_formula}, α = ${fmt(c.alpha)}): `;
  upd.append(W("Θ"), T` ${fmt(c.theta)} → <b>${fmt(c.after)}</b> (change ${fmt(c.change)}`);
  if (c.gd_change != null) upd.append(T`; −α·D alone would be ${fmt(c.gd_change)}`); // the server sends it only when the rule's change differs
  upd.append(T`)${c.full ? "" : " — the next step's mini-batch will be another one"}`);
  const parts = [formula, nums, cap, table, upd];
  // Predict the sign (the view setting predict_sign): D and the update are hidden until the
  // student says + or −; the guess is graded here from the frame's own D and sent to the page
  // for the score (which grades it again with bp_core's D)
  const sign = signQuestion(view, f, shown, W);
  if (sign.hide) parts.splice(0, parts.length, formula, cap, table, sign.row);
  else if (sign.row) parts.splice(1, 0, sign.row);
  const rows = parts.map((part) => {
    const div = document.createElement("div");
    div.append(part);
    return div;
  });
  d.body.replaceChildren(...rows);
  d.card.dataset.sign = sign.hide ? "ask" : sign.row ? (sign.right ? "right" : "wrong") : "";
}

function signQuestion(view, f, shown, W) {
  const c = f.chain;
  if (!(f.view && f.view.predict_sign) || c.D === null) return { hide: false, row: null };
  const key = `${c.w.join(",")}@${f.step}`;
  const g = shown.guess && shown.guess.key === key ? shown.guess.sign : null;
  if (g === null) {
    const row = T`<b>Predict: is D</b>`;
    row.append(W(""), T`<b> positive or negative?</b> `);
    for (const [label, sg, role] of [["+", "+", "sign-plus"], ["−", "-", "sign-minus"]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "bp-btn bp-sign";
      b.dataset.role = role;
      b.textContent = label;
      b.title = sg === "+" ? "D is positive" : "D is negative";
      b.addEventListener("click", () => {
        shown.guess = { key, sign: sg };
        view.trigger("command", { c: "sign", w: c.w, guess: sg });
        drawChain(view, f);
      });
      row.append(b, T` `);
    }
    return { hide: true, row };
  }
  const right = g === "+" ? c.D > 0 : c.D < 0;
  const row = T`<b>${right ? "✓ Right" : "✗ Not quite"}:</b> you said ${g === "+" ? "+" : "−"}, and D`;
  row.append(W(""), T` = <b>${fmt(c.D)}</b>`);
  return { hide: false, row, right };
}

// ---------- a reveal's evidence ---------------------------------------------------------------

// Which card shows each kind of evidence (bp_core.questions.EVIDENCE's keys).
const EVIDENCE_CARD = { theta_rows: "net", grad_norms: "grads", cost: "curves", boundary: "boundary" };

/** Outline the card a question's reveal points at (f.view.highlight; "" for none). */
export function drawHighlight(view, f) {
  const key = (f.view && f.view.highlight) || "";
  const d = view.dom;
  const cards = {
    boundary: d.boundaryCard,
    net: d.net.closest(".bp-card"),
    curves: d.curves.closest(".bp-card"),
    grads: d.grads.closest(".bp-card"),
  };
  for (const [name, card] of Object.entries(cards)) {
    if (card) card.classList.toggle("bp-highlight", EVIDENCE_CARD[key] === name);
  }
  d.root.dataset.highlight = key;
}

// ---------- PNG -------------------------------------------------------------------------------

/** The boundary and the network diagram, side by side on white, as one PNG (canvas.toBlob:
 * made in the browser, nothing asked of the server). */
export function exportPng(view) {
  const f = view.state.drawn;
  const cvs = [view.dom.boundary, view.dom.net].filter((c) => c.width > 1 && c.offsetParent !== null);
  if (!cvs.length) return;
  const dpr = window.devicePixelRatio || 1;
  const gap = Math.round(16 * dpr), foot = Math.round(20 * dpr);
  const W = cvs.reduce((n, c) => n + c.width, 0) + gap * (cvs.length + 1);
  const H = Math.max(...cvs.map((c) => c.height)) + 2 * gap + foot;
  const out = document.createElement("canvas");
  out.width = W;
  out.height = H;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  let x = gap;
  for (const c of cvs) { ctx.drawImage(c, x, gap); x += c.width + gap; }
  ctx.fillStyle = "#444";
  ctx.font = textSize(view.state.fontScale).font(12 * dpr);
  ctx.textAlign = "left";
  ctx.fillText(clip("Backprop Lab · " + (view.dom.status.textContent || ""), 180), gap, H - gap);
  out.toBlob((blob) => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `backprop-lab-epoch-${f ? f.epoch : 0}.png`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    hook().png = { width: W, height: H, bytes: blob.size };
  }, "image/png");
}
