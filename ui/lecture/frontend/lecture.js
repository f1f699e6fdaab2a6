"use strict";
// The lecture's browser side (ui/lecture/drive.py), in two roles:
// - "bar": the corner of the projected window. It takes the PageDown / PageUp presses the app's document
//   counted (drive.KEYS), its own buttons and the presenter view's, tells the history guard the path of the
//   step it asks for (ui/history.py), then asks the server; one step at a time, later presses queued. It
//   tells the presenter view where the lecture is over a BroadcastChannel.
// - "presenter": the speaker-note window, which follows whichever bar speaks on the channel.
const parentWin = window.parent;
const $ = (id) => document.getElementById(id);
const send = (type, data) => parentWin.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
const IN_FLIGHT_MS = 4000;  // a step asked for and not landed by then is given up (the next press asks again)
let args = null;
let channel = null;

const newNonce = () => `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const setHeight = (px) => send("streamlit:setFrameHeight", { height: Math.ceil(px) });
// Kept in the app's document: a step on another page mounts a new bar, and a press may come in between.
const shared = () => (parentWin.__neuronLabLectureState = parentWin.__neuronLabLectureState || { want: null, asked: null });

// -- the bar ------------------------------------------------------------------------------------------

function ask(k, nonce) {
  const s = shared();
  s.asked = { k: k, at: performance.now(), lecture: args.lecture };
  try {
    const expect = parentWin.history.__neuronLabExpect;
    if (expect) expect(args.steps[k].path);
  } catch (error) { /* no guard: the step still changes, Back may then take two presses */ }
  send("streamlit:setComponentValue",
       { value: { go: k, lecture: args.lecture, nonce: nonce || newNonce() }, dataType: "json" });
}

function pump() {
  const s = shared();
  if (s.asked && (s.asked.lecture !== args.lecture || args.step === s.asked.k
                  || performance.now() - s.asked.at > IN_FLIGHT_MS)) s.asked = null;
  if (s.asked) return;
  if (s.want === null || s.want === args.step) { s.want = null; return; }
  ask(s.want);
}

let edgeTimer = null;
function edge(text) {
  $("edge").textContent = text;
  clearTimeout(edgeTimer);
  edgeTimer = setTimeout(() => { $("edge").textContent = ""; }, 1500);
}

function move(by) {
  if (!args || !args.steps.length) return;
  const s = shared();
  const from = s.want !== null ? s.want : (s.asked ? s.asked.k : args.step);
  const to = Math.min(Math.max(from + by, 0), args.steps.length - 1);
  if (to === from) edge(by > 0 ? "(last step)" : "(first step)");
  s.want = to;
  pump();
}

function drain() {
  const moves = parentWin.__neuronLabLectureMoves;
  while (moves && moves.length) move(moves.shift());
}

function stateMessage() {
  return { type: "state", lecture: args.lecture, title: args.title, step: args.step,
           steps: args.steps.map((s) => ({ title: s.title, note: s.note, page: s.page })) };
}

function renderBar() {
  const n = args.steps.length;
  $("bar").hidden = false;
  $("count").textContent = args.step >= 0 ? `${args.step + 1} of ${n}` : `– of ${n}`;
  $("title").textContent = args.step >= 0 ? args.steps[args.step].title : args.title;
  $("prev").disabled = args.step <= 0;
  $("next").disabled = args.step >= n - 1;
  parentWin.__neuronLabLectureStep = args.step;  // for the browser tests: the step this bar shows
  // A step the server asks for (Start, an upload) goes through here, as a key press does.
  if (args.order && parentWin.__neuronLabLectureOrder !== args.order.nonce) {
    parentWin.__neuronLabLectureOrder = args.order.nonce;
    shared().want = null;
    ask(args.order.go, args.order.nonce);
  }
  pump();
  drain();
  if (channel) channel.postMessage(stateMessage());
  setHeight(document.getElementById("bar").getBoundingClientRect().height + 2);
}

function setUpBar() {
  $("prev").addEventListener("click", () => move(-1));
  $("next").addEventListener("click", () => move(1));
  $("end").addEventListener("click", () => {
    shared().want = null;
    send("streamlit:setComponentValue", { value: { end: true, nonce: newNonce() }, dataType: "json" });
  });
  $("notes").addEventListener("click", () => {
    const url = new URL(parentWin.location.href);
    url.pathname = "/";
    url.search = new URLSearchParams({ lecture: args.lecture, presenter: "1", step: String(args.step + 1) });
    parentWin.open(url.toString(), "neuronlab-presenter");
  });
  const onMove = () => drain();
  parentWin.addEventListener("neuronlab-lecture-move", onMove);
  window.addEventListener("pagehide", () => parentWin.removeEventListener("neuronlab-lecture-move", onMove));
}

// -- the presenter view -----------------------------------------------------------------------------

let shown = null;        // the state shown: from a bar on the channel, or the address until one speaks
let heard = false;
const opened = performance.now();

function renderPresenter() {
  $("presenter").hidden = false;
  const s = shown;
  const n = s.steps.length;
  $("p-lecture").textContent = s.title || "Lecture";
  if (!n || s.step < 0) {
    $("p-count").textContent = "";
    $("p-title").textContent = "Waiting for the lecture";
    $("p-page").textContent = "";
    $("p-note").textContent = "Start the lecture in the projected window (Lecture menu, Start); its speaker notes "
                              + "show here and follow every step.";
    $("p-next").textContent = "";
  } else {
    const step = s.steps[s.step];
    const next = s.steps[s.step + 1];
    $("p-count").textContent = `Step ${s.step + 1} of ${n}`;
    $("p-title").textContent = step.title;
    $("p-page").textContent = step.page;
    $("p-note").textContent = step.note || "(no note for this step)";
    $("p-next").textContent = next ? `Next: ${next.title}` : "This is the last step.";
  }
  $("p-status").textContent = heard ? "Following the projected window."
    : "Not connected yet: the projected window of this browser follows and drives this view once its lecture runs.";
  $("p-prev").disabled = !heard;
  $("p-nextbtn").disabled = !heard;
  setHeight(Math.max(document.getElementById("presenter").scrollHeight + 16, 420));
}

function setUpPresenter() {
  const moveBy = (by) => channel.postMessage({ type: "move", by: by });
  $("p-prev").addEventListener("click", () => moveBy(-1));
  $("p-nextbtn").addEventListener("click", () => moveBy(1));
  const onKey = (event) => {
    if (event.key !== "PageDown" && event.key !== "PageUp") return;
    event.preventDefault();
    moveBy(event.key === "PageDown" ? 1 : -1);
  };
  window.addEventListener("keydown", onKey, true);
  try { parentWin.addEventListener("keydown", onKey, true); } catch (error) { /* not ours */ }
  const clock = () => {
    const s = Math.floor((performance.now() - opened) / 1000);
    $("p-clock").textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  setInterval(clock, 1000);
  clock();
}

// -- both ---------------------------------------------------------------------------------------------

function onChannel(event) {
  const message = event.data || {};
  if (args.role === "bar") {
    if (message.type === "hello") channel.postMessage(stateMessage());
    else if (message.type === "move" && (message.by === 1 || message.by === -1)) move(message.by);
  } else if (message.type === "state" && Array.isArray(message.steps)) {
    shown = message;
    heard = true;
    renderPresenter();
  }
}

window.addEventListener("message", (event) => {
  const message = event.data;
  if (!message || message.type !== "streamlit:render") return;
  const first = args === null;
  args = message.args;
  if (first) {
    channel = new BroadcastChannel(args.channel);
    channel.onmessage = onChannel;
    if (args.role === "bar") setUpBar(); else setUpPresenter();
  }
  if (args.role === "bar") {
    renderBar();
  } else {
    if (!heard) shown = { title: args.title, step: args.step, steps: args.steps };
    renderPresenter();
    if (first) channel.postMessage({ type: "hello" });
  }
});
send("streamlit:componentReady", { apiVersion: 1 });
