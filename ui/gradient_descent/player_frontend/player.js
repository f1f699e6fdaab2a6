"use strict";
// The gradient-descent player (ui/gradient_descent/player.py explains the design).
//
// A setup arrives as a file (scene-<id>-<role>.json next to this script): its views as Plotly
// figures and each run's per-step series. This script advances the step on requestAnimationFrame,
// gliding between steps, and rebuilds only the traces marked meta.live (liveTrace mirrors
// figures.at_frame). The leader answers the page's playback buttons, presets and keys at once and
// reports what it did; followers draw the leader's setup at the leader's step, which they hear over
// a BroadcastChannel.

const P = {
  args: null,
  role: "leader",
  spec: null,
  sceneId: null,
  wanted: null,         // the scene being fetched or shown last
  views: [],            // {name, el, layers: [{el, kind, fig, live, drawn, config}], visible, draws, ...}
  last: 0,
  pos: 0,               // the step reached; fractional while gliding between steps
  shown: 0,             // the position last drawn: what the student sees
  running: false,
  speed: 10,            // steps per second
  t0: 0,                // clock anchor: pos = pos0 + (now − t0)·speed
  pos0: 0,
  cmd: null,            // the server's playback command number adopted last
  seq: 0,               // reports sent
  pending: 0,           // a preset switched here, until the server has applied that report
  iid: Math.random().toString(36).slice(2, 10),
  leaderScene: null,    // followers: the setup the leader shows
  dirty: true,
  busy: false,
  nextDraw: 0,          // while playing, the next frame waits until then (see FRAME_MS)
  heights: null,
  channel: null,
};

const $ = (sel) => document.querySelector(sel);
const now = () => performance.now();

function send(type, data) {
  window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
}

function fail(what, error) {
  $("#error").textContent = what + ": " + error;
  $("#error").hidden = false;
  sendHeight();
}

// ------------------------------------------------------------------------------- live traces

function at(series, k, s) {
  const a = series[k];
  if (!s || k + 1 >= series.length) return a;
  const b = series[k + 1];
  return a === null || b === null ? null : a + (b - a) * s;
}

