"""How long a lecture step takes to land: walk a lecture with PageDown in headless Chromium and time each step
from the key press to (a) the step's page title and settings in the address with "k of n" in the corner bar
("lands"), and (b) the server's run for it finished ("settled").

    python benchmarks/lecture_steps.py [--lecture default] [--present] [--rounds 1]

Starts its own `streamlit run app.py` on 127.0.0.1; prints one row per step and the median and maximum.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.browser import launch, open_page, streamlit_server, wait_until_idle  # noqa: E402
from ui.lecture import model, pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lecture", default="default")
    parser.add_argument("--present", action="store_true", help="in presentation mode")
    parser.add_argument("--rounds", type=int, default=1, help="walk the lecture this many times (1 to 5)")
    args = parser.parse_args()
    lecture = model.load(args.lecture)
    from playwright.sync_api import sync_playwright

    lands: list[float] = []
    settles: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp) / "server.log") as url, \
            sync_playwright() as pw:
        browser = launch(pw)
        for _ in range(max(1, min(args.rounds, 5))):
            tab = browser.new_page(viewport={"width": 1280, "height": 720})
            first = pages.page(lecture.steps[0].page)
            present = "&present=1" if args.present else ""
            open_page(tab, url, f"{first.path.lstrip('/')}?lecture={args.lecture}&step=1{present}", first.title)
            tab.wait_for_function("() => window.__neuronLabLectureStep === 0")
            wait_until_idle(tab)
            print(f"{'step':>4}  {'page':<17} {'lands s':>7} {'settled s':>9}  title")
            for k in range(1, len(lecture.steps)):
                step = lecture.steps[k]
                ref = pages.page(step.page)
                start = time.perf_counter()
                tab.keyboard.press("PageDown")
                tab.wait_for_function("(k) => window.__neuronLabLectureStep === k", arg=k, timeout=60_000)
                tab.wait_for_url(lambda u, k=k, ref=ref: urlparse(u).path == ref.path
                                 and parse_qs(urlparse(u).query).get("step") == [str(k + 1)], timeout=60_000)
                tab.get_by_role("heading", name=ref.title).first.wait_for(timeout=60_000)
                landed = time.perf_counter() - start
                wait_until_idle(tab)
                settled = time.perf_counter() - start - 0.2  # wait_until_idle starts with a 200 ms pause
                lands.append(landed)
                settles.append(max(settled, landed))
                print(f"{k + 1:>4}  {step.page:<17} {landed:7.2f} {settles[-1]:9.2f}  {step.title}")
            tab.close()
    print(f"\n{len(lands)} step changes: lands median {statistics.median(lands):.2f} s, max {max(lands):.2f} s; "
          f"settled median {statistics.median(settles):.2f} s, max {max(settles):.2f} s "
          f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
