"use strict";
// The live view (ui/live_frames.py explains the design): a run of the server sends data frames, this
// script draws them on their schedule. The decision boundary is drawn from a grid of P(dog) in a canvas
// under a transparent Plotly chart of the points; the learning curves are rebuilt from the series this
// view holds, by the rules their traces carry (meta.live), and their lines moved in place when the axes
// stay; the numbers and each chart's text alternative are set per frame. Whole figures come only with a
// page run (paused, or the base to draw frames on) and are drawn by the same code.

const V = {
  args: null,
  token: null,        // the server session's token: a new one (a new session) starts from nothing
  lastBatch: -1,      // the newest batch taken: Streamlit renders again with the same one on a resize
  full: null,         // the whole figures of the last page run: {boundary, curves, stats}
  templates: new Map(),
  history: {},        // series name -> every value so far
  queue: [],          // frames waiting for their time
  everyMs: 0,
  lastDue: 0,
  shown: null,        // the frame on screen
  running: false,
  play: null,         // the server's play number of the frames being shown
  frozen: null,       // {epoch, until}: a Pause answered here, until the server's answer arrives
  seq: 0,
  resyncAsked: 0,
  panels: {},         // name -> {el, chart, canvas, image, drawn, shape, draws}
  drawing: false,
  layoutDue: false,
  frameHeight: -1,
  frames: 0,          // frames shown (read by the tests and the benchmarks)
};

const now = () => performance.now();
const LAYOUTS = {
  playground: ["boundary", "stats", "curves"],
  curves: ["curves"],
};

function send(type, data) {
  window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
}

function fail(what, error) {
  const note = document.getElementById("error");
  note.textContent = what + ": " + error;
  note.hidden = false;
  sendHeight();
}

// Every report carries the points clicked that the server has not yet applied (V.pending): Streamlit keeps only
// a component's last value, so a report that follows a click quickly (a resync, a Pause) must not lose it.
function report(value) {
  V.seq += 1;
  const extra = V.pending && V.pending.length ? { points: V.pending } : {};
  send("streamlit:setComponentValue", { value: Object.assign({ seq: V.seq }, extra, value), dataType: "json" });
}

// ------------------------------------------------------------------------------------------ panels

function buildPanels(view) {
  const root = document.getElementById("view");
  if (root.dataset.view === view) return;
  root.dataset.view = view;
  root.className = view;
  root.replaceChildren();
  V.panels = {};
  for (const name of LAYOUTS[view] || []) {
    const el = document.createElement("div");
    el.className = "panel " + name;
    el.style.gridArea = name;
    const panel = { name: name, el: el, chart: null, canvas: null, image: null, drawn: null, shape: null, draws: 0,
                    swaps: 0 };
    if (name === "stats") {
      el.id = "stats";
      el.setAttribute("role", "group");
      el.setAttribute("aria-label", "Training progress");
    } else {
      if (name === "boundary") {
        panel.canvas = document.createElement("canvas");
        panel.canvas.setAttribute("aria-hidden", "true");
        el.appendChild(panel.canvas);
        panel.image = document.createElement("canvas");   // the grid drawn at its own size, then scaled
        panel.chart_click = (event) => placePoint(panel, event);
      }
      panel.chart = document.createElement("div");
      panel.chart.className = "chart";
      panel.chart.setAttribute("role", "img");
      panel.chart.dataset.draws = "0";
      if (panel.chart_click) panel.chart.addEventListener("click", panel.chart_click);
      el.appendChild(panel.chart);
    }
    root.appendChild(el);
    V.panels[name] = panel;
  }
}

function chartKeys() {
  const keys = (V.args && V.args.batch && V.args.batch.charts) || {};
  for (const [name, panel] of Object.entries(V.panels)) {
    if (panel.chart && keys[name]) panel.chart.dataset.chart = keys[name];
  }
}

function sendHeight() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== V.frameHeight) {
    V.frameHeight = height;
    send("streamlit:setFrameHeight", { height: height });
  }
}

// The same template object each time (parsed once per text): a new one makes Plotly redraw everything.
function withTemplate(figure) {
  const template = figure.layout.template;
  if (template && typeof template === "object") {
    const text = JSON.stringify(template);
    if (!V.templates.has(text)) {
      if (V.templates.size > 8) V.templates.clear();
      V.templates.set(text, template);
    }
    figure.layout.template = V.templates.get(text);
  }
  return figure;
}

function config() {
  return Object.assign({}, V.args.config || {}, { responsive: false });
}

