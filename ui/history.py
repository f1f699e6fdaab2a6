"""One browser-history entry per page visit.

Streamlit's frontend calls ``history.pushState`` for every change of the query string, so a page that
writes its settings to the URL (every chapter does, see ``ui.links``) would add an entry per setting and
trap the Back button on that page. This guard, installed once in the main document, turns a push whose
path is the current path into a replace: a settings change rewrites the current entry, a move to
another page still adds one. Back and Forward then move between pages, each entry holding the settings
the page had when it was left.

A page change has a race the guard must also settle. After a click on a page link Streamlit pushes the
new page's path only once React has drawn the new run's navigation (a ``setState`` callback), but it
writes each query-string change at once, with the address bar's path at that moment. When the server is
warm the new page's first writes (``ui.links`` dropping the old page's parameters, then writing its own)
arrive before that callback: they carry the *old* path, so a plain guard replaced the page being left
with the new page's settings, and Streamlit's own push came after. So the guard notes the path of a page
link Streamlit took (a click it prevented), and turns the first same-path write after it into the push of
that path; Streamlit then finds the address already on the new page and pushes nothing more.

The guard is an ``st.html`` element, whose code the browser loads on demand: it is in place a moment
(~1.5 s on our machine) after the session's first page is drawn, while that page's first run has already
written its settings. So nothing is written to the URL until the guard says it is there: a small
component (``history_frontend/index.html``) waits for it and reports once per session, which reruns the
page, and ``ready()`` is what ``ui.links`` and ``ui.present`` check before they write. A page opened from
a link keeps the link's address until then, which is the same setup.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from ui.frontend import served_directory

# A click's page change is trusted this long: the race needs the new run's writes to arrive before
# React has drawn it, which is the first moments of the run; a stale note must not move a later write.
PENDING_MS = 10_000
# After a lecture step moved to another page, a push of the page it left is Streamlit's stale one for this long.
LEFT_MS = 3_000
# The report (a widget) and what it sets: True once this session's browser has the guard in place.
REPORT_KEY = "history_guard_report"
READY_KEY = "history_guard_ready"

GUARD = """
<style>
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > #neuron-lab-history-guard),
.st-key-%(report_key)s { display: none; }
</style>
<script id="neuron-lab-history-guard">
(() => {
  const history = window.history;
  if (history.__neuronLabGuard) return;
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  let pending = null;  // {path, until}: the page a link click is moving to, before Streamlit pushed it
  // {path, until}: the page a lecture step just left (ui/lecture). The run that asked for the step had drawn
  // that page's navigation, and Streamlit may push that page's path once more after the step's own push.
  let left = null;

  const samePath = (url) => {
    try {
      return url !== undefined && url !== null
          && new URL(url, window.location.href).pathname === window.location.pathname;
    } catch (error) { return false; }  // an address URL() cannot parse: let the browser decide
  };
  const moving = () => pending !== null && performance.now() < pending.until;
  const moveTo = (state, title, url) => {
    const target = new URL(url, window.location.href);
    const path = pending.path;
    left = pending.step && path !== window.location.pathname
      ? {path: window.location.pathname, until: performance.now() + %(left_ms)d} : null;
    pending = null;
    return push(state, title, path + target.search + target.hash);
  };

  const pathOf = (url) => { try { return new URL(url, window.location.href).pathname; } catch (e) { return null; } };
  history.pushState = (state, title, url) => {
    if (samePath(url)) return moving() ? moveTo(state, title, url) : replace(state, title, url);
    if (left !== null && performance.now() < left.until && pathOf(url) === left.path) {
      left = null;  // the step's page is already in the address: that stale push would add a second entry
      return undefined;
    }
    pending = null;
    return push(state, title, url);
  };
  history.replaceState = (state, title, url) =>
    samePath(url) && moving() ? moveTo(state, title, url) : replace(state, title, url);

  // After React's handler: a page link Streamlit took (it prevented the browser's own navigation).
  window.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || !event.defaultPrevented || link.target === '_blank') return;
    const to = new URL(link.href, window.location.href);
    if (to.origin === window.location.origin && to.pathname !== window.location.pathname) {
      pending = {path: to.pathname, until: performance.now() + %(pending_ms)d};
      left = null;
    }
  });
  window.addEventListener('popstate', () => { pending = null; left = null; });
  // A lecture's step change (ui/lecture) says where it goes before it asks the server, as a link click does.
  history.__neuronLabExpect = (path) => {
    pending = {path: path, until: performance.now() + %(pending_ms)d, step: true};
    left = null;
  };
  history.__neuronLabGuard = true;
})();
</script>
""" % {"pending_ms": PENDING_MS, "left_ms": LEFT_MS, "report_key": REPORT_KEY}


_report = components.declare_component("history_guard", path=str(served_directory(
    "neuronlab-history-", {"index.html": Path(__file__).with_name("history_frontend") / "index.html"})))


def guard() -> None:
    """Install the guard (idempotent: the script returns at once when it is already in place) and, until
    this session's browser has reported it in place, the component that waits for it. Both elements are
    hidden, so the page gets no gap above the title."""
    st.html(GUARD, unsafe_allow_javascript=True)
    if st.session_state.get(REPORT_KEY) is True:  # the report's value, sent with this run
        st.session_state[READY_KEY] = True
    _report(ready=ready(), key=REPORT_KEY, default=False)


def ready() -> bool:
    """Whether the page may write to the URL: this session's browser has the guard in place (it has
    reported). AppTest has no browser; its sessions set READY_KEY themselves (tests/conftest.py)."""
    return st.session_state.get(READY_KEY) is True
