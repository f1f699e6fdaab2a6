"""Live updates per second and click-to-visible latency of a page, measured in headless Chromium.

Starts `streamlit run app.py`, opens the page at 1280×720 (--width/--height) and measures inside
the page itself: on every animation frame a small script reads what the student sees (the step or
epoch counter, and how often each chart has been redrawn) and notes when it changes; a capture
listener notes the moment of each click. Nothing is sampled over the DevTools connection.

- **Play**: press Play and count, over --seconds, how often the counter and each chart changed.
- **Step / Pause / preset**: click --clicks times each; the latency is from the click to the first
  animation frame that shows its effect (Step: the counter moved; preset: the new setup drawn;
  Pause: the last frame in which the counter still moved after the click, 0 if none did).

    python benchmarks/live_browser.py [--page gradient-descent|playground|home|pets-train|convnets-train]
                                      [--repeat 3] [--seconds 8] [--data DIR]

The training tabs (pets-train, convnets-train) train on a photo folder (--data, else
$NEURONLAB_PETS_DATA, else ../shared/data/cats_and_dogs_filtered): Start, the learning curves scrolled
into view and counted, then Pause and Resume clicks.

--repeat runs everything in that many fresh tabs: per-second rates are the median of the runs,
latencies are pooled over all clicks (median and worst). Headless Chromium draws without a GPU and
shares the machine's cores with the server (and with anything else running): a conservative figure.
To add a page, add a ``PageBench`` to ``PAGES``.

--params adds URL parameters to the page's link, one query string per setting to compare; with several, each
repeat measures every setting in turn (interleaved, so they share the machine's load) and the report has
a part per setting. The playground with 2 and with 5 classes:

    python benchmarks/live_browser.py --page playground --repeat 3 --seconds 6 --clicks 0 \
        --params "data=spiral&noise=0.1" "data=spiral_arms&k=5&noise=0.1"
"""

from __future__ import annotations

import argparse
import json
import re
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.browser import SCROLL_TO_CHART, launch, scroll_to_chart, streamlit_server, wait_until_idle  # noqa: E402

