"""Your own data in headless Chromium: own classes from pictures to a prediction, a clicked confusion cell and
both downloads; a bad table answered with one message, then a table of one's own trained to a score."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_until_idle
from lessons import transfer
from ui import nav

pytestmark = pytest.mark.e2e

TITLES = {p.url_path: p.title for p in nav.PAGES}


def click_cell(page, chart_key: str, k: int, true: int, predicted: int) -> None:
    """Click the confusion matrix's cell (true, predicted): rows run down from the top, columns left to right.
    Plotly answers a click with the point under the pointer found on hover, so the pointer rests on the cell
    until its hover label shows, then clicks."""
    area = page.locator(f".st-key-{chart_key} .js-plotly-plot .nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    x, y = box["x"] + box["width"] * (predicted + 0.5) / k, box["y"] + box["height"] * (true + 0.5) / k
    page.mouse.move(x, y)
    expect(page.locator(f".st-key-{chart_key} .hoverlayer .hovertext")).to_be_visible()
    page.mouse.click(x, y)


def test_own_classes_from_sample_pictures_to_a_prediction_a_cell_and_the_downloads(page, server_url, tmp_path):
    open_page(page, server_url, "convnets?cnn_tab=Your+own+classes", TITLES["convnets"])
    page.get_by_role("button", name="Fill with sample pictures (stripes, discs, checks)").click()
    expect(page.get_by_text("15 photos")).to_have_count(3)
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_role("heading", name="How well it tells your classes apart (held-out photos)")).to_be_visible(
        timeout=120_000)
    wait_until_idle(page)
    chart = page.locator(".st-key-cnn_own_confusion_chart .js-plotly-plot")
    expect(chart).to_be_visible()
    click_cell(page, "cnn_own_confusion_chart", 3, 1, 1)
    expect(page.get_by_role("combobox", name="Photos in the cell")).to_have_value("true disc, predicted disc: 3 photos")
    expect(page.get_by_text("P(disc) =")).to_have_count(3)

    photo = tmp_path / "new_disc.jpg"
    photo.write_bytes(transfer.sample_photos("disc", 1, seed=7)[0])
    page.locator(".st-key-cnn_own_try [data-testid='stFileUploaderDropzoneInput']").set_input_files(str(photo))
    expect(page.get_by_text("disc · ŷ =")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the model (.npz, format 2)").click()
    model = transfer.ClassModel.load(open(info.value.path(), "rb").read())
    assert model.names == list(transfer.KINDS)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the labelled photos (.zip)").click()
    with zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())) as z:
        assert len(z.namelist()) == 45 and sorted({n.split("/")[0] for n in z.namelist()}) == sorted(transfer.KINDS)
    assert_no_exception(page)


def test_a_bad_table_gets_one_message_and_a_good_one_trains(page, server_url, tmp_path):
    open_page(page, server_url, "your-data?od_tab=Your+table&table=upload&epochs=40", TITLES["your-data"])
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
    bad = tmp_path / "links.csv"
    bad.write_bytes(b'x,y\n1,a\n2,"=HYPERLINK(""http://127.0.0.1/x"")"\n3,b\n')
    uploader.set_input_files(str(bad))
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(1)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("spreadsheet formula")
    good = tmp_path / "sizes.csv"
    good.write_text("width,height,size\n" + "".join(f"{w},{h},{'big' if w * h > 30 else 'small'}\n"
                                                      for w in range(1, 12) for h in range(1, 9)))
    uploader.set_input_files(str(good))
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text("test accuracy", exact=True).last).to_be_visible(timeout=120_000)
    expect(page.locator(".st-key-od_map_chart .js-plotly-plot")).to_be_visible()
    assert_no_exception(page)
