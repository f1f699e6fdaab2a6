"""Scale out: Debian's nginx with deploy/'s affinity settings in front of three local replicas.

A class is spread over every replica by the route cookie, each student stays on one replica (the
upload, which only that replica's session accepts, proves it), and a real browser page renders
through the proxy. nginx runs as the current user on a free 127.0.0.1 port with its own prefix.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from benchmarks import classroom_load
from devtools.browser import assert_no_exception, open_page, streamlit_server
from ui.nav import PAGES

pytestmark = pytest.mark.e2e

REPLICAS = 3
# With a random route per student, each replica is missed by all 24 with probability (2/3)^24 ≈ 6e-5.
STUDENTS = 24
PLAY_SECONDS = 3


@pytest.fixture(scope="module")
def nginx():
    if not Path(classroom_load.NGINX).exists():
        reason = f"{classroom_load.NGINX} not found (install Debian's nginx: apt-get install nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the replica tests cannot run: {reason}")
        pytest.skip(f"e2e skipped: {reason}")
    return classroom_load.NGINX


@pytest.fixture(scope="module")
def replicas(nginx, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replicas")
    with streamlit_server(tmp / "r0.log") as a, streamlit_server(tmp / "r1.log") as b, \
            streamlit_server(tmp / "r2.log") as c:
        yield [a, b, c]


@pytest.fixture(scope="module")
def proxy(replicas, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    with classroom_load.nginx_proxy(replicas, tmp) as url:
        yield url, tmp / "access.log"


def test_a_class_through_nginx_is_spread_over_every_replica_and_each_student_stays_on_one(proxy, replicas):
    url, access_log = proxy
    summary = classroom_load.run_class(url, STUDENTS, PLAY_SECONDS, ramp=4)

    assert summary["errors"] == []
    assert len(summary["p_dog"]) == STUDENTS, "every upload through nginx was answered with P(dog)"
    assert all(0.0 <= p <= 1.0 for p in summary["p_dog"])
    assert summary["starved_sessions"] == 0
    addresses = {urlparse(replica).netloc for replica in replicas}
    assert set(summary["upstreams"]) == addresses, summary["upstreams"]
    assert sum(summary["upstreams"].values()) == STUDENTS
    # Every request that carried a route cookie (the websocket, uploads, media) went to one replica.
    upstreams_by_route: dict[str, set[str]] = {}
    for line in access_log.read_text().splitlines():
        route, upstream = line.split()[:2]
        if route != "-":
            upstreams_by_route.setdefault(route, set()).add(upstream)
    assert len(upstreams_by_route) >= STUDENTS
    assert all(len(served) == 1 for served in upstreams_by_route.values()), upstreams_by_route


def test_a_browser_through_nginx_gets_its_route_cookie_and_the_playground(browser, proxy):
    url, _ = proxy
    title = next(page.title for page in PAGES if page.url_path == "playground")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        open_page(tab, url, "playground", title)
        assert_no_exception(tab)
        assert "neuronlab_route" in {cookie["name"] for cookie in context.cookies()}
    finally:
        context.close()