function range(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function upto(series, k, s) {
  const out = series.slice(0, k + 1);
  if (s > 0 && k + 1 < series.length) out.push(at(series, k, s));
  return out;
}

function sigmoid(z) {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

// A trace at position pos (step k plus a fraction s on the way to k + 1): the rules of figures.at_frame.
function liveTrace(trace, pos) {
  const how = trace.meta.live;
  const run = P.spec.runs[how.run];
  const S = P.spec.series[how.run];
  const p = Math.min(pos, run.steps);
  const k = Math.floor(p + 1e-9);
  const s = p - k > 1e-6 ? p - k : 0;
  const out = Object.assign({}, trace);
  for (const axis of ["x", "y", "z"]) {
    const key = how[axis];
    if (key === undefined) continue;
    if (key === "step") {
      out[axis] = how.upto ? range(k + 1).concat(s ? [k + s] : []) : [k + s];
    } else if (Array.isArray(key)) {
      out[axis] = [at(S[key[0]], k, s), at(S[key[1]], k, s)];
    } else {
      out[axis] = how.upto ? upto(S[key], k, s) : [at(S[key], k, s)];
    }
  }
  if (how.text === "step") out.text = range(k + 1).concat(s ? [""] : []);
  if (how.sigmoid) {
    const w = at(S[how.sigmoid[0]], k, s), b = at(S[how.sigmoid[1]], k, s);
    out.y = trace.x.map((x) => sigmoid(w * x + b));
  }
  if (how.threshold) {
    const w = at(S[how.threshold[0]], k, s), b = at(S[how.threshold[1]], k, s);
    const x = w !== 0 ? -b / w : NaN;
    const shown = Number.isFinite(x) && x >= how.within[0] && x <= how.within[1];
    out.x = [0, 1, 2].map(() => (shown ? x : null));
    out.text = ["", shown ? "ŷ = 0.5 at x = " + x.toFixed(2) + " " : "", ""];
  }
  if (how.end_symbol && run.diverged && p >= run.steps) {
    out.marker = Object.assign({}, trace.marker, { symbol: how.end_symbol });
  }
  return out;
}

// ------------------------------------------------------------------------------------- scenes

const specs = new Map();   // scene id -> Promise of its parsed file

function loadSpec(id) {
  if (!specs.has(id)) {
    specs.set(id, fetch(`scene-${id}-${P.role}.json`).then((r) => {
      if (!r.ok) throw new Error(`scene ${id}: HTTP ${r.status}`);
      return r.json();
    }));
    specs.get(id).catch(() => specs.delete(id));  // try again next time
  }
  return specs.get(id);
}

function prefetch(ids) {
  // One after the other, so that a preset's setup is already here when it is clicked.
  const next = ids.find((id) => !specs.has(id));
  if (next !== undefined) loadSpec(next).finally(() => setTimeout(() => prefetch(ids), 50));
}

async function showScene(id) {
  if (id === P.wanted) return;
  P.wanted = id;
  let spec;
  try {
    spec = await loadSpec(id);
  } catch (error) {
    if (P.wanted === id) P.wanted = null;
    throw error;
  }
  if (P.wanted !== id) return;  // a newer setup was asked for meanwhile
  P.spec = spec;
  P.sceneId = id;
  P.last = spec.last;
  P.pos = Math.min(P.pos, P.last);
  P.pos0 = Math.min(P.pos0, P.last);
  buildViews();
  showRuns();
  P.dirty = true;
}

function plotConfig(kind) {
  if (kind === "base") return { staticPlot: true, responsive: true };
  if (kind === "live") return { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
  // WebGL at the screen's own pixel ratio: Plotly's default of 2 quadruples the pixels a software
  // renderer fills (headless Chromium, a lecture-hall PC without a GPU driver).
  const ratio = Math.min(2, window.devicePixelRatio || 1);
  return Object.assign({}, P.args.config, { responsive: true, plotGlPixelRatio: ratio });
}

// One element per view, kept across setups: a new setup redraws into the same charts (Plotly.react),
// and a view off screen waits until it is scrolled into view.
function buildViews() {
  const container = $("#views");
  container.className = P.role;
  const template = P.spec.template;
  for (const [name, layers] of Object.entries(P.spec.views)) {
    let view = P.views.find((v) => v.name === name);
    if (!view) {
      const el = document.createElement("div");
      el.className = "view";
      el.style.gridArea = name;
      el.dataset.view = name;
      el.dataset.draws = "0";
      container.appendChild(el);
      view = { name: name, el: el, layers: [], kinds: "", visible: true, draws: 0, lastDraw: -1e9 };
      visibility.observe(el);
      P.views.push(view);
    }
    const kinds = ["base", "live", "single"].filter((kind) => layers[kind]);
    if (view.kinds !== kinds.join()) {
      view.el.replaceChildren();
      view.layers = kinds.map((kind) => {
        const div = document.createElement("div");
        div.className = "layer " + kind;
        view.el.appendChild(div);
        // A 3-D base is the chart a student turns; its paths' layer lets the pointer through to it.
        const gl = Boolean(layers[kind].layout.scene);
        if (gl && kind === "live") div.style.pointerEvents = "none";
        const config = gl ? Object.assign(plotConfig("single"), kind === "live" ? { displayModeBar: false } : {})
                          : plotConfig(kind);
        return { el: div, kind: kind, config: config };
      });
      view.kinds = kinds.join();
    }
    for (const layer of view.layers) {
      layer.fig = layers[layer.kind];
      layer.fig.layout.template = template; // one parsed object for every chart: Plotly.react then redraws only data
      layer.live = layer.fig.data.some((t) => t.meta && t.meta.live);
      layer.drawn = false;
    }
    view.drawnPos = undefined;
  }
  fitHeights(true);
}

function showRuns() {
  const runs = document.querySelector('[data-stat="runs"]');
  runs.replaceChildren(...P.spec.runs.map((run) => {
    const item = document.createElement("span");
    item.className = "run";
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = run.color;
    item.append(swatch, run.label);
    return item;
  }));
  $("#status").hidden = P.role !== "leader";
  $("#bar").hidden = P.role !== "leader";
}

// ---------------------------------------------------------------------------------- drawing

const visibility = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const view = P.views.find((v) => v.el === entry.target);
    if (!view) continue;
    view.visible = entry.isIntersecting;
    if (view.visible) P.dirty = true;
  }
});