// Each chart gets its figure's height as its own: with Plotly's responsive sizing a chart could collapse
// to no height on a window resize and stay blank (the playground's curves after 1920 → 1280).
async function react(panel, figure) {
  const height = figure.layout.height || 400;
  panel.chart.style.height = height + "px";
  await Plotly.react(panel.chart, figure.data, figure.layout, config());
  panel.drawn = figure;
  count(panel, figure);
  if (panel.canvas) placeCanvas(panel);
}

// Redraws and the first trace's points, read by the tests and the redraw benchmark.
function count(panel, figure) {
  panel.draws += 1;
  panel.chart.dataset.draws = String(panel.draws);
  const first = figure && figure.data.find((trace) => trace.x && trace.x.length && trace.x[0] !== null);
  panel.chart.dataset.points = String(first ? first.x.length : 0);
}

// ------------------------------------------------------------------------------------ the boundary

// How a grid of each kind becomes pixels (ui/live_frames.py describes the kinds). "binary": P(dog) in
// [0, 1], coloured by the palette and outlined at P = 0.5, as ui/playground/images.probability_png draws it.
// "value": a regression's number scaled to [0, 1] over the figure's scale, drawn like "binary" without the
// line. "classes": the arg-max class (top 3 bits) and its probability (low 13 bits), drawClasses.
const RENDERERS = { binary: drawBinary, value: drawBinary, classes: drawClasses };

const paletteCache = new Map();
function packedPalette(palette) {   // 256 RGBA colours as one little-endian uint32 each
  const key = palette.join();
  if (!paletteCache.has(key)) {
    const packed = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      packed[i] = (255 << 24) | (palette[3 * i + 2] << 16) | (palette[3 * i + 1] << 8) | palette[3 * i];
    }
    paletteCache.set(key, packed);
  }
  return paletteCache.get(key);
}

function drawBinary(spec, values, image) {
  const r = spec.r, s = spec.upscale, W = r * s;
  const colours = packedPalette(spec.palette);
  if (image.width !== W) { image.width = W; image.height = W; }
  const ctx = image.getContext("2d");
  const out = ctx.createImageData(W, W);
  const px = new Uint32Array(out.data.buffer);
  // Bilinear weights, pixel centres as Pillow's resize places them, edges held.
  const i0 = new Int32Array(W), i1 = new Int32Array(W), w = new Float64Array(W);
  for (let k = 0; k < W; k++) {
    const u = Math.min(Math.max((k + 0.5) / s - 0.5, 0), r - 1);
    i0[k] = Math.floor(u);
    i1[k] = Math.min(i0[k] + 1, r - 1);
    w[k] = u - i0[k];
  }
  // Each grid row interpolated along x (image rows run top-down; grid rows follow y upwards) …
  const rows = new Array(r);
  for (let gi = 0; gi < r; gi++) {
    const base = (r - 1 - gi) * r, row = new Float64Array(W);
    for (let x = 0; x < W; x++) {
      const a = values[base + i0[x]], b = values[base + i1[x]];
      row[x] = (a + (b - a) * w[x]) / 65535;
    }
    rows[gi] = row;
  }
  // … then along y, coloured; the pixels where P crosses 0.5 (from the left or from above) noted.
  const crossings = [];
  let above = null;
  const P = new Float64Array(W);
  for (let y = 0; y < W; y++) {
    const a = rows[i0[y]], b = rows[i1[y]], t = w[y], off = y * W;
    let left = false;
    for (let x = 0; x < W; x++) {
      const p = a[x] + (b[x] - a[x]) * t;
      const dog = p >= 0.5;
      if ((x > 0 && dog !== left) || (above !== null && dog !== (above[x] >= 0.5))) crossings.push(off + x);
      left = dog;
      P[x] = p;
      px[off + x] = colours[Math.round((p < 0 ? 0 : p > 1 ? 1 : p) * 254)];
    }
    above = above === null ? Float64Array.from(P) : (above.set(P), above);
  }
  // The line: every crossing widened to a 5 × 5 square, as the reference's two rounds of one-pixel shifts.
  if (spec.line === false) crossings.length = 0;
  const line = colours[255];
  for (const k of crossings) {
    const y = (k / W) | 0, x = k - y * W;
    for (let yy = Math.max(0, y - 2); yy <= Math.min(W - 1, y + 2); yy++) {
      const off = yy * W;
      for (let xx = Math.max(0, x - 2); xx <= Math.min(W - 1, x + 2); xx++) px[off + xx] = line;
    }
  }
  ctx.putImageData(out, 0, 0);
}

