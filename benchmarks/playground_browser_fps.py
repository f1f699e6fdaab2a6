"""How often the playground visibly redraws while training, in real headless Chromium.

Starts `streamlit run app.py`, opens the playground with its defaults (10 epochs per frame), presses
Play and samples the epoch counter every 30 ms for --seconds; each change is one visible redraw.

    python benchmarks/playground_browser_fps.py [--seconds 10]

Needs Debian's Chromium at /usr/bin/chromium and Playwright for Python. Headless Chromium draws
without a GPU and shares the machine's cores with the Streamlit server, so a desktop browser on
the same machine is expected to do better; this is the conservative figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    log = Path(os.environ.get("TMPDIR", "/tmp")) / "neuronlab-fps-server.log"
    with streamlit_server(log) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}/playground")
        play = page.get_by_role("button", name="Play").first
        play.wait_for()
        page.wait_for_timeout(3000)  # let the first full run and the charts settle
        epoch = page.get_by_test_id("stMetricValue").first
        play.click()
        seen, t0 = [], time.perf_counter()
        while time.perf_counter() - t0 < args.seconds:
            seen.append(epoch.inner_text())
            time.sleep(0.03)
        browser.close()
    updates = sum(1 for a, b in zip(seen, seen[1:]) if a != b)
    print(f"epoch counter {seen[0]} → {seen[-1]} in {args.seconds:g} s: {updates} visible redraws, "
          f"{updates / args.seconds:.1f} per second (target ≥ 5; load average {os.getloadavg()[0]:.1f}, "
          f"{os.cpu_count()} cores)")
    print("reproduce: python benchmarks/playground_browser_fps.py")


if __name__ == "__main__":
    main()