function shownPos() {
  // Ease between steps: the marker rests on each step and glides to the next.
  const k = Math.floor(P.pos + 1e-9), s = P.pos - k;
  return s > 1e-6 ? k + s * s * (3 - 2 * s) : k;
}

async function drawLayer(layer, pos, view) {
  const data = layer.live ? layer.fig.data.map((t) => (t.meta && t.meta.live ? liveTrace(t, pos) : t)) : layer.fig.data;
  const scene = layer.fig.layout.scene;
  if (scene && layer.kind === "live") scene.camera = cameraOf(view);
  await Plotly.react(layer.el, data, layer.fig.layout, layer.config);
  if (scene && layer.kind === "base" && !layer.following) followCamera(layer, view);
  layer.drawn = true;
}

// A 3-D view is two stacked scenes, as a 2-D view is two stacked charts: the bowl with its axes (the base,
// drawn once per setup: ~75 ms a frame in a software renderer) and the paths alone on a transparent scene
// above it (~10 ms). The base takes the student's turns and hovers; the paths follow its camera.
function cameraOf(view) {
  const base = view.layers.find((layer) => layer.kind === "base");
  const scene = base && base.el._fullLayout && base.el._fullLayout.scene;
  // The camera the student sees is the base scene's own; the layout's copy and the events' may lag it
  // (Plotly saves the layout's only on some mouseups), so the paths take the scene's when it is there.
  const seen = scene && scene._scene && typeof scene._scene.getCamera === "function" && scene._scene.getCamera();
  if (seen && seen.eye) return JSON.parse(JSON.stringify(seen));
  if (view.camera) return view.camera;
  return scene && scene.camera ? JSON.parse(JSON.stringify(scene.camera)) : undefined;
}

function followCamera(base, view) {
  const follow = (event) => {
    const camera = event && event["scene.camera"];
    if (!camera) return;
    view.camera = JSON.parse(JSON.stringify(camera));
    // The paths' layer redraws at the next frame, playing or not. Counted, not just flagged: a turn that
    // ends while a frame is being drawn (with the camera before it) must not be marked drawn by that frame.
    view.cameraSeq = (view.cameraSeq || 0) + 1;
    P.dirty = true;
  };
  base.el.on("plotly_relayouting", follow);
  base.el.on("plotly_relayout", follow);
  base.following = true;
}

// While playing, frames are spaced so that drawing takes at most ~60 % of the main thread and never
// more than 30 a second: the page stays free to answer a click even on a busy machine.
const FRAME_MS = 33, DUTY = 0.6;

async function draw() {
  P.busy = true;
  P.dirty = false;
  const start = now();
  const pos = shownPos();
  try {
    for (const view of P.views) {
      // The first drawing sets the frame's height, so every view draws once, seen or not.
      if (!view.visible && view.draws > 0) continue;
      const seq = view.cameraSeq || 0;
      if (view.drawnPos === pos && view.drawnSeq === seq && view.layers.every((layer) => layer.drawn)) continue;
      const wait = P.running ? P.args.throttle_ms[view.name] || 0 : 0;
      if (view.draws > 0 && now() - view.lastDraw < wait) { P.dirty = true; continue; }
      view.lastDraw = now();
      for (const layer of view.layers) {
        if (layer.live || !layer.drawn) await drawLayer(layer, pos, view);
      }
      view.drawnPos = pos;
      view.drawnSeq = seq;
      view.draws += 1;
      view.el.dataset.draws = String(view.draws);
    }
    showStatus(pos);
    P.shown = pos;
    document.body.dataset.scene = P.sceneId;  // this setup is on screen now (tests, benchmark)
    if (P.role === "leader") broadcast();
    $("#error").hidden = true;
  } catch (error) {
    fail("This view could not be drawn", error);
  }
  P.nextDraw = start + Math.max(FRAME_MS, (now() - start) / DUTY);
  P.busy = false;
  sendHeight();
}

