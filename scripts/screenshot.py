"""Screenshot app pages in headless Chromium: `python scripts/screenshot.py URL_PATH OUT.png [--height H]`.

Starts `streamlit run app.py` on a free port, opens the page, waits for the script run to finish and
for Plotly charts to draw, and saves a PNG. URL_PATH is "" for the home page. Streamlit scrolls
inside its own container, so pass a larger --height (e.g. 2600) to capture a long page.

--click NAME presses the button with that name first (repeatable, in order); --play S presses
Play, waits S seconds and presses Pause unless the run already stopped (the playground), e.g.

    python scripts/screenshot.py playground docs/screenshots/playground_xor.png \
        --click "One hidden layer solves XOR" --play 5
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url_path")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--wait", type=float, default=2.0, help="extra seconds for charts to settle")
    parser.add_argument("--click", action="append", default=[], help="press the button with this name first")
    parser.add_argument("--play", type=float, default=0.0, help="press Play, wait this long, press Pause")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(f"http://127.0.0.1:{port}/{args.url_path}")
            page.wait_for_timeout(500)
            idle = ("() => document.querySelector('[data-testid=\"stApp\"]')"
                    "?.getAttribute('data-test-script-state') === 'notRunning'")
            page.wait_for_function(idle, timeout=120_000)
            for name in args.click:
                page.get_by_role("button", name=name).first.click()
                page.wait_for_timeout(500)
                page.wait_for_function(idle, timeout=300_000)
            if args.play:
                page.get_by_role("button", name="Play").first.click()
                page.wait_for_timeout(int(args.play * 1000))
                pause = page.get_by_role("button", name="Pause").first
                if pause.is_enabled():  # a short run may already have reached its epochs limit
                    pause.click()
                page.wait_for_timeout(500)
                page.wait_for_function(idle, timeout=120_000)
            page.wait_for_timeout(int(args.wait * 1000))
            page.screenshot(path=args.out, full_page=True)
            browser.close()
    finally:
        proc.terminate()
    print(args.out)


if __name__ == "__main__":
    main()
