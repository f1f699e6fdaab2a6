"""The cost surface of one-feature logistic regression, and gradient descent's path across it.

With one feature the model ŷ = σ(w·x + b) has two parameters, so its cost

    J(w, b) = (1/m) Σ_i [log(1 + e^(z_i)) − y_i·z_i] + λ/(2m)·w²,   z_i = w·x_i + b

is a surface over the (w, b) plane. ``cost_grid`` evaluates it on a grid in one broadcast;
``descent_path`` replays, update by update, what ``engine.fit`` does to ``Network([1, 1])`` (same
gradients, same shuffles, the engine's own optimizer objects; the tests check they agree) and
records (w, b, J) after every update.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import optimizers
from engine.activations import sigmoid
from engine.training import minibatches

# Broadcasting a 120 × 120 grid over every example at once would allocate (120·120·m) floats;
# taking the examples in chunks keeps each temporary array near 2 MB (and the product below finite).
_CHUNK_ELEMENTS = 250_000
_MAX_CHUNK = 512


def _xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if X.ndim == 2 and X.shape[1] == 1:
        X = X[:, 0]
    if X.ndim != 1:
        raise ValueError(f"X must have one feature, shape (m, 1) or (m,); got shape {np.shape(X)}.")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X has {len(X)} examples but y has {len(y)}; they must match (and be > 0).")
    return X, y


def cost_at(X, y, w, b, l2: float = 0.0) -> np.ndarray:
    """J(w, b) = (1/m) Σ_i [log(1 + e^(w·x_i + b)) − y_i·(w·x_i + b)] + λ/(2m)·w² at many points at once.

    Parameters
    ----------
    X : array (m, 1) or (m,), the single feature;  y : array (m,) of 0/1
    w, b : arrays of any shapes that broadcast together, e.g. (1, k) and (k, 1) for a grid
    l2 : λ ≥ 0, the L2 penalty (on w only, as in ``Network``)

    Returns
    -------
    array of the broadcast shape of w and b. Points so far out that z overflows give inf or NaN,
    never a warning.
    """
    x, y = _xy(X, y)
    w, b = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
    m = len(x)
    # The stable logit form of ``losses.logistic_loss_from_logits``, summed over examples:
    #   Σ L = Σ max(z, 0) + Σ log(1 + e^(−|z|)) − Σ y·z.
    # Σ y·z and Σ z are linear in (w, b), so only |z| and e^(−|z|) are needed per example, and
    # Σ log(1 + u_i) = log Π (1 + u_i) takes one log per grid point instead of one per example
    # (each factor is in [1, 2], so a chunk of ≤ 512 cannot overflow). Same numbers, ~3× faster.
    sum_abs = np.zeros(w.shape)
    sum_log = np.zeros(w.shape)
    step = int(min(_MAX_CHUNK, max(1, _CHUNK_ELEMENTS // max(w.size, 1))))
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, m, step):
            A = w[..., None] * x[start:start + step]
            A += b[..., None]
            np.abs(A, out=A)
            sum_abs += A.sum(axis=-1)
            np.negative(A, out=A)
            np.exp(A, out=A)
            A += 1.0
            sum_log += np.log(A.prod(axis=-1))
        sum_z = w * x.sum() + b * m
        sum_yz = w * (y @ x) + b * y.sum()
        J = (0.5 * (sum_abs + sum_z) + sum_log - sum_yz) / m + (l2 / (2 * m)) * w * w
    return J


def cost_grid(X, y, w_values, b_values, l2: float = 0.0) -> np.ndarray:
    """J[i, j] = J(w_values[j], b_values[i]) on the whole grid in one broadcast (no loop over points).

    w_values (k_w,), b_values (k_b,) → J (k_b, k_w): rows follow b, columns follow w, as Plotly's
    ``z`` expects with x = w and y = b.
    """
    w_values = np.asarray(w_values, dtype=np.float64).ravel()
    b_values = np.asarray(b_values, dtype=np.float64).ravel()
    return cost_at(X, y, w_values[None, :], b_values[:, None], l2)


def is_separable(X, y) -> bool:
    """True when one threshold on x puts every cat on one side and every dog on the other.

    Then J(w, b) keeps falling as |w| grows (σ sharpens into a step), so without L2 the cost has no
    finite minimum: gradient descent runs off towards infinity, ever more slowly.
    """
    x, y = _xy(X, y)
    cats, dogs = x[y < 0.5], x[y >= 0.5]
    if len(cats) == 0 or len(dogs) == 0:
        return True
    return bool(cats.max() < dogs.min() or dogs.max() < cats.min())


@dataclass
class Minimum:
    """The bottom of the bowl: w*, b* and J(w*, b*)."""

    w: float
    b: float
    J: float


def minimum(X, y, l2: float = 0.0, iterations: int = 100) -> Minimum | None:
    """(w*, b*) = argmin J(w, b) by damped Newton steps θ := θ − t·H⁻¹∇J, or None when there is none.

    H = (1/m) Σ σ(z_i)(1 − σ(z_i))·[[x_i², x_i], [x_i, 1]] + [[λ/m, 0], [0, 0]]; t halves until J
    falls. This only marks the bottom of the plots; it is not one of the optimizers the page
    compares. None for separable data without L2 (no finite minimum) or data with a single class.
    """
    x, y = _xy(X, y)
    if y.min() == y.max() or (l2 == 0 and is_separable(x, y)):
        return None
    m = len(x)
    theta = np.zeros(2)
    J = float(cost_at(x, y, 0.0, 0.0, l2))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(iterations):
            p = sigmoid(theta[0] * x + theta[1])
            s = p * (1 - p)
            g = np.array([(p - y) @ x / m + l2 / m * theta[0], np.mean(p - y)])
            H = np.array([[s @ (x * x) / m + l2 / m, s @ x / m], [s @ x / m, np.mean(s)]])
            try:
                delta = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                return None
            t = 1.0
            while t > 1e-6:
                J_new = float(cost_at(x, y, theta[0] - t * delta[0], theta[1] - t * delta[1], l2))
                if J_new <= J:
                    break
                t /= 2
            theta -= t * delta
            J = J_new
            if not np.all(np.isfinite(theta)):
                return None
            if np.max(np.abs(t * delta)) < 1e-12:
                break
    return Minimum(float(theta[0]), float(theta[1]), J)


def view_window(path_w, path_b, anchor_w, anchor_b, reach: float = 3.0,
                min_half: float = 1.5) -> tuple[float, float, float, float]:
    """(w_lo, w_hi, b_lo, b_hi): a plotting window that always holds the anchors (start points, the
    minimum) and holds the path points too, unless they fly further than ``reach`` × the anchors'
    half-width from the anchors' centre (a diverging run), where it stops growing.

    path_w, path_b, anchor_w, anchor_b: 1-D arrays (any lengths; NaN and inf are ignored).
    Each half-width is at least ``min_half``; 10 % margin all round.
    """
    def axis(path, anchor):
        anchor = np.asarray(anchor, dtype=np.float64)
        anchor = anchor[np.isfinite(anchor)]
        centre = 0.5 * (anchor.min() + anchor.max()) if len(anchor) else 0.0
        half = max(0.5 * (anchor.max() - anchor.min()) if len(anchor) else 0.0, min_half)
        lo, hi = centre - half, centre + half
        path = np.asarray(path, dtype=np.float64)
        near = path[np.isfinite(path) & (np.abs(path - centre) <= reach * half)]
        if len(near):
            lo, hi = min(lo, near.min()), max(hi, near.max())
        pad = 0.1 * (hi - lo)
        return lo - pad, hi + pad

    w_lo, w_hi = axis(path_w, anchor_w)
    b_lo, b_hi = axis(path_b, anchor_b)
    return float(w_lo), float(w_hi), float(b_lo), float(b_hi)


@dataclass
class DescentPath:
    """Where an optimizer took (w, b), one entry per update.

    Shapes (k = number of updates kept): w, b, J (k + 1,) — the start and the point after each
    update, with J the full-data cost (L2 included) there; dw, db (k,) — the gradient each update
    used (of its mini-batch when batch_size < m). When the run diverged, the arrays stop at the
    last point with finite values and ``message`` says in plain words what happened.
    """

    w: np.ndarray
    b: np.ndarray
    J: np.ndarray
    dw: np.ndarray
    db: np.ndarray
    optimizer: str
    learning_rate: float
    batch_size: int
    diverged: bool = False
    message: str = ""

    @property
    def steps(self) -> int:
        """Number of updates kept, k."""
        return len(self.w) - 1


def descent_path(X, y, w0: float, b0: float, optimizer: str = "gd", learning_rate: float = 0.1,
                 steps: int = 100, batch_size: int | None = None, l2: float = 0.0, seed=0,
                 diverge_factor: float = 1e3) -> DescentPath:
    """(w, b) after each update θ := θ − α·(optimizer's direction), e.g. w := w − α·dw, from (w0, b0).

    Uses the engine's own optimizer object and mini-batching (``training.minibatches``, shuffled
    per epoch from ``seed``) with the gradient of ``Network([1, 1], l2=λ)``, so it is exactly what
    ``fit`` does, update by update, while recording every update rather than every epoch.
    None = full batch (one update per epoch), 1 = SGD.
    X (m, 1) or (m,), y (m,) → a ``DescentPath`` of at most ``steps`` updates.

    The run stops early ("diverged") when a value stops being finite or J exceeds
    ``diverge_factor`` × max(J at the start, log 2), the rule ``fit`` uses.
    """
    x, y = _xy(X, y)
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0; got {steps}.")
    if not (np.isfinite(w0) and np.isfinite(b0)):
        raise ValueError(f"The starting point must be finite numbers; got w0={w0}, b0={b0}.")
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"L2 λ must be a finite number ≥ 0; got {l2}.")
    m = len(x)
    batch = m if batch_size is None or batch_size >= m else int(batch_size)
    if batch < 1:
        raise ValueError(f"batch_size must be ≥ 1 (or None for full batch); got {batch_size}.")
    opt = optimizers.make(optimizer, learning_rate)
    # Rows [x_i, 1], so that z = X1 @ θ with θ = [w, b] and the gradient is one product:
    # dZ = σ(X1 θ) − y,  [dw, db] = X1ᵀ dZ / m + (λ/m)[w, 0]: Network([1, 1])'s backprop, written for
    # one neuron so that 500 updates cost milliseconds (tests hold it equal to fit, step for step).
    X1 = np.c_[x, np.ones(m)]
    penalty = np.array([l2, 0.0])
    theta = np.array([float(w0), float(b0)])
    grad = np.empty(2)
    params, grads = [theta], [grad]  # the optimizers are element-wise: one array for w and b
    rng = np.random.default_rng(seed)  # a Generator passes through unchanged
    points = np.empty((steps + 1, 2))
    points[0] = theta
    used = np.empty((steps, 2))
    done, finite = 0, True
    with np.errstate(over="ignore", invalid="ignore"):
        while done < steps and finite:
            for Xb, yb in minibatches(X1, y, batch, rng):
                dZ = sigmoid(Xb @ theta) - yb
                np.divide(dZ @ Xb + penalty * theta, len(yb), out=grad)
                used[done] = grad
                opt.step(params, grads)
                done += 1
                points[done] = theta
                finite = math.isfinite(theta[0]) and math.isfinite(theta[1])
                if done == steps or not finite:
                    break
    points, used = points[:done + 1], used[:done]
    w, b = points[:, 0].copy(), points[:, 1].copy()
    path = DescentPath(w, b, cost_at(x, y, w, b, l2), used[:, 0].copy(), used[:, 1].copy(),
                       optimizer, float(learning_rate), batch)
    return _stop_at_divergence(path, diverge_factor)


def _stop_at_divergence(path: DescentPath, factor: float) -> DescentPath:
    finite = np.isfinite(path.w) & np.isfinite(path.b) & np.isfinite(path.J)
    finite[1:] &= np.isfinite(path.dw) & np.isfinite(path.db)
    limit = factor * max(float(path.J[0]), np.log(2))
    bad = np.flatnonzero(~finite | (np.where(finite, path.J, 0.0) > limit))
    if len(bad) == 0:
        return path
    k = int(bad[0])
    if finite[k]:
        keep = k  # the first point past the limit is still finite: show it, it is the evidence
        path.message = (f"Gradient descent diverged: at step {k} the cost J reached {path.J[k]:.3g}, "
                        f"over {factor:g}× its starting value {path.J[0]:.3g}, so the run stopped "
                        "there. Each step overshot the bottom of the bowl by more than the one before.")
    else:
        keep = k - 1
        path.message = (f"Gradient descent diverged: at step {k} the numbers overflowed (w, b or J "
                        f"became infinite), so the run stopped at step {keep}, the last finite point.")
    path.message += (" The learning rate is too large for how steep this bowl is: try one 10× "
                     "smaller, or less L2 (a large λ makes the bowl steep along w).")
    path.w, path.b, path.J = path.w[:keep + 1], path.b[:keep + 1], path.J[:keep + 1]
    path.dw, path.db = path.dw[:keep], path.db[:keep]
    path.diverged = True
    return path