// Bilinear weights from grid cells to image pixels, pixel centres as Pillow's resize places them.
function weights(r, s) {
  const W = r * s, i0 = new Int32Array(W), i1 = new Int32Array(W), w = new Float64Array(W);
  for (let k = 0; k < W; k++) {
    const u = Math.min(Math.max((k + 0.5) / s - 0.5, 0), r - 1);
    i0[k] = Math.floor(u);
    i1[k] = Math.min(i0[k] + 1, r - 1);
    w[k] = u - i0[k];
  }
  return { i0: i0, i1: i1, w: w };
}

// k classes: each grid point holds its arg-max class (3 bits), that class's probability (6 bits) and its
// margin over the runner-up (7 bits; 0 on a border). A pixel between four grid points with one class is that
// class; where they differ, each class present scores the bilinear blend of +margin where it wins and
// −margin where another does, and the best score wins: the margin acts as a signed distance to the border,
// so the border runs as smoothly between grid points as the two-class ŷ = 0.5 line. The pixel is in its
// class's colour tinted onto white by the blended probability (from 1/k: pale, to 1: strong), with a dark
// line where the class changes.
function drawClasses(spec, values, image) {
  const r = spec.r, s = spec.upscale, W = r * s, k = spec.k;
  if (image.width !== W) { image.width = W; image.height = W; }
  const ctx = image.getContext("2d");
  const out = ctx.createImageData(W, W);
  const px = new Uint32Array(out.data.buffer);
  const { i0, i1, w } = weights(r, s);
  const n = r * r, cls = new Uint8Array(n), prob = new Float64Array(n), margin = new Float64Array(n);
  for (let i = 0; i < n; i++) {   // image rows run top-down; grid rows follow y upwards
    const gi = (i / r) | 0, gj = i - gi * r, v = values[(r - 1 - gi) * r + gj];
    cls[i] = v >> 13;
    prob[i] = ((v >> 7) & 63) / 63;
    margin[i] = (v & 127) / 127;
  }
  const pack = (c) => (255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0];
  // 64 shades a class: white + α (colour − white), α from 0.22 (P = 1/k) to 0.85 (P = 1).
  const shades = spec.colors.map((c) => Array.from({ length: 64 }, (_, i) => {
    const a = 0.22 + 0.63 * i / 63;
    return pack(c.map((v) => Math.round(255 + a * (v - 255))));
  }));
  const line = pack(spec.line);
  const label = new Uint8Array(W * W);
  const score = new Float64Array(8);
  for (let y = 0; y < W; y++) {
    const a0 = i0[y] * r, a1 = i1[y] * r, ty = w[y];
    for (let x = 0; x < W; x++) {
      const b0 = i0[x], b1 = i1[x], tx = w[x];
      const w00 = (1 - ty) * (1 - tx), w01 = (1 - ty) * tx, w10 = ty * (1 - tx), w11 = ty * tx;
      const c00 = a0 + b0, c01 = a0 + b1, c10 = a1 + b0, c11 = a1 + b1;
      const k00 = cls[c00], k01 = cls[c01], k10 = cls[c10], k11 = cls[c11];
      let best = k00;
      if (k00 !== k01 || k00 !== k10 || k00 !== k11) {
        const m00 = w00 * margin[c00], m01 = w01 * margin[c01], m10 = w10 * margin[c10], m11 = w11 * margin[c11];
        const all = m00 + m01 + m10 + m11;
        score.fill(-Infinity);
        // score(c) = Σ over corners of weight × (+margin if the corner's class is c, else −margin)
        score[k00] = 0; score[k01] = 0; score[k10] = 0; score[k11] = 0;
        score[k00] += 2 * m00; score[k01] += 2 * m01; score[k10] += 2 * m10; score[k11] += 2 * m11;
        best = k00;
        for (const c of [k01, k10, k11]) if (score[c] > score[best]) best = c;
        score[best] -= all;
      }
      const p = w00 * prob[c00] + w01 * prob[c01] + w10 * prob[c10] + w11 * prob[c11];
      const shade = Math.round(Math.max(0, Math.min(1, (p - 1 / k) / (1 - 1 / k))) * 63);
      label[y * W + x] = best;
      px[y * W + x] = shades[Math.min(best, shades.length - 1)][shade];
    }
  }
  // Where the class changes (from the left or from above): a 3 × 3 dark mark, a line two to three pixels wide.
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const c = label[y * W + x];
      if ((x > 0 && label[y * W + x - 1] !== c) || (y > 0 && label[(y - 1) * W + x] !== c)) {
        for (let yy = Math.max(0, y - 1); yy <= Math.min(W - 1, y + 1); yy++) {
          for (let xx = Math.max(0, x - 1); xx <= x; xx++) px[yy * W + xx] = line;
        }
      }
    }
  }
  ctx.putImageData(out, 0, 0);
}

