"""How often the playground visibly redraws while training, in real headless Chromium.

Starts `streamlit run app.py`, opens the playground with its defaults (10 epochs per frame), presses
Play and, for --seconds, counts redraws inside the page itself: on every animation frame a small
script reads the epoch counter, and each live chart counts its own Plotly redraws. Nothing is
sampled over the DevTools connection, so the measurement does not slow the page down.

    python benchmarks/playground_browser_fps.py [--seconds 10] [--query "data=spiral&width1=8&width2=8"]

--query opens the page with those URL parameters (any playground setting; the defaults otherwise).

Needs Debian's Chromium at /usr/bin/chromium and Playwright for Python. Headless Chromium draws
without a GPU and shares the machine's cores with the Streamlit server, so a desktop browser on
the same machine is expected to do better; this is the conservative figure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, live_charts, streamlit_server  # noqa: E402

# On every animation frame: note when the epoch counter's text changes.
WATCH_EPOCH = """
() => {
  window.__epochs = [];
  const tick = () => {
    const el = document.querySelector('[data-stat="epoch"]');
    const text = el ? el.textContent : null;
    const seen = window.__epochs;
    if (text !== null && (seen.length === 0 || seen[seen.length - 1][1] !== text)) seen.push([performance.now(), text]);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def chart_draws(page) -> dict[str, int]:
    """Plotly redraws so far of every live chart on the page, by chart key."""
    return {key: state["draws"] for key, state in live_charts(page).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--query", default="", help="playground URL parameters, e.g. data=spiral&width1=8")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    log = Path(os.environ.get("TMPDIR", "/tmp")) / "neuronlab-fps-server.log"
    with streamlit_server(log) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}/playground" + (f"?{args.query}" if args.query else ""))
        play = page.get_by_role("button", name="Play").first
        play.wait_for()
        page.wait_for_timeout(4000)  # let the first full run and the charts settle
        before = chart_draws(page)
        page.evaluate(WATCH_EPOCH)
        play.click()
        page.wait_for_timeout(int(args.seconds * 1000))
        epochs = page.evaluate("window.__epochs")
        after = chart_draws(page)
        browser.close()
    updates = len(epochs) - 1
    print(f"setup: {args.query or 'defaults'}")
    print(f"epoch counter {epochs[0][1]} → {epochs[-1][1]} in {args.seconds:g} s: {updates} visible updates, "
          f"{updates / args.seconds:.1f} per second (target ≥ 5)")
    for title, n in after.items():
        done = n - before.get(title, 0)
        note = "  (below the 1000-px window: drawn when scrolled into view)" if done <= 1 else ""
        print(f"  chart {title}: {done} redraws, {done / args.seconds:.1f} per second{note}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          "reproduce: python benchmarks/playground_browser_fps.py")


if __name__ == "__main__":
    main()