# Installs the watcher: window.__log holds [time, state] whenever the probe's answer changes, and
# window.__clicks the time of every pointerdown. The probe is a page-specific function returning
# {count: the visible counter, scene: the setup on screen (or null), draws: {chart: redraws}}.
WATCH = """
(probe) => {
  const read = new Function('return (' + probe + ')();');
  window.__log = [];
  window.__clicks = [];
  document.addEventListener('pointerdown', () => window.__clicks.push(performance.now()), true);
  let last = null;
  const tick = (t) => {
    let state = null;
    try { state = read(); } catch (e) { state = null; }
    const text = JSON.stringify(state);
    if (text !== last) { window.__log.push([t, state]); last = text; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""

GD_PROBE = """() => {
  const out = {count: null, scene: null, running: null, draws: {}};
  for (const f of document.querySelectorAll('iframe')) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { continue; }
    if (!d || !d.body || !d.body.dataset.role) continue;
    if (d.body.dataset.role === 'leader') {
      out.count = d.querySelector('[data-stat="step"]')?.textContent ?? null;
      out.scene = d.body.dataset.scene ?? null;
      out.running = d.body.dataset.running;
    }
    for (const v of d.querySelectorAll('.view')) out.draws[v.dataset.view] = Number(v.dataset.draws || 0);
  }
  return out;
}"""

def live_chart_probe(count_js: str) -> str:
    """A probe whose counter is the JavaScript expression ``count_js`` and whose draws are every live
    chart's redraw count (``ui.live_chart``, ``ui.live_frames``: read in each component's frame)."""
    return """() => {
  const out = {count: (() => { %s })(), scene: null, draws: {}};
  for (const f of document.querySelectorAll('iframe')) {
    let charts = [];
    try { charts = [...(f.contentDocument?.querySelectorAll('[data-chart]') || [])]; } catch (e) { continue; }
    for (const chart of charts) out.draws[chart.dataset.chart] = Number(chart.dataset.draws || 0);
  }
  return out;
}""" % count_js


# The playground: the epoch in the live view's numbers row (in its component's frame).
PLAYGROUND_PROBE = live_chart_probe("""
  for (const f of document.querySelectorAll('iframe')) {
    let cell = null;
    try { cell = f.contentDocument?.querySelector("[data-stat='epoch']"); } catch (e) { continue; }
    if (cell) return cell.textContent;
  }
  return null;""")

# The training tabs (ui/training_run.py): the counter is where the progress bar says the run is
# ("Epoch 4 of 15, mini-batch 12 of 63"), without its timing or "(paused)", which change on their own.
TRAINING_PROBE = live_chart_probe("""
  const bars = document.querySelectorAll("[data-stale='false'] [data-testid='stProgress']");
  const text = bars.length ? bars[bars.length - 1].innerText : null;
  return text ? text.split(/, [0-9.]+ s an epoch| \\(paused\\)/)[0] : null;""")


# The home page has no Play: a slider step redraws the fitted curve and the cost curve (st.plotly_chart).
HOME_PROBE = """() => {
  const lines = [...document.querySelectorAll('.js-plotly-plot .scatterlayer path.js-line')];
  return {count: lines.map((p) => p.getAttribute('d')).join('|') || null, scene: null, draws: {}};
}"""


@dataclass
class PageBench:
    url: str
    probe: str
    play: str
    pause: str
    step: str
    reset: str
    presets: list[str] = field(default_factory=list)   # button names, clicked in turn
    first_screen: list[str] = field(default_factory=list)  # charts on the first screen at 1280×720
    below: str | None = None      # CSS selector of a view below the fold, measured scrolled into view
    below_charts: list[str] = field(default_factory=list)
    targets: str = ""
    viewport: tuple[int, int] = (1280, 720)
    training: bool = False        # a training tab: Start, Pause/Resume, the curves scrolled into view
    slider: str | None = None     # a page without Play: the slider stepped with → (click → both charts redrawn)


PAGES = {
    "gradient-descent": PageBench(
        url="gradient-descent", probe=GD_PROBE, play="Play", pause="Pause", step="Step", reset="Reset",
        presets=["α too large", "α just right", "Diverges", "Momentum", "Compare α", "Adam"],
        first_screen=["map", "cost"], below='iframe[title^="The data with run A"]', below_charts=["fit", "bowl"],
        targets="targets: 2-D views ≥ 15/s, 3-D ≥ 4/s; clicks ≤ 300 ms median, ≤ 800 ms worst"),
    "playground": PageBench(
        # The defaults but a 5000-epoch limit, so the run does not end during the measurement.
        url="playground?epochs=5000", probe=PLAYGROUND_PROBE, play="Play", pause="Pause", step="Step (1 epoch)",
        reset="Reset", first_screen=["pg_boundary_chart", "pg_curves_chart"],
        targets="targets: ≥ 25 redraws/s (the lecturer alone); clicks ≤ 300 ms median, ≤ 800 ms worst"),
    "home": PageBench(
        url="", probe=HOME_PROBE, play="", pause="", step="", reset="", slider="Gradient-descent steps",
        targets="targets: clicks ≤ 300 ms median, ≤ 800 ms worst"),
    # The training tabs need a photo folder: --data, else $NEURONLAB_PETS_DATA, else ../shared/data.
    "pets-train": PageBench(
        # The one-hidden-layer model on mini-batches of 64, 200 epochs: it is still training at the end.
        url="pets?pets_tab=Train&train_model=mlp&epochs=200", probe=TRAINING_PROBE, play="Start training", pause="Pause", step="Resume",
        reset="Reset", first_screen=["pets_cost_chart"], training=True,
        targets="targets: ≥ 15 redraws/s; clicks ≤ 300 ms median, ≤ 800 ms worst"),
    "convnets-train": PageBench(
        url="convnets?cnn_tab=Train+a+small+conv+net", probe=TRAINING_PROBE, play="Start training",
        pause="Pause", step="Resume", reset="Reset", first_screen=["cnn_train_curves_chart"], training=True,
        targets="targets: ≥ 15 redraws/s; clicks ≤ 300 ms median, ≤ 800 ms worst"),
}
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cats_and_dogs_filtered"


def log(tab) -> list:
    return tab.evaluate("window.__log")


def clicks(tab) -> list[float]:
    return tab.evaluate("window.__clicks")


def state_at(entries: list, t: float) -> dict | None:
    """The last logged state at or before time t."""
    before = [s for ts, s in entries if ts <= t]
    return before[-1] if before else None


def rates(entries: list, t0: float, t1: float) -> dict[str, float]:
    """Changes per second between t0 and t1: of the counter ("count") and of each chart's redraws."""
    inside = [(t, s) for t, s in entries if t0 <= t <= t1 and s and s["count"] is not None]
    seconds = (t1 - t0) / 1000
    out = {"count": sum(1 for (_, a), (_, b) in zip(inside, inside[1:]) if a["count"] != b["count"]) / seconds}
    first, last = state_at(entries, t0) or {"draws": {}}, state_at(entries, t1) or {"draws": {}}
    for name, n in last["draws"].items():
        out[name] = (n - first["draws"].get(name, 0)) / seconds
    return out