function showStatus(pos) {
  const frame = Math.round(pos);
  document.body.dataset.frame = String(frame);
  document.body.dataset.running = String(P.running);
  if (P.role !== "leader") return;
  const st = P.spec.status;
  const k = Math.min(frame, P.spec.runs[0].steps);
  const set = (name, text) => {
    const el = document.querySelector(`[data-stat="${name}"]`);
    if (el.textContent !== text) el.textContent = text;
  };
  set("step", String(frame));
  set("last", String(P.last));
  set("w", st.w[k].replace("-", "−"));
  set("b", st.b[k].replace("-", "−"));
  set("J", st.J[k]);
  $("#bar > div").style.width = (P.last ? (100 * pos) / P.last : 0).toFixed(2) + "%";
  const over = P.spec.runs.filter((run) => run.diverged && frame >= run.steps);
  const note = document.querySelector('[data-stat="diverged"]');
  note.hidden = over.length === 0;
  set("diverged", over.map((run) => `✕ Run ${run.name} diverged at step ${run.steps}`).join(", ") +
      (over.length ? ": the message below says why." : ""));
}

let lastHeight = -1;
function sendHeight() {
  const h = Math.ceil(document.getElementById("player").getBoundingClientRect().height);
  if (h !== lastHeight) {
    lastHeight = h;
    send("streamlit:setFrameHeight", { height: h });
  }
}

// The leader's views fill the rest of the first screen: from where they start to the bottom of the
// window (the page's Play button and these views are then all visible without scrolling).
function firstScreenRoom() {
  try {
    const frame = window.frameElement;
    let top = frame.getBoundingClientRect().top + (window.parent.scrollY || 0);
    for (let el = frame.parentElement; el; el = el.parentElement) top += el.scrollTop || 0;
    return window.parent.innerHeight - top - $("#views").offsetTop - 14;
  } catch (error) {
    return 520;
  }
}

function fitHeights(force) {
  if (!P.views.length) return;
  const fixed = P.args.heights || {};
  const H = Math.max(300, Math.min(900, Math.floor(firstScreenRoom())));
  const narrow = window.innerWidth <= 720;
  // Beside the map, the cost chart shares its height with the step and the numbers above it.
  const side = P.role === "leader" && !narrow ? Math.ceil($("#side").getBoundingClientRect().height) + 4 : 0;
  const height = (v) => fixed[v.name] || (v.name === "map" ? H : narrow ? Math.floor(H * 0.7) : H - side);
  const key = P.views.map(height).join(",");
  if (!force && key === P.heights) return;
  P.heights = key;
  key.split(",").forEach((h, i) => {
    const view = P.views[i];
    view.el.style.height = h + "px";
    for (const layer of view.layers) if (layer.drawn) Plotly.Plots.resize(layer.el);
  });
  sendHeight();
}

// -------------------------------------------------------------------------------- playback

function clockPos() {
  return P.running ? P.pos0 + ((now() - P.t0) / 1000) * P.speed : P.pos;
}

function setRunning(running, pos) {
  P.pos = Math.max(0, Math.min(pos, P.last));
  P.running = running;
  P.t0 = now();
  P.pos0 = P.pos;
  P.dirty = true;
}

