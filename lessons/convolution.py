"""Chapter 6 · Convolutional networks: one filter by hand, why convolution, and inside a trained conv net.

Pictures are channels last, A (m, H, W, C), as in ``engine.conv``. A 3×3 filter W with bias b gives
the map Z[i, j] = Σ_a Σ_b W[a, b] · A[i+a−1, j+b−1] + b (a, b = 0, 1, 2; rows and columns i, j = 1 … H
as a person counts them; A is 0 outside the picture: 'same' zero padding). Every map the page
shows comes from the engine's ``Conv2D``; ``pixel_sum`` writes out the nine products of one pixel.

Looking inside uses our own backward pass: the stack walked in reverse from dz[L] = 1 gives ∂z[L]/∂A
for every layer's output A, from which Grad-CAM and gradient × input are read off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import activations, images
from engine.conv import Conv2D, Dropout, Flatten, MaxPool2D
from engine.layers import Activation, Dense, Layer
from engine.network import Network
from engine.norm import BatchNorm, BatchNorm2D
from engine.pets.models import PetModel

# -- one convolution by hand ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    label: str
    W: np.ndarray          # (3, 3)
    what: str              # one sentence: what the output map shows


def _filter(label: str, rows, what: str) -> Filter:
    W = np.array(rows, dtype=np.float64)
    W.setflags(write=False)
    return Filter(label, W, what)


FILTERS = {
    "vertical": _filter("Vertical edges", [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
                        "Left column minus right column: large where the picture is brighter on the left "
                        "than on the right (blue), negative where it is darker (orange), 0 on flat areas."),
    "horizontal": _filter("Horizontal edges", [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
                          "Top row minus bottom row: it finds horizontal edges, brighter above (blue) or "
                          "below (orange)."),
    "blur": _filter("Blur (box)", np.full((3, 3), 1 / 9),
                    "The average of the 3×3 window: a softer copy of the picture."),
    "sharpen": _filter("Sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
                       "The pixel, plus how much it differs from its four neighbours: edges get crisper."),
    "identity": _filter("Identity", [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
                        "Only the centre weight is 1: the output is the picture itself."),
}

SAMPLES = {"cat": "a drawn cat face", "square": "a white square", "stripes": "vertical stripes"}


def sample_picture(name: str, size: int = 32) -> np.ndarray:
    """A grey picture drawn from simple shapes, (size, size) with values in [0, 1]; no image file needed."""
    if name not in SAMPLES:
        raise ValueError(f"Unknown sample picture {name!r}; choose one of {', '.join(SAMPLES)}.")
    y, x = (np.mgrid[0:size, 0:size] + 0.5) / size  # pixel centres in [0, 1]
    if name == "square":
        pic = np.zeros((size, size))
        pic[(abs(x - 0.5) < 0.25) & (abs(y - 0.5) < 0.25)] = 0.9
        return pic
    if name == "stripes":
        return np.where((x * 4) % 1 < 0.5, 0.85, 0.0)
    pic = np.zeros((size, size))
    head = (x - 0.5) ** 2 + (y - 0.58) ** 2 < 0.3 ** 2
    ears = [(y < 0.42) & (y > 0.12) & (abs(x - cx) < (y - 0.12) * 0.6) for cx in (0.3, 0.7)]
    pic[head | ears[0] | ears[1]] = 0.85
    for cx in (0.39, 0.61):  # eyes
        pic[(x - cx) ** 2 + (y - 0.52) ** 2 < 0.055 ** 2] = 0.15
    pic[(abs(x - 0.5) < 0.045) & (abs(y - 0.66) < 0.03)] = 0.35  # nose
    return pic


def sample_colour_picture(name: str, size: int = 64) -> np.ndarray:
    """The drawing in colour for the conv net, (size, size, 3) float32: dark green where the drawing is
    black, ginger where it is white."""
    g = sample_picture(name, size)[:, :, None]
    dark, light = np.array([0.18, 0.30, 0.16]), np.array([0.95, 0.62, 0.28])
    return (dark + g * (light - dark)).astype(np.float32)


def grey_picture(data: bytes, size: int = 32) -> np.ndarray:
    """Bytes of a photo → its centre-cropped grey picture (size, size) in [0, 1] (raises ImageError)."""
    return images.decode(data, size, "grey")[:, :, 0].astype(np.float64)


def convolve(picture: np.ndarray, W: np.ndarray, b: float = 0.0) -> np.ndarray:
    """The engine's Conv2D with one 3×3 filter: Z[i, j] = Σ_a Σ_b W[a, b] · A[i+a−1, j+b−1] + b.

    picture A (H, W) and W (3, 3) → Z (H, W), zero padding, stride 1.
    """
    A = np.asarray(picture, dtype=np.float64)
    layer = Conv2D(np.asarray(W, dtype=np.float64).reshape(3, 3, 1, 1), np.full((1, 1), float(b)))
    return layer.forward(A[None, :, :, None])[0, :, :, 0]


@dataclass(frozen=True)
class PixelSum:
    """The nine products of one output pixel Z[i, j] (i, j counted from 1)."""

    i: int
    j: int
    window: np.ndarray     # (3, 3): A[i+a−1, j+b−1], 0 outside the picture
    W: np.ndarray          # (3, 3)
    b: float

    @property
    def products(self) -> np.ndarray:
        """W[a, b] · A[i+a−1, j+b−1], (3, 3)."""
        return self.W * self.window

    @property
    def value(self) -> float:
        """Z[i, j] = Σ products + b."""
        return float(self.products.sum() + self.b)


def pixel_sum(picture: np.ndarray, W: np.ndarray, i: int, j: int, b: float = 0.0) -> PixelSum:
    """The terms of Z[i, j] for a picture A (H, W), with 1 ≤ i ≤ H and 1 ≤ j ≤ W."""
    A = np.asarray(picture, dtype=np.float64)
    H, Wd = A.shape
    if not (1 <= i <= H and 1 <= j <= Wd):
        raise ValueError(f"The pixel (i, j) must lie in 1 … {H} × 1 … {Wd}; got ({i}, {j}).")
    padded = np.pad(A, 1)  # padded[r, c] = A[r, c] counted from 1; row and column 0 are the padding
    window = padded[i - 1:i + 2, j - 1:j + 2].copy()
    return PixelSum(i, j, window, np.asarray(W, dtype=np.float64), float(b))


# -- why convolution: parameters and shapes -------------------------------------------------------


def dense_parameters(n: int, units: int) -> int:
    """A dense layer of u units on n inputs: n·u weights + u biases."""
    return n * units + units


def conv_parameters(k: int, C_prev: int, C: int) -> int:
    """A bank of C filters k×k×C_prev: k·k·C_prev·C weights + C biases, whatever the picture size."""
    return k * k * C_prev * C + C


def layer_parameters(layer: Layer) -> int:
    """How many numbers a layer learns (the sizes of its W and b; 0 for ReLU, pooling, …)."""
    return int(sum(p.size for p in layer.parameters()))


@dataclass(frozen=True)
class ShapeRow:
    l: int                    # the block the array belongs to: 0 is the input, 1 … L the weighted layers
    layer: str                # what the layer does
    array: str                # its output, in the course's notation
    shape: tuple[int, ...]    # per example, without m
    parameters: int
    count: str                # how the parameters add up, "" when there are none


def _describe(layer: Layer, l: int, L: int, shape_in: tuple[int, ...]) -> tuple[str, str, str]:
    """(what it does, its output array, how its parameters add up) for one layer of the stack."""
    if isinstance(layer, Conv2D):
        k, _, C_prev, C = layer.W.shape
        return (f"convolution {k}×{k}, {C} filters", f"Z[{l}]", f"{k}·{k}·{C_prev}·{C} + {C}")
    if isinstance(layer, Dense):
        u, n = layer.W.shape
        array = f"Z[{l}] = Z[L]" if l == L else f"Z[{l}]"
        return (f"dense, {u} unit{'s' if u > 1 else ''}", array, f"{n:,}·{u} + {u}")
    if isinstance(layer, Activation):
        name = activations.spec(layer.name).label
        return (name, f"A[{l}] = {name}(Z[{l}])", "")
    if isinstance(layer, MaxPool2D):
        return ("max-pool 2×2, stride 2", f"A[{l}] pooled", "")
    if isinstance(layer, Flatten):
        return ("flatten", f"A[{l}] as one row of {' · '.join(map(str, shape_in))}", "")
    if isinstance(layer, Dropout):
        return (f"dropout {layer.rate:g} (only while training)", f"A[{l}]", "")
    if isinstance(layer, (BatchNorm, BatchNorm2D)):
        C = layer.channels
        return ("batch norm: each channel to mean 0, variance 1, then γ·x̂ + β", f"A[{l}] normalised",
                f"{C} + {C} (γ, β)")
    return (type(layer).__name__, f"A[{l}]", "")


def shape_table(net: Network) -> list[ShapeRow]:
    """One row per layer of the stack, with its output shape from the layer's own ``output_shape``.

    A[0] = X (m, H, W, C) → … → Z[L] (m, 1) → ŷ = σ(Z[L]); shapes are per example (m left out).
    """
    L = len(net.weighted)
    shape = tuple(net.input_shape)
    rows = [ShapeRow(0, "the standardised picture", "A[0] = X", shape, 0, "")]
    l = 0
    for layer in net.layers:
        l += bool(layer.penalised)  # a new l at each W (BatchNorm's γ and β belong to the layer before)
        what, array, count = _describe(layer, l, L, shape)
        shape = tuple(layer.output_shape(shape))
        rows.append(ShapeRow(l, what, array, shape, layer_parameters(layer), count))
    rows.append(ShapeRow(L, "sigmoid", "ŷ = σ(Z[L]) = P(dog)", shape, 0, ""))
    return rows


# -- inside a trained conv net --------------------------------------------------------------------


def logit_gradients(net: Network, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Forward once (inference), then ``Network.backward`` from dz[L] = 1: the walk ``backprop`` makes,
    started from the logit instead of the cost.

    Returns (outputs, grads), each with one entry per layer plus the input: outputs[0] = X,
    outputs[k] = the output of layer k (1-based in the stack), grads[k] = ∂z[L]/∂outputs[k],
    per example (each photo's z[L] depends only on that photo). X (m, H, W, C); grads shaped as outputs.
    Layers keep this batch in their buffers: hold the model's lock around a shared network.
    """
    X = net.check_inputs(X)
    outputs = [X] + [A for _, A in net.trace(X)]
    return outputs, net.backward(np.ones((len(X), 1), dtype=net.dtype), to_input=True)


