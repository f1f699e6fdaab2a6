"""Cats vs dogs in real Chromium: upload a photo and see P(dog); upload a renamed text file and see why not."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_until_idle
from tests.photos import VERDICT, leans_right_way, photo_like, shared_photos

pytestmark = [pytest.mark.e2e, pytest.mark.photos]

TITLE = "5 · Cats vs dogs"


def real_photo(tmp_path) -> Path:
    """A real dog photo when the shared set is here, else a generated photo-like JPEG."""
    shared = shared_photos()
    if shared is not None:
        return shared / "test" / "dog" / "dog.2000.jpg"
    return photo_like(tmp_path / "generated_pet.jpg")


def upload(page, *paths):
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(p) for p in paths])
    wait_until_idle(page)


def test_uploading_a_photo_shows_its_probability_and_the_picture_the_model_sees(page, server_url, tmp_path):
    open_page(page, server_url, "pets", TITLE)
    upload(page, real_photo(tmp_path))
    verdict = page.get_by_text(VERDICT)
    expect(verdict).to_have_count(1)
    label, p = VERDICT.match(verdict.inner_text().strip()).groups()
    assert 0.0 <= float(p) <= 1.0
    assert leans_right_way(label, float(p))
    expect(page.locator('[data-testid="stImage"] img').first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert_no_exception(page)


def test_a_text_file_renamed_jpg_gets_a_clear_message_and_no_exception(page, server_url, tmp_path):
    fake = tmp_path / "holiday.jpg"
    fake.write_text("this is not a photo, just text with a .jpg name")
    good = real_photo(tmp_path)
    open_page(page, server_url, "pets", TITLE)
    upload(page, fake, good)
    alert = page.get_by_test_id("stAlert").filter(has_text="holiday.jpg")
    expect(alert).to_contain_text("not an image")
    expect(page.get_by_text(VERDICT)).to_have_count(1)  # the good photo is still predicted
    assert_no_exception(page)
