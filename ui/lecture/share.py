"""Share this view with the class: its link as a large QR code and a short address a student can type.

The address is the server's public one (``NEURONLAB_PUBLIC_URL``, e.g. ``http://192.168.1.20:8501``, for a
lecturer whose browser uses ``localhost``) or the one the browser used. The link carries the page and the
settings that differ from the page's defaults, so a student's fresh session opens the same setup; the
lecture and presentation mode stay with the lecturer. The QR code is drawn here by ``segno`` (no network).
"""

from __future__ import annotations

import base64
import io
import ipaddress
import os
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from ui import links, present
from ui.lecture import pages

ENV = "NEURONLAB_PUBLIC_URL"
LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def base_url() -> tuple[str, str | None]:
    """(the app's address, a warning when students cannot reach it)."""
    configured = os.environ.get(ENV, "").strip()
    if configured:
        parts = urlsplit(configured if "://" in configured else f"http://{configured}")
        if parts.scheme in ("http", "https") and parts.hostname:
            return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}", None
    seen = st.context.url or "http://localhost:8501"
    parts = urlsplit(seen)
    path = parts.path.rstrip("/")
    for name in pages.names():  # the browser's address may still hold the page's own path
        if name != pages.HOME and path.endswith(f"/{name}"):
            path = path[: -len(name) - 1]
            break
    base = f"{parts.scheme}://{parts.netloc}{path}"
    if _local(parts.hostname):
        return base, (f"This address only works on this computer. Start the server with {ENV} set to the "
                      "address students can reach, e.g. `NEURONLAB_PUBLIC_URL=http://192.168.1.20:8501 "
                      "streamlit run app.py`, or open the app through that address.")
    return base, None


def _local(host: str | None) -> bool:
    if not host or host in LOCAL:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def view_link() -> str | None:
    """The current page's link with its non-default settings, at the public address; None before a page ran."""
    ss = st.session_state
    name, written = ss.get(links.PAGE_KEY), ss.get(links.WRITTEN_KEY)
    if not name or written is None or name not in pages.names():
        return None
    ref = pages.page(name)
    query = {}
    for param, text in written.items():
        control = ref.control(param)
        if control is not None and text != control.encode(control.default):
            query[param] = text
    base, _ = base_url()
    return base + ref.path + (f"?{urlencode(query)}" if query else "")


def qr_png(link: str) -> bytes:
    """The link as a QR code, PNG: dark modules on white, a quiet zone of 4 modules (the standard)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=12, border=4, dark="#111111", light="#ffffff")
    return buffer.getvalue()


def button() -> None:
    """The "Share with the class" button, beside the presentation switch."""
    if present.bar().button("Share with the class", key="share_open", icon=":material/qr_code_2:",
                            help="This view's link as a large QR code and a short address, for the students"):
        _dialog()


@st.dialog("Share this view with the class", width="large")
def _dialog() -> None:
    link = view_link()
    if link is None:
        st.info("Open a page first.", icon=":material/info:")
        return
    _, warning = base_url()
    code, words = st.columns([1.1, 1], vertical_alignment="center")
    short = link.split("://", 1)[1]
    picture = base64.b64encode(qr_png(link)).decode("ascii")
    code.markdown(f'<img src="data:image/png;base64,{picture}" width="440" height="440" '
                  f'alt="QR code of the link {_escape(short)}" style="max-width: 100%; height: auto">',
                  unsafe_allow_html=True)
    code.caption("Scan to open this page with these settings")
    words.markdown("**Or type this address:**")
    words.markdown(f"<p style='font-size: 1.6rem; line-height: 1.3; word-break: break-all; margin: 0'>"
                   f"{_escape(short)}</p>", unsafe_allow_html=True)
    words.caption("Each student gets their own copy: what they change does not change yours.")
    if warning:
        words.warning(warning, icon=":material/wifi_off:")


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("$", "&#36;"))
