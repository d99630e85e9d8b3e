// Backprop Lab live view: one mounted component that redraws in place.
//
// Python (lab_ui/frames.py) sends a compact "frame" on every fragment run; this module only
// draws it.  Every number comes from bp_core; nothing here computes the network.
//
// * Plotly (the copy inside the installed plotly package, served by Streamlit) draws the
//   decision boundary and the curves with Plotly.react, so zoom survives (uirevision).
// * Two canvases draw the network diagram and the per-neuron maps (thousands of edges are
//   too many for SVG at 25 frames/s).
// * Frames are coalesced: only the newest frame is drawn, once per animation frame.
// * window.__bpPainted counts painted frames; window.__bpPaintTimes keeps their times
//   (performance.now()); the root element carries data-epoch / data-painted for tests.

// Served by app.py's route (lab_ui/routes.py) from the installed plotly package; the assets
// live at <origin>/_stcore/bidi-components/backprop-lab.live_view/, three levels below.
const PLOTLY_URL = new URL("../../../bp/static/plotly.min.js", import.meta.url).href;

const ORANGE = [245, 147, 34]; // negative / class 0
const BLUE = [8, 119, 189]; // positive / class 1
const WHITE = [248, 248, 248];
const CLASS_RGB = [
  ORANGE, BLUE, [44, 160, 44], [148, 103, 189], [214, 39, 40],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];
const SUP = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
const SUB = { 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉" };
const sup = (n) => "⁽" + String(n).split("").map((c) => SUP[c] || c).join("") + "⁾";
const sub = (n) => String(n).split("").map((c) => SUB[c] || c).join("");

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  window.__bpMarks = Object.assign(window.__bpMarks || {}, { plotlyRequested: performance.now() });
  if (!window.__bpPlotlyPromise) {
    window.__bpPlotlyPromise = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = PLOTLY_URL;
      s.async = true;
      s.onload = () => { window.__bpMarks.plotlyLoaded = performance.now(); resolve(window.Plotly); };
      s.onerror = () => {
        window.__bpPlotlyPromise = null;
        reject(new Error("could not load plotly.js from " + PLOTLY_URL));
      };
      document.head.appendChild(s);
    });
  }
  return window.__bpPlotlyPromise;
}

loadPlotly().catch(() => { /* retried on the next frame */ });

// ---------- decoding ----------------------------------------------------------------------

function b64bytes(s) {
  const bin = atob(s || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function b64f32(s) {
  const b = b64bytes(s);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
}
function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "+∞" : "−∞";
  const a = Math.abs(v);
  let s;
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) s = v.toExponential(4);
  else s = v.toPrecision(6).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return s.replace("-", "−");
}
function mix(c0, c1, t) {
  return [0, 1, 2].map((i) => Math.round(c0[i] + (c1[i] - c0[i]) * t));
}
// Diverging colour for v in [-1, 1]: orange (−) → white (0) → blue (+).
function divRGB(v) {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(WHITE, ORANGE, -t) : mix(WHITE, BLUE, t);
}
const css = (rgb, a = 1) => `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${a})`;

// ---------- DOM skeleton ------------------------------------------------------------------

function buildDom(parent) {
  const root = document.createElement("div");
  root.className = "bp-live";
  root.innerHTML = `
    <div class="bp-status" data-role="status"></div>
    <div class="bp-row bp-top">
      <div class="bp-card bp-boundary-card">
        <div class="bp-title" data-role="boundary-title">Decision boundary</div>
        <div class="bp-plot" data-role="boundary"></div>
      </div>
      <div class="bp-card bp-net-card">
        <div class="bp-title" data-role="net-title">Network</div>
        <div class="bp-canvas-wrap"><canvas data-role="net"></canvas></div>
        <div class="bp-legend" data-role="net-legend"></div>
      </div>
    </div>
    <div class="bp-card bp-maps-card">
      <div class="bp-title" data-role="maps-title">What each neuron computes</div>
      <div class="bp-canvas-wrap"><canvas data-role="maps"></canvas></div>
    </div>
    <div class="bp-row bp-bottom">
      <div class="bp-card"><div class="bp-canvas-wrap"><canvas data-role="curves"></canvas></div></div>
      <div class="bp-card"><div class="bp-canvas-wrap"><canvas data-role="grads"></canvas></div></div>
    </div>
    <div class="bp-tip" data-role="tip"></div>`;
  parent.appendChild(root);
  const q = (r) => root.querySelector(`[data-role="${r}"]`);
  return {
    root,
    status: q("status"),
    boundary: q("boundary"),
    boundaryTitle: q("boundary-title"),
    net: q("net"),
    netTitle: q("net-title"),
    netLegend: q("net-legend"),
    maps: q("maps"),
    mapsTitle: q("maps-title"),
    mapsCard: root.querySelector(".bp-maps-card"),
    curves: q("curves"),
    grads: q("grads"),
    tip: q("tip"),
  };
}

// ---------- boundary (plotly) -------------------------------------------------------------

const BINARY_SCALE = [
  [0, css(ORANGE)], [0.5, css(WHITE)], [1, css(BLUE)],
];

