"""Cats-vs-dogs page, "Predict" tab: uploads and camera in, P(dog) per photo out."""

from __future__ import annotations

import streamlit as st

from engine.pets.models import PetModel, available_bundled

from ui import style
from ui.pets import figures as pets_figures
# model_card is drawn by the page (chapters/pets.py) beside the model picker.
from ui.pets.about import COLOUR_WORDS, band_meaning, confidence_card, model_card  # noqa: F401
from ui.pets.common import MODEL_LABELS, Photo, accuracy_note, bundled_model, enlarge, picture

MAX_PHOTOS = 24   # per session: uploads are kept in memory (at most 10 MB each, see .streamlit/config.toml)
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"]


def photo_inputs() -> list[Photo]:
    """The file uploader (many files) and, when switched on, the camera, then "Clear all uploads".

    Every photo given is kept in the session (``pets_photos``), so it is still here after a visit to
    another page, when Streamlit has emptied the uploader; removing a file from the uploader (its ×)
    removes it here too. Each upload is its own photo, even when two share a name or their bytes."""
    ss = st.session_state
    key = uploader_key()
    mounted = key in ss    # the uploader was on screen last run (else the page was just entered)
    files = st.file_uploader("Upload photos of cats or dogs (up to 10 MB each)",
                             type=UPLOAD_TYPES, accept_multiple_files=True, key=key)
    given = [Photo(f.name, f.getvalue(), f.file_id) for f in files or []]
    camera, clear = st.columns(2, vertical_alignment="center")
    if camera.toggle("Use the camera", key="w_pets_camera_on", persist_state="session"):
        shot = st.camera_input("Point the camera at a cat or a dog", key="pets_camera")
        if shot is not None:
            given.append(Photo("camera photo", shot.getvalue(), shot.file_id))
    removed = set(ss.pets_uploader_ids) - {p.file_id for p in given} if mounted else set()
    kept = [p for p in ss.pets_photos if p.file_id not in removed]
    known = {p.file_id for p in kept}
    new = [p for p in given if p.file_id not in known]
    room = MAX_PHOTOS - len(kept)
    if len(new) > room:
        st.warning(f"A session keeps at most {MAX_PHOTOS} photos: {len(new) - max(room, 0)} new ones were not "
                   "added. Clear some to add more.", icon=":material/photo_library:")
    ss.pets_photos = kept + new[:max(room, 0)]
    ss.pets_uploader_ids = [p.file_id for p in given]
    if ss.pets_photos:
        clear.button(f"Clear all uploads ({len(ss.pets_photos)})", key="pets_clear", on_click=clear_photos,
                     icon=":material/delete_sweep:", help="The photos are kept for this session, also after a "
                     "visit to another page, until you clear them.")
    return list(ss.pets_photos)


def uploader_key() -> str:
    """The uploader's widget key: a new one after each "Clear all uploads"."""
    round_ = st.session_state.pets_uploader_round
    return "pets_uploads" if round_ == 0 else f"pets_uploads_{round_}"


def clear_photos() -> None:
    """Forget every photo; a new uploader key empties the widget too (Streamlit cannot set it)."""
    ss = st.session_state
    ss.pets_photos, ss.pets_uploader_ids = [], []
    ss.pets_uploader_round += 1


def predict_tab(model: PetModel, photos: list[Photo]) -> None:
    """P(dog) bars for every readable photo, a card per photo, a clear error for each bad one; then the
    model's reliability diagram."""
    if not photos:
        st.info("Upload one or more photos above (or switch on the camera) to see what the model says.")
    else:
        _predictions(model, photos)
    confidence_card(model)


def _predictions(model: PetModel, photos: list[Photo]) -> None:
    good, readable = [], []
    for photo in photos:
        pic, error = picture(photo.data, model.size, model.colour)
        if pic is None:
            st.error(f"**{photo.name}**: {error}", icon=":material/broken_image:")
        else:
            good.append((photo.name, pic))
            readable.append(photo)
    if not good:
        return
    said = model.assess([pic for _, pic in good])
    band = model.unsure_band
    p = [a.p_dog for a in said]
    st.plotly_chart(pets_figures.p_dog_bars([name for name, _ in good], p, band=band,
                                            unsure=[a.verdict.startswith("unsure") for a in said]),
                    config=style.CHART_CONFIG, key="pets_p_dog_chart")
    st.caption(f"What the model sees: each photo centre-cropped and shrunk to {model.size}×{model.size} "
               f"{COLOUR_WORDS[model.colour]} pixels, "
               f"{model.size * model.size * len(model.standardizer.mean):,} numbers in all. {band_meaning(model)}")
    cols = st.columns(4)
    note = accuracy_note(model)
    for i, ((name, pic), a) in enumerate(zip(good, said)):
        with cols[i % 4], st.container(border=True):
            st.image(enlarge(pic, 192), width=192)
            st.markdown(f"**{a.verdict.capitalize()}** · P(dog) = **{a.p_dog:.2f}**")
            st.caption(f"{name}{note}")
    if any(a.novel for a in said):
        st.info("**Unsure: unlike the photos it learned from.** What the network sees in this picture (the colours "
                "and textures its first layer finds, or what its last hidden layer makes of them) is far from "
                "every cat and dog photo it trained on, so its P(dog) is a guess about something it has never "
                "seen, whichever side of 0.5 it falls.", icon=":material/help:")
    compare_table(readable)


def compare_table(photos: list[Photo]) -> None:
    """The same photos under every bundled model, one row per readable photo."""
    names = available_bundled()
    if len(names) < 2 or not photos:
        return
    st.markdown("**The same photos under every bundled model**")
    rows = [{"photo": photo.name} for photo in photos]
    for model_name in names:
        bundled = bundled_model(model_name)
        said = bundled.assess([picture(photo.data, bundled.size, bundled.colour)[0] for photo in photos])
        label = MODEL_LABELS[model_name].replace(" (bundled)", "") + accuracy_note(bundled)
        for row, a in zip(rows, said):
            row[label] = f"{a.p_dog:.2f} · {a.verdict}"
    st.dataframe(rows, hide_index=True, width="stretch", key="pets_compare_table")