def click(tab, name: str) -> float:
    # The button whose label is exactly `name` (its accessible name may add "Shortcut Home"), so "Reset" is
    # not the sidebar's "Reset this page" (ui.chapter).
    label = re.compile(rf"^{re.escape(name)}(?: Shortcut \S+)?$")
    tab.get_by_role("button", name=label).first.click()
    return clicks(tab)[-1]


def first_change(entries: list, t: float, key) -> float | None:
    """Milliseconds from t to the first logged state after t whose key(state) differs from before t."""
    before = state_at(entries, t)
    for ts, s in entries:
        if ts > t and s and key(s) != key(before or {}):
            return ts - t
    return None


def count_at(entries: list, t: float) -> str | None:
    """The counter's text at time t (while Streamlit swaps an element there may briefly be none)."""
    seen = [s["count"] for ts, s in entries if ts <= t and s and s["count"] is not None]
    return seen[-1] if seen else None


def last_change(entries: list, t: float) -> float:
    """Milliseconds from t to the last change of the counter after t (0 if it never moved again)."""
    out, previous = 0.0, count_at(entries, t)
    for ts, s in entries:
        if ts > t and s and s["count"] is not None:
            if s["count"] != previous:
                out = ts - t
            previous = s["count"]
    return out


def measure_training(browser, url: str, bench: PageBench, args) -> dict:
    """A training tab: Start, then the curves (scrolled into view) per second; Pause and Resume clicks
    (Resume reported as "Step": the click until the run is seen moving again)."""
    tab = browser.new_page(viewport={"width": args.width, "height": args.height})
    tab.goto(f"{url}/{bench.url}")
    tab.get_by_role("button", name=bench.play).first.wait_for()
    wait_until_idle(tab, 120_000)
    tab.evaluate(WATCH, bench.probe)
    result: dict = {"latency": {"Step": [], "Pause": [], "preset": []}, "drift": []}
    chart = bench.first_screen[0]
    click(tab, bench.play)
    # Reading and decoding the photos comes first (once per server; then cached on disk).
    tab.wait_for_function(SCROLL_TO_CHART, arg=chart, timeout=300_000, polling=500)
    scroll_to_chart(tab, chart)
    tab.wait_for_timeout(1000)
    scroll_to_chart(tab, chart)  # again, in case the rows above it grew meanwhile
    t0 = tab.evaluate("performance.now()")
    tab.wait_for_timeout(int(args.seconds * 1000))
    t1 = tab.evaluate("performance.now()")
    result["play"] = rates(log(tab), t0, t1)
    result["play_span"] = [count_at(log(tab), t0), count_at(log(tab), t1)]
    for _ in range(args.clicks):
        t = click(tab, bench.pause)
        tab.wait_for_timeout(1500)
        wait_until_idle(tab)
        result["latency"]["Pause"].append(last_change(log(tab), t))
        t = click(tab, bench.step)  # Resume
        tab.wait_for_timeout(1500)
        result["latency"]["Step"].append(first_change(log(tab), t, lambda s: s.get("count")))
    click(tab, bench.reset)
    wait_until_idle(tab)
    tab.close()
    return result


