"""Lectures: a scripted path through the chapters, driven by a presenter clicker (``drive``), with a
speaker-note window, a builder and the class's QR code. See ``docs/lectures.md``."""

from ui.lecture.session import drive  # noqa: F401
