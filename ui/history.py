"""One browser-history entry per page visit.

Streamlit's frontend calls ``history.pushState`` for every change of the query string, so a page that
writes its settings to the URL (every chapter does, see ``ui.links``) would add an entry per setting and
trap the Back button on that page. This guard, installed once in the main document, turns a push whose
path is the current path into a replace: a settings change rewrites the current entry, a move to
another page still adds one. Back and Forward then move between pages, each entry holding the settings
the page had when it was left.
"""

from __future__ import annotations

import streamlit as st

GUARD = """
<style>
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > #neuron-lab-history-guard) { display: none; }
</style>
<script id="neuron-lab-history-guard">
(() => {
  const history = window.history;
  if (history.__neuronLabGuard) return;
  const push = history.pushState.bind(history);
  history.pushState = (state, title, url) => {
    try {
      if (url !== undefined && url !== null
          && new URL(url, window.location.href).pathname === window.location.pathname) {
        return history.replaceState(state, title, url);
      }
    } catch (error) { /* an address URL() cannot parse: let the browser decide */ }
    return push(state, title, url);
  };
  history.__neuronLabGuard = true;
})();
</script>
"""


def guard() -> None:
    """Install the guard (idempotent: the script returns at once when it is already in place). Its own
    element is hidden, so the page gets no gap above the title."""
    st.html(GUARD, unsafe_allow_javascript=True)