def measure_slider(browser, url: str, bench: PageBench, args) -> dict:
    """A page without Play: --clicks steps of its slider (→ key), each timed until the charts show it
    (reported as "Step")."""
    tab = browser.new_page(viewport={"width": args.width, "height": args.height})
    tab.goto(f"{url}/{bench.url}")
    slider = tab.get_by_role("slider", name=bench.slider)
    slider.wait_for()
    wait_until_idle(tab, 120_000)
    tab.wait_for_timeout(2000)
    tab.evaluate(WATCH, bench.probe)
    result: dict = {"latency": {"Step": [], "Pause": [], "preset": []}, "drift": [], "play": {}, "play_span": ["", ""]}
    for _ in range(args.clicks):
        slider.focus()
        t = tab.evaluate("performance.now()")
        slider.press("ArrowRight")
        tab.wait_for_timeout(1200)
        wait_until_idle(tab)
        result["latency"]["Step"].append(first_change(log(tab), t, lambda s: s.get("count")))
    tab.close()
    return result


def measure(browser, url: str, bench: PageBench, args) -> dict:
    if bench.training:
        return measure_training(browser, url, bench, args)
    if bench.slider:
        return measure_slider(browser, url, bench, args)
    tab = browser.new_page(viewport={"width": args.width, "height": args.height})
    tab.goto(f"{url}/{bench.url}")
    tab.get_by_role("button", name=bench.play).first.wait_for()
    wait_until_idle(tab, 120_000)
    tab.wait_for_timeout(3000)  # the first full run, the charts' first drawing
    tab.evaluate(WATCH, bench.probe)
    result: dict = {"latency": {"Step": [], "Pause": [], "preset": []}, "drift": []}

    # Play from the start.
    click(tab, bench.reset)
    wait_until_idle(tab)
    t0 = click(tab, bench.play)
    tab.wait_for_timeout(int(args.seconds * 1000))
    t1 = tab.evaluate("performance.now()")
    result["play"] = rates(log(tab), t0, t1)
    result["play_span"] = [count_at(log(tab), t0 + 1), count_at(log(tab), t1)]
    click(tab, bench.reset)
    wait_until_idle(tab)

    # Pause while playing: the counter must stop where it was.
    for _ in range(args.clicks):
        click(tab, bench.play)
        tab.wait_for_timeout(900)
        wait_until_idle(tab)
        t = click(tab, bench.pause)
        tab.wait_for_timeout(1200)
        wait_until_idle(tab)
        entries = log(tab)
        result["latency"]["Pause"].append(last_change(entries, t))
        seen, final = count_at(entries, t), count_at(entries, tab.evaluate("performance.now()"))
        result["drift"].append(int(final) - int(seen))

    for _ in range(args.clicks):
        tab.wait_for_timeout(400)
        t = click(tab, bench.step)
        tab.wait_for_timeout(900)
        wait_until_idle(tab)
        result["latency"]["Step"].append(first_change(log(tab), t, lambda s: s.get("count")))

    for i in range(args.clicks if bench.presets else 0):
        name = bench.presets[i % len(bench.presets)]
        t = click(tab, name)
        tab.wait_for_timeout(1500)
        wait_until_idle(tab)
        result["latency"]["preset"].append(first_change(log(tab), t, lambda s: s.get("scene")))

    if bench.below:
        click(tab, bench.reset)
        wait_until_idle(tab)
        tab.locator(bench.below).scroll_into_view_if_needed()
        tab.wait_for_timeout(1000)
        tab.mouse.click(5, args.height - 5)  # focus the page itself (not a widget) for the keys
        t0 = tab.evaluate("performance.now()")
        tab.keyboard.press("Space")  # Play, without scrolling back up to the button
        tab.wait_for_timeout(int(args.seconds * 1000))
        result["below"] = rates(log(tab), t0, tab.evaluate("performance.now()"))
        tab.keyboard.press("Space")
    tab.close()
    return result