function gridSpec() {
  const figure = V.full && V.full.boundary;
  return figure && figure.layout.meta && figure.layout.meta.grid;
}

function drawGrid(panel, frame) {
  const spec = gridSpec();
  if (!spec || !frame || !frame.grid) return;
  const draw = RENDERERS[spec.kind];
  if (!draw) throw new Error("no drawing rule for a grid of kind " + spec.kind);
  draw(spec, frame.grid, panel.image);
  panel.gridFrame = frame;
  composite(panel);
}

// The canvas covers the plot area, under the chart; the grid image is stretched over its extent.
function placeCanvas(panel) {
  const fl = panel.chart._fullLayout;
  if (!fl || !fl.xaxis || !fl.yaxis) return;
  const xa = fl.xaxis, ya = fl.yaxis, ratio = window.devicePixelRatio || 1;
  const c = panel.canvas;
  c.style.left = xa._offset + "px";
  c.style.top = ya._offset + "px";
  c.style.width = xa._length + "px";
  c.style.height = ya._length + "px";
  const width = Math.round(xa._length * ratio), height = Math.round(ya._length * ratio);
  if (c.width !== width || c.height !== height) { c.width = width; c.height = height; }
  composite(panel);
}

function composite(panel) {
  const spec = gridSpec();
  const fl = panel.chart._fullLayout;
  if (!spec || !fl || !fl.xaxis || !panel.image.width) return;
  const xa = fl.xaxis, ya = fl.yaxis, ratio = window.devicePixelRatio || 1;
  const [lo, hi] = spec.extent;
  const ctx = panel.canvas.getContext("2d");
  ctx.clearRect(0, 0, panel.canvas.width, panel.canvas.height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "medium";
  const x0 = xa.c2p(lo) * ratio, x1 = xa.c2p(hi) * ratio, y0 = ya.c2p(hi) * ratio, y1 = ya.c2p(lo) * ratio;
  ctx.drawImage(panel.image, x0, y0, x1 - x0, y1 - y0);
  panel.canvas.dataset.epoch = String(panel.gridFrame ? panel.gridFrame.epoch : "");
}

// A click on the plane of a drawn set (the batch says "draw"): reported as {action: "point", x1, x2, radius}
// in data units; the server adds a point there, or removes the one within `radius` (POINT_PX on screen).
// A ring marks the spot at once, until the server's figure with the new points arrives.
const POINT_PX = 12;
function placePoint(panel, event) {
  const batch = V.args && V.args.batch;
  const fl = panel.chart._fullLayout;
  if (!batch || !batch.draw || !fl || !fl.xaxis) return;
  const rect = panel.chart.getBoundingClientRect();
  const px = event.clientX - rect.left - fl.xaxis._offset, py = event.clientY - rect.top - fl.yaxis._offset;
  if (px < 0 || py < 0 || px > fl.xaxis._length || py > fl.yaxis._length) return;
  const x1 = fl.xaxis.p2c(px), x2 = fl.yaxis.p2c(py);
  const radius = Math.abs(fl.xaxis.p2c(px + POINT_PX) - x1);
  V.placed = (V.placed || 0) + 1;
  document.body.dataset.placed = String(V.placed);
  V.pending = (V.pending || []).concat([{ id: Date.now().toString(36) + "-" + V.placed, x1: x1, x2: x2, radius: radius }]);
  report({ action: "point" });
  const ctx = panel.canvas.getContext("2d"), ratio = window.devicePixelRatio || 1;
  ctx.beginPath();
  ctx.arc(px * ratio, py * ratio, 6 * ratio, 0, 2 * Math.PI);
  ctx.lineWidth = 2.5 * ratio;
  ctx.strokeStyle = "#111111";
  ctx.stroke();
}

// ------------------------------------------------------------------------------------- the curves

// Python's figures._thin_xy: at most `most` points evenly spread (np.linspace(0, n − 1, most) truncated),
// always keeping the last.
function thinIndex(n, most) {
  if (n <= most) return null;
  const step = (n - 1) / (most - 1);
  const out = [];
  let last = -1;
  for (let i = 0; i < most; i++) {
    const k = i === most - 1 ? n - 1 : Math.trunc(i * step);
    if (k !== last) out.push(k);
    last = k;
  }
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

// Python's figures._epoch_axis_end: the first of 10, 20, 50, 100, 200, 500, … that holds n.
function axisEnd(n) {
  let end = 10;
  while (end < n) end = String(end)[0] === "2" ? Math.floor(end * 5 / 2) : end * 2;
  return end;
}

function curvesFigure(counts) {
  const base = V.full.curves;
  const meta = (base.layout.meta && base.layout.meta.curves) || {};
  const most = meta.max_points || 800;
  const data = base.data.map((trace) => {
    const live = trace.meta && trace.meta.live;
    if (!live) return trace;
    const n = Math.max(0, Math.min(counts[live.group] || 0, (V.history[live.y] || []).length));
    const ys = (V.history[live.y] || []).slice(0, n);
    const xs = live.x === "epoch" ? Array.from({ length: n }, (_, i) => i + 1) : (V.history[live.x] || []).slice(0, n);
    const idx = thinIndex(n, most);
    return Object.assign({}, trace, { x: idx ? idx.map((i) => xs[i]) : xs, y: idx ? idx.map((i) => ys[i]) : ys });
  });
  const layout = Object.assign({}, base.layout);
  const end = meta.epoch_axis === "auto" || meta.epoch_axis === undefined ? axisEnd(counts.epochs || 0) : meta.epoch_axis;
  for (const axis of meta.axes || []) layout[axis] = Object.assign({}, layout[axis], { range: [0, end] });
  return { data: data, layout: layout };
}

// A figure as text without its lines' numbers: two frames with the same shape differ only in where
// their lines go, which swapLines can draw without Plotly.
function shapeOf(figure) {
  return JSON.stringify([Object.assign({}, figure.layout, { template: null }),
                         figure.data.map((trace) => Object.assign({}, trace, { x: null, y: null }))]);
}

// A frame that differs from the chart on screen only in the x and y of its lines: write each line's SVG
// path from the new numbers, with the axes Plotly laid out (~1 ms instead of a ~27 ms Plotly.react).
// Plotly's own copy of the data is left as drawn, so its next Plotly.react compares against that. Returns
// false, and Plotly.react draws the frame, whenever this would not draw what Plotly draws: a point outside
// the axes' ranges, a gap, markers, a trace with more than one line segment or none.
function swapLines(panel, figure) {
  const chart = panel.chart;
  if (!chart._fullLayout) return false;
  const paths = [];
  for (const group of chart.querySelectorAll(".scatterlayer > .trace")) {
    const drawn = group.__data__ && group.__data__[0] && group.__data__[0].trace;
    if (!drawn || drawn.mode !== "lines" || drawn.line.shape !== "linear") return false;
    const trace = figure.data[drawn.index];
    const lines = group.querySelectorAll("path.js-line");
    if (!trace || lines.length !== 1 || !trace.x || !trace.y || trace.x.length !== trace.y.length) return false;
    const xa = chart._fullLayout["xaxis" + drawn.xaxis.slice(1)];
    const ya = chart._fullLayout["yaxis" + drawn.yaxis.slice(1)];
    if (!xa || !ya || xa.type !== "linear" || ya.type !== "linear") return false;
    const [x0, x1] = [Math.min(...xa.range), Math.max(...xa.range)];
    const [y0, y1] = [Math.min(...ya.range), Math.max(...ya.range)];
    const points = [];
    for (let i = 0; i < trace.x.length; i++) {
      const x = trace.x[i], y = trace.y[i];
      if (typeof x !== "number" || typeof y !== "number" || !(x >= x0 && x <= x1 && y >= y0 && y <= y1)) return false;
      points.push(xa.c2p(x).toFixed(2) + "," + ya.c2p(y).toFixed(2));
    }
    if (points.length < 2) return false;
    paths.push([lines[0], "M" + points.join("L")]);
  }
  if (!paths.length) return false;
  for (const [path, d] of paths) path.setAttribute("d", d);
  panel.swaps += 1;
  panel.chart.dataset.lineSwaps = String(panel.swaps);
  count(panel, figure);
  panel.built = figure;
  return true;
}

async function drawCurves(panel, counts) {
  const figure = curvesFigure(counts);
  const shape = shapeOf(figure);
  if (shape === panel.shape && swapLines(panel, figure)) return;
  await react(panel, figure);
  panel.shape = shape;
  panel.built = figure;
}

// ---------------------------------------------------------------------------------------- frames

function drawStats(frame) {
  const panel = V.panels.stats;
  const labels = V.full && V.full.stats && V.full.stats.labels;
  if (!panel || !labels || !frame.stats) return;
  if (panel.el.childElementCount !== labels.length || panel.el.dataset.labels !== JSON.stringify(labels)) {
    panel.el.replaceChildren(...labels.map(([key, label]) => {
      const cell = document.createElement("div");
      const name = document.createElement("div");
      name.className = "label";
      name.textContent = label;
      const value = document.createElement("div");
      value.className = "value";
      value.dataset.stat = key;
      cell.append(name, value);
      return cell;
    }));
    panel.el.dataset.labels = JSON.stringify(labels);
  }
  labels.forEach(([key], i) => {
    const cell = panel.el.querySelector(`[data-stat="${key}"]`);
    if (cell.textContent !== frame.stats[i]) cell.textContent = frame.stats[i];
  });
}

function label(panel, frame) {
  const text = (frame && frame.text && frame.text[panel.name]) || (V.args && V.args.title) || "";
  if (panel.chart && panel.chart.getAttribute("aria-label") !== text) panel.chart.setAttribute("aria-label", text);
}

async function drawFrame(frame) {
  V.shown = frame;
  V.frames += 1;
  document.body.dataset.frames = String(V.frames);
  document.body.dataset.epoch = String(frame.epoch);
  drawStats(frame);
  for (const panel of Object.values(V.panels)) {
    if (panel.name === "boundary") {
      drawGrid(panel, frame);
      panel.draws += 1;
      panel.chart.dataset.draws = String(panel.draws);
    } else if (panel.name === "curves") {
      if (V.running) await drawCurves(panel, frame.n || {});
    }
    if (panel.chart) label(panel, frame);
  }
}

// Paused (or a page shown for the first time): the whole figures as the server built them, the grid of
// the one frame that comes with them.
async function drawFull(frame) {
  const boundary = V.panels.boundary;
  if (boundary && V.full.boundary) await react(boundary, V.full.boundary);
  const curves = V.panels.curves;
  if (curves && V.full.curves) {
    await react(curves, V.full.curves);
    curves.shape = null;
  }
  if (frame) await drawFrame(frame);
  sendHeight();
}

// The base the frames are drawn on changed (a page run while playing): redraw what is not per frame.
async function drawBase() {
  const boundary = V.panels.boundary;
  if (boundary && V.full.boundary && JSON.stringify(boundary.drawn && boundary.drawn.data) !==
      JSON.stringify(V.full.boundary.data)) {
    await react(boundary, V.full.boundary);
  } else if (boundary && V.full.boundary && !boundary.drawn) {
    await react(boundary, V.full.boundary);
  }
  if (V.panels.curves) V.panels.curves.shape = null;
  sendHeight();
}

function startDrawing(work) {
  V.drawing = true;
  work().catch((error) => fail("This chart could not be drawn", error)).finally(() => { V.drawing = false; });
}

// One tick per animation frame: the next queued frame once everyMs has passed since the last one was due
// (on schedule, not counted from when the last one was shown: waits would round up to animation frames).
function tick(t) {
  if (V.frozen && t > V.frozen.until) V.frozen = null;
  if (V.layoutDue && !V.drawing) {
    V.layoutDue = false;
    startDrawing(relayout);
  } else if (V.queue.length && !V.drawing && !V.frozen && t - V.lastDue >= V.everyMs - 1) {
    const due = V.lastDue + V.everyMs;
    const frame = V.queue.shift();
    V.lastDue = t - due < V.everyMs ? due : t;
    startDrawing(() => drawFrame(frame));
    document.body.dataset.queued = String(V.queue.length);
  }
  requestAnimationFrame(tick);
}

// ---------------------------------------------------------------------------------------- render

function merge(series) {
  for (const [name, part] of Object.entries(series || {})) {
    const have = V.history[name] || (V.history[name] = []);
    if (part.from > have.length) return false;   // a run this view never got: ask for everything
    have.length = part.from;
    for (const v of part.values) have.push(v === null ? null : v);
  }
  return true;
}

function framesOf(batch, bytes) {
  const r = (batch.grid && batch.grid.r) || 0;
  const size = r * r;
  return (batch.frames || []).map((frame, i) => {
    let grid = null;
    if (size && bytes && bytes.length >= 2 * size * (i + 1)) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + 2 * size * i, 2 * size);
      grid = new Uint16Array(size);
      for (let k = 0; k < size; k++) grid[k] = view.getUint16(2 * k, true);
    }
    return Object.assign({}, frame, { grid: grid });
  });
}