// The output over the plane is drawn as an image (layout.images) rather than a heatmap
// trace: Plotly.react then only redraws that image ("arraydraw"), not the whole plot.
// Colours: binary/value → orange–white–blue by h; multiclass → class colour, paler where
// the winning output is lower.
function boundaryImage(view, f) {
  const b = f.boundary;
  const nx = b.nx, ny = b.ny;
  if (!view.bCanvas || view.bCanvas.width !== nx || view.bCanvas.height !== ny) {
    view.bCanvas = document.createElement("canvas");
    view.bCanvas.width = nx;
    view.bCanvas.height = ny;
  }
  const ctx = view.bCanvas.getContext("2d");
  const img = ctx.createImageData(nx, ny);
  const q = b64bytes(b.q);
  const cls = b.kind === "multiclass" ? b64bytes(b.cls) : null;
  const disc = !!f.view.discretize;
  const values = new Float32Array(nx * ny);
  const span = b.hi - b.lo;
  const midq = ((b.mid - b.lo) / (span || 1)) * 255;
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const k = i * nx + j;
      let c;
      values[k] = b.lo + (q[k] / 255) * span;
      if (cls) {
        const base = CLASS_RGB[cls[k] % CLASS_RGB.length];
        c = mix(WHITE, base, disc ? 0.75 : 0.15 + 0.7 * (q[k] / 255));
      } else {
        let t = (q[k] - midq) / (q[k] >= midq ? 255 - midq || 1 : midq || 1); // −1 … 1
        if (disc) t = q[k] >= midq ? 0.8 : -0.8;
        c = divRGB(t);
      }
      const p = ((ny - 1 - i) * nx + j) * 4; // grid row 0 is the bottom (y ascending)
      img.data[p] = c[0]; img.data[p + 1] = c[1]; img.data[p + 2] = c[2]; img.data[p + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  view.bValues = { values, cls, b };
  return view.bCanvas.toDataURL("image/png");
}

function colorbarTrace(view, f) {
  const b = f.boundary;
  const sig = `${b.kind}|${b.lo}|${b.hi}|${f.n_classes}`;
  if (view.cbSig === sig) return view.cbTrace;
  let tr;
  if (b.kind === "multiclass") {
    tr = null;
  } else {
    tr = {
      type: "scatter", mode: "markers", x: [null], y: [null], hoverinfo: "skip", showlegend: false,
      marker: {
        color: [b.lo], cmin: b.lo, cmax: b.hi, colorscale: BINARY_SCALE, showscale: true,
        colorbar: {
          title: { text: b.colorbar, side: "right" }, thickness: 10, len: 0.9,
          tickvals: b.kind === "binary" ? [b.lo, b.mid, b.hi] : undefined,
          ticktext: b.kind === "binary" ? [`${b.lo} (class 0)`, `${b.mid}`, `${b.hi} (class 1)`] : undefined,
        },
      },
    };
  }
  view.cbSig = sig;
  view.cbTrace = tr;
  return tr;
}

function boundaryFigure(view, f) {
  const b = f.boundary;
  const traces = [];
  const cb = colorbarTrace(view, f);
  if (cb) traces.push(cb);
  traces.push(...pointTraces(view, f, b));
  const layout = {
    uirevision: f.uirev,
    margin: { l: 48, r: 10, t: 8, b: 40 },
    xaxis: { title: { text: b.axis[0] }, range: b.x, zeroline: false, showgrid: false, constrain: "domain" },
    yaxis: { title: { text: b.axis[1] }, range: b.y, zeroline: false, showgrid: false, scaleanchor: "x" },
    legend: { orientation: "h", y: -0.18, x: 0, font: { size: 11 } },
    showlegend: true,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { size: 12 },
    hoverlabel: { namelength: -1 },
    images: [{
      source: boundaryImage(view, f), xref: "x", yref: "y", x: b.img_x[0], y: b.img_y[1],
      sizex: b.img_x[1] - b.img_x[0], sizey: b.img_y[1] - b.img_y[0], sizing: "stretch",
      layer: "below",
    }],
  };
  return { traces, layout };
}

function boundaryTooltip(view, ev) {
  const el = view.dom.boundary;
  const fl = el._fullLayout;
  const bv = view.bValues;
  if (!fl || !bv || !fl.xaxis || !fl.xaxis.p2d) return null;
  const r = el.getBoundingClientRect();
  const px = ev.clientX - r.left - fl.xaxis._offset, py = ev.clientY - r.top - fl.yaxis._offset;
  if (px < 0 || py < 0 || px > fl.xaxis._length || py > fl.yaxis._length) return null;
  const x = fl.xaxis.p2d(px), y = fl.yaxis.p2d(py);
  const b = bv.b;
  const j = Math.floor(((x - b.img_x[0]) / (b.img_x[1] - b.img_x[0])) * b.nx);
  const i = Math.floor(((y - b.img_y[0]) / (b.img_y[1] - b.img_y[0])) * b.ny);
  if (i < 0 || j < 0 || i >= b.ny || j >= b.nx) return null;
  const k = i * b.nx + j;
  const where = `${b.axis[0]} = ${x.toFixed(2)}, ${b.axis[1]} = ${y.toFixed(2)}`;
  if (bv.cls) return `${where}<br>predicted class ${bv.cls[k]}, its output h = ${bv.values[k].toFixed(3)}`;
  return `${where}<br>h<sub>Θ</sub>(x) ≈ ${bv.values[k].toFixed(3)}` +
    (b.kind === "binary" ? ` → class ${bv.values[k] >= b.mid ? 1 : 0}` : "");
}

function pointTraces(view, f, b) {
  const pts = f.points;
  if (!pts) return [];
  if (view.pointsId === pts.id && view.pointsTraces && view.pointsShowTest === f.view.show_test) {
    return view.pointsTraces; // same objects → Plotly.react skips them
  }
  const out = [];
  const splits = [["train", "circle", f.task === "regression" ? "#777" : "white", 1]];
  if (f.view.show_test) splits.push(["test", "circle", "#222", 1.6]);
  for (const [split, symbol, line, lw] of splits) {
    const s = pts[split];
    if (!s || !s.x.length) continue;
    if (f.task === "regression") {
      out.push({
        type: "scatter", mode: "markers", x: s.x, y: s.y, name: `${split} (${s.x.length})`,
        marker: {
          size: 7, color: s.label, cmin: b.lo, cmax: b.hi, colorscale: BINARY_SCALE,
          line: { color: line, width: lw }, symbol,
        },
        hovertemplate: `${split}: x₁ = %{x:.3f}, x₂ = %{y:.3f}, y = %{marker.color:.3f}<extra></extra>`,
      });
      continue;
    }
    const K = Math.max(2, f.n_classes);
    for (let k = 0; k < K; k++) {
      const xs = [], ys = [];
      for (let i = 0; i < s.x.length; i++) {
        if (s.label[i] === k) { xs.push(s.x[i]); ys.push(s.y[i]); }
      }
      if (!xs.length) continue;
      out.push({
        type: "scatter", mode: "markers", x: xs, y: ys,
        name: `${split}, y = ${k} (${xs.length})`,
        legendgroup: split,
        marker: { size: 7, color: css(CLASS_RGB[k % CLASS_RGB.length]), line: { color: line, width: lw }, symbol },
        hovertemplate: `${split} example, y = ${k}<br>x₁ = %{x:.3f}, x₂ = %{y:.3f}<extra></extra>`,
      });
    }
  }
  view.pointsId = pts.id;
  view.pointsTraces = out;
  view.pointsShowTest = f.view.show_test;
  return out;
}

// ---------- curves (canvas) ---------------------------------------------------------------
// The curves change every frame while playing; Plotly.react on them cost 30–90 ms of main
// thread per redraw here, so they are small canvas charts: axes, ticks, legend, and a hover
// read-out of every curve at the nearest recorded epoch.

const LAYER_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

function niceTicks(lo, hi, n, minStep = 0) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = Math.max(minStep, (hi - lo) / Math.max(1, n));
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((st) => raw <= st) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(+v.toPrecision(12));
  return out;
}

