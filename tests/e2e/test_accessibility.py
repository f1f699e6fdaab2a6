"""WCAG 2.1 AA with axe-core (axe-playwright-python, which bundles axe's script: nothing fetched at test time):
every page at 1280×720 in its default state and in presentation mode has no critical or serious violation,
and so do a lecture step with its corner bar, the presenter view and the share dialog. The lecture bar is
driven by the keyboard alone, with a visible focus ring."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from devtools.browser import open_page, wait_until_idle
from ui import nav

pytestmark = pytest.mark.e2e

BLOCKING = ("critical", "serious")
AXE = Axe()


def blocking_violations(tab) -> list[str]:
    """axe-core's critical and serious violations on the page now, one line each.

    First the app's own styles must be there: Streamlit loads its Html element's code on demand, so the page
    can be drawn (and idle) a moment before the contrast fixes in ui/a11y.py arrive with it."""
    tab.wait_for_function("() => window.__neuronLabA11y === true")
    found = AXE.run(tab).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} at {n['target']}: {' '.join(c['message'] for c in n['any'])}"
            for v in found if v["impact"] in BLOCKING for n in v["nodes"][:3]]


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("info", nav.PAGES, ids=lambda p: p.url_path or "home")
def test_no_critical_or_serious_axe_violations_in_default_and_presentation_mode(tab, server_url, info):
    # Settled: the history guard's report arrives after the first run and reruns the page (its elements
    # fade while it runs, which axe would read as low contrast).
    open_page(tab, server_url, info.url_path, info.title)
    assert blocking_violations(tab) == [], "default"
    tab.get_by_text("Presentation mode").click()   # the switch, as a lecturer turns it on
    tab.wait_for_url(lambda url: "present=1" in url)
    wait_until_idle(tab)
    expect(tab.get_by_role("switch", name="Presentation mode")).to_be_checked()
    expect(tab.locator('[data-testid="stSidebar"]')).to_be_hidden()   # its styles are in place
    assert blocking_violations(tab) == [], "presentation"


def test_a_lecture_step_the_presenter_view_and_the_share_dialog_have_no_serious_violations(tab, server_url):
    open_page(tab, server_url, "convnets?lecture=default&step=19", "6 · Convolutional networks")
    tab.wait_for_function("() => window.__neuronLabLectureStep === 18")
    assert blocking_violations(tab) == []
    tab.get_by_role("button", name="Share with the class").click()
    expect(tab.get_by_role("dialog").get_by_role("img")).to_be_visible()
    assert blocking_violations(tab) == []
    tab.keyboard.press("Escape")
    notes = tab.context.new_page()
    notes.goto(f"{server_url}/?lecture=default&presenter=1&step=19")
    expect(notes.frame_locator(".st-key-lecture_presenter iframe").locator("#p-title")).to_have_text(
        "One convolution by hand")
    assert blocking_violations(notes) == []


def test_the_lecture_bar_works_from_the_keyboard_with_a_visible_focus(tab, server_url):
    open_page(tab, server_url, "neuron?lecture=default&step=1", "1 · The neuron and the sigmoid")
    tab.wait_for_function("() => window.__neuronLabLectureStep === 0")
    bar = tab.frame_locator(".st-key-lecture_bar iframe")
    nxt = bar.get_by_role("button", name="Next step (Page Down)")
    for _ in range(80):  # Tab through the page until the bar's Next button has the focus
        tab.keyboard.press("Tab")
        if nxt.evaluate("b => document.activeElement === b"):
            break
    else:
        pytest.fail("Tab never reached the lecture bar's Next button")
    ring = nxt.evaluate("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth")
    assert ring.startswith("solid") and not ring.endswith(" 0px"), ring
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => window.__neuronLabLectureStep === 1")
    wait_until_idle(tab)
    expect(tab.get_by_role("tab", name="The sigmoid and other activations")).to_have_attribute("aria-selected", "true")
    bar.get_by_role("button", name="End the lecture").click()  # ✕: the lecture ends, the page stays
    expect(tab.locator(".st-key-lecture_bar")).to_have_count(0)
    tab.wait_for_url(lambda url: "lecture=" not in url and "neuron_tab=The+sigmoid" in url)