// Asked at most every RESYNC_MS: a frame mounted again mid-run (its place on the page changed) has nothing
// to draw frames on until the next run brings the whole state.
const RESYNC_MS = 500;
// Streamlit mounts a component's frame again when elements before it on the page change (a new row of
// numbers, a note): the frame going away keeps what it holds in the tab's session storage, and the new one
// takes it back (same server session, same chart), so it draws at once instead of asking for everything.
function storageKey(batch) {
  return "neuronlab-live:" + Object.values(batch.charts || {}).join(",");
}

function save() {
  if (!V.args || !V.fullText) return;
  try {
    sessionStorage.setItem(storageKey(V.args.batch || {}), JSON.stringify({
      token: V.token, lastBatch: V.lastBatch, full: V.fullText, history: V.history, play: V.play}));
  } catch (error) { /* storage full or unavailable: the frame will ask for everything */ }
}

function restore(batch) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(storageKey(batch)) || "null");
    if (!saved || saved.token !== batch.token) return;
    V.full = JSON.parse(saved.full);
    V.fullText = saved.full;
    V.history = saved.history;
    V.lastBatch = saved.lastBatch - 1;   // the render that comes with the new frame is drawn again
    V.play = saved.play;
  } catch (error) { /* nothing usable: ask for everything */ }
}

