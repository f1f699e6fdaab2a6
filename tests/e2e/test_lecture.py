"""A lecture in the browser: the default lecture end to end with the clicker's keys (every step on its page
with its settings and arrival action, one history entry per step), a lecture built here, downloaded,
uploaded and run with its speaker notes in the presenter view, a bad upload's message, and the class's QR code
(headless Chromium)."""

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, players, wait_until_idle
from ui.lecture import model, pages

pytestmark = pytest.mark.e2e

STEP_IS = "(k) => window.__neuronLabLectureStep === k"


def query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}


def landed(tab, lecture: model.Lecture, k: int) -> None:
    """Step k (0-based) is on screen: its page and title, its settings and step number in the address,
    "k of n" in the corner bar, and the run that drew it finished."""
    step = lecture.steps[k]
    ref = pages.page(step.page)
    tab.wait_for_function(STEP_IS, arg=k)
    tab.wait_for_url(lambda url: urlparse(url).path == ref.path and query(url).get("step") == str(k + 1)
                     and all(query(url).get(p) == t for p, t in step.query.items()))
    tab.get_by_role("heading", name=ref.title).first.wait_for()
    bar = tab.frame_locator(".st-key-lecture_bar iframe")
    expect(bar.locator("#count")).to_have_text(f"{k + 1} of {len(lecture.steps)}")
    expect(bar.locator("#title")).to_have_text(step.title)


def arrived(tab, step: model.Step) -> None:
    """The step's tab is open and its arrival action ran."""
    if step.tab is not None:
        expect(tab.get_by_role("tab", name=step.tab)).to_have_attribute("aria-selected", "true")
    if step.action is None:
        return
    if step.page == "gradient-descent":  # Play: the browser's player plays (or has played) from step 0
        leader = None
        for _ in range(150):  # its frame is replaced while the page draws: read it until it says so
            leader = players(tab).get("leader")
            if leader and (leader["running"] or leader["frame"] > 0):
                break
            tab.wait_for_timeout(100)
        assert leader and (leader["running"] or leader["frame"] > 0), leader
    elif step.page == "playground":  # Play: the button pauses while it trains (checked as soon as it lands)
        expect(tab.get_by_role("button", name="Pause").first).to_be_visible()
    elif step.page == "backprop":  # step 3: three gradient-descent steps taken
        expect(tab.get_by_test_id("stMetric").filter(has_text="gradient-descent steps")
               .get_by_test_id("stMetricValue")).to_have_text(str(step.action.n))


def history_entries(tab) -> list[str]:
    return [e["url"] for e in tab.context.new_cdp_session(tab).send("Page.getNavigationHistory")["entries"]]


def test_the_default_lecture_runs_end_to_end_with_the_clicker_keys(browser, server_url):
    lecture = model.load("default")
    first = lecture.steps[0]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    open_page(tab, server_url, f"{pages.page(first.page).path.lstrip('/')}?lecture=default&step=1&present=1",
              pages.page(first.page).title)
    start = len(history_entries(tab))
    for k, step in enumerate(lecture.steps):
        if k:
            tab.keyboard.press("PageDown")  # what a presenter clicker sends
        landed(tab, lecture, k)
        arrived(tab, step)
        wait_until_idle(tab)
        assert_no_exception(tab)
    entries = history_entries(tab)
    assert len(entries) == start + len(lecture.steps) - 1, entries[-5:]
    assert [query(u)["step"] for u in entries[-len(lecture.steps):]] == [str(k + 1) for k in range(len(lecture.steps))]
    tab.keyboard.press("PageDown")  # past the last step: it stays, and says so
    expect(tab.frame_locator(".st-key-lecture_bar iframe").locator("#edge")).to_have_text("(last step)")
    tab.keyboard.press("PageUp")  # a step change: one more entry
    landed(tab, lecture, len(lecture.steps) - 2)
    tab.go_back()  # Back walks the entries: the last step, as it was left
    tab.wait_for_function(STEP_IS, arg=len(lecture.steps) - 1)
    landed(tab, lecture, len(lecture.steps) - 1)
    assert len(history_entries(tab)) == start + len(lecture.steps)
    wait_until_idle(tab)
    assert_no_exception(tab)
    context.close()