function report(action, extra) {
  P.seq += 1;
  send("streamlit:setComponentValue", {
    value: Object.assign({ iid: P.iid, seq: P.seq, base: P.cmd, action: action, frame: Math.round(P.pos),
                           running: P.running }, extra || {}),
    dataType: "json",
  });
}

const ACTIONS = {
  play() {
    if (P.running) return;
    setRunning(true, Math.round(P.pos) >= P.last ? 0 : Math.round(P.pos));
    report("play");
  },
  pause() {
    if (!P.running) return;
    setRunning(false, Math.round(P.shown));  // the step on screen now
    report("pause");
  },
  toggle() { (P.running ? ACTIONS.pause : ACTIONS.play)(); },
  step() {
    setRunning(false, Math.min(Math.round(P.running ? P.shown : P.pos) + 1, P.last));
    report("step");
  },
  end() { setRunning(false, P.last); report("end"); },
  reset() { setRunning(false, 0); report("reset"); },
};

async function preset(key) {
  const target = P.args.presets[key];
  P.pending = P.seq + 1;  // the number of the report below: until applied, the server's setup is older
  await showScene(target.scene);
  P.speed = target.speed;
  setRunning(true, 0);
  report("preset", { preset: key });
}

function act(action) {
  if (P.role !== "leader") {
    if (P.channel) P.channel.postMessage({ type: "action", action: action });
    return;
  }
  if (!P.spec) return;
  if (ACTIONS[action]) ACTIONS[action]();
  else if (action.startsWith("preset:")) preset(action.slice(7)).catch((error) => fail("The preset failed", error));
}

function tick() {
  if (P.running && P.role === "leader" && P.spec) {
    const pos = clockPos();
    if (pos >= P.last) {
      setRunning(false, P.last);
      report("stopped");
    } else {
      P.pos = pos;
      P.dirty = true;
    }
  }
  if (P.dirty && !P.busy && P.spec && (!P.running || now() >= P.nextDraw)) draw();
  requestAnimationFrame(tick);
}

// --------------------------------------------------------------------- the page's controls

function keyName(event) {
  const k = event.key;
  if (k === " " || k === "Spacebar") return "space";
  return k.toLowerCase();
}

// Keys typed into a field, or arrows that move a focused slider, belong to that widget.
function ownKeys(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  return !!target.closest("input, textarea, select, [role=slider], [role=combobox], [role=listbox], " +
                          "[role=option], [role=spinbutton], [role=radio], [role=tab], [role=menu]");
}

let handledKey = null;
function onKey(event) {
  if (!P.args || event.ctrlKey || event.metaKey || event.altKey) return;
  const action = P.args.keys[keyName(event)];
  if (!action || ownKeys(event.target)) return;
  // Handled here: not by the page too (Space would scroll, R would rerun the script).
  event.preventDefault();
  event.stopImmediatePropagation();
  if (event.repeat) return;
  handledKey = event.key;
  act(action);
}
function onKeyUp(event) {
  // A focused button clicks itself on Space's keyup: that press is already handled.
  if (handledKey !== null && event.key === handledKey) {
    event.preventDefault();
    event.stopImmediatePropagation();
    handledKey = null;
  }
}

function onClick(event) {
  if (!P.args || !P.spec) return;
  const button = event.target.closest && event.target.closest("button");
  if (!button || button.disabled) return;
  const own = (keys) => keys.find((key) => button.closest(".st-key-" + key));
  const playback = own(Object.keys(P.args.buttons));
  const setup = own(Object.keys(P.args.presets));
  if (playback === undefined && setup === undefined) return;
  // Answered here at once and reported; the button's own round trip would arrive too late.
  event.preventDefault();
  event.stopImmediatePropagation();
  act(playback !== undefined ? P.args.buttons[playback] : "preset:" + setup);
}

const listening = [];
function listen(target, type, handler) {
  target.addEventListener(type, handler, true);
  listening.push([target, type, handler]);
}
function unlisten() {
  for (const [target, type, handler] of listening.splice(0)) {
    try { target.removeEventListener(type, handler, true); } catch (error) { /* page already gone */ }
  }
}