window.addEventListener("pagehide", save);

function resync() {
  if (now() - V.resyncAsked < RESYNC_MS) return;
  V.resyncAsked = now();
  report({ action: "resync" });
}

async function onRender(args) {
  V.args = args;
  document.body.classList.toggle("present", !!args.present);
  buildPanels(args.view);
  chartKeys();
  const batch = args.batch || {};
  if (V.pending && V.pending.length && batch.points_applied) {   // the server has these: no need to send them again
    V.pending = V.pending.filter((p) => batch.points_applied.indexOf(p.id) < 0);
  }
  if (batch.token !== V.token) {
    V.token = batch.token;
    V.lastBatch = -1;
    V.history = {};
    V.queue = [];
    V.frozen = null;
    V.full = null;
    V.fullText = null;
    restore(batch);
  }
  if (batch.id <= V.lastBatch) {   // the same render again (a width change): nothing new to play
    V.layoutDue = true;
    return;
  }
  V.lastBatch = batch.id;
  const hadFull = !!args.full;
  if (hadFull) {
    V.full = JSON.parse(args.full);
    V.fullText = args.full;
  }
  if (!V.full) { resync(); return; }
  if (hadFull) V.history = {};
  if (!merge(batch.series)) { resync(); return; }
  const frames = framesOf(batch, args.grids);
  if (!batch.running) {
    V.running = false;
    V.frozen = null;
    V.queue = [];
    V.play = batch.play;
    await drawFull(frames[frames.length - 1]);
    return;
  }
  if (V.frozen && batch.play === V.play) return;   // paused here: the server's answer is on its way
  V.frozen = null;
  const arrived = now();
  if (!V.running || batch.play !== V.play) {
    V.queue = [];
    V.gapMs = 0;
  } else if (V.arrived) {
    // Spread the frames over the time batches really take to come (the timer, plus the run, plus the
    // way), not the time the server planned: otherwise the view stalls for that difference every batch.
    const gap = arrived - V.arrived;
    if (gap > 0.5 * (batch.every_ms || 0) * frames.length && gap < 3000) V.gapMs = V.gapMs ? 0.8 * V.gapMs + 0.2 * gap : gap;
  }
  V.arrived = arrived;
  V.running = true;
  V.play = batch.play;
  const planned = batch.every_ms || 0;
  V.everyMs = V.gapMs && frames.length ? Math.min(1.5 * planned, Math.max(planned, V.gapMs / frames.length)) : planned;
  if (hadFull || (V.panels.boundary && !V.panels.boundary.drawn)) await drawBase();
  // Keep at most half a batch of the last one: a browser that draws slower than the frames come drops
  // frames rather than falling behind the training.
  const keep = Math.floor(frames.length / 2);
  V.queue = (keep ? V.queue.slice(-keep) : []).concat(frames);
  if (!V.shown && V.queue.length) V.lastDue = now() - V.everyMs;
  document.body.dataset.queued = String(V.queue.length);
}