def test_a_lecture_built_here_round_trips_and_its_notes_follow_in_the_presenter_view(browser, server_url, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    alerts = []
    tab.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    open_page(tab, server_url, "?steps=120", "Neuron Lab")
    lecture_menu = tab.get_by_role("button", name="Lecture")

    def add_view():
        lecture_menu.click()
        tab.get_by_role("button", name="Add this view to a lecture").click()
        wait_until_idle(tab)
        tab.keyboard.press("Escape")

    add_view()
    tab.locator('[data-testid="stSidebarNav"] a').filter(has_text="6 · Convolutional networks").click()
    tab.get_by_role("heading", name="6 · Convolutional networks").first.wait_for()
    tab.get_by_role("tab", name="Why convolution").click()
    tab.wait_for_url(lambda url: query(url).get("cnn_tab") == "Why convolution")
    wait_until_idle(tab)
    add_view()
    lecture_menu.click()
    tab.get_by_role("button", name="My lecture: 2 steps, edit, download, upload").click()
    dialog = tab.get_by_role("dialog")
    note = dialog.get_by_label("Step 2: speaker note (plain text)")
    note.fill('<script>alert("x")</script> Dense: 12,288 weights **per** unit.')
    dialog.get_by_label("Step 1: title").click()  # the note's change is sent when it loses focus
    wait_until_idle(tab)
    with tab.expect_download() as download:
        dialog.get_by_role("button", name="Download the lecture (.toml)").click()
    saved = tmp_path / "lecture.toml"
    download.value.save_as(saved)
    built = model.parse(saved.read_bytes())
    assert [s.page for s in built.steps] == ["home", "convnets"]
    assert dict(built.steps[0].settings) == {"steps": "120"}
    assert dict(built.steps[1].settings) == {} and built.steps[1].tab == "Why convolution"
    assert built.steps[1].note.startswith('<script>alert("x")</script>')

    # A bad file: a message naming the line, and nothing else lost.
    bad = tmp_path / "bad.toml"
    bad.write_text('[[step]]\npage = "neuron"\n[step.settings]\nw2 = "heavy"\n')
    dialog.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    expect(dialog.get_by_text("Line 4: step 1: w2: takes a number")).to_be_visible()
    expect(dialog.get_by_label("Step 2: speaker note (plain text)")).to_have_value(built.steps[1].note)

    # The downloaded file, uploaded, runs: the same steps.
    dialog.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(saved))
    landed(tab, built, 0)
    presenter = context.new_page()
    presenter.goto(f"{server_url}/?lecture=mine&presenter=1")
    notes = presenter.frame_locator(".st-key-lecture_presenter iframe")
    expect(notes.locator("#p-status")).to_have_text("Following the projected window.")
    expect(notes.locator("#p-title")).to_have_text(built.steps[0].title)
    tab.bring_to_front()
    tab.keyboard.press("PageDown")
    landed(tab, built, 1)
    expect(tab.get_by_role("tab", name="Why convolution")).to_have_attribute("aria-selected", "true")
    expect(notes.locator("#p-note")).to_have_text(built.steps[1].note)  # as typed: plain text
    presenter.bring_to_front()
    presenter.keyboard.press("PageUp")  # the presenter's own clicker drives the projected window
    landed(tab, built, 0)
    expect(notes.locator("#p-count")).to_have_text("Step 1 of 2")
    assert not alerts
    wait_until_idle(tab)
    assert_no_exception(tab)
    context.close()


def test_share_shows_the_view_as_a_qr_code_and_a_student_lands_on_the_same_setup(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    open_page(tab, server_url, "neuron?w2=1.5&neuron_tab=A+single+neuron", "1 · The neuron and the sigmoid")
    tab.get_by_role("button", name="Share with the class").click()
    dialog = tab.get_by_role("dialog")
    expect(dialog.get_by_role("img")).to_be_visible()
    address = urlparse(server_url).netloc + "/neuron?w2=1.5"
    expect(dialog.get_by_text(address, exact=True)).to_be_visible()
    expect(dialog.get_by_text("This address only works on this computer")).to_be_visible()  # 127.0.0.1
    width = dialog.get_by_role("img").first.bounding_box()["width"]
    assert width >= 400, width
    student = browser.new_context(viewport={"width": 390, "height": 844})
    phone = student.new_page()
    phone.goto(f"http://{address}")
    phone.get_by_role("heading", name="1 · The neuron and the sigmoid").first.wait_for()
    wait_until_idle(phone)
    expect(phone.get_by_role("slider", name="weight w2")).to_have_value("1.5")
    assert_no_exception(phone)
    student.close()
    context.close()