def fmt_ms(values: list) -> str:
    seen = [v for v in values if v is not None]
    missed = len(values) - len(seen)
    if not seen:
        return "     —       —"
    text = f"{statistics.median(seen):6.0f}  {max(seen):6.0f}"
    return text + (f"   ({missed} never shown)" if missed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", choices=sorted(PAGES), default="gradient-descent")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clicks", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--width", type=int, help="window width (default 1280)")
    parser.add_argument("--height", type=int, help="window height (default 720)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    parser.add_argument("--data", type=Path, help="the photo folder for the training tabs")
    parser.add_argument("--params", nargs="+", default=[""], metavar="QUERY",
                        help='URL parameters added to the page\'s link, e.g. "data=blobs&k=5"; several: compared')
    args = parser.parse_args()
    bench = PAGES[args.page]
    if bench.training:
        data = args.data or Path(os.environ.get("NEURONLAB_PETS_DATA") or DEFAULT_DATA)
        if not data.is_dir():
            parser.error(f"--page {args.page} trains on photos: give --data DIR (no folder at {data})")
        os.environ["NEURONLAB_PETS_DATA"] = str(data.resolve())
    args.width, args.height = args.width or bench.viewport[0], args.height or bench.viewport[1]

    from playwright.sync_api import sync_playwright

    every: dict[str, list] = {query: [] for query in args.params}
    load = []
    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(os.environ.get("DBG_LOG", tmp)) / "server.log") as url, \
            sync_playwright() as pw:
        browser = launch(pw)
        for _ in range(args.repeat):
            for query in args.params:
                link = bench.url + ("&" if "?" in bench.url else "?") + query if query else bench.url
                every[query].append(measure(browser, url, replace(bench, url=link), args))
                load.append(os.getloadavg()[0])
        browser.close()
    for query, runs in every.items():
        report(bench, args, runs, load, query)
    print(f"\nload average during the runs: {', '.join(f'{v:.1f}' for v in load)} on {os.cpu_count()} cores")
    params = " --params " + " ".join(f'"{q}"' for q in args.params) if args.params != [""] else ""
    print(f"reproduce: python benchmarks/live_browser.py --page {args.page} --repeat {args.repeat} "
          f"--seconds {args.seconds:g} --clicks {args.clicks} --width {args.width} --height {args.height}{params}")
    if args.json:
        print(json.dumps(every, indent=1))


def report(bench: PageBench, args, runs: list, load: list, query: str) -> None:
    """One setting's part of the report: rates while playing, click latencies."""
    def median_rate(part: str, name: str) -> str:
        values = [r[part].get(name) for r in runs if part in r and r[part].get(name) is not None]
        return f"{statistics.median(values):5.1f}" if values else "    —"

    def spread(part: str, name: str) -> str:
        values = [r[part].get(name) for r in runs if part in r and r[part].get(name) is not None]
        return f"{min(values):.1f}–{max(values):.1f}" if values else ""

    print(f"\npage {args.page} at {args.width}×{args.height}, {query or 'defaults'}; {args.repeat} runs; {bench.targets}")
    if not bench.slider:
        print(f"\nPlay for {args.seconds:g} s (median of runs; range)           per second")
        print(f"  visible counter ({runs[0]['play_span'][0]} → {runs[0]['play_span'][1]} in run 1)"
              f"{'':>9}{median_rate('play', 'count')}   {spread('play', 'count')}")
    for name in bench.first_screen:
        print(f"  chart {name:<28} (on screen)    {median_rate('play', name)}   {spread('play', name)}")
    if bench.below:
        for name in bench.below_charts:
            print(f"  chart {name:<20} (scrolled into view) {median_rate('below', name)}   {spread('below', name)}")
    print(f"\nclick → visible, ms ({args.clicks} clicks × {args.repeat} runs)   median   worst")
    for what in ("Step", "Pause", "preset"):
        values = [v for r in runs for v in r["latency"][what]]
        if values:
            name = "Resume" if bench.training and what == "Step" else what
            name = f"{bench.slider} →" if bench.slider and what == "Step" else name
            print(f"  {name:<38}{fmt_ms(values)}")
    drift = [d for r in runs for d in r["drift"]]
    if drift:
        print(f"  Pause stopped at the step on screen at the click in {sum(d == 0 for d in drift)}/{len(drift)} "
              f"clicks (largest drift {max(drift, key=abs):+d})")


if __name__ == "__main__":
    main()
