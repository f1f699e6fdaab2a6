"""Cats-vs-dogs page: "About this model", from the model file's metadata: how it was trained, how well it
did, and how honest its confidence is (temperature, ECE, the reliability diagram, the unsure band)."""

from __future__ import annotations

import streamlit as st

from engine.pets.calibration import Reliability
from engine.pets.models import PetModel

from ui import style
from ui.pets import figures as pets_figures

COLOUR_WORDS = {"rgb": "colour", "grey": "grey"}


def model_card(model: PetModel) -> None:
    """What the chosen model is, how it was trained and how well it did, from its metadata."""
    meta = model.metadata
    with st.expander("About this model"):
        lines = [f"**{model.describe()}**", "",
                 f"- Network **{model.architecture()}**, input {model.size}×{model.size} "
                 f"{COLOUR_WORDS[model.colour]}, standardised per colour channel "
                 f"(μ = {', '.join(f'{v:.3f}' for v in model.standardizer.mean)}; "
                 f"σ = {', '.join(f'{v:.3f}' for v in model.standardizer.std)})"]
        for key, label in (("train_accuracy", "training accuracy"), ("validation_accuracy", "validation accuracy"),
                           ("test_accuracy", "test accuracy")):
            if isinstance(meta.get(key), float):
                lines.append(f"- {label}: **{meta[key]:.1%}**")
        for key, label in (("n_train", "training photos"), ("n_validation", "validation photos"),
                           ("n_test", "test photos"), ("epochs", "epochs"), ("date", "trained on"),
                           ("procedure", "procedure")):
            if key in meta:
                lines.append(f"- {label}: {meta[key]}")
        if isinstance(meta.get("training_time"), dict):
            took = meta["training_time"]
            lines.append(f"- training time: {took.get('wall_seconds', 0) / 60:.0f} min wall-clock, "
                         f"{took.get('cpu_seconds', 0) / 60:.0f} min of CPU (2 cores, shared)")
        if isinstance(meta.get("data"), dict):
            data = meta["data"]
            lines.append(f"- data: {data.get('name')} ({data.get('photos')} photos; fingerprint of the photo "
                         f"list `{data.get('fingerprint')}`)")
        st.markdown("\n".join(lines))
        calibration_card(model)


def calibration_card(model: PetModel) -> None:
    """How honest the model's P(dog) is, in words: temperature, ECE before and after, the unsure band and
    the novelty test, all from its metadata (nothing is computed on the test photos here)."""
    meta = model.metadata
    if "test_reliability_after" not in meta:
        st.caption("This model was not calibrated: its P(dog) is the network's raw σ(z), and the unsure band "
                   f"is the default {model.unsure_band[0]:.2f}–{model.unsure_band[1]:.2f}.")
        return
    before = Reliability.from_dict(meta["test_reliability_before"])
    after = Reliability.from_dict(meta["test_reliability_after"])
    low, high = model.unsure_band
    val, test = meta.get("unsure_band_validation", {}), meta.get("unsure_band_test", {})
    lines = [f"**Honest confidence.** P(dog) = σ(z / T) with **T = {model.temperature:.2f}**, fitted on the "
             f"{meta['calibration'].get('fitted_on', 'validation split')}. On the {meta.get('n_test', '')} test "
             f"photos the expected calibration error (ECE, 10 bins) went from **{before.ece:.3f}** to "
             f"**{after.ece:.3f}** (the reliability diagram is under the photos)."]
    if val:
        lines.append(f"- Unsure band **{low:.2f}–{high:.2f}**, chosen on the validation photos: outside it they were "
                     f"right **{val['accuracy_outside']:.0%}** of the time (target ≥ {val.get('target', 0.9):.0%}), "
                     f"and {val['share_outside']:.0%} of them fell outside it.")
    if test:
        lines.append(f"- On the test photos: {test['share_outside']:.0%} fell outside the band, and those were right "
                     f"**{test['accuracy_outside']:.0%}** of the time.")
    if isinstance(meta.get("novelty"), dict):
        novelty = meta["novelty"]
        lines.append("- **Far from anything seen**: a picture whose first-layer colours and textures, or whose last "
                     "hidden layer, lie far from the training photos' (Mahalanobis distances) is called unsure "
                     f"whatever its P(dog); that catches {novelty.get('share_flagged_validation', 0.05):.0%} of the "
                     "validation pets"
                     + (f" and {meta['novelty_test_share_flagged']:.0%} of the test pets"
                        if "novelty_test_share_flagged" in meta else "")
                     + (f", and **{meta['novelty_nonpets_share_flagged']:.0%}** of {meta['novelty_nonpets_count']} "
                        "generated pictures with no animal" if "novelty_nonpets_share_flagged" in meta else "") + ".")
    st.markdown("\n".join(lines))


def confidence_card(model: PetModel) -> None:
    """The model's reliability diagram on the test photos, before and after calibration, with what it means:
    a full-width expander of the model's About (the chart needs the width on a projector)."""
    meta = model.metadata
    if "test_reliability_after" not in meta:
        return
    before = Reliability.from_dict(meta["test_reliability_before"])
    after = Reliability.from_dict(meta["test_reliability_after"])
    with st.expander(f"About this model's confidence: is P(dog) honest? (ECE {before.ece:.3f} → {after.ece:.3f})"):
        left, right = st.columns([1.3, 1], gap="large")
        left.plotly_chart(pets_figures.reliability([("raw network, T = 1", before),
                                                    (f"calibrated, T = {model.temperature:.2f}", after)],
                                                   height=540, title="Reliability on the test photos"),
                          config=style.CHART_CONFIG, key="pets_about_reliability_chart")
        right.markdown(
            f"The {int(after.count.sum())} test photos, in 10 bins of P(dog). Each point puts the share of a bin's "
            "photos that really are dogs against the bin's mean P(dog). On the dashed diagonal the model is "
            "honest: of the photos it gives P(dog) ≈ 0.8, 8 in 10 are dogs.\n\n"
            "The **expected calibration error** is the average distance from the diagonal, each bin weighted by "
            f"its photos: **{before.ece:.3f}** for the raw network, **{after.ece:.3f}** after dividing every "
            f"logit by **T = {model.temperature:.2f}** (fitted on the validation photos, never on these). "
            + ("T > 1 softens an over-confident network; " if model.temperature > 1 else
               "T < 1 sharpens an under-confident one; ")
            + "it never changes which side of 0.5 a photo falls, so the accuracy stays the same.")


def band_meaning(model: PetModel) -> str:
    """One sentence: what P(dog) is and what the unsure band means, from the model's own metadata."""
    low, high = model.unsure_band
    val = model.metadata.get("unsure_band_validation")
    calibrated = (f"P(dog) is calibrated (σ(z / T), T = {model.temperature:.2f}). "
                  if "calibration" in model.metadata else "")
    if val:
        return (f"{calibrated}Between {low:.2f} and {high:.2f} the model is unsure; outside that band it was right "
                f"{val['accuracy_outside']:.0%} of the time on its validation photos.")
    return f"{calibrated}Between {low:.2f} and {high:.2f} the model is unsure."
