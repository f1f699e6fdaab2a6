"""Honest confidence: does P(dog) = 0.8 mean "right 8 times in 10"? Measure it, fix it, and say "unsure".

* **Reliability and ECE.** Split the photos into 10 bins of P(dog) (0–0.1, …, 0.9–1); in each, compare
  the mean P(dog) with the share of photos that really are dogs. The expected calibration error is the
  average gap, weighted by how many photos each bin holds: ECE = Σ_b (n_b / n) · |mean p_b − share of dogs_b|.
* **Temperature scaling.** One number T divides every logit: P(dog) = σ(z / T). T > 1 softens an
  over-confident network, and the ranking of photos (so the accuracy at 0.5) does not change. T is fitted on
  the validation split by minimising the cross-entropy, never on the test photos.
* **The unsure band.** The smallest band 0.5 ± h of calibrated P(dog) such that the validation photos
  outside it are right at least 90 % of the time (for this h and every wider one).
* **Far from anything seen.** A photo whose features lie far from the training photos' (the Mahalanobis
  distance of the last hidden layer's Z to the nearer class mean, with the classes' shared covariance) is
  called unsure whatever its P(dog): the threshold lets 5 % of the validation pets through as "unsure".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import activations

BINS = 10
BAND_TARGET = 0.90
NOVELTY_QUANTILE = 0.95   # of the validation pets' distances: 5 % of real pets are called "unsure"


def probability(z: np.ndarray, temperature: float = 1.0, z_mirror: np.ndarray | None = None) -> np.ndarray:
    """P(dog) = σ(z / T), or the mean of σ(z / T) and σ(z_mirror / T) with a mirror image; (n,) → (n,)."""
    z = np.asarray(z, dtype=np.float64) / temperature
    p = activations.sigmoid(z)
    if z_mirror is not None:
        p = (p + activations.sigmoid(np.asarray(z_mirror, dtype=np.float64) / temperature)) / 2
    return p


def nll(y, p) -> float:
    """Cross-entropy −(1/n) Σ [y log p + (1 − y) log(1 − p)], p clipped to [1e-12, 1 − 1e-12]."""
    y, p = np.asarray(y, dtype=np.float64), np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def fit_temperature(y, z, z_mirror=None) -> float:
    """The T in [0.05, 20] that minimises the cross-entropy of σ(z / T) (mirror-averaged if given) on (y, z):
    a grid over log T, then golden-section search in the best cell. One number, so nothing to overfit."""
    y = np.asarray(y, dtype=np.float64)

    def loss(log_t: float) -> float:
        return nll(y, probability(z, float(np.exp(log_t)), z_mirror))

    grid = np.linspace(np.log(0.05), np.log(20.0), 121)
    i = int(np.argmin([loss(g) for g in grid]))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(40):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if loss(a) < loss(b):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


@dataclass
class Reliability:
    """Per bin b of P(dog) (edges (BINS + 1,)): photos n_b, mean P(dog), share that are dogs (NaN if empty)."""

    edges: np.ndarray
    count: np.ndarray
    mean_p: np.ndarray
    share_dogs: np.ndarray

    @property
    def ece(self) -> float:
        """Σ_b (n_b / n) · |mean p_b − share of dogs_b| over the bins that hold photos."""
        held = self.count > 0
        n = self.count.sum()
        return float(np.sum(self.count[held] / n * np.abs(self.mean_p[held] - self.share_dogs[held])))

    def to_dict(self) -> dict:
        def clean(a):
            return [None if not np.isfinite(v) else round(float(v), 6) for v in a]

        return {"edges": clean(self.edges), "count": [int(c) for c in self.count], "mean_p": clean(self.mean_p),
                "share_dogs": clean(self.share_dogs), "ece": round(self.ece, 6)}

    @classmethod
    def from_dict(cls, d: dict) -> "Reliability":
        def arr(key):
            return np.array([np.nan if v is None else float(v) for v in d[key]], dtype=np.float64)

        return cls(arr("edges"), np.array(d["count"], dtype=int), arr("mean_p"), arr("share_dogs"))


def reliability(y, p, bins: int = BINS) -> Reliability:
    """The reliability table of P(dog) = p for labels y (1 = dog): ``bins`` equal bins over [0, 1], the
    last one closed (p = 1 falls in it)."""
    y, p = np.asarray(y, dtype=np.float64).reshape(-1), np.asarray(p, dtype=np.float64).reshape(-1)
    if y.shape != p.shape or len(y) == 0:
        raise ValueError(f"y and p must be two non-empty arrays of one length; got {y.shape} and {p.shape}.")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(which, weights=p, minlength=bins) / count
        share = np.bincount(which, weights=y, minlength=bins) / count
    return Reliability(edges, count, mean_p, share)


def ece(y, p, bins: int = BINS) -> float:
    """Expected calibration error of P(dog) over ``bins`` equal bins (see ``Reliability.ece``)."""
    return reliability(y, p, bins).ece


def band_accuracy(y, p, half_width: float) -> tuple[float, float]:
    """(accuracy of the photos outside 0.5 ± h, share of photos outside it); accuracy NaN if none is."""
    y, p = np.asarray(y).reshape(-1), np.asarray(p, dtype=np.float64).reshape(-1)
    outside = np.abs(p - 0.5) >= half_width
    if not outside.any():
        return float("nan"), 0.0
    right = (p[outside] >= 0.5).astype(int) == y[outside]
    return float(right.mean()), float(outside.mean())


def choose_band(y, p, target: float = BAND_TARGET, step: float = 0.01) -> float:
    """The smallest half-width h (a multiple of ``step``, at most 0.49) such that the photos outside
    0.5 ± h are right at least ``target`` of the time, for h and every wider band that keeps a photo."""
    widths = np.round(np.arange(0.0, 0.5, step), 10)
    ok = [band_accuracy(y, p, h)[0] for h in widths]
    good = [not (acc < target) for acc in ok]  # NaN (no photo left outside) counts as fine
    for i in range(len(widths)):
        if all(good[i:]):
            return float(widths[i])
    return float(widths[-1])


@dataclass
class Novelty:
    """Mahalanobis distance of a feature row f (d,) to the nearer class: min_c (f − μ_c)ᵀ P (f − μ_c), with
    P the inverse of the classes' shared covariance (plus a small ridge); ``threshold`` on that distance."""

    means: np.ndarray       # (2, d): μ_cat, μ_dog
    precision: np.ndarray   # (d, d)
    threshold: float = float("inf")

    @classmethod
    def fit(cls, F: np.ndarray, y: np.ndarray, ridge: float = 1e-3) -> "Novelty":
        """μ_c = mean of the rows of class c; Σ = pooled within-class covariance + ridge · mean variance · I."""
        F, y = np.asarray(F, dtype=np.float64), np.asarray(y).reshape(-1)
        means = np.stack([F[y == c].mean(axis=0) for c in (0, 1)])
        centred = F - means[y]
        cov = centred.T @ centred / len(F)
        cov += ridge * max(float(np.trace(cov)) / len(cov), 1e-12) * np.eye(len(cov))
        return cls(means, np.linalg.inv(cov))

    def distance(self, F: np.ndarray) -> np.ndarray:
        """(n, d) → (n,): the squared Mahalanobis distance to the nearer class mean."""
        F = np.asarray(F, dtype=np.float64)
        d = [np.einsum("nd,de,ne->n", F - mu, self.precision, F - mu) for mu in self.means]
        return np.minimum(*d)

    def set_threshold(self, F_validation: np.ndarray, quantile: float = NOVELTY_QUANTILE) -> float:
        """The threshold at ``quantile`` of the validation pets' distances; returns it."""
        self.threshold = float(np.quantile(self.distance(F_validation), quantile))
        return self.threshold

    def is_novel(self, F: np.ndarray) -> np.ndarray:
        return self.distance(F) > self.threshold

    def to_dict(self) -> dict:
        return {"kind": "Mahalanobis distance of the last hidden layer's Z to the nearer class mean",
                "means": np.round(self.means, 6).tolist(),
                "precision": [[float(f"{v:.6g}") for v in row] for row in self.precision],
                "threshold": float(f"{self.threshold:.6g}")}

    @classmethod
    def from_dict(cls, d: dict, width: int) -> "Novelty":
        """Checked: means (2, width), precision (width, width), finite; ValueError otherwise."""
        means = np.asarray(d["means"], dtype=np.float64)
        precision = np.asarray(d["precision"], dtype=np.float64)
        threshold = float(d["threshold"])
        if means.shape != (2, width) or precision.shape != (width, width):
            raise ValueError(f"the novelty statistics have shapes {means.shape} and {precision.shape}; "
                             f"the network's last hidden layer has {width} units")
        if not (np.all(np.isfinite(means)) and np.all(np.isfinite(precision)) and np.isfinite(threshold)):
            raise ValueError("the novelty statistics are not all finite numbers")
        return cls(means, precision, threshold)
