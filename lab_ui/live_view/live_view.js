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

const PLOTLY_URL = new URL("../backprop_lab_vendor.plotlyjs/plotly.min.js", import.meta.url).href;

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
  if (!window.__bpPlotlyPromise) {
    window.__bpPlotlyPromise = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = PLOTLY_URL;
      s.async = true;
      s.onload = () => resolve(window.Plotly);
      s.onerror = () => {
        window.__bpPlotlyPromise = null;
        reject(new Error("could not load plotly.js from " + PLOTLY_URL));
      };
      document.head.appendChild(s);
    });
  }
  return window.__bpPlotlyPromise;
}

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
      <div class="bp-card"><div class="bp-plot bp-small" data-role="curves"></div></div>
      <div class="bp-card"><div class="bp-plot bp-small" data-role="grads"></div></div>
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
const VALUE_SCALE = BINARY_SCALE;

function multiclassScale(K) {
  // z = k + p·0.98 for predicted class k with probability p: light → full class colour.
  const stops = [];
  for (let k = 0; k < K; k++) {
    const c = CLASS_RGB[k % CLASS_RGB.length];
    stops.push([k / K, css(mix(WHITE, c, 0.15))]);
    stops.push([(k + 0.999) / K, css(mix(WHITE, c, 0.85))]);
  }
  return stops;
}

function boundaryFigure(view, f) {
  const b = f.boundary;
  const traces = [];
  const layout = {
    uirevision: f.uirev,
    margin: { l: 48, r: 10, t: 8, b: 40 },
    xaxis: { title: { text: b.axis[0] }, range: b.x, zeroline: false, constrain: "domain" },
    yaxis: { title: { text: b.axis[1] }, range: b.y, zeroline: false, scaleanchor: "x" },
    legend: { orientation: "h", y: -0.18, x: 0, font: { size: 11 } },
    showlegend: true,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { size: 12 },
    hoverlabel: { namelength: -1 },
  };
  const nx = b.nx, ny = b.ny;
  const q = b64bytes(b.q);
  const dx = (b.x[1] - b.x[0]) / nx, dy = (b.y[1] - b.y[0]) / ny;
  const z = new Array(ny);
  const disc = !!f.view.discretize;
  if (b.kind === "multiclass") {
    const cls = b64bytes(b.cls);
    const K = f.n_classes;
    const text = new Array(ny);
    for (let i = 0; i < ny; i++) {
      const row = new Array(nx), trow = new Array(nx);
      for (let j = 0; j < nx; j++) {
        const k = cls[i * nx + j], p = q[i * nx + j] / 255;
        row[j] = k + (disc ? 0.98 : p * 0.98);
        trow[j] = `predicted class ${k}, h = ${p.toFixed(3)}`;
      }
      z[i] = row;
      text[i] = trow;
    }
    traces.push({
      type: "heatmap", z, text, x0: b.x[0] + dx / 2, dx, y0: b.y[0] + dy / 2, dy,
      zmin: 0, zmax: K, colorscale: multiclassScale(K), showscale: false,
      hovertemplate: "x₁ = %{x:.2f}, x₂ = %{y:.2f}<br>%{text}<extra></extra>",
      name: "prediction", showlegend: false,
    });
  } else {
    const lo = b.lo, hi = b.hi, span = hi - lo;
    for (let i = 0; i < ny; i++) {
      const row = new Array(nx);
      for (let j = 0; j < nx; j++) {
        let v = lo + (q[i * nx + j] / 255) * span;
        if (disc) v = b.kind === "binary" ? (v >= 0.5 ? 1 : 0) : v >= b.mid ? hi : lo;
        row[j] = v;
      }
      z[i] = row;
    }
    traces.push({
      type: "heatmap", z, x0: b.x[0] + dx / 2, dx, y0: b.y[0] + dy / 2, dy,
      zmin: lo, zmax: hi, colorscale: b.kind === "binary" ? BINARY_SCALE : VALUE_SCALE,
      colorbar: {
        title: { text: b.colorbar, side: "right" }, thickness: 10, len: 0.9,
        tickvals: b.kind === "binary" ? [0, 0.5, 1] : undefined,
        ticktext: b.kind === "binary" ? ["0 (class 0)", "0.5", "1 (class 1)"] : undefined,
      },
      hovertemplate: `x₁ = %{x:.2f}, x₂ = %{y:.2f}<br>${b.hover} = %{z:.3f}<extra></extra>`,
      name: "h", showlegend: false,
    });
  }
  traces.push(...pointTraces(view, f, b));
  return { traces, layout };
}

