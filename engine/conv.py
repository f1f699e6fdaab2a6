"""Layers for pictures: convolution, max pooling, flattening and dropout.

Pictures are channels last, A (m, H, W, C): m examples, H rows, W columns, C channels. Every layer
follows the protocol of ``engine.layers``; a small picture network is one list such as

    [Conv2D, Activation("relu"), MaxPool2D, Flatten, Dense, Activation("relu"), Dense]

Speed comes from turning each convolution into matrix products (im2col): the k×k×C_prev patch
under every output pixel becomes one row of a matrix, so BLAS does the arithmetic. That matrix is
k·k times the size of the pictures, so it is built a few examples at a time, small enough to stay
in the CPU's cache until the product reads it, and copied in the longest runs the layout allows
(channels first for pictures with few channels, such as RGB); the work arrays are kept between
batches, because allocating (and first touching) tens of megabytes per batch costs as much as the
arithmetic. A large batch is split over threads (``engine.parallel``). A training pass runs each Conv2D → ReLU →
MaxPool2D as one step (``ConvReluPool``, made by ``fuse``). docs/cnn_notes.md has the measurements.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .layers import Activation, Layer, register
from .parallel import in_parts

#: Largest kernel side and channel count a model file may ask for (beyond these, a typo).
MAX_KERNEL = 15
MAX_FILTERS = 4096
MAX_SIDE = 4096
#: Size of the patch matrix built at a time: a few examples' worth, small enough to stay in the
#: CPU's cache between the copy that builds it and the product that reads it.
BLOCK_BYTES = 1 << 20


@register
class Conv2D(Layer):
    """A k×k convolution with stride 1 and 'same' zero padding p = (k − 1)/2, so H and W are kept.

    Z[i, y, x, c] = Σ_{a,b,c'} W[a, b, c', c] · A_prev_pad[i, y+a, x+b, c'] + b[c]

    Shapes: A_prev (m, H, W, C_prev), W (k, k, C_prev, C), b (1, C), Z (m, H, W, C).
    Computed as one product Z = cols·W₂ + b, where row (i, y, x) of cols (m·H·W, k·k·C_prev) is the
    patch A_prev_pad[i, y:y+k, x:x+k, :] and W₂ is W reshaped to (k·k·C_prev, C), its rows in the
    order of the patch's numbers: (a, b, c') channels last, or (c', a, b) when the patches are
    copied from a channels-first copy of the pictures (``_planar``).
    """

    type = "Conv2D"
    param_names = ("W", "b")
    penalised = ("W",)

    def __init__(self, W: np.ndarray, b: np.ndarray):
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 4 or W.shape[0] != W.shape[1] or W.shape[0] % 2 == 0:
            raise ValueError(f"Conv2D needs W of shape (k, k, C_prev, C) with k odd; got {W.shape}.")
        if b.shape != (1, W.shape[3]):
            raise ValueError(f"Conv2D with {W.shape[3]} filters needs b of shape (1, {W.shape[3]}); "
                             f"got {b.shape}.")
        self.W, self.b = W, b
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)
        self._work: dict[str, np.ndarray] = {}
        self._m = 0
        self._planar_input = False  # how the last forward pass laid out its padded pictures

    @classmethod
    def initialized(cls, k: int, C_prev: int, C: int, scale: float, rng: np.random.Generator,
                    dtype) -> "Conv2D":
        """W ~ N(0, scale² / (k·k·C_prev)), b = 0: the fan-in k·k·C_prev plays u[l−1]'s part in Dense."""
        k = _whole(k, "kernel_size", 1, MAX_KERNEL, "Conv2D", odd=True)
        C_prev = _whole(C_prev, "input channels", 1, MAX_FILTERS, "Conv2D")
        C = _whole(C, "filters", 1, MAX_FILTERS, "Conv2D")
        fan_in = k * k * C_prev
        W = (rng.standard_normal((k, k, C_prev, C)) * (scale / np.sqrt(fan_in))).astype(dtype)
        return cls(W, np.zeros((1, C), dtype=dtype))

    @property
    def k(self) -> int:
        return self.W.shape[0]

    @property
    def _fan_in(self) -> int:
        return self.k * self.k * self.W.shape[2]

    def forward(self, A_prev: np.ndarray, training: bool = False) -> np.ndarray:
        """Z = cols·W₂ + b; (m, H, W, C_prev) → (m, H, W, C)."""
        m, H, Wd, _ = self._check_input(A_prev)
        Z = np.empty((m, H, Wd, self.W.shape[3]), dtype=np.result_type(A_prev.dtype, self.W.dtype))
        self._forward_blocks(A_prev, lambda i, j, n: Z[i:j])
        return Z

    def _forward_blocks(self, A_prev: np.ndarray, block_out, then=None, block_bytes: int | None = None) -> None:
        """Z = cols·W₂ + b a block of examples at a time: the rows i:j of Z (on thread n) are written
        into ``block_out(i, j, n)``, an array (j − i, H, W, C); ``then(i, j, n, Z_block)``, if given,
        runs next, while the block is still in the CPU's cache."""
        m, H, Wd, C_prev = self._check_input(A_prev)
        C = self.W.shape[3]
        planar = self._planar(Wd, C_prev)
        pad = self._padded("A_pad", A_prev.shape, np.result_type(A_prev.dtype, self.W.dtype), planar)
        Wb = self._buffer("Wb", (self._fan_in + 1, C), pad.dtype)
        Wb[:-1] = _patch_rows(self.W, planar)
        Wb[-1] = self.b[0]
        step = _examples_per_block(H * Wd * (self._fan_in + 1) * pad.itemsize, block_bytes)

        def part(start: int, stop: int, n: int) -> None:
            for i in range(start, stop, step):
                j = min(i + step, stop)
                self._fill(pad[i:j], A_prev[i:j], planar)  # kept whole: backward rebuilds the patches
                cols = self._cols(pad[i:j], f"cols{n}", step, bias=True, planar=planar)
                Z = block_out(i, j, n)
                np.matmul(cols, Wb, out=Z.reshape(-1, C))
                if then is not None:
                    then(i, j, n, Z)

        in_parts(m, part, A_prev.nbytes)
        self._m, self._planar_input = m, planar

    def backward(self, dZ: np.ndarray, need_dA_prev: bool = True) -> np.ndarray | None:
        """dW = (1/m) colsᵀ·dZ (reshaped to (k, k, C_prev, C)), db = (1/m) Σ_{i,y,x} dZ; returns dA_prev.

        dA_prev[i, y', x', c'] = Σ_{a,b,c} dZ_pad[i, y'+a, x'+b, c] · W[k−1−a, k−1−b, c', c]: the same
        'same' convolution, of dZ with the filters flipped and their channels swapped.
        Shapes: dZ (m, H, W, C) → dW (k, k, C_prev, C), db (1, C), dA_prev (m, H, W, C_prev).
        The first layer passes need_dA_prev=False and skips that convolution.
        """
        m, H, Wd, C = dZ.shape
        k, C_prev = self.k, self.W.shape[2]
        pad = self._work.get("A_pad")
        expected = (C_prev, H + k - 1, Wd + k - 1) if self._planar_input else (H + k - 1, Wd + k - 1, C_prev)
        if pad is None or self._m != m or pad.shape[1:] != expected:
            raise ValueError(f"{self!r}.backward needs the forward pass of the same batch first.")
        pad, planar = pad[:m], self._planar_input
        dZ = np.ascontiguousarray(dZ)
        step = _examples_per_block(H * Wd * (self._fan_in + 1) * pad.itemsize)
        if need_dA_prev:
            W_flipped = self.W[::-1, ::-1].transpose(0, 1, 3, 2)  # (k, k, C, C_prev)
            d_planar = self._planar(Wd, C)
            d_rows = np.ascontiguousarray(_patch_rows(W_flipped, d_planar))
            dA_prev = np.empty((m, H, Wd, C_prev), dtype=dZ.dtype)
            d_step = _examples_per_block(H * Wd * k * k * C * dZ.itemsize)

        def part(start: int, stop: int, n: int) -> np.ndarray:
            gWb = self._buffer(f"gWb{n}", (self._fan_in + 1, C), dZ.dtype)
            block = self._buffer(f"gWb_block{n}", gWb.shape, dZ.dtype)
            gWb.fill(0)
            if need_dA_prev:
                dZ_pad = self._padded(f"dZ_pad{n}", (d_step, H, Wd, C), dZ.dtype, d_planar)
            for i in range(start, stop, step):
                j = min(i + step, stop)
                cols = self._cols(pad[i:j], f"cols{n}", step, bias=True, planar=planar)
                # np.dot, not np.matmul: matmul keeps the GIL when the result has under 500 numbers
                # (NumPy's threshold; here (k·k·C_prev + 1)·C, 448 for 3 → 16 channels), so the
                # threads would take turns; dot calls the same BLAS product without it.
                np.dot(cols.T, dZ[i:j].reshape(-1, C), out=block)
                gWb += block
            if need_dA_prev:
                # A second pass rather than one loop doing both products: a block's two patch
                # matrices together no longer fit in the CPU's cache (measured 5–8 % slower).
                for i in range(start, stop, d_step):
                    j = min(i + d_step, stop)
                    self._fill(dZ_pad[:j - i], dZ[i:j], d_planar)
                    dcols = self._cols(dZ_pad[:j - i], f"dcols{n}", d_step, bias=False, planar=d_planar)
                    np.matmul(dcols, d_rows, out=dA_prev[i:j].reshape(-1, C_prev))
            return gWb

        gWb = sum(in_parts(m, part, dZ.nbytes))
        gWb *= gWb.dtype.type(1.0 / m)
        self.dW[...] = _from_patch_rows(gWb[:-1], self.W.shape, planar)
        self.db[...] = gWb[-1:]
        return dA_prev if need_dA_prev else None

    def _planar(self, Wd: int, C: int) -> bool:
        """Whether to build the patches of C-channel pictures W wide from a channels-first copy.

        Channels last, a patch row is k runs of k·C numbers; channels first (planar), a patch column
        is k·k·C runs of W numbers. Copying is cheaper in the longer runs: for the RGB input
        (k·C = 9 against W = 64) the planar copy is 4× faster; for 16 channels and more, channels last.
        """
        return Wd > self.k * C

    def _padded(self, role: str, shape: tuple[int, ...], dtype, planar: bool) -> np.ndarray:
        """The work array for pictures of ``shape`` (m, H, W, C) with a border of p = (k − 1)/2 zeros:
        (m, H + 2p, W + 2p, C), or (m, C, H + 2p, W + 2p) if ``planar``."""
        m, H, Wd, C = shape
        p = self.k // 2
        padded = (m, C, H + 2 * p, Wd + 2 * p) if planar else (m, H + 2 * p, Wd + 2 * p, C)
        return self._buffer(role, padded, dtype, fill=0)

    def _fill(self, pad: np.ndarray, A: np.ndarray, planar: bool) -> None:
        """Copy A (n, H, W, C) inside the border of ``pad``; only the inside is ever written, so the
        border stays 0."""
        p, (_, H, Wd, _) = self.k // 2, A.shape
        if planar:
            pad[:, :, p:p + H, p:p + Wd] = A.transpose(0, 3, 1, 2)
        else:
            pad[:, p:p + H, p:p + Wd, :] = A

    def _cols(self, pad: np.ndarray, role: str, step: int, bias: bool, planar: bool) -> np.ndarray:
        """im2col: the (n·H·W, k·k·C) patch matrix of the n padded pictures in ``pad``, plus a last
        column of ones if ``bias`` (written once when the work array is made; only the patch columns
        are rewritten). ``step`` is the most examples a block holds, so one work array (channels last)
        serves every block of a pass.

        Channels last, row (i, y, x) is pad[i, y:y+k, x:x+k, :] with columns in (a, b, c) order, copied
        as k runs of k·C numbers. Planar, colsᵀ is built instead: its row (c, a, b) is
        pad[:, c, a:a+H, b:b+W], copied as runs of W numbers; the returned cols is its transpose (a
        view, which BLAS reads as it is).
        """
        k = self.k
        if planar:
            n, C, Hp, Wp = pad.shape
        else:
            n, Hp, Wp, C = pad.shape
        H, Wd, K = Hp - k + 1, Wp - k + 1, k * k * C
        rows, s = n * H * Wd, pad.strides
        fill = 1 if bias else None
        if planar:
            # One work array per block length (a pass has at most two), so that colsᵀ is contiguous
            # and the products take it as it is.
            colsT = self._buffer(f"{role}:{rows}", (K + bias, rows), pad.dtype, fill)
            patches = as_strided(pad, shape=(C, k, k, n, H, Wd), strides=(s[1], s[2], s[3], s[0], s[2], s[3]),
                                 writeable=False)
            np.copyto(colsT[:K].reshape(C, k, k, n, H, Wd), patches)
            return colsT.T
        cols = self._buffer(role, (step * H * Wd, K + bias), pad.dtype, fill)[:rows]
        # For a fixed patch row, the k pixels × C channels are next to each other in memory, so the
        # copy moves runs of k·C numbers rather than C at a time.
        patches = as_strided(pad, shape=(n, H, Wd, k, k * C), strides=(s[0], s[1], s[2], s[1], s[3]),
                             writeable=False)
        np.copyto(cols[:, :K].reshape(n, H, Wd, k, k * C), patches)
        return cols

    def _buffer(self, role: str, shape: tuple[int, ...], dtype, fill=None) -> np.ndarray:
        return _reuse(self._work, role, shape, dtype, fill)

    def _check_input(self, A_prev: np.ndarray) -> tuple[int, int, int, int]:
        if A_prev.ndim != 4 or A_prev.shape[3] != self.W.shape[2]:
            raise ValueError(f"{self!r} needs pictures of shape (m, H, W, {self.W.shape[2]}); "
                             f"got {A_prev.shape}.")
        return A_prev.shape

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        H, Wd, C_prev = _picture_shape(input_shape, "Conv2D")
        if C_prev != self.W.shape[2]:
            raise ValueError(f"{self!r} needs {self.W.shape[2]} input channels; got {C_prev}.")
        return (H, Wd, self.W.shape[3])

    def config(self) -> dict:
        return {"type": self.type, "filters": int(self.W.shape[3]), "kernel_size": int(self.k)}

    @classmethod
    def param_shapes(cls, config: dict, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        _, _, C_prev = _picture_shape(input_shape, "Conv2D")
        k = _whole(config.get("kernel_size"), "kernel_size", 1, MAX_KERNEL, "Conv2D", odd=True)
        C = _whole(config.get("filters"), "filters", 1, MAX_FILTERS, "Conv2D")
        return {"W": (k, k, C_prev, C), "b": (1, C)}

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "Conv2D":
        shapes = cls.param_shapes(config, input_shape)
        return cls(np.zeros(shapes["W"], dtype=dtype), np.zeros(shapes["b"], dtype=dtype))

    def __repr__(self) -> str:
        k, _, C_prev, C = self.W.shape
        return f"Conv2D({k}×{k}, {C_prev} → {C})"


@register
class MaxPool2D(Layer):
    """2×2 max pooling with stride 2: A[i, y, x, c] = max_{a,b ∈ {0,1}} A_prev[i, 2y+a, 2x+b, c].

    Shapes: A_prev (m, H, W, C) with H and W even → A (m, H/2, W/2, C).
    Backward sends each dA to the one input that was the maximum; on a tie, to the first of them
    reading down the left column, then the right. So exactly one input gets it, as the slope of the
    max function says wherever the maximum is unique.
    """

    type = "MaxPool2D"

    def __init__(self):
        self._work: dict[str, np.ndarray] = {}
        self._shape: tuple[int, ...] | None = None  # input shape of the last forward pass

    def forward(self, A_prev: np.ndarray, training: bool = False) -> np.ndarray:
        """A = max over each 2×2 window; (m, H, W, C) → (m, H/2, W/2, C)."""
        if A_prev.ndim != 4:
            raise ValueError(f"MaxPool2D needs pictures of shape (m, H, W, C); got {A_prev.shape}.")
        m, H, Wd, C = A_prev.shape
        _even_sides(H, Wd)
        h, w = H // 2, Wd // 2
        down, right = self._masks(A_prev.shape)
        A = np.empty((m, h, w, C), dtype=A_prev.dtype)
        step = _examples_per_block(H * Wd * C * A_prev.itemsize)

        def part(start: int, stop: int, n: int) -> None:
            for i in range(start, stop, step):
                j = min(i + step, stop)
                self._pool_block(A_prev[i:j], down[i:j], right[i:j], A[i:j], n)

        in_parts(m, part, A_prev.nbytes)
        self._shape = A_prev.shape
        return A

    def _masks(self, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The work arrays ``down`` (m, H/2, W/2, 2, C) and ``right`` (m, H/2, W/2, C) for pictures of
        ``shape`` (m, H, W, C): which row, then which column, held each window's maximum."""
        m, H, Wd, C = shape
        return (_reuse(self._work, "down", (m, H // 2, Wd // 2, 2, C), bool),
                _reuse(self._work, "right", (m, H // 2, Wd // 2, C), bool))

    def _pool_block(self, A_prev: np.ndarray, down: np.ndarray, right: np.ndarray, A: np.ndarray,
                    n: int) -> None:
        """A = max over each 2×2 window of the block A_prev (n_b, H, W, C), with its masks (thread n)."""
        b, H, Wd, C = A_prev.shape
        windows = A_prev.reshape(b, H // 2, 2, Wd // 2, 2, C)
        top, bottom = windows[:, :, 0], windows[:, :, 1]  # (b, h, w, 2, C): both columns of the window
        r = _reuse(self._work, f"rows{n}", top.shape, A_prev.dtype)
        # Which row held each column's maximum, then which column won; a tie goes up, then left.
        # The first two passes read whole picture rows; the last two runs of C numbers.
        np.greater(bottom, top, out=down)
        np.maximum(top, bottom, out=r)
        np.greater(r[..., 1, :], r[..., 0, :], out=right)
        np.maximum(r[..., 0, :], r[..., 1, :], out=A)

    def backward(self, dA: np.ndarray, need_dA_prev: bool = True) -> np.ndarray:
        """dA_prev = dA at the maximum of each window, 0 at the other three; (m, H/2, W/2, C) → (m, H, W, C)."""
        if self._shape is None or dA.shape != (self._shape[0], self._shape[1] // 2, self._shape[2] // 2,
                                                self._shape[3]):
            raise ValueError("MaxPool2D.backward needs the forward pass of the same batch first.")
        m, h, w, C = dA.shape
        down, right = self._work["down"], self._work["right"]
        dA_prev = np.empty((m, h, 2, w, 2, C), dtype=dA.dtype)
        step = _examples_per_block(4 * h * w * C * dA.itemsize)

        def part(start: int, stop: int, n: int) -> None:
            for i in range(start, stop, step):
                j = min(i + step, stop)
                self._unpool_block(dA[i:j], down[i:j], right[i:j], dA_prev[i:j], n)

        in_parts(m, part, dA_prev.nbytes)
        return dA_prev.reshape(self._shape)

    def _unpool_block(self, dA: np.ndarray, down: np.ndarray, right: np.ndarray, dA_prev: np.ndarray,
                      n: int, on: np.ndarray | None = None) -> None:
        """dA_prev (n_b, h, 2, w, 2, C) = each dA (n_b, h, w, C) at its window's maximum, 0 elsewhere;
        times ``on`` (booleans shaped like dA) if given (thread n)."""
        g = _reuse(self._work, f"by_column{n}", dA.shape[:3] + (2, dA.shape[3]), dA.dtype)
        if on is None:
            np.multiply(dA, right, out=g[..., 1, :])
            np.subtract(dA, g[..., 1, :], out=g[..., 0, :])  # dA − dA·1 is exactly 0
        else:
            np.multiply(dA, on, out=g[..., 0, :])
            np.multiply(g[..., 0, :], right, out=g[..., 1, :])
            np.subtract(g[..., 0, :], g[..., 1, :], out=g[..., 0, :])
        np.multiply(g, down, out=dA_prev[:, :, 1])
        np.subtract(g, dA_prev[:, :, 1], out=dA_prev[:, :, 0])

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        H, Wd, C = _picture_shape(input_shape, "MaxPool2D")
        _even_sides(H, Wd)
        return (H // 2, Wd // 2, C)

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "MaxPool2D":
        layer = cls()
        layer.output_shape(input_shape)
        return layer


class ConvReluPool:
    """Conv2D → Activation("relu") → MaxPool2D as one pass over each block of examples (training).

    A = maxpool(ReLU(Z)) = ReLU(maxpool(Z)), as ReLU never changes which value is largest, so ReLU
    runs on the pooled block (a quarter of Z) while the block of Z from the product is still in the
    CPU's cache, and Z itself is never written to memory. Backward: the gradient reaches only each
    window's maximum, where ReLU′ = 1 exactly when A > 0, so dZ = dA ⊙ (A > 0) at the maximum,
    0 elsewhere: the same numbers as the three layers' backward passes one after the other.
    Shapes: A_prev (m, H, W, C_prev) → A (m, H/2, W/2, C); backward dA → dA_prev, filling dW, db.

    Made by ``fuse`` for a training pass (``Network.backprop``); the three layers stay the ones in
    the stack, with their parameters and gradients. After this forward pass, the ReLU and pooling
    layers' own ``backward`` refuse to run: their state belongs to this pass.
    """

    def __init__(self, conv: Conv2D, relu: Activation, pool: MaxPool2D):
        self.conv, self.relu, self.pool = conv, relu, pool
        self.param_names = conv.param_names
        self._shape: tuple[int, ...] | None = None  # Z's shape in the last forward pass

    def forward(self, A_prev: np.ndarray, training: bool = True) -> np.ndarray:
        """A = ReLU(maxpool(cols·W₂ + b)); (m, H, W, C_prev) → (m, H/2, W/2, C)."""
        conv, pool = self.conv, self.pool
        m, H, Wd, _ = conv._check_input(A_prev)
        _even_sides(H, Wd)
        C, dtype = conv.W.shape[3], np.result_type(A_prev.dtype, conv.W.dtype)
        shape = (m, H, Wd, C)
        down, right = pool._masks(shape)
        on = _reuse(pool._work, "on", right.shape, bool)
        A = np.empty(right.shape, dtype=dtype)

        def block_out(i: int, j: int, n: int) -> np.ndarray:
            return _reuse(pool._work, f"Z{n}", (j - i, H, Wd, C), dtype)

        def then(i: int, j: int, n: int, Z: np.ndarray) -> None:
            pool._pool_block(Z, down[i:j], right[i:j], A[i:j], n)
            np.maximum(A[i:j], 0, out=A[i:j])
            np.greater(A[i:j], 0, out=on[i:j])

        # Blocks twice the size: the pooling passes then take a few examples at a time, not one
        # (a training step about 5 ms faster on two cores, the same on one; docs/cnn_notes.md).
        conv._forward_blocks(A_prev, block_out, then, 2 * BLOCK_BYTES)
        self.relu._Z = self.relu._A = self.relu._local = None
        pool._shape, self._shape = None, shape
        return A

    def backward(self, dA: np.ndarray, need_dA_prev: bool = True) -> np.ndarray | None:
        """dZ = dA ⊙ (A > 0) at each window's maximum, 0 elsewhere, then Conv2D's backward from dZ;
        (m, H/2, W/2, C) → dA_prev (m, H, W, C_prev), or None without ``need_dA_prev``."""
        if self._shape is None or dA.shape != self.pool._work["on"][:self._shape[0]].shape:
            raise ValueError(f"{self!r}.backward needs the forward pass of the same batch first.")
        pool = self.pool
        m, h, w, C = dA.shape
        down, right, on = pool._work["down"], pool._work["right"], pool._work["on"]

        dZ = np.empty((m, h, 2, w, 2, C), dtype=dA.dtype)
        step = _examples_per_block(4 * h * w * C * dA.itemsize)

        def part(start: int, stop: int, n: int) -> None:
            for i in range(start, stop, step):
                j = min(i + step, stop)
                pool._unpool_block(dA[i:j], down[i:j], right[i:j], dZ[i:j], n, on=on[i:j])

        in_parts(m, part, dZ.nbytes)
        return self.conv.backward(dZ.reshape(self._shape), need_dA_prev)

    def parameters(self) -> list[np.ndarray]:
        return self.conv.parameters()

    def grads(self) -> list[np.ndarray]:
        return self.conv.grads()

    def __repr__(self) -> str:
        return f"ConvReluPool({self.conv!r})"


def fuse(layers: list[Layer]) -> list:
    """The stack for a training pass: each Conv2D → Activation("relu") → MaxPool2D as one
    ``ConvReluPool``, every other layer as it is."""
    steps, i = [], 0
    while i < len(layers):
        trio = layers[i:i + 3]
        if (len(trio) == 3 and type(trio[0]) is Conv2D and type(trio[1]) is Activation
                and trio[1].name == "relu" and type(trio[2]) is MaxPool2D):
            steps.append(ConvReluPool(*trio))
            i += 3
        else:
            steps.append(layers[i])
            i += 1
    return steps


@register
class Flatten(Layer):
    """A[i] = A_prev[i] read row by row: (m, H, W, C) → (m, H·W·C), index ((y·W) + x)·C + c."""

    type = "Flatten"

    def __init__(self):
        self._shape: tuple[int, ...] | None = None

    def forward(self, A_prev: np.ndarray, training: bool = False) -> np.ndarray:
        """A = A_prev reshaped to (m, H·W·C)."""
        self._shape = A_prev.shape
        return A_prev.reshape(A_prev.shape[0], -1)

    def backward(self, dA: np.ndarray, need_dA_prev: bool = True) -> np.ndarray:
        """dA_prev = dA reshaped back to the input's (m, H, W, C)."""
        return dA.reshape(self._shape)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (int(np.prod(input_shape)),)

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "Flatten":
        if len(input_shape) < 1:
            raise ValueError("Flatten needs inputs with at least one axis per example.")
        return cls()


@register
class Dropout(Layer):
    """Inverted dropout: while training, A = A_prev ⊙ D / (1 − rate) with D[i, j] ~ Bernoulli(1 − rate).

    Each unit is switched off with probability ``rate``; the kept ones are scaled by 1/(1 − rate)
    so the expected activation is unchanged and inference is the identity (A = A_prev).
    Any shape; the mask D comes only from the layer's own ``np.random.Generator``.
    """

    type = "Dropout"

    def __init__(self, rate: float, seed: int | np.random.Generator = 0):
        self.rate = _rate(rate)
        self.seed = seed if isinstance(seed, int) and not isinstance(seed, bool) else None
        self.rng = np.random.default_rng(seed)
        self._mask: np.ndarray | None = None  # D / (1 − rate) of the last training batch; None: identity

    def forward(self, A_prev: np.ndarray, training: bool = False) -> np.ndarray:
        """A = A_prev ⊙ D / (1 − rate) when training, else A = A_prev; same shape."""
        if not training or self.rate == 0.0:
            self._mask = None
            return A_prev
        dtype = np.float32 if A_prev.dtype == np.float32 else np.float64
        keep = self.rng.random(A_prev.shape, dtype=dtype) >= self.rate
        self._mask = keep * dtype(1.0 / (1.0 - self.rate))
        return A_prev * self._mask

    def backward(self, dA: np.ndarray, need_dA_prev: bool = True) -> np.ndarray:
        """dA_prev = dA ⊙ D / (1 − rate) with the same mask as forward (identity after inference)."""
        return dA if self._mask is None else dA * self._mask

    def config(self) -> dict:
        config = {"type": self.type, "rate": self.rate}
        if self.seed is not None:
            config["seed"] = self.seed
        return config

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "Dropout":
        seed = config.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"Dropout's seed must be a whole number ≥ 0; got {seed!r}.")
        return cls(config.get("rate"), seed)

    def __repr__(self) -> str:
        return f"Dropout({self.rate:g})"


def _reuse(store: dict, role: str, shape: tuple[int, ...], dtype, fill=None) -> np.ndarray:
    """A work array of ``shape``: the first rows of the one kept under ``role`` when it fits.

    Only the number of examples (axis 0) may shrink between calls, so a smaller last batch reuses
    the array; anything written once with ``fill`` (the zero border, the column of ones) stays.
    """
    array = store.get(role)
    if array is None or array.dtype != dtype or array.shape[1:] != shape[1:] or array.shape[0] < shape[0]:
        array = np.empty(shape, dtype=dtype) if fill is None else np.full(shape, fill, dtype=dtype)
        store[role] = array
    return array[:shape[0]]


def _examples_per_block(example_bytes: int, block_bytes: int | None = None) -> int:
    """How many examples of ``example_bytes`` of work each fit in ``block_bytes`` (BLOCK_BYTES if
    None; at least 1): a block small enough to stay in the CPU's cache from the pass that writes it
    to the one that reads it."""
    return max(1, (BLOCK_BYTES if block_bytes is None else block_bytes) // example_bytes)


def _patch_rows(F: np.ndarray, planar: bool) -> np.ndarray:
    """Filters F (k, k, C_in, C_out) as the (k·k·C_in, C_out) matrix W₂ whose rows follow the patch
    columns: (a, b, c) channels last, (c, a, b) planar."""
    return (F.transpose(2, 0, 1, 3) if planar else F).reshape(-1, F.shape[3])


def _from_patch_rows(W2: np.ndarray, shape: tuple[int, ...], planar: bool) -> np.ndarray:
    """The inverse of ``_patch_rows``: W₂ (k·k·C_in, C_out) back to filters of ``shape`` (k, k, C_in, C_out)."""
    k, _, C_in, C_out = shape
    return W2.reshape(C_in, k, k, C_out).transpose(1, 2, 0, 3) if planar else W2.reshape(shape)


def _whole(value, name: str, low: int, high: int, layer: str, odd: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{layer} needs a whole number {name} from {low} to {high}; got {value!r}.")
    if odd and value % 2 == 0:
        raise ValueError(f"{layer} needs an odd {name} (1, 3, 5, …) so 'same' padding is symmetric; "
                         f"got {value}.")
    return int(value)


def _picture_shape(input_shape, layer: str) -> tuple[int, int, int]:
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(f"{layer} needs pictures of shape (H, W, C) per example; got {shape}. "
                         "Pictures are channels last.")
    return tuple(_whole(n, "side or channel count", 1, MAX_SIDE, layer) for n in shape)


def _even_sides(H: int, Wd: int) -> None:
    if H % 2 or Wd % 2:
        raise ValueError(f"MaxPool2D halves the picture, so H and W must be even; got {H}×{Wd}. "
                         "Crop or resize the pictures, or pool fewer times.")


def _rate(rate) -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or not 0.0 <= rate < 1.0:
        raise ValueError(f"Dropout's rate is the fraction of units switched off: a number in [0, 1); "
                         f"got {rate!r}.")
    return float(rate)
