"""Honest confidence: does P(dog) = 0.8 mean "right 8 times in 10"? Measure it, fix it, and say "unsure".

* **Reliability and ECE.** Split the photos into 10 bins of P(dog) (0–0.1, …, 0.9–1); in each, compare
  the mean P(dog) with the share of photos that really are dogs. The expected calibration error is the
  average gap, weighted by how many photos each bin holds: ECE = Σ_b (n_b / n) · |mean p_b − share of dogs_b|.
* **Temperature scaling.** One number T divides every logit: P(dog) = σ(z / T). T > 1 softens an
  over-confident network, and the ranking of photos (so the accuracy at 0.5) does not change. T is fitted on
  the validation split by minimising the cross-entropy, never on the test photos.
* **The unsure band.** The smallest band 0.5 ± h of calibrated P(dog) such that the validation photos
  outside it are right at least 90 % of the time (for this h and every wider one).
* **Far from anything seen.** A photo whose features lie far from the training photos' (Mahalanobis
  distances to the nearer class mean, with the classes' shared covariance, of the first block's channel
  statistics and of the last hidden layer's Z) is called unsure whatever its P(dog): the threshold calls
  5 % of the validation pets "unsure".
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
class Part:
    """One Mahalanobis test: feature rows f (d,) of one layer, μ_c per class (2, d), the inverse P (d, d) of
    the classes' shared covariance, and ``scale``: the distance at NOVELTY_QUANTILE of the validation pets."""

    layer: int              # index in the network's stack of the layer whose output is read
    stat: str               # "values": the output row itself; "moments": each channel's mean and std
    means: np.ndarray
    precision: np.ndarray
    scale: float = 1.0

    def distance(self, F: np.ndarray) -> np.ndarray:
        """(n, d) → (n,): min_c (f − μ_c)ᵀ P (f − μ_c)."""
        F = np.asarray(F, dtype=np.float64)
        return np.minimum(*[np.einsum("nd,de,ne->n", F - mu, self.precision, F - mu) for mu in self.means])


def features_of(A: np.ndarray, stat: str) -> np.ndarray:
    """A layer's output for ``stat``: rows (n, u) as they are for "values"; for pictures (n, H, W, C) and
    "moments", each channel's mean and standard deviation over the picture, (n, 2C)."""
    A = np.asarray(A, dtype=np.float64)
    if stat == "moments":
        return np.concatenate([A.mean(axis=(1, 2)), A.std(axis=(1, 2))], axis=1)
    return A.reshape(len(A), -1)


@dataclass
class Novelty:
    """"Far from anything seen": for each part k (a layer's features), the Mahalanobis distance d_k to the
    nearer class mean of the training photos; the photo is novel when max_k d_k / scale_k > threshold.

    Two parts for the conv net: the first block's per-channel mean and standard deviation (what the
    picture is made of: edges, colours, textures; noise, flat colour and drawings are far from photos
    there) and the last hidden layer's Z (what the network makes of it). The threshold lets
    NOVELTY_QUANTILE of the validation pets through.
    """

    parts: list[Part]
    threshold: float = float("inf")

    @classmethod
    def fit(cls, spec: list[tuple[int, str]], F_fit: list[np.ndarray], y_fit: np.ndarray,
            F_val: list[np.ndarray], quantile: float = NOVELTY_QUANTILE, ridge: float = 1e-3) -> "Novelty":
        """μ_c and Σ (pooled within-class covariance + ridge · mean variance · I) per part from the training
        photos' features F_fit; scales and threshold from the validation photos' F_val."""
        y = np.asarray(y_fit).reshape(-1)
        parts = []
        for (layer, stat), F, V in zip(spec, F_fit, F_val):
            F = np.asarray(F, dtype=np.float64)
            means = np.stack([F[y == c].mean(axis=0) for c in (0, 1)])
            centred = F - means[y]
            cov = centred.T @ centred / len(F)
            cov += ridge * max(float(np.trace(cov)) / len(cov), 1e-12) * np.eye(len(cov))
            part = Part(layer, stat, means, np.linalg.inv(cov))
            part.scale = float(np.quantile(part.distance(V), quantile))
            parts.append(part)
        novelty = cls(parts)
        novelty.threshold = float(np.quantile(novelty.score(F_val), quantile))
        return novelty

    @property
    def spec(self) -> list[tuple[int, str]]:
        return [(p.layer, p.stat) for p in self.parts]

    def score(self, F: list[np.ndarray]) -> np.ndarray:
        """max_k d_k / scale_k per photo, from one feature array per part; (n,)."""
        return np.max([p.distance(f) / p.scale for p, f in zip(self.parts, F)], axis=0)

    def is_novel(self, F: list[np.ndarray]) -> np.ndarray:
        return self.score(F) > self.threshold

    def to_dict(self) -> dict:
        """JSON for the model file; each P is symmetric, so only its upper triangle is kept (row by row)."""
        def number(v):
            return float(f"{v:.7g}")

        parts = []
        for p in self.parts:
            upper = p.precision[np.triu_indices(len(p.precision))]
            parts.append({"layer": p.layer, "stat": p.stat, "means": [[number(v) for v in row] for row in p.means],
                          "precision_upper": [number(v) for v in upper], "scale": number(p.scale)})
        return {"kind": "Mahalanobis distances to the nearer class mean of the training photos' features",
                "parts": parts, "threshold": number(self.threshold)}

    @classmethod
    def from_dict(cls, d: dict, spec: list[tuple[int, str]], widths: list[int]) -> "Novelty":
        """Checked against the network: the parts ``spec`` (layer, stat) with feature widths ``widths``;
        every number finite, the scales and threshold > 0. ValueError otherwise."""
        parts = d["parts"]
        if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
            raise ValueError("the novelty test needs a list of parts")
        found = [(p.get("layer"), p.get("stat")) for p in parts]
        if found != [tuple(s) for s in spec]:
            raise ValueError(f"the novelty test reads layers {found}; this network's are {spec}")
        out = []
        for p, (layer, stat), width in zip(parts, spec, widths):
            means = np.asarray(p["means"], dtype=np.float64)
            upper = np.asarray(p["precision_upper"], dtype=np.float64)
            if means.shape != (2, width) or upper.shape != (width * (width + 1) // 2,):
                raise ValueError(f"the novelty statistics have shapes {means.shape} and {upper.shape}; layer "
                                 f"{layer + 1}'s features have {width} numbers")
            precision = np.zeros((width, width))
            precision[np.triu_indices(width)] = upper
            precision = precision + np.triu(precision, 1).T
            scale = float(p["scale"])
            if not (np.all(np.isfinite(means)) and np.all(np.isfinite(precision)) and np.isfinite(scale)
                    and scale > 0):
                raise ValueError("the novelty statistics are not all finite numbers")
            out.append(Part(layer, stat, means, precision, scale))
        threshold = float(d["threshold"])
        if not (np.isfinite(threshold) and threshold > 0):
            raise ValueError(f"the novelty threshold must be a number > 0; got {threshold!r}")
        return cls(out, threshold)