function installControls() {
  listen(window, "keydown", onKey);
  listen(window, "keyup", onKeyUp);
  if (P.role === "leader") {
    try {
      const guard = (handler) => (event) => {
        // This frame may have been removed from the page (another page was opened): let go.
        if (!window.frameElement || !window.frameElement.isConnected) { unlisten(); return; }
        handler(event);
      };
      listen(window.parent, "keydown", guard(onKey));
      listen(window.parent, "keyup", guard(onKeyUp));
      listen(window.parent.document, "click", guard(onClick));
    } catch (error) {
      // A page we cannot reach: the buttons and their Streamlit shortcuts still work.
    }
  }
  try { window.parent.addEventListener("resize", () => fitHeights(false)); } catch (error) { /* as above */ }
  window.addEventListener("resize", () => fitHeights(false));
  window.addEventListener("pagehide", unlisten);
  setInterval(() => fitHeights(false), 500);
}

// ------------------------------------------------------------------------------- channel

function broadcast() {
  if (!P.channel || !P.sceneId) return;
  P.channel.postMessage({ type: "pos", id: P.sceneId, pos: shownPos(), running: P.running });
}

function openChannel(name) {
  if (!name || typeof BroadcastChannel === "undefined") return;
  P.channel = new BroadcastChannel(name);
  P.channel.onmessage = (event) => {
    const msg = event.data || {};
    if (P.role === "leader") {
      if (msg.type === "action") act(msg.action);
      if (msg.type === "hello") broadcast();
    } else if (msg.type === "pos" && msg.id) {
      P.leaderScene = msg.id;
      const follow = () => {
        P.pos = Math.max(0, Math.min(msg.pos, P.last));
        P.running = msg.running;
        P.dirty = true;
      };
      if (msg.id !== P.wanted) showScene(msg.id).then(follow).catch((error) => fail("The setup could not load", error));
      else follow();
    }
  };
  if (P.role !== "leader") P.channel.postMessage({ type: "hello" });
}

// ---------------------------------------------------------------------------- Streamlit

function acked(ack) {
  return !P.pending || (ack && ack.iid === P.iid && ack.seq >= P.pending);
}

async function onRender(args) {
  const first = P.args === null;
  P.args = args;
  P.role = args.role || "leader";
  document.body.dataset.role = P.role;
  if (window.frameElement) window.frameElement.setAttribute("title", args.title || "Gradient descent");
  if (first) {
    installControls();
    openChannel(args.channel);
  }
  const state = args.state;
  const command = state.cmd !== P.cmd;
  if (acked(state.ack)) P.pending = 0;
  // Which setup to show: the server's, unless this player switched to a preset the server has not
  // applied yet (then the server's is older); a follower shows the leader's once it has heard it.
  let scene = args.scene_id;
  if (P.role === "leader" && P.pending && !command) scene = P.wanted;
  if (P.role !== "leader" && P.leaderScene) scene = P.leaderScene;
  await showScene(scene);
  if (command) {
    // A playback command from the server (a button pressed before this frame loaded, or in a test).
    P.cmd = state.cmd;
    P.pending = 0;
    P.speed = state.speed;
    if (P.role === "leader" || !P.leaderScene) setRunning(!!state.running, state.frame);
  } else if (state.speed !== P.speed && !P.pending) {
    P.pos0 = clockPos();
    P.t0 = now();
    P.speed = state.speed;
  }
  if (P.role === "leader") prefetch(Object.values(args.presets).map((p) => p.scene));
  fitHeights(false);
  P.dirty = true;
}

let rendering = Promise.resolve();
window.addEventListener("message", (event) => {
  const message = event.data;
  if (!message || message.type !== "streamlit:render") return;
  rendering = rendering.then(() => onRender(message.args)).catch((error) => fail("The player could not start", error));
});

requestAnimationFrame(tick);
send("streamlit:componentReady", { apiVersion: 1 });
