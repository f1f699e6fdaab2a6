"""Convolution chapter, "Your own classes": the photos a student gives each class (uploads or the camera),
kept in the session as the 64×64 picture the conv net sees plus a copy at most 512 px a side (for the page
and the zip), never the original file."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import numpy as np
import streamlit as st
from PIL import ImageOps

from engine import images
from engine.errors import ImageError
from lessons import transfer

from ui.own_data.common import plain_md
from ui.pets.common import picture
from ui.pets.predict import UPLOAD_TYPES

MAX_PER_CLASS = 30      # photos kept per class (and at most 5 classes): a few MB per session
KEPT_SIDE = 512         # the copy kept for showing and the zip, in pixels (longest side)
SAMPLE_PER_CLASS = 15


@dataclass
class OwnPhoto:
    name: str
    picture: np.ndarray     # (S, S, C) in [0, 1]: what the conv net sees
    jpeg: bytes             # at most KEPT_SIDE a side
    file_id: str


def kept_copy(data: bytes) -> bytes:
    """The photo as a JPEG at most KEPT_SIDE pixels a side, upright (EXIF), RGB; ImageError for a bad file."""
    img = images.open_image(data)
    try:
        img = ImageOps.exif_transpose(img).convert("RGB")
        img.thumbnail((KEPT_SIDE, KEPT_SIDE))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=88)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"The image is damaged or truncated and cannot be read ({exc}).", "truncated") from None
    finally:
        img.close()
    return buf.getvalue()


def make_photo(name: str, data: bytes, file_id: str, size: int, colour: str) -> tuple[OwnPhoto | None, str]:
    """(the photo, "") or (None, why it cannot be used)."""
    pic, error = picture(data, size, colour)
    if pic is None:
        return None, error
    try:
        return OwnPhoto(name, pic, kept_copy(data), file_id), ""
    except ImageError as exc:
        return None, str(exc)


def uploader_key(c: int) -> str:
    return f"cnn_own_upload_{c}_{st.session_state.cnn_own_uploader_round[c]}"


def clear_class(c: int) -> None:
    """Forget class c's photos; a new uploader key empties its widget too."""
    ss = st.session_state
    ss.cnn_own_photos[c] = []
    ss.cnn_own_uploader_ids[c] = []
    ss.cnn_own_uploader_round[c] += 1


def class_photos(c: int, label: str, size: int, colour: str, disabled: bool) -> None:
    """Class c's uploader, kept in the session like chapter 5's photos: removing a file in the uploader
    removes its photo; each upload is its own photo."""
    ss = st.session_state
    key = uploader_key(c)
    mounted = key in ss
    files = st.file_uploader(f"Photos of {label}", type=UPLOAD_TYPES, accept_multiple_files=True, key=key,
                             disabled=disabled, label_visibility="collapsed")
    given = [(f.name, f.getvalue(), f.file_id) for f in files or []]
    removed = set(ss.cnn_own_uploader_ids[c]) - {fid for _, _, fid in given} if mounted else set()
    kept = [p for p in ss.cnn_own_photos[c] if p.file_id not in removed]
    known = {p.file_id for p in kept}
    for name, data, fid in given:
        if fid in known:
            continue
        if len(kept) >= MAX_PER_CLASS:
            st.warning(f"A class keeps at most {MAX_PER_CLASS} photos.", icon=":material/photo_library:")
            break
        photo, error = make_photo(name, data, fid, size, colour)
        if photo is None:
            st.error(f"**{plain_md(name)}**: {error}", icon=":material/broken_image:")
        else:
            kept.append(photo)
            known.add(fid)
    ss.cnn_own_photos[c] = kept
    ss.cnn_own_uploader_ids[c] = [fid for _, _, fid in given]


def camera(k: int, names: list[str], size: int, colour: str, disabled: bool) -> None:
    """One camera; each shot goes to the class chosen beside it."""
    ss = st.session_state
    if not st.toggle("Use the camera", key="w_cnn_own_camera", persist_state="session", disabled=disabled):
        return
    left, right = st.columns([2, 1])
    target = right.radio("Add each shot to", list(range(k)), format_func=lambda c: names[c], key="w_cnn_own_shot_to",
                         persist_state="session")
    shot = left.camera_input("Take a photo", key="cnn_own_camera", disabled=disabled)
    if shot is not None and shot.file_id not in ss.cnn_own_shots:
        ss.cnn_own_shots.append(shot.file_id)
        if len(ss.cnn_own_photos[target]) < MAX_PER_CLASS:
            photo, error = make_photo(f"camera {len(ss.cnn_own_shots)}", shot.getvalue(), shot.file_id, size, colour)
            if photo is None:
                st.error(error)
            else:
                ss.cnn_own_photos[target].append(photo)


def fill_with_samples(size: int, colour: str) -> None:
    """Three classes of generated pictures (stripes, discs, checks), SAMPLE_PER_CLASS each, for a demo."""
    ss = st.session_state
    ss.w_cnn_own_k = len(transfer.KINDS)
    for c, kind in enumerate(transfer.KINDS):
        clear_class(c)
        ss[f"w_cnn_own_name{c + 1}"] = kind
        for i, data in enumerate(transfer.sample_photos(kind, SAMPLE_PER_CLASS, seed=1)):
            photo, _ = make_photo(f"{kind} {i + 1}.jpg", data, f"sample-{kind}-{i}", size, colour)
            ss.cnn_own_photos[c].append(photo)


def thumbnails(photos: list[OwnPhoto], limit: int = 8, width: int = 56) -> None:
    """The first few photos, small."""
    if photos:
        st.image([p.jpeg for p in photos[:limit]], width=width)


def photos_zip(names: list[str], photos: list[list[OwnPhoto]]) -> bytes:
    """The labelled photos as a zip: one folder per class name, each photo as kept (at most 512 px a side)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        used = set()
        for name, group in zip(names, photos):
            folder = folder_name(name, used)
            for i, photo in enumerate(group, start=1):
                z.writestr(f"{folder}/{i:03d}.jpg", photo.jpeg)
    return buf.getvalue()


def folder_name(name: str, used: set[str]) -> str:
    """A class name as a safe folder name (letters, digits, - and _), unique among ``used``."""
    base = re.sub(r"[^\w\-]+", "_", name, flags=re.UNICODE).strip("._")[:40] or "class"
    folder, n = base, 2
    while folder.casefold() in used:
        folder, n = f"{base}_{n}", n + 1
    used.add(folder.casefold())
    return folder
