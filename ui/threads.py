"""NumPy's BLAS on one thread for the playground's small matrices (``single_blas``).

A second BLAS thread gains nothing on matrices this small and, when the browser drawing the page shares the
cores, its waiting threads starve it (the README's benchmarks give the figures). One thread also makes a
slice of training give bit-for-bit the same weights each time it is trained, which Pause relies on
(``ui.playground.session.rollback``)."""

from __future__ import annotations

import contextlib
import functools

from threadpoolctl import ThreadpoolController

_BLAS = ThreadpoolController()


@contextlib.contextmanager
def single_blas():
    """Within the block, BLAS runs on one thread."""
    with _BLAS.limit(limits=1, user_api="blas"):
        yield


def single_threaded_blas(view):
    """``view`` run with NumPy's BLAS on one thread."""
    @functools.wraps(view)
    def run(*args, **kwargs):
        with single_blas():
            return view(*args, **kwargs)
    return run
