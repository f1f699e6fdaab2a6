"""The screenshots of "your own data" (chapter 7 and chapter 6's last tab) at 1280×720, into docs/screenshots/:

    python scripts/screenshot_own_data.py [--only NAME]

own_data_softmax.png         chapter 7's Softmax tab, k = 3, as a link opens it
own_data_table_map.png       the fruit example trained, its confusion matrix and the map over two inputs
own_data_regression.png      the flats example trained: predicted against true, and the map of rents
own_classes_confusion.png    chapter 6, Your own classes: sample pictures trained, a confusion cell clicked

Each starts from a fresh browser page on one `streamlit run app.py` server, presses what a student presses,
waits for the script run to finish and the charts to draw, and scrolls the chart named into view.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.browser import launch, streamlit_server, wait_until_idle  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
# name: (url, buttons to press, text to wait for, element key to scroll to the top, pixels to scroll back)
SHOTS = {
    "own_data_softmax": ("your-data?k=3&z1=1.2&z2=-0.3&z3=0.5&true=1", [], None, None, 0),
    "own_data_table_map": ("your-data?od_tab=Your+table&table=fruit", ["Start training"],
                           "How well it does on the test rows", "od_confusion_chart", 175),
    "own_data_regression": ("your-data?od_tab=Your+table&table=flats", ["Start training"],
                            "How well it does on the test rows", "od_fit_chart", 175),
    "own_classes_confusion": ("convnets?cnn_tab=Your+own+classes",
                              ["Fill with sample pictures (stripes, discs, checks)", "Start training"],
                              "How well it tells your classes apart", "cnn_own_confusion_chart", 200),
}


def shoot(page, base: str, name: str) -> Path:
    url, buttons, wait_text, key, back = SHOTS[name]
    page.goto(f"{base}/{url}")
    wait_until_idle(page, 120_000)
    for button in buttons:
        page.get_by_role("button", name=button).first.click()
        wait_until_idle(page, 300_000)
    if wait_text:
        page.get_by_text(wait_text).first.wait_for(timeout=300_000)
        wait_until_idle(page, 120_000)
    if key:
        for _ in range(2):  # again once the pictures above have loaded and moved it
            page.locator(f".st-key-{key}").first.evaluate(
                "(el, back) => { el.scrollIntoView({block: 'start'}); "
                "const main = document.querySelector('[data-testid=\"stMain\"]') || document.scrollingElement; "
                "main.scrollBy(0, -back); }", back)
            page.wait_for_timeout(1500)
    page.mouse.move(1275, 715)  # off the charts and the sidebar: no mode bar, hover label or collapse button
    page.wait_for_function("() => { const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];"
                           " return charts.length > 0 && charts.every(c => c.querySelector('.main-svg')); }",
                           timeout=60_000)
    page.wait_for_timeout(1000)  # the last chart's transition
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SHOTS))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp) / "server.log") as base, \
            sync_playwright() as pw:
        browser = launch(pw)
        for name in [args.only] if args.only else SHOTS:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            try:
                print(shoot(page, base, name))
            except Exception:
                page.screenshot(path=str(Path(tempfile.gettempdir()) / f"{name}_failed.png"))
                print(f"{name}: failed; the page as it was is in {tempfile.gettempdir()}/{name}_failed.png")
                raise
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
