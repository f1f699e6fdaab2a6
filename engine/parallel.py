"""Splitting a batch of pictures by examples over the cores: one small thread pool for the picture layers.

``THREADS`` is how many threads a batch of at least ``PARALLEL_BYTES`` of pictures is split over (None: one
per core; set 1 to leave the other cores alone, as the app does where it shares them with the browser).
docs/cnn_notes.md has the measurements behind the split.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

from threadpoolctl import ThreadpoolController

#: How many threads a layer splits a batch of at least PARALLEL_BYTES of pictures over; None: one per core.
THREADS: int | None = None
PARALLEL_BYTES = 1 << 20

_BLAS = ThreadpoolController().select(user_api="blas")
_PARTS_LOCK = threading.Lock()
_EXECUTOR: tuple[int, ThreadPoolExecutor] | None = None  # (workers, pool), made when first needed


def in_parts(m: int, work, nbytes: int) -> list:
    """[work(start, stop, n) for the n-th of T slices of the m examples], the T slices on T threads.

    T is THREADS (one per core if None), or 1 for a batch under PARALLEL_BYTES (``nbytes``: its
    pictures), where starting threads costs more than it saves. Inside, BLAS runs on one thread:
    one cache-sized block is too small a product to share, and a product shared between threads
    waits for a free core at every call, which on a busy machine costs more than the product.
    NumPy lets go of the GIL in copies, ufuncs and products, so the slices do run at once.
    """
    global _EXECUTOR
    T = max(1, min(m, THREADS or os.cpu_count() or 1)) if nbytes >= PARALLEL_BYTES else 1
    bounds = [m * n // T for n in range(T + 1)]
    with _PARTS_LOCK, _BLAS.limit(limits=1):
        if T == 1:
            return [work(0, m, 0)]
        if _EXECUTOR is None or _EXECUTOR[0] < T - 1:
            if _EXECUTOR is not None:
                _EXECUTOR[1].shutdown(wait=False)
            _EXECUTOR = (T - 1, ThreadPoolExecutor(max_workers=T - 1, thread_name_prefix="neuronlab-conv"))
        others = [_EXECUTOR[1].submit(work, bounds[n], bounds[n + 1], n) for n in range(1, T)]
        try:
            first = work(bounds[0], bounds[1], 0)
        finally:
            wait(others)
        return [first] + [f.result() for f in others]