function tickText(v, log) {
  if (log) {
    const e = Math.round(Math.log10(v));
    return "10" + String(e).split("").map((c) => (c === "-" ? "⁻" : SUP[c])).join("");
  }
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0);
  return String(+v.toPrecision(4));
}

function curveChart(view, canvas, spec) {
  const W = canvas.parentElement.clientWidth || 500, H = 250;
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const m = { l: 58, r: spec.right ? 50 : 12, t: 24, b: 58 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const xs = spec.x;
  const x0 = 0, x1 = Math.max(1, xs.length ? xs[xs.length - 1] : 1);
  const X = (v) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const axes = {};
  for (const side of ["left", "right"]) {
    const ax = side === "left" ? spec.left : spec.right;
    if (!ax) continue;
    let lo = Infinity, hi = -Infinity;
    for (const sr of spec.series) {
      if ((sr.axis || "left") !== side) continue;
      for (const v of sr.y) {
        if (v === null || !Number.isFinite(v) || (ax.log && v <= 0)) continue;
        lo = Math.min(lo, v); hi = Math.max(hi, v);
      }
    }
    if (ax.range) { lo = ax.range[0]; hi = ax.range[1]; }
    if (!Number.isFinite(lo)) { lo = ax.log ? 1e-3 : 0; hi = ax.log ? 1 : 1; }
    let tr, inv, ticks;
    if (ax.log) {
      let a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
      if (a === b) { a -= 1; b += 1; }
      tr = (v) => m.t + ph - ((Math.log10(v) - a) / (b - a)) * ph;
      inv = (py) => Math.pow(10, a + ((m.t + ph - py) / ph) * (b - a));
      const every = Math.max(1, Math.ceil((b - a) / 6));
      ticks = [];
      for (let e = a; e <= b; e += every) ticks.push(Math.pow(10, e));
    } else {
      if (!ax.range) { if (ax.zero) lo = Math.min(0, lo); const pad = (hi - lo) * 0.05 || 0.5; hi += pad; if (!ax.zero) lo -= pad; }
      tr = (v) => m.t + ph - ((v - lo) / (hi - lo)) * ph;
      inv = (py) => lo + ((m.t + ph - py) / ph) * (hi - lo);
      ticks = ax.ticks || niceTicks(lo, hi, 4);
    }
    axes[side] = { tr, ticks, ax };
  }
  // grid and ticks
  ctx.font = "11px sans-serif";
  ctx.strokeStyle = "#e6e6e6";
  ctx.lineWidth = 1;
  ctx.fillStyle = "#555";
  if (axes.left) {
    ctx.textAlign = "right";
    for (const t of axes.left.ticks) {
      const y = axes.left.tr(t);
      if (y < m.t - 1 || y > m.t + ph + 1) continue;
      ctx.beginPath(); ctx.moveTo(m.l, y); ctx.lineTo(m.l + pw, y); ctx.stroke();
      ctx.fillText(tickText(t, axes.left.ax.log), m.l - 4, y + 4);
    }
  }
  if (axes.right) {
    ctx.textAlign = "left";
    for (const t of axes.right.ticks) {
      const y = axes.right.tr(t);
      ctx.fillText(axes.right.ax.fmt ? axes.right.ax.fmt(t) : tickText(t, false), m.l + pw + 4, y + 4);
    }
  }
  ctx.textAlign = "center";
  for (const t of niceTicks(x0, x1, 5, 1)) { // epochs are whole numbers
    const x = X(t);
    ctx.beginPath(); ctx.moveTo(x, m.t); ctx.lineTo(x, m.t + ph); ctx.stroke();
    ctx.fillText(tickText(t, false), x, m.t + ph + 14);
  }
  ctx.strokeStyle = "#888";
  ctx.strokeRect(m.l, m.t, pw, ph);
  // titles
  ctx.fillStyle = "#222";
  ctx.font = "bold 12px sans-serif";
  ctx.textAlign = "left";
  ctx.fillText(spec.title, 6, 14);
  ctx.font = "11px sans-serif";
  ctx.textAlign = "center";
  ctx.fillText("epoch", m.l + pw / 2, m.t + ph + 28);
  ctx.save(); ctx.translate(12, m.t + ph / 2); ctx.rotate(-Math.PI / 2);
  ctx.fillText(spec.left.label, 0, 0); ctx.restore();
  if (spec.right) {
    ctx.save(); ctx.translate(W - 8, m.t + ph / 2); ctx.rotate(Math.PI / 2);
    ctx.fillText(spec.right.label, 0, 0); ctx.restore();
  }
  // curves
  ctx.save();
  ctx.beginPath(); ctx.rect(m.l, m.t, pw, ph); ctx.clip();
  for (const sr of spec.series) {
    const a = axes[sr.axis || "left"];
    if (!a) continue;
    ctx.strokeStyle = sr.color; ctx.lineWidth = sr.width || 1.6;
    ctx.setLineDash(sr.dash ? [4, 3] : []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      const v = sr.y[i];
      if (v === null || !Number.isFinite(v) || (a.ax.log && v <= 0)) { pen = false; continue; }
      const px = X(xs[i]), py = a.tr(v);
      if (pen) ctx.lineTo(px, py); else { ctx.moveTo(px, py); pen = true; }
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);
  // legend
  let lx = m.l, ly = H - 12;
  ctx.textAlign = "left";
  for (const sr of spec.series) {
    const w = ctx.measureText(sr.name).width + 30;
    if (lx + w > W - 4) { lx = m.l; ly -= 0; }
    ctx.strokeStyle = sr.color; ctx.lineWidth = 2; ctx.setLineDash(sr.dash ? [4, 3] : []);
    ctx.beginPath(); ctx.moveTo(lx, ly - 4); ctx.lineTo(lx + 18, ly - 4); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#333";
    ctx.fillText(sr.name, lx + 22, ly);
    lx += w;
  }
  canvas.__chart = { spec, X, m, pw, ph, xs };
}

function chartTooltip(view, px, py, canvas) {
  const c = canvas.__chart;
  if (!c || !c.xs.length || px < c.m.l || px > c.m.l + c.pw || py < c.m.t || py > c.m.t + c.ph) return null;
  let best = 0, bd = Infinity;
  for (let i = 0; i < c.xs.length; i++) {
    const d = Math.abs(c.X(c.xs[i]) - px);
    if (d < bd) { bd = d; best = i; }
  }
  const rows = c.spec.series.map((sr) => `<span style="color:${sr.color}">■</span> ${sr.html || sr.name} = ${fmt(sr.y[best])}`);
  return `<b>epoch ${c.xs[best]}</b><br>` + rows.join("<br>");
}

function drawCurves(view, f) {
  const h = f.history;
  const acc = h.metric_name === "accuracy";
  curveChart(view, view.dom.curves, {
    title: `Cost J(Θ) and ${h.metric_name} per epoch`,
    x: h.epoch,
    left: { label: "J(Θ)", log: !!f.view.log_cost, zero: true },
    right: acc
      ? { label: "accuracy", range: [0, 1.02], ticks: [0, 0.25, 0.5, 0.75, 1], fmt: (v) => `${Math.round(v * 100)}%` }
      : { label: h.metric_name },
    series: [
      { name: "J train", y: h.J_train, color: "#1f3b73", width: 2 },
      { name: "J test", y: h.J_test, color: "#1f3b73", width: 2, dash: true },
      { name: `${h.metric_name} train`, y: h.metric_train, color: "#2ca02c", axis: "right" },
      { name: `${h.metric_name} test`, y: h.metric_test, color: "#2ca02c", axis: "right", dash: true },
    ],
  });
  curveChart(view, view.dom.grads, {
    title: "Gradient size per layer ‖D⁽ˡ⁾‖ (log scale)",
    x: h.epoch,
    left: { label: "‖D⁽ˡ⁾‖ (Frobenius norm)", log: true },
    series: h.grad_norm.map((ys, l) => ({
      name: `‖D${sup(l + 1)}‖`, html: `‖D<sup>(${l + 1})</sup>‖`, y: ys,
      color: LAYER_COLORS[l % LAYER_COLORS.length],
    })),
  });
}

// ---------- network diagram (canvas) ------------------------------------------------------

function sizeCanvas(canvas, cssW, cssH) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cssW * dpr)), h = Math.max(1, Math.round(cssH * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = cssW + "px";
    canvas.style.height = cssH + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function layoutNet(net, W, H) {
  const sizes = net.sizes, L = sizes.length;
  const longest = (names) => Math.max(0, ...(names || []).map((n) => String(n).length));
  const top = 34, bottom = 14;
  const left = Math.min(110, 22 + 6.5 * longest(net.names[0]));
  const right = Math.min(140, 22 + 6.5 * longest(net.names[L - 1]));
  const maxUnits = Math.max(...sizes.map((s, l) => s + (l < L - 1 ? 1 : 0)));
  const step = (H - top - bottom) / Math.max(1, maxUnits);
  const r = Math.max(2.5, Math.min(13, step * 0.36));
  const cols = [];
  for (let l = 0; l < L; l++) {
    const x = L === 1 ? W / 2 : left + ((W - left - right) * l) / (L - 1);
    const withBias = l < L - 1;
    const n = sizes[l] + (withBias ? 1 : 0);
    const y0 = top + ((H - top - bottom) - step * n) / 2 + step / 2;
    const ys = [];
    for (let i = 0; i < n; i++) ys.push(y0 + step * i);
    // index 0 is the bias unit (+1) for every layer but the output layer
    cols.push({ x, ys, withBias });
  }
  return { cols, r };
}

function nodeY(col, unit) {
  // unit: 0 = bias, 1..s_l = real units (course numbering)
  return col.withBias ? col.ys[unit] : col.ys[unit - 1];
}

function drawNet(view, f) {
  const net = f.net;
  const canvas = view.dom.net;
  const W = canvas.parentElement.clientWidth || 600;
  const H = Math.max(260, Math.min(560, 40 + 22 * Math.max(...net.sizes) + 40));
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const geo = layoutNet(net, W, H);
  const L = net.sizes.length;
  const edges = net.edges.map(b64f32);
  const nodes = net.nodes.map((s) => (s ? b64f32(s) : null));
  const zs = (net.z || []).map((s) => (s ? b64f32(s) : null));
  const absm = (net.absmean || []).map((s) => (s ? b64f32(s) : null));
  let emax = 0;
  for (const e of edges) for (let i = 0; i < e.length; i++) emax = Math.max(emax, Math.abs(e[i]) || 0);
  if (!(emax > 0)) emax = 1;
  // edges, bucketed by sign and magnitude: one stroke per bucket
  const NB = 8;
  const buckets = [];
  for (let s = 0; s < 2; s++) for (let k = 0; k < NB; k++) buckets.push(new Path2D());
  const segs = [];
  for (let l = 0; l < L - 1; l++) {
    const a = geo.cols[l], b = geo.cols[l + 1];
    const nIn = net.sizes[l] + 1, nOut = net.sizes[l + 1];
    const e = edges[l];
    for (let j = 1; j <= nOut; j++) {
      const yb = nodeY(b, j);
      for (let i = 0; i < nIn; i++) {
        const v = e[(j - 1) * nIn + i];
        const ya = nodeY(a, i);
        const m = Math.min(1, Math.abs(v) / emax);
        const k = Math.min(NB - 1, Math.floor(m * NB));
        const p = buckets[(v >= 0 ? 1 : 0) * NB + k];
        p.moveTo(a.x, ya);
        p.lineTo(b.x, yb);
        segs.push([a.x, ya, b.x, yb, l, j, i, v]);
      }
    }
  }
  const dense = segs.length > 1500;
  for (let s = 0; s < 2; s++) {
    for (let k = 0; k < NB; k++) {
      const m = (k + 0.5) / NB;
      ctx.strokeStyle = css(s ? BLUE : ORANGE, (dense ? 0.12 : 0.25) + 0.7 * m);
      ctx.lineWidth = (dense ? 0.3 : 0.5) + (dense ? 2.5 : 5) * m;
      ctx.stroke(buckets[s * NB + k]);
    }
  }
  // node colour: (v − center[l]) / scale[l] on the diverging scale
  const center = net.center || net.sizes.map(() => 0);
  const nscale = net.scale || net.sizes.map(() => 1);
  const hits = [];
  ctx.font = "11px sans-serif";
  ctx.textAlign = "center";
  for (let l = 0; l < L; l++) {
    const col = geo.cols[l];
    const n = nodes[l];
    for (let u = col.withBias ? 0 : 1; u <= net.sizes[l]; u++) {
      const y = nodeY(col, u);
      ctx.beginPath();
      ctx.arc(col.x, y, geo.r, 0, 2 * Math.PI);
      let v = null;
      if (u === 0) {
        ctx.fillStyle = "#e8e8e8";
        ctx.fill();
        ctx.setLineDash([2, 2]);
        ctx.strokeStyle = "#666";
        ctx.lineWidth = 1;
        ctx.stroke();
        ctx.setLineDash([]);
        if (geo.r >= 7) { ctx.fillStyle = "#333"; ctx.fillText("+1", col.x, y + 4); }
      } else {
        v = n ? n[u - 1] : null;
        ctx.fillStyle = v === null ? "#ddd" : css(divRGB((v - center[l]) / (nscale[l] || 1)));
        ctx.fill();
        ctx.strokeStyle = "#333";
        ctx.lineWidth = 1;
        ctx.stroke();
      }
      const z = zs[l] && u > 0 ? zs[l][u - 1] : null;
      const am = absm[l] && u > 0 ? absm[l][u - 1] : null;
      hits.push({ kind: "node", x: col.x, y, l, u, v, z, am });
    }
    // column header: "layer l" and its g; shortened when the columns are narrow
    const spacing = L > 1 ? geo.cols[1].x - geo.cols[0].x : W;
    const SHORT = { sigmoid: "σ", tanh: "tanh", relu: "ReLU", leaky_relu: "lReLU", linear: "lin", softmax: "softmax" };
    const kind = l === 0 ? "input" : l === L - 1 ? "output" : "hidden";
    const act = net.acts[l] || "";
    const line1 = spacing >= 62 ? `layer ${l + 1}` : String(l + 1);
    const line2 = spacing >= 105 ? `${kind}${act ? " · " + act : ""}` : l === 0 ? "x" : SHORT[act] || act;
    ctx.textAlign = l === 0 && L > 1 ? "left" : l === L - 1 && L > 1 ? "right" : "center";
    const hx = l === 0 && L > 1 ? col.x - geo.r : l === L - 1 && L > 1 ? col.x + geo.r : col.x;
    ctx.fillStyle = "#222";
    ctx.font = "12px sans-serif";
    ctx.fillText(line1, hx, 12);
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#555";
    ctx.fillText(line2, hx, 25);
    ctx.textAlign = "center";
    // input names and output names beside the nodes
    if (geo.r >= 5 && (l === 0 || l === L - 1) && net.names[l]) {
      ctx.textAlign = l === 0 ? "right" : "left";
      for (let u = 1; u <= net.sizes[l]; u++) {
        const y = nodeY(col, u);
        const name = net.names[l][u - 1];
        if (name) ctx.fillText(name, col.x + (l === 0 ? -geo.r - 3 : geo.r + 3), y + 4);
      }
      ctx.textAlign = "center";
    }
  }
  view.netHits = { nodes: hits, segs, r: geo.r, net, emax };
  // legend (HTML)
  const esym = net.mode === "backward" ? "D" : "Θ";
  const who = net.example >= 0 ? `training example i = ${net.example + 1}` : `mean over the ${net.m} training examples`;
  view.dom.netTitle.textContent =
    net.mode === "backward"
      ? `Backward pass: nodes = error terms δ⁽ˡ⁾, edges = gradients D⁽ˡ⁾ (${who})`
      : `Forward pass: nodes = activations a⁽ˡ⁾, edges = weights Θ⁽ˡ⁾ (${net.example >= 0 ? who : "node colour: " + who})`;
  const nodeTxt = net.mode === "backward"
    ? `node colour: ${net.example >= 0 ? "δ⁽ˡ⁾" : "mean δ⁽ˡ⁾"} from −${fmt(nscale[1])} (orange) through 0 (white) to +${fmt(nscale[1])} (blue), one scale for all layers`
    : `node colour: a⁽ˡ⁾ from the low end of g's range (orange) through its middle (white) to the high end (blue)`;
  view.dom.netLegend.innerHTML =
    `<span class="bp-swatch" style="background:linear-gradient(90deg,${css(ORANGE)},${css(WHITE)},${css(BLUE)})"></span> ` +
    nodeTxt +
    ` &nbsp;·&nbsp; edge colour: sign of ${esym} (<b style="color:${css(BLUE)}">+</b> / <b style="color:${css(ORANGE)}">−</b>),` +
    ` width ∝ |${esym}| (largest ${fmt(emax)}) &nbsp;·&nbsp; dashed “+1” = bias unit; hover for exact values`;
}

function segDist(px, py, s) {
  const [x1, y1, x2, y2] = s;
  const dx = x2 - x1, dy = y2 - y1;
  const len2 = dx * dx + dy * dy || 1;
  let t = ((px - x1) * dx + (py - y1) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const qx = x1 + t * dx - px, qy = y1 + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}

function netTooltip(view, px, py) {
  const h = view.netHits;
  if (!h) return null;
  const net = h.net;
  const back = net.mode === "backward";
  const who = net.example >= 0 ? `training example i = ${net.example + 1}` : `mean over ${net.m} training examples`;
  for (const n of h.nodes) {
    if ((n.x - px) ** 2 + (n.y - py) ** 2 <= (h.r + 2) ** 2) {
      const l = n.l + 1;
      if (n.u === 0) return `<b>bias unit a${sub(0)}<sup>(${l})</sup> = +1</b><br>its weights Θ<sup>(${l})</sup><sub>j,0</sub> are the biases of layer ${l + 1}`;
      const name = net.names[n.l] && net.names[n.l][n.u - 1] ? ` (${net.names[n.l][n.u - 1]})` : "";
      if (back) {
        if (n.l === 0) return `<b>input unit ${n.u}${name}</b><br>δ<sup>(1)</sup> is not computed: the input has no error term`;
        const batch = net.example < 0;
        return `<b>δ<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.v)}</b><br>${who}` +
          (batch && n.am !== null ? `<br>mean |δ<sub>${n.u}</sub><sup>(${l})</sup>| = ${fmt(n.am)}` : "") +
          (batch ? `<br>(the mean δ is the bias gradient D<sup>(${l - 1})</sup><sub>${n.u},0</sub>)` : "") +
          (n.z !== null ? `<br>z<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.z)}` : "");
      }
      return `<b>a<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.v)}</b>${name}<br>${who}` +
        (n.z !== null ? `<br>z<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.z)}` : "");
    }
  }
  let best = null, bd = 5;
  for (const s of h.segs) {
    const d = segDist(px, py, s);
    if (d < bd) { bd = d; best = s; }
  }
  if (!best) return null;
  const [, , , , l0, j, i, v] = best;
  const l = l0 + 1;
  const sym = back ? "D" : "Θ";
  const from = i === 0 ? `the bias unit (+1) of layer ${l}` : `unit ${i} of layer ${l}`;
  const extra = back ? `<br>= ∂J/∂Θ<sup>(${l})</sup><sub>${j},${i}</sub> (${who})` : "";
  return `<b>${sym}<sup>(${l})</sup><sub>${j},${i}</sub> = ${fmt(v)}</b>${i === 0 ? " (bias)" : ""}${extra}<br>from ${from} to unit ${j} of layer ${l + 1}`;
}

// ---------- per-neuron maps (canvas) ------------------------------------------------------

function drawMaps(view, f) {
  const maps = f.maps;
  const card = view.dom.mapsCard;
  if (!maps || !maps.layers.length) {
    card.style.display = "none";
    view.mapHits = null;
    return;
  }
  card.style.display = "";
  const canvas = view.dom.maps;
  const W = canvas.parentElement.clientWidth || 600;
  const res = maps.res;
  const maxUnits = Math.max(...maps.layers.map((m) => m.units));
  const labelW = 54;
  const cell = Math.max(14, Math.min(64, Math.floor((W - labelW) / maxUnits) - 3));
  const rowH = cell + 6;
  const H = rowH * maps.layers.length + 4;
  const ctx = sizeCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  if (!view.mapImg || view.mapImg.width !== res) {
    view.mapImg = document.createElement("canvas");
    view.mapImg.width = res;
    view.mapImg.height = res;
  }
  const ictx = view.mapImg.getContext("2d");
  const img = ictx.createImageData(res, res);
  const hits = [];
  ctx.imageSmoothingEnabled = true;
  maps.layers.forEach((m, row) => {
    const q = b64bytes(m.q);
    const y = 2 + row * rowH;
    ctx.fillStyle = "#333";
    ctx.font = "12px sans-serif";
    ctx.textAlign = "left";
    ctx.fillText(`a${sup(m.l)}`, 4, y + cell / 2 + 4);
    for (let u = 0; u < m.units; u++) {
      const off = u * res * res;
      for (let i = 0; i < res; i++) {
        for (let j = 0; j < res; j++) {
          // grid row i is y ascending; draw it bottom-up
          const v = m.lo + (q[off + i * res + j] / 255) * (m.hi - m.lo);
          const c = divRGB(m.sym ? v / m.scale : (2 * (v - m.lo)) / (m.hi - m.lo || 1) - 1);
          const p = ((res - 1 - i) * res + j) * 4;
          img.data[p] = c[0]; img.data[p + 1] = c[1]; img.data[p + 2] = c[2]; img.data[p + 3] = 255;
        }
      }
      ictx.putImageData(img, 0, 0);
      const x = labelW + u * (cell + 3);
      ctx.drawImage(view.mapImg, x, y, cell, cell);
      ctx.strokeStyle = "#999";
      ctx.lineWidth = 0.5;
      ctx.strokeRect(x, y, cell, cell);
      hits.push({ x, y, w: cell, l: m.l, u: u + 1, lo: m.lo, hi: m.hi, act: m.act });
    }
  });
  view.mapHits = hits;
  view.dom.mapsTitle.textContent =
    `What each neuron computes: a⁽ˡ⁾ⱼ(x) over the input plane (same axes as the boundary; ` +
    `orange = low, white = middle, blue = high)`;
}

function mapTooltip(view, px, py) {
  for (const h of view.mapHits || []) {
    if (px >= h.x && px <= h.x + h.w && py >= h.y && py <= h.y + h.w) {
      return `<b>a<sub>${h.u}</sub><sup>(${h.l})</sup>(x)</b> — unit ${h.u} of layer ${h.l} (${h.act})<br>` +
        `ranges from ${fmt(h.lo)} to ${fmt(h.hi)} over this plane`;
    }
  }
  return null;
}

// ---------- tooltips ----------------------------------------------------------------------

function attachTip(view, canvas, fn) {
  canvas.addEventListener("mousemove", (ev) => {
    const r = canvas.getBoundingClientRect();
    const html = fn(view, ev.clientX - r.left, ev.clientY - r.top);
    const tip = view.dom.tip;
    if (!html) { tip.style.display = "none"; return; }
    tip.innerHTML = html;
    tip.style.display = "block";
    const rr = view.dom.root.getBoundingClientRect();
    tip.style.left = Math.min(ev.clientX - rr.left + 14, rr.width - 260) + "px";
    tip.style.top = ev.clientY - rr.top + 14 + "px";
  });
  canvas.addEventListener("mouseleave", () => { view.dom.tip.style.display = "none"; });
}

// ---------- frame loop --------------------------------------------------------------------

function markPainted(view, f) {
  window.__bpPainted = (window.__bpPainted || 0) + 1;
  const t = performance.now();
  const log = (window.__bpPaintTimes = window.__bpPaintTimes || []);
  log.push(t);
  if (log.length > 5000) log.splice(0, log.length - 5000);
  window.__bpLast = { epoch: f.epoch, step: f.step, rev: f.rev, t, server_ms: f.server_ms };
  const stats = (window.__bpStats = window.__bpStats || []);
  stats.push([t, f.server_ms || 0, window.__bpDrawMs || 0, f.rev]);
  if (stats.length > 5000) stats.splice(0, stats.length - 5000);
  view.dom.root.dataset.epoch = String(f.epoch);
  view.dom.root.dataset.painted = String(window.__bpPainted);
  view.dom.root.dataset.rev = String(f.rev);
}

async function draw(view, P, f) {
  const dom = view.dom;
  const T = (window.__bpTimes = {});
  let t = performance.now();
  const lap = (name) => { const n = performance.now(); T[name] = +(n - t).toFixed(1); t = n; };
  dom.status.textContent = f.status || "";
  dom.root.dataset.playing = f.playing ? "1" : "0";
  dom.root.classList.toggle("bp-noplane", !f.boundary);
  const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  const skip = window.__bpSkip || {}; // benchmark switch: leave parts out to measure them
  if (f.boundary && !skip.boundary && !P) {
    dom.boundaryTitle.textContent = "Decision boundary: loading plotly.js …";
  } else if (f.boundary && !skip.boundary) {
    dom.boundary.parentElement.style.display = "";
    dom.boundaryTitle.textContent = f.boundary.title;
    // Fast path: when only the output image changed, swap it with one relayout (≈2 ms);
    // anything else (new data, toggles, first draw) goes through Plotly.react (≈20 ms).
    const b = f.boundary;
    const key = [f.uirev, f.view.show_test, b.kind, b.lo, b.hi, b.x, b.y, b.axis, f.n_classes,
      f.points ? f.points.id : ""].join("|");
    if (view.bKey === key && dom.boundary._fullLayout) {
      await P.relayout(dom.boundary, { "images[0].source": boundaryImage(view, f) });
      lap("boundary_image");
    } else {
      const fig = boundaryFigure(view, f);
      await P.react(dom.boundary, fig.traces, fig.layout, config);
      view.bKey = key;
      if (!window.__bpMarks.firstBoundary) window.__bpMarks.firstBoundary = performance.now();
      lap("boundary_react");
    }
  } else if (!f.boundary) {
    dom.status.textContent = (f.status || "") + (f.no_plane ? " — " + f.no_plane : "");
    if (dom.boundary.data && P) { P.purge(dom.boundary); view.bKey = null; }
  }
  if (!skip.net) drawNet(view, f);
  lap("net");
  if (!skip.maps) drawMaps(view, f);
  lap("maps");
  if (!skip.curves) drawCurves(view, f);
  lap("curves");
}

function schedule(view) {
  if (view.busy || view.rafPending) return;
  view.rafPending = true;
  requestAnimationFrame(async () => {
    view.rafPending = false;
    const f = view.latest;
    if (!f || f === view.drawn) return;
    view.busy = true;
    try {
      // The canvases do not need plotly.js: the first frames are drawn while it loads
      // (≈2 s to parse 4.8 MB on a cold browser); the boundary joins when it is ready.
      const P = window.Plotly || null;
      if (!P) loadPlotly().then(() => { view.drawn = null; schedule(view); });
      const t0 = performance.now();
      await draw(view, P, f);
      window.__bpDrawMs = performance.now() - t0;
      view.drawn = f;
      if (!window.__bpMarks.firstPaint) window.__bpMarks.firstPaint = performance.now();
      markPainted(view, f);
      view.dom.root.dataset.error = "";
    } catch (err) {
      view.dom.status.textContent = "Live view error: " + (err && err.message ? err.message : err);
      view.dom.root.dataset.error = String(err);
      console.error(err);
    } finally {
      view.busy = false;
      if (view.latest !== view.drawn) schedule(view);
    }
  });
}

function parseFrame(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  if (typeof data === "string") return JSON.parse(data);
  return data;
}

export default function (component) {
  const { parentElement } = component;
  const data = parseFrame(component.data);
  let view = parentElement.__bpView;
  if (!view || !view.dom.root.isConnected) {
    view = { dom: buildDom(parentElement) };
    parentElement.__bpView = view;
    attachTip(view, view.dom.net, netTooltip);
    attachTip(view, view.dom.maps, mapTooltip);
    attachTip(view, view.dom.curves, (v, x, y) => chartTooltip(v, x, y, view.dom.curves));
    attachTip(view, view.dom.grads, (v, x, y) => chartTooltip(v, x, y, view.dom.grads));
    view.dom.boundary.addEventListener("mousemove", (ev) => {
      const html = boundaryTooltip(view, ev);
      const tip = view.dom.tip;
      if (!html || ev.target.closest(".hoverlayer")) { tip.style.display = "none"; return; }
      tip.innerHTML = html;
      tip.style.display = "block";
      const rr = view.dom.root.getBoundingClientRect();
      tip.style.left = Math.min(ev.clientX - rr.left + 14, rr.width - 260) + "px";
      tip.style.top = ev.clientY - rr.top + 14 + "px";
    });
    view.dom.boundary.addEventListener("mouseleave", () => { view.dom.tip.style.display = "none"; });
    window.__bpMounts = (window.__bpMounts || 0) + 1;
    window.__bpMarks = Object.assign(window.__bpMarks || {}, { mounted: performance.now() });
    window.__bpRoot = view.dom.root;
  }
  if (data && data.schema === 1) {
    window.__bpReceived = (window.__bpReceived || 0) + 1;
    view.latest = data;
    schedule(view);
  }
  // Streamlit may call this cleanup when a newer frame overtook an older one while it was
  // loading; only tear down when the component has really left the page.
  return () => {
    setTimeout(() => {
      if (parentElement.isConnected && view.dom.root.isConnected) return;
      if (window.Plotly) {
        for (const el of [view.dom.boundary]) {
          try { window.Plotly.purge(el); } catch (e) { /* already gone */ }
        }
      }
      view.dom.root.remove();
      if (parentElement.__bpView === view) parentElement.__bpView = null;
    }, 0);
  };
}
