"""Nothing lost: one history entry per page visit, Back and Forward land on the settings each entry had, a
settings change adds no entry, a reload keeps a changed control on every page, a copied link opens the
same setup and tab in a fresh browser, and uploads survive a round trip to another page (headless Chromium).

The history is read from the browser (DevTools' Page.getNavigationHistory: the list Back and Forward walk),
not from the page's ``history.length``: Chromium's renderer caches that number and can leave it one short
for a while when a push coincides with iframes loading, which every chapter's components do (seen without
Streamlit too: a plain page that adds four iframes and pushes showed a short ``history.length`` in 1 to 7 of
15 tries, while the browser's list was right)."""

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_for_history_guard, wait_until_idle
from tests.photos import jpeg
from ui import nav

pytestmark = pytest.mark.e2e

VERDICT = re.compile(r"· P\(dog\) = \d\.\d\d")  # one per photo card
TITLES = {p.url_path: p.title for p in nav.PAGES}
# page: (a parameter of its link, a value other than the default)
CHANGES = {"": ("steps", "120"), "neuron": ("w2", "1.5"), "gradient-descent": ("steps", "250"),
           "backprop": ("alpha", "0.3"), "playground": ("layers", "3"), "pets": ("model", "mlp"),
           "convnets": ("filter", "blur")}


def query_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}


def query(page) -> dict[str, str]:
    return query_of(page.url)