def block_outputs(net: Network) -> list[int]:
    """For each Conv2D, the index k (into ``logit_gradients``' lists) of its block's feature maps: the
    output of the activation right after it (the convolution's own Z if none follows)."""
    ks = []
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Conv2D):
            followed = i + 1 < len(net.layers) and isinstance(net.layers[i + 1], Activation)
            ks.append(i + 1 + followed)
    return ks


def last_conv_output(net: Network) -> int:
    """Index k of the last convolution block's feature maps (see ``block_outputs``): Grad-CAM's A."""
    ks = block_outputs(net)
    if not ks:
        raise ValueError("This network has no convolution layer to look inside.")
    return ks[-1]


def grad_cam(A: np.ndarray, dA: np.ndarray) -> np.ndarray:
    """Grad-CAM: α_c = mean over (y, x) of dA[:, y, x, c]; map = ReLU(Σ_c α_c · A[:, :, :, c]).

    A, dA (m, h, w, C): feature maps and ∂z[L]/∂A → (m, h, w).
    """
    alpha = dA.mean(axis=(1, 2), keepdims=True)
    return np.maximum((alpha * A).sum(axis=-1), 0.0)


def _interpolation(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix of linear interpolation between pixel centres (edges held)."""
    t = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    lo = np.floor(t).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    R = np.zeros((n_out, n_in))
    np.add.at(R, (np.arange(n_out), lo), 1 - (t - lo))
    np.add.at(R, (np.arange(n_out), hi), t - lo)
    return R


def upsample(maps: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of (m, h, w) maps to (m, size, size): R_y · map · R_xᵀ."""
    m, h, w = maps.shape
    return _interpolation(h, size) @ maps @ _interpolation(w, size).T


def first_layer_filters(net: Network) -> np.ndarray:
    """W[1] (k, k, C_prev, C) as C small pictures (C, k, k, C_prev), each stretched to [0, 1] on its own:
    (W − min) / (max − min) over that filter (0.5 everywhere for a constant filter)."""
    conv = next((layer for layer in net.layers if isinstance(layer, Conv2D)), None)
    if conv is None:
        raise ValueError("This network has no convolution layer.")
    F = np.moveaxis(np.asarray(conv.W, dtype=np.float64), 3, 0)
    lo = F.min(axis=(1, 2, 3), keepdims=True)
    span = F.max(axis=(1, 2, 3), keepdims=True) - lo
    return np.where(span > 0, (F - lo) / np.where(span > 0, span, 1), 0.5)


def strongest_channels(A: np.ndarray, n: int) -> list[int]:
    """The n channels c of feature maps A (H, W, C) with the largest mean activation, strongest first."""
    return [int(c) for c in np.argsort(-A.mean(axis=(0, 1)), kind="stable")[:n]]


@dataclass
class Inside:
    """What the page shows for one picture (S, S, C) run through a trained conv net."""

    p_dog: float                                  # the model's P(dog) (with its mirror averaging, if any)
    z: float                                      # z[L] of the picture itself
    maps: list[tuple[int, np.ndarray]]            # (l, A[l] (H, W, C)) after each convolution block's ReLU
    cam_dog: np.ndarray                           # (S, S) Grad-CAM of z[L] in [0, 1]: evidence for dog
    cam_cat: np.ndarray                           # (S, S) Grad-CAM of −z[L] in [0, 1]: evidence for cat
    saliency: np.ndarray                          # (S, S) x̃ ⊙ ∂z[L]/∂x̃ summed over colours


def _unit_peak(cam: np.ndarray, size: int) -> np.ndarray:
    """(h, w) → (size, size), bilinear, divided by its maximum (all 0 if there is no evidence)."""
    big = upsample(cam[None], size)[0]
    top = float(big.max())
    return big / top if top > 0 else np.zeros_like(big)


def look_inside(model: PetModel, picture: np.ndarray) -> Inside:
    """P(dog), every convolution block's feature maps, Grad-CAM and gradient × input for one picture.

    One backward pass from dz[L] = 1 gives both: Grad-CAM for cat uses −∂z[L]/∂A (evidence for cat is
    evidence against dog). gradient × input is x̃ ⊙ ∂z[L]/∂x̃ summed over colours, (S, S); for logistic
    regression it is exactly w ⊙ x̃ of chapter 5.
    """
    net = model.net
    picture = np.asarray(picture)
    with model.lock:  # the layers keep this photo's batch between forward and backward
        outputs, grads = logit_gradients(net, model.features(picture[None]))
        p_dog = float(model.predict_proba(picture[None])[0])
    maps = [(l, outputs[k][0].astype(np.float64)) for l, k in enumerate(block_outputs(net), start=1)]
    k = last_conv_output(net)
    A, dA = outputs[k].astype(np.float64), grads[k].astype(np.float64)
    return Inside(p_dog=p_dog, z=float(outputs[-1][0, 0]), maps=maps,
                  cam_dog=_unit_peak(grad_cam(A, dA)[0], model.size),
                  cam_cat=_unit_peak(grad_cam(A, -dA)[0], model.size),
                  saliency=(outputs[0] * grads[0]).astype(np.float64)[0].sum(axis=-1))
