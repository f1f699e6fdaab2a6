"""The convolution chapter in real Chromium: a photo through the conv net, and a conv net training live."""

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, live_charts, open_page, streamlit_server, wait_until_idle
from engine.pets import data as pet_data
from engine.pets.models import BUNDLED

pytestmark = pytest.mark.e2e

TITLE = "6 · Convolutional networks"
VERDICT = re.compile(r"^(Cat|Dog) · P\(dog\) = (0\.\d\d|1\.00)$")
# The development photos sit in shared/ beside the repository (never inside it).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "cats_and_dogs_filtered"
EPOCH = re.compile(r"Epoch ([1-9]\d*) of (\d+)")


def generated_photo(path: Path, seed: int = 0, colour=(120, 90, 60)) -> Path:
    """A 500×375 photo-like JPEG: a coloured blob on noise."""
    rng = np.random.default_rng(seed)
    a = np.clip(rng.normal(120, 40, (375, 500, 3)), 0, 255)
    y, x = np.mgrid[0:375, 0:500]
    a[(x - 250) ** 2 + (y - 190) ** 2 < 120 ** 2] = colour
    Image.fromarray(a.astype(np.uint8)).save(path, "JPEG")
    return path


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_until_idle(page)


@pytest.mark.skipif(not BUNDLED["cnn"].exists(), reason="models/pets_cnn.npz is not here yet")
def test_a_photo_gets_p_dog_feature_maps_and_the_heatmap(page, server_url, tmp_path):
    open_page(page, server_url, "convnets", TITLE)
    open_tab(page, "Inside the trained conv net")
    photo = generated_photo(tmp_path / "pet.jpg")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(photo))
    wait_until_idle(page)
    verdict = page.get_by_text(VERDICT)
    expect(verdict).to_have_count(1)
    label, p = VERDICT.match(verdict.inner_text().strip()).groups()
    assert (label == "Dog") == (float(p) >= 0.5) or abs(float(p) - 0.5) < 0.006
    expect(page.get_by_role("heading", name="Feature maps: every block's output")).to_be_visible()
    expect(page.get_by_role("heading", name="Where the model looked")).to_be_visible()
    expect(page.get_by_text("Grad-CAM: evidence for dog")).to_be_visible()
    # filters, feature maps, evidence: three drawn Plotly charts, the maps one with 4 × 6 heatmaps
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    expect(page.locator(".js-plotly-plot").nth(1).locator(".hm")).to_have_count(24)
    assert_no_exception(page)


def test_a_text_file_renamed_jpg_gets_a_message_inside(page, server_url, tmp_path):
    fake = tmp_path / "holiday.jpg"
    fake.write_text("this is not a photo, just text with a .jpg name")
    open_page(page, server_url, "convnets", TITLE)
    open_tab(page, "Inside the trained conv net")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(fake))
    wait_until_idle(page)
    if BUNDLED["cnn"].exists():
        expect(page.get_by_test_id("stAlert").filter(has_text="holiday.jpg")).to_contain_text("not an image")
    assert_no_exception(page)


def _photo_folder(tmp_path: Path) -> Path:
    """The shared development photos when they are here, else a tiny generated set."""
    if SHARED.is_dir():
        return SHARED
    root = tmp_path / "pets"
    seed = 0
    for split, n in (("train", 40), ("test", 10)):
        for label, colour in (("cat", (220, 140, 40)), ("dog", (30, 80, 210))):
            folder = root / split / label
            folder.mkdir(parents=True)
            for i in range(n):
                seed += 1
                generated_photo(folder / f"{label}.{i}.jpg", seed, colour)
    return root


def test_the_small_conv_net_trains_live_and_pauses(browser, tmp_path, monkeypatch):
    root = _photo_folder(tmp_path)
    monkeypatch.setenv(pet_data.ENV_DATA, str(root))
    if root != SHARED:
        monkeypatch.setenv(pet_data.ENV_CACHE, str(tmp_path / "cache"))
    with streamlit_server(tmp_path / "server.log") as url:  # inherits the photo folder from os.environ
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)
        open_page(page, url, "convnets", TITLE)
        open_tab(page, "Train a small conv net")
        page.get_by_role("button", name="Start training").click()
        progress = page.get_by_text(EPOCH).first  # a fragment run may briefly leave its previous copy
        expect(progress).to_be_visible(timeout=180_000)
        first = int(EPOCH.search(progress.inner_text()).group(1))
        wanted = {"cnn_train_curves_chart", "cnn_train_filters_chart"}
        for _ in range(60):  # the live charts draw in their own frames, a moment after the page
            if wanted <= set(live_charts(page)):
                break
            page.wait_for_timeout(500)
        assert wanted <= set(live_charts(page))
        page.wait_for_function(
            "first => [...document.querySelectorAll('[data-testid=\"stProgress\"]')].some(p => {"
            " const m = p.innerText.match(/Epoch (\\d+) of/); return m && Number(m[1]) > first; })",
            arg=first, timeout=180_000)
        page.get_by_role("button", name="Pause").click()
        expect(page.get_by_text(re.compile(r"\(paused\)"))).to_be_visible(timeout=120_000)
        expect(page.get_by_role("button", name="Resume")).to_be_enabled()
        assert_no_exception(page)
        context.close()