def visit_by_link(page, url_path: str) -> None:
    """Click the page's entry in the sidebar navigation, as a student does, and wait until the address
    bar shows that page."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=TITLES[url_path]).first.click()
    page.get_by_role("heading", name=TITLES[url_path]).first.wait_for()
    page.wait_for_url(lambda url: urlparse(url).path == f"/{url_path}")
    wait_until_idle(page)


class History:
    """The tab's session history as the browser keeps it: its entries' addresses and the current one."""

    def __init__(self, page):
        self.page = page
        self.devtools = page.context.new_cdp_session(page)

    def now(self) -> tuple[list[str], int]:
        state = self.devtools.send("Page.getNavigationHistory")
        return [e["url"] for e in state["entries"]], state["currentIndex"]

    def length_becomes(self, n: int, timeout_s: float = 10) -> int:
        """The number of entries once it is n (Streamlit pushes a page's entry when it has drawn the new
        run's navigation), or whatever it is after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while len(self.now()[0]) != n and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        return len(self.now()[0])


def slider(page, key: str):
    return page.locator(f".st-key-{key} input[type='range']")


def nudge(page, key: str) -> None:
    """Move the slider of session key ``key`` one step right, as a student does with the keyboard."""
    thumb = slider(page, key)
    thumb.focus()
    thumb.press("ArrowRight")


def written(page, param: str, value: str) -> None:
    """Wait until the run a change started has written ``param=value`` to the address, and has finished
    (waiting for the run alone can return before a busy server has started it)."""
    page.wait_for_url(lambda url: query_of(url).get(param) == value)
    wait_until_idle(page)


def app_entries(history: History, server_url: str) -> list[str]:
    """The entries of this tab's history that are the app's (a new tab starts on about:blank)."""
    return [u for u in history.now()[0] if u.startswith(server_url)]


@pytest.mark.parametrize("url_path", ["", "gradient-descent", "playground"], ids=lambda p: p or "home")
def test_a_page_opened_from_a_link_is_one_history_entry(browser, server_url, url_path):
    """The first page of a session writes its settings to the URL only once the guard is in place, so
    opening it adds one entry, not one for the link and one for the settings."""
    param, value = CHANGES[url_path]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    history = History(tab)
    open_page(tab, server_url, f"{url_path}?{param}={value}&bogus=1", TITLES[url_path])
    tab.wait_for_url(lambda url: "bogus" not in query_of(url))  # the page has written the address
    wait_until_idle(tab)
    entries = app_entries(history, server_url)
    assert len(entries) == 1 and query_of(entries[0])[param] == value and len(query_of(entries[0])) > 1
    assert_no_exception(tab)
    context.close()


def test_a_click_before_the_guard_is_in_place_still_adds_one_entry_per_visit(browser, server_url):
    """The guard's code (Streamlit's on-demand Html element) is held back, so the student's click on
    another page lands before it is there: still one entry per page, each with its own settings."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    patched = []

    def never_give_up(route):
        """The report gives up waiting for the guard after GIVE_UP_MS (blocked scripts) and lets the pages
        write anyway. Here the guard is held back for as long as the test takes, however slow the machine,
        so that deadline must not decide the outcome: it is lifted in this tab's copy of the component."""
        response = route.fetch()
        body = response.text()
        patched.append("GIVE_UP_MS = 6000;" in body)
        route.fulfill(response=response, body=body.replace("GIVE_UP_MS = 6000;", "GIVE_UP_MS = 600000;"))

    guard_report = re.compile(r".*history_guard.*index\.html.*")
    tab.route(guard_report, never_give_up)
    held = []
    tab.route("**/static/js/Html.*.js", lambda route: held.append(route))
    history = History(tab)
    with tab.expect_response(guard_report):  # the report's iframe may load after the page has settled
        tab.goto(f"{server_url}/playground?layers=3")
    tab.get_by_role("heading", name=TITLES["playground"]).first.wait_for()
    wait_until_idle(tab)
    assert held and tab.evaluate("() => window.history.__neuronLabGuard") is None
    assert patched and all(patched), patched
    visit_by_link(tab, "gradient-descent")  # its run has finished, before the guard: nothing written yet
    for route in held:
        route.continue_()
    tab.unroute("**/static/js/Html.*.js")
    wait_for_history_guard(tab)
    tab.wait_for_url(lambda url: query_of(url).get("steps") == "100" and "layers" not in query_of(url))
    wait_until_idle(tab)
    entries = app_entries(history, server_url)
    assert [urlparse(u).path for u in entries] == ["/playground", "/gradient-descent"], entries
    assert query_of(entries[0]) == {"layers": "3"}
    tab.go_back()
    lands_on(tab, "playground", "layers", "3")
    expect(slider(tab, "w_pg_layers")).to_have_value("3")
    assert_no_exception(tab)
    context.close()


def test_a_settings_change_adds_no_history_entry(page, server_url):
    open_page(page, server_url, "playground?layers=3", TITLES["playground"])
    history = History(page)
    start = len(history.now()[0])
    # Settings written to the URL replace the entry: a Step, which rewrites the URL, adds nothing.
    page.get_by_role("button", name="Step (1 epoch)").click()
    wait_until_idle(page)
    assert len(history.now()[0]) == start and query(page)["layers"] == "3"
    visit_by_link(page, "gradient-descent")
    assert urlparse(page.url).path == "/gradient-descent" and "layers" not in query(page)
    assert_no_exception(page)


def test_each_visit_is_one_history_entry_and_back_and_forward_land_on_its_settings(page, server_url):
    open_page(page, server_url, "playground", TITLES["playground"])
    history = History(page)
    start = len(history.now()[0])
    nudge(page, "w_pg_layers")  # 2 → 3
    written(page, "layers", "3")
    assert len(history.now()[0]) == start
    visit_by_link(page, "gradient-descent")
    assert history.length_becomes(start + 1) == start + 1
    page.locator(".st-key-w_gd_batching").get_by_text("Mini-batch", exact=True).click()  # was full batch
    written(page, "batching", "mini")
    visit_by_link(page, "neuron")
    assert history.length_becomes(start + 2) == start + 2
    nudge(page, "w_neuron_w2")  # -0.5 → -0.4
    written(page, "w2", "-0.4")
    urls, current = history.now()
    # Each entry kept the settings its page had when it was left, not the next page's.
    assert [urlparse(u).path for u in urls[-3:]] == ["/playground", "/gradient-descent", "/neuron"]
    assert "layers=3" in urls[-3] and "batching=mini" in urls[-2] and current == len(urls) - 1

    page.go_back()
    lands_on(page, "gradient-descent", "batching", "mini")
    expect(mini_batch(page)).to_be_checked()
    page.go_back()
    lands_on(page, "playground", "layers", "3")
    expect(slider(page, "w_pg_layers")).to_have_value("3")
    page.go_forward()
    lands_on(page, "gradient-descent", "batching", "mini")
    expect(mini_batch(page)).to_be_checked()
    urls, current = history.now()
    assert len(urls) == start + 2 and current == len(urls) - 2
    assert_no_exception(page)


def lands_on(page, url_path: str, param: str, value: str) -> None:
    """After Back or Forward: the page is drawn and its address holds the entry's setting."""
    page.get_by_role("heading", name=TITLES[url_path]).first.wait_for()
    page.wait_for_url(lambda url: urlparse(url).path == f"/{url_path}")
    wait_until_idle(page)
    assert query(page)[param] == value


def mini_batch(page):
    return page.locator(".st-key-w_gd_batching").get_by_role("radio", name="Mini-batch")


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
