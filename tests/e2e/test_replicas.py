"""Scale out, as a class is served: ``deploy/serve.py``'s nginx in front of three local replicas.

A class is spread over every replica by the route cookie, each student stays on one replica (the upload,
which only that replica's session accepts, proves it), a real browser page renders through the proxy, and
when a replica is killed mid-class every student it served is back on a live page within 10 s, with the
settings of their address and a note, on another replica that their cookie then names. nginx runs as the
current user on a free 127.0.0.1 port with its own prefix; the replicas start once for the module.
"""

import os
import re
import signal
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from benchmarks import classroom_load
from deploy import serve
from devtools.browser import assert_no_exception, open_page
from ui.chapter import RESTART_NOTE
from ui.nav import PAGES

pytestmark = pytest.mark.e2e

REPLICAS = 3
# With a random route per student, each replica is missed by all 24 with probability (2/3)^24 ≈ 6e-5.
STUDENTS = 24
PLAY_SECONDS = 3
BACK_WITHIN_S = 10
TITLE = next(page.title for page in PAGES if page.url_path == "playground")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not Path(serve.NGINX).exists():
        reason = f"{serve.NGINX} not found (install Debian's nginx: apt-get install nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the replica tests cannot run: {reason}")
        pytest.skip(f"e2e skipped: {reason}")
    with serve.deployment(REPLICAS, tmp_path_factory.mktemp("deploy"), say=lambda text: None) as d:
        yield d


def test_a_class_through_nginx_is_spread_over_every_replica_and_each_student_stays_on_one(deployment):
    summary = classroom_load.run_class(deployment.url, STUDENTS, PLAY_SECONDS, ramp=4)

    assert summary["errors"] == []
    assert len(summary["p_dog"]) == STUDENTS, "every upload through nginx was answered with P(dog)"
    assert all(0.0 <= p <= 1.0 for p in summary["p_dog"])
    assert summary["starved_sessions"] == 0
    addresses = {urlparse(replica).netloc for replica in deployment.replica_urls}
    assert set(summary["upstreams"]) == addresses, summary["upstreams"]
    assert sum(summary["upstreams"].values()) == STUDENTS
    # Every request that carried a route cookie (the websocket, uploads, media) went to one replica.
    upstreams_by_route: dict[str, set[str]] = {}
    for line in (deployment.prefix / "access.log").read_text().splitlines():
        route, upstream = line.split()[:2]
        if route != "-":
            upstreams_by_route.setdefault(route, set()).add(upstream)
    assert set(upstreams_by_route) == {str(i) for i in range(REPLICAS)}
    assert all(served == {f"127.0.0.1:{deployment.replicas[int(route)].port}"}
               for route, served in upstreams_by_route.items()), upstreams_by_route


def test_a_browser_through_nginx_gets_its_route_cookie_and_the_playground(browser, deployment):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        open_page(tab, deployment.url, "playground", TITLE)
        assert_no_exception(tab)
        assert "neuronlab_route" in {cookie["name"] for cookie in context.cookies()}
    finally:
        context.close()


def route(context) -> int:
    """The replica a browser's route cookie names."""
    return int(next(c["value"] for c in context.cookies() if c["name"] == "neuronlab_route"))


def live_epoch(tab):
    """The epoch the live view shows (in its component's frame)."""
    return tab.frame_locator('iframe[title="ui.live_frames.live_frames"]').locator("[data-stat='epoch']")


def epoch(tab) -> str:
    return live_epoch(tab).inner_text()


def test_a_replica_killed_mid_class_its_students_are_back_live_within_10_s(browser, deployment):
    # Three students, each with their own setup in the address: two on replica 0 (their route cookie names
    # it, as nginx would have set it), one on replica 1.
    students = []
    try:
        for width, replica in ((3, 0), (4, 0), (5, 1)):
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            context.add_cookies([{"name": "neuronlab_route", "value": str(replica), "url": deployment.url}])
            tab = context.new_page()
            tab.set_default_timeout(60_000)
            open_page(tab, deployment.url, f"playground?layers=1&width1={width}&epochs=10000", TITLE)
            assert route(context) == replica
            students.append((context, tab, width, replica))
        routes = [r for *_, r in students]
        victim = max(set(routes), key=routes.count)
        moved = [s for s in students if s[3] == victim]
        stayed = [s for s in students if s[3] != victim]
        for _, tab, _, _ in students:
            tab.get_by_role("button", name="Play").click()
        for _, tab, _, _ in students:
            expect(tab.get_by_role("button", name="Pause")).to_be_visible()
            expect(live_epoch(tab)).not_to_have_text("0", timeout=30_000)
        before = {width: int(epoch(tab)) for _, tab, width, _ in stayed}

        killed_at = time.monotonic()
        os.kill(deployment.replicas[victim].pid, signal.SIGKILL)

        note = re.compile(re.escape(RESTART_NOTE.split(":")[0].strip("*")))
        for context, tab, width, _ in moved:
            left_ms = max(1, int(1000 * (BACK_WITHIN_S - (time.monotonic() - killed_at))))
            # Back on a live page: the note, the settings of the address, a drawn live view, no error.
            expect(tab.get_by_text(note)).to_be_visible(timeout=left_ms)
            expect(tab.get_by_role("button", name="Play")).to_be_visible()
            expect(tab.locator(".st-key-w_pg_width_1 input")).to_have_value(str(width))
            expect(tab).to_have_url(re.compile(rf"width1={width}\b"))
            assert epoch(tab) == "0"   # the model it trained is gone: said so above
            assert tab.get_by_role("dialog").count() == 0
            assert_no_exception(tab)
        back_after = time.monotonic() - killed_at
        assert back_after <= BACK_WITHIN_S, back_after
        for context, tab, width, _ in moved:   # live: Play trains again, on another replica
            tab.get_by_role("button", name="Play").click()
            expect(live_epoch(tab)).not_to_have_text("0", timeout=30_000)
            assert route(context) != victim  # the cookie follows the replica that answers now
        for _, tab, width, _ in stayed:   # the others never noticed
            assert tab.get_by_text(note).count() == 0
            assert int(epoch(tab)) > before[width]
        # The dead replica is restarted on its port (deploy/serve.py), and serves new students again.
        deadline = time.monotonic() + 60
        while not serve.healthy(deployment.replicas[victim].url) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert serve.healthy(deployment.replicas[victim].url) and deployment.replicas[victim].restarts == 1
    finally:
        for context, *_ in students:
            context.close()