// ------------------------------------------------------------------------------ window and page

async function relayout() {
  for (const panel of Object.values(V.panels)) {
    if (panel.chart && panel.chart._fullLayout) {
      await Plotly.Plots.resize(panel.chart);
      if (panel.canvas) placeCanvas(panel);
    }
  }
  document.getElementById("view").classList.toggle("narrow", window.innerWidth < 640);
  sendHeight();
}

window.addEventListener("resize", () => { V.layoutDue = true; });
// The frame's height follows the view's, whatever changed it (a first drawing, the numbers wrapping): the
// page was once left with a 6-pixel frame when Play came before the paused figures had been drawn.
new ResizeObserver(() => sendHeight()).observe(document.getElementById("view"));

// The page's Pause (and Step) while frames play: answered here on the frame shown, then reported; the
// server pauses the run on that epoch (its own answer would land up to a batch later).
const FROZEN_MAX_MS = 15000;   // the longest a Pause answered here waits for the server's own

function hold(action) {
  if (!V.running || !V.shown || V.frozen) return false;
  // Held until the server's answer (a batch that is not running, or a new play): on a crowded server
  // that page run can take seconds, and frames played meanwhile would jump back when it lands.
  V.frozen = { epoch: V.shown.epoch, until: now() + FROZEN_MAX_MS };
  V.queue = [];
  report({ action: action, epoch: V.shown.epoch, play: V.play });
  return true;
}

