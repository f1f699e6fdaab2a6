"""Neuron Lab: neural networks from first principles. Run with `streamlit run app.py`."""

import streamlit as st

import ui.warm  # noqa: F401  first: the heavy imports, complete before any page runs (see its docstring)
from ui import a11y, history, lecture, nav, notation, present

st.set_page_config(page_title="Neuron Lab", page_icon=str(nav.ROOT / "assets" / "icon.png"), layout="wide")
pages = [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path or None, default=not p.url_path)
         for p in nav.PAGES]
page = st.navigation(pages)
history.guard()
a11y.install()  # charts that describe themselves, keyboard-scrollable formulas, contrast
notation.sidebar()
present.switch()
lecture.drive(page)  # a lecture's step, keys and corner bar; the presenter view instead of the page
page.run()