function pointTraces(view, f, b) {
  const pts = f.points;
  if (!pts) return [];
  if (view.pointsId === pts.id && view.pointsTraces && view.pointsShowTest === f.view.show_test) {
    return view.pointsTraces; // same objects → Plotly.react skips them
  }
  const out = [];
  const splits = [["train", "circle", "white", 1]];
  if (f.view.show_test) splits.push(["test", "circle", "#222", 1.6]);
  for (const [split, symbol, line, lw] of splits) {
    const s = pts[split];
    if (!s || !s.x.length) continue;
    if (f.task === "regression") {
      out.push({
        type: "scatter", mode: "markers", x: s.x, y: s.y, name: `${split} (${s.x.length})`,
        marker: {
          size: 7, color: s.label, cmin: b.lo, cmax: b.hi, colorscale: VALUE_SCALE,
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

// ---------- curves (plotly) ---------------------------------------------------------------

function curvesFigure(f) {
  const h = f.history;
  const traces = [
    { x: h.epoch, y: h.J_train, name: "J train", line: { color: "#1f3b73", width: 2 }, type: "scatter", mode: "lines" },
    { x: h.epoch, y: h.J_test, name: "J test", line: { color: "#1f3b73", width: 2, dash: "dot" }, type: "scatter", mode: "lines" },
    { x: h.epoch, y: h.metric_train, name: `${h.metric_name} train`, yaxis: "y2", line: { color: "#2ca02c", width: 1.5 }, type: "scatter", mode: "lines" },
    { x: h.epoch, y: h.metric_test, name: `${h.metric_name} test`, yaxis: "y2", line: { color: "#2ca02c", width: 1.5, dash: "dot" }, type: "scatter", mode: "lines" },
  ];
  const layout = {
    uirevision: f.uirev,
    title: { text: `Cost J(Θ) and ${h.metric_name} per epoch`, font: { size: 13 }, x: 0.02 },
    margin: { l: 52, r: 52, t: 30, b: 40 },
    xaxis: { title: { text: "epoch" }, rangemode: "tozero" },
    yaxis: { title: { text: "J(Θ)" }, rangemode: "tozero", type: f.view.log_cost ? "log" : "linear" },
    yaxis2: { title: { text: h.metric_name }, overlaying: "y", side: "right", range: h.metric_name === "accuracy" ? [0, 1.02] : undefined, showgrid: false },
    legend: { orientation: "h", y: -0.3, font: { size: 11 } },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { size: 12 },
  };
  return { traces, layout };
}

const LAYER_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

function gradsFigure(f) {
  const h = f.history;
  const traces = h.grad_norm.map((ys, l) => ({
    x: h.epoch, y: ys, type: "scatter", mode: "lines",
    name: `‖D${sup(l + 1)}‖`, line: { color: LAYER_COLORS[l % LAYER_COLORS.length], width: 1.6 },
    hovertemplate: `epoch %{x}: ‖D${sup(l + 1)}‖ = %{y:.3e}<extra></extra>`,
  }));
  const layout = {
    uirevision: f.uirev,
    title: { text: "Gradient size per layer ‖D⁽ˡ⁾‖ (log scale)", font: { size: 13 }, x: 0.02 },
    margin: { l: 60, r: 10, t: 30, b: 40 },
    xaxis: { title: { text: "epoch" }, rangemode: "tozero" },
    yaxis: { title: { text: "‖D⁽ˡ⁾‖ (Frobenius)" }, type: "log", exponentformat: "power" },
    legend: { orientation: "h", y: -0.3, font: { size: 11 } },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { size: 12 },
  };
  return { traces, layout };
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
  const top = 34, bottom = 14, left = 46, right = 46;
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
  // node colour scale
  let nscale = 1;
  if (net.mode === "backward") {
    let mx = 0;
    for (const n of nodes) if (n) for (let i = 0; i < n.length; i++) mx = Math.max(mx, Math.abs(n[i]) || 0);
    nscale = mx > 0 ? mx : 1;
  }
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
        ctx.fillStyle = v === null ? "#ddd" : css(divRGB(v / nscale));
        ctx.fill();
        ctx.strokeStyle = "#333";
        ctx.lineWidth = 1;
        ctx.stroke();
      }
      const z = zs[l] && u > 0 ? zs[l][u - 1] : null;
      hits.push({ kind: "node", x: col.x, y, l, u, v, z });
    }
    // column header
    ctx.fillStyle = "#222";
    ctx.font = "12px sans-serif";
    const head = l === 0 ? "input" : l === L - 1 ? "output" : `hidden`;
    ctx.fillText(`layer ${l + 1}`, col.x, 12);
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#555";
    ctx.fillText(`${head}${net.acts[l] ? " · " + net.acts[l] : ""}`, col.x, 25);
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
  view.netHits = { nodes: hits, segs, r: geo.r, net, nscale, emax };
  // legend (HTML)
  const sym = net.mode === "backward" ? "δ" : "a";
  const esym = net.mode === "backward" ? "D" : "Θ";
  const who = net.example >= 0 ? `training example i = ${net.example + 1}` : `mean over the ${net.m} training examples`;
  view.dom.netTitle.textContent =
    net.mode === "backward"
      ? `Backward pass: nodes = error terms δ⁽ˡ⁾, edges = gradients D⁽ˡ⁾ (${who})`
      : `Forward pass: nodes = activations a⁽ˡ⁾, edges = weights Θ⁽ˡ⁾ (${net.example >= 0 ? who : "node colour: " + who})`;
  const scaleTxt = net.mode === "backward" ? `±${fmt(nscale)} (largest |δ|)` : "±1";
  view.dom.netLegend.innerHTML =
    `<span class="bp-swatch" style="background:linear-gradient(90deg,${css(ORANGE)},${css(WHITE)},${css(BLUE)})"></span>` +
    ` node colour: ${sym}⁽ˡ⁾ from −${scaleTxt.slice(1)} (orange) through 0 (white) to +${scaleTxt.slice(1)} (blue)` +
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
        return `<b>δ<sub>${n.u}</sub><sup>(${l})</sup> = ${fmt(n.v)}</b><br>${who}` +
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
    ctx.fillText(`a⁽${"⁰¹²³⁴⁵⁶⁷⁸⁹"[m.l] || m.l}⁾`.replace("⁽⁾", `(${m.l})`), 4, y + cell / 2 + 4);
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
  window.__bpLast = { epoch: f.epoch, step: f.step, rev: f.rev, t };
  view.dom.root.dataset.epoch = String(f.epoch);
  view.dom.root.dataset.painted = String(window.__bpPainted);
  view.dom.root.dataset.rev = String(f.rev);
}

async function draw(view, P, f) {
  const dom = view.dom;
  dom.status.textContent = f.status || "";
  dom.root.dataset.playing = f.playing ? "1" : "0";
  const jobs = [];
  const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  if (f.boundary) {
    dom.boundary.parentElement.style.display = "";
    dom.boundaryTitle.textContent = f.boundary.title;
    const fig = boundaryFigure(view, f);
    jobs.push(P.react(dom.boundary, fig.traces, fig.layout, config));
  } else {
    dom.boundaryTitle.textContent = f.no_plane || "No input plane to draw for this data set.";
    if (dom.boundary.data) { P.purge(dom.boundary); }
  }
  drawNet(view, f);
  drawMaps(view, f);
  const c = curvesFigure(f);
  jobs.push(P.react(dom.curves, c.traces, c.layout, config));
  const g = gradsFigure(f);
  jobs.push(P.react(dom.grads, g.traces, g.layout, config));
  await Promise.all(jobs);
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
      const P = await loadPlotly();
      await draw(view, P, f);
      view.drawn = f;
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

export default function (component) {
  const { data, parentElement } = component;
  let view = parentElement.__bpView;
  if (!view || !view.dom.root.isConnected) {
    view = { dom: buildDom(parentElement) };
    parentElement.__bpView = view;
    attachTip(view, view.dom.net, netTooltip);
    attachTip(view, view.dom.maps, mapTooltip);
    window.__bpMounts = (window.__bpMounts || 0) + 1;
    window.__bpRoot = view.dom.root;
  }
  if (data && data.schema === 1) {
    view.latest = data;
    schedule(view);
  }
  // Streamlit may call this cleanup when a newer frame overtook an older one while it was
  // loading; only tear down when the component has really left the page.
  return () => {
    setTimeout(() => {
      if (parentElement.isConnected && view.dom.root.isConnected) return;
      if (window.Plotly) {
        for (const el of [view.dom.boundary, view.dom.curves, view.dom.grads]) {
          try { window.Plotly.purge(el); } catch (e) { /* already gone */ }
        }
      }
      view.dom.root.remove();
      if (parentElement.__bpView === view) parentElement.__bpView = null;
    }, 0);
  };
}