function ownKeys(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  return !!target.closest("input, textarea, select, [role=slider], [role=combobox], [role=listbox], " +
                          "[role=option], [role=spinbutton], [role=radio], [role=tab], [role=menu]");
}

let handledKey = null;
function onKey(event) {
  if (!V.args || event.ctrlKey || event.metaKey || event.altKey || event.repeat || ownKeys(event.target)) return;
  const controls = V.args.controls || {};
  const action = event.key === " " && controls.pause ? "pause" : event.key === "ArrowRight" && controls.step ? "step" : null;
  if (!action || !hold(action)) return;
  event.preventDefault();
  event.stopImmediatePropagation();   // not Streamlit's own shortcut as well
  handledKey = event.key;
}

function onKeyUp(event) {
  // A focused button clicks itself on Space's keyup: that press is already answered.
  if (handledKey !== null && event.key === handledKey) {
    event.preventDefault();
    event.stopImmediatePropagation();
    handledKey = null;
  }
}

function onClick(event) {
  if (!V.args) return;
  const button = event.target.closest && event.target.closest("button");
  if (!button || button.disabled) return;
  const controls = V.args.controls || {};
  const action = controls.pause && button.closest(".st-key-" + controls.pause) ? "pause"
    : controls.step && button.closest(".st-key-" + controls.step) ? "step" : null;
  if (!action || !hold(action)) return;
  event.preventDefault();
  event.stopImmediatePropagation();
}

const listening = [];
function listen(target, type, handler) {
  target.addEventListener(type, handler, true);
  listening.push([target, type, handler]);
}

function installControls() {
  try {
    const guard = (handler) => (event) => {
      // This frame may have been removed from the page (another page was opened): let go.
      if (!window.frameElement || !window.frameElement.isConnected) {
        for (const [target, type, h] of listening.splice(0)) {
          try { target.removeEventListener(type, h, true); } catch (error) { /* page gone */ }
        }
        return;
      }
      handler(event);
    };
    listen(window.parent, "keydown", guard(onKey));
    listen(window.parent, "keyup", guard(onKeyUp));
    listen(window.parent.document, "click", guard(onClick));
  } catch (error) {
    // A page we cannot reach: the buttons still work through the server.
  }
}

let rendering = Promise.resolve();
let installed = false;
window.addEventListener("message", (event) => {
  const message = event.data;
  if (!message || message.type !== "streamlit:render") return;
  if (!installed) { installed = true; installControls(); }
  rendering = rendering.then(() => new Promise((resolve) => {
    // Never while a frame is being drawn: both write the same charts.
    const wait = () => (V.drawing ? requestAnimationFrame(wait) : resolve());
    wait();
  })).then(() => {
    V.drawing = true;
    return onRender(message.args).finally(() => { V.drawing = false; });
  }).catch((error) => fail("The live view could not start", error));
});

requestAnimationFrame(tick);
send("streamlit:componentReady", { apiVersion: 1 });
