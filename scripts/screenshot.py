"""Screenshot app pages in headless Chromium: `python scripts/screenshot.py URL_PATH OUT.png [--height H]`.

Starts `streamlit run app.py` on a free port, opens the page, waits for the script run to finish and
for Plotly charts to draw, and saves a PNG. URL_PATH is "" for the home page. Streamlit scrolls
inside its own container, so pass a larger --height (e.g. 2600) to capture a long page.

--click NAME presses the button with that name first (repeatable, in order); --upload N puts N
drawn pets (generated here: no photo from a data set appears in our screenshots) into the page's
first file uploader; --play S presses Play, waits S seconds and presses Pause unless the run already
stopped (the playground); --train S presses Start training, scrolls the live chart --chart KEY into the
middle of the window and takes the picture S seconds later, mid-run (the training tabs; the photo
folder comes from $NEURONLAB_PETS_DATA), e.g.

    python scripts/screenshot.py playground docs/screenshots/playground_xor.png \
        --click "One hidden layer solves XOR" --play 5
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.browser import SCROLL_TO_CHART, launch, scroll_to_chart, streamlit_server, wait_until_idle  # noqa: E402


# (background, animal) colours of the drawn pets
PET_COLOURS = [((236, 226, 200), (200, 110, 40)), ((90, 140, 90), (30, 30, 40)), ((180, 200, 230), (240, 240, 240)),
               ((230, 200, 210), (120, 80, 50))]


def drawn_pet(folder: Path, k: int) -> Path:
    """A 400×400 JPEG of a cartoon pet's head (two ears and a round face) in one of four colourings."""
    from PIL import Image, ImageDraw

    background, animal = PET_COLOURS[k % len(PET_COLOURS)]
    picture = Image.new("RGB", (400, 400), background)
    draw = ImageDraw.Draw(picture)
    draw.polygon([(120, 170), (135, 60), (190, 140)], fill=animal)
    draw.polygon([(280, 170), (265, 60), (210, 140)], fill=animal)
    draw.ellipse((100, 110, 300, 340), fill=animal)
    path = folder / f"drawn_pet_{k + 1}.jpg"
    picture.save(path, quality=92)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url_path")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--full", action="store_true", help="the whole page, not only the first screen")
    parser.add_argument("--wait", type=float, default=2.0, help="extra seconds for charts to settle")
    parser.add_argument("--click", action="append", default=[], help="press the button with this name first")
    parser.add_argument("--play", type=float, default=0.0, help="press Play, wait this long, press Pause")
    parser.add_argument("--upload", type=int, default=0, help="upload this many drawn pets")
    parser.add_argument("--train", type=float, default=0.0, help="press Start training, shoot this long after")
    parser.add_argument("--chart", help="with --train: the live chart's key to scroll into view")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp) / "server.log") as url, \
            sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(f"{url}/{args.url_path}")
        wait_until_idle(page, 120_000)
        for name in args.click:
            page.get_by_role("button", name=name).first.click()
            wait_until_idle(page, 300_000)
        if args.upload:
            files = [drawn_pet(Path(tmp), k) for k in range(args.upload)]
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(f) for f in files])
            wait_until_idle(page, 120_000)
        if args.play:
            page.get_by_role("button", name="Play").first.click()
            page.wait_for_timeout(int(args.play * 1000))
            pause = page.get_by_role("button", name="Pause")
            if pause.count() and pause.first.is_enabled():  # a short run may already have reached its limit
                pause.first.click()
            wait_until_idle(page, 120_000)
        if args.train:
            page.get_by_role("button", name="Start training").first.click()
            page.wait_for_function(SCROLL_TO_CHART, arg=args.chart, timeout=300_000, polling=500)  # drawn
        page.mouse.move(args.width - 2, args.height - 2)  # no tooltip left up over a button
        page.wait_for_timeout(int((args.train or args.wait) * 1000))
        if args.train:  # mid-run: the rows above the chart may have grown while it trained
            scroll_to_chart(page, args.chart)
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()
    print(args.out)


if __name__ == "__main__":
    main()
