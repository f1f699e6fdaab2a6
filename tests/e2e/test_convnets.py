"""The convolution chapter in real Chromium: a photo through the conv net, and a conv net training live."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, live_charts, open_page, streamlit_server, wait_until_idle
from engine.pets import data as pet_data
from engine.pets.models import BUNDLED
from tests.photos import VERDICT, leans_right_way, photo_like, shared_photos

pytestmark = pytest.mark.e2e

TITLE = "6 · Convolutional networks"
EPOCH = re.compile(r"Epoch ([1-9]\d*) of (\d+)")
# The training test's run: the most epochs the page offers, so that with any photo set the run is still
# going long after the test's Pause (a 10-photo set used to finish its 15 epochs before the click landed).
TRAIN_LINK = "convnets?cnn_tab=Train+a+small+conv+net&epochs=40"


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_until_idle(page)


@pytest.mark.skipif(not BUNDLED["cnn"].exists(), reason="models/pets_cnn.npz is not here yet")
def test_a_photo_gets_p_dog_feature_maps_and_the_heatmap(page, server_url, tmp_path):
    open_page(page, server_url, "convnets", TITLE)
    open_tab(page, "Inside the trained conv net")
    photo = photo_like(tmp_path / "pet.jpg")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(photo))
    wait_until_idle(page)
    verdict = page.get_by_text(VERDICT)
    expect(verdict).to_have_count(1)
    label, p = VERDICT.match(verdict.inner_text().strip()).groups()
    assert leans_right_way(label, float(p))
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


def _photo_folder(tmp_path: Path) -> tuple[Path, bool]:
    """(the shared development photos, True) when they are here, else (a generated set, False): 1000 + 1000
    small training photos: an epoch is ~60 mini-batches, and 40 epochs (~30 s here) leave the run going long
    after the Pause lands, on a machine several times faster too."""
    shared = shared_photos()
    if shared is not None:
        return shared, True
    root = tmp_path / "pets"
    seed = 0
    for split, n in (("train", 1000), ("test", 10)):
        for label, colour in (("cat", (220, 140, 40)), ("dog", (30, 80, 210))):
            folder = root / split / label
            folder.mkdir(parents=True)
            for i in range(n):
                seed += 1
                photo_like(folder / f"{label}.{i}.jpg", seed, colour, size=(40, 32))
    return root, False


@pytest.mark.photos
def test_the_small_conv_net_trains_live_and_pauses(browser, tmp_path, monkeypatch):
    root, shared = _photo_folder(tmp_path)
    monkeypatch.setenv(pet_data.ENV_DATA, str(root))
    if not shared:
        monkeypatch.setenv(pet_data.ENV_CACHE, str(tmp_path / "cache"))
    with streamlit_server(tmp_path / "server.log") as url:  # inherits the photo folder from os.environ
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)
        open_page(page, url, TRAIN_LINK, TITLE)
        expect(page.get_by_role("tab", name="Train a small conv net")).to_have_attribute("aria-selected", "true")
        page.get_by_role("button", name="Start training").click()
        progress = page.get_by_text(EPOCH).first  # a fragment run may briefly leave its previous copy
        expect(progress).to_be_visible(timeout=180_000)
        first, epochs = map(int, EPOCH.search(progress.inner_text()).groups())
        assert epochs == 40, progress.inner_text()
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
