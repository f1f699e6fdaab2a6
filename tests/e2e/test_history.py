"""Nothing lost: a settings change adds no history entry, a reload keeps a changed control on every page,
a copied link opens the same setup and tab in a fresh browser, and uploads survive a round trip to another
page (headless Chromium)."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_until_idle
from tests.photos import jpeg
from ui import nav

pytestmark = pytest.mark.e2e

VERDICT = re.compile(r"· P\(dog\) = \d\.\d\d")  # one per photo card
TITLES = {p.url_path: p.title for p in nav.PAGES}
# page: (a parameter of its link, a value other than the default)
CHANGES = {"": ("steps", "120"), "neuron": ("w2", "1.5"), "gradient-descent": ("steps", "250"),
           "backprop": ("alpha", "0.3"), "playground": ("layers", "3"), "pets": ("model", "mlp"),
           "convnets": ("filter", "blur")}


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def visit_by_link(page, url_path: str) -> None:
    """Click the page's entry in the sidebar navigation, as a student does, and wait until the address
    bar shows that page."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=TITLES[url_path]).first.click()
    page.get_by_role("heading", name=TITLES[url_path]).first.wait_for()
    page.wait_for_url(lambda url: urlparse(url).path == f"/{url_path}")
    wait_until_idle(page)


def test_a_settings_change_adds_no_history_entry(page, server_url):
    open_page(page, server_url, "playground?layers=3", TITLES["playground"])
    start = page.evaluate("history.length")
    # Settings written to the URL replace the entry: a Step, which rewrites the URL, adds nothing.
    page.get_by_role("button", name="Step (1 epoch)").click()
    wait_until_idle(page)
    assert page.evaluate("history.length") == start and query(page)["layers"] == "3"
    visit_by_link(page, "gradient-descent")
    assert urlparse(page.url).path == "/gradient-descent" and "layers" not in query(page)
    assert_no_exception(page)


@pytest.mark.parametrize("url_path", list(CHANGES), ids=lambda p: p or "home")
def test_a_reload_and_a_copied_link_keep_a_changed_control(browser, server_url, url_path):
    param, value = CHANGES[url_path]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    open_page(tab, server_url, f"{url_path}?{param}={value}", TITLES[url_path])
    assert query(tab)[param] == value
    link = tab.url
    tab.reload()
    tab.get_by_role("heading", name=TITLES[url_path]).first.wait_for()
    wait_until_idle(tab)
    assert query(tab)[param] == value and tab.url == link
    assert_no_exception(tab)
    context.close()
    other = browser.new_context(viewport={"width": 1280, "height": 720})  # a student opening the copied link
    fresh = other.new_page()
    fresh.goto(link)
    fresh.get_by_role("heading", name=TITLES[url_path]).first.wait_for()
    wait_until_idle(fresh)
    assert query(fresh) == query_of(link)
    assert_no_exception(fresh)
    other.close()


def query_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}


def test_a_link_opens_the_tab_it_names(page, server_url):
    open_page(page, server_url, "convnets?cnn_tab=Why+convolution&units=64", TITLES["convnets"])
    expect(page.get_by_role("tab", name="Why convolution")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("slider", name="Units u of the dense layer")).to_have_value("64")


def test_uploads_and_the_open_tab_survive_a_visit_to_another_page(page, server_url, tmp_path):
    open_page(page, server_url, "pets", TITLES["pets"])
    photos = []
    for name, colour in (("rex.jpg", (120, 90, 60)), ("rex.jpg", (120, 90, 60)), ("tom.jpg", (200, 200, 190))):
        folder = tmp_path / str(len(photos))
        folder.mkdir()
        (folder / name).write_bytes(jpeg(colour))
        photos.append(str(folder / name))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(photos)
    verdicts = page.get_by_text(VERDICT)
    expect(verdicts).to_have_count(3)  # the same file twice is two photos
    page.get_by_role("tab", name="What the model looks for").click()
    wait_until_idle(page)
    visit_by_link(page, "neuron")
    visit_by_link(page, "pets")
    expect(page.get_by_role("tab", name="What the model looks for")).to_have_attribute("aria-selected", "true")
    page.get_by_role("tab", name="Predict").click()
    wait_until_idle(page)
    expect(page.get_by_text(VERDICT)).to_have_count(3)
    page.get_by_role("button", name="Clear all uploads").click()
    wait_until_idle(page)
    expect(page.get_by_text(VERDICT)).to_have_count(0)
    assert_no_exception(page)
