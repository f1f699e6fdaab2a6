"""NumPy's BLAS on one thread for the playground's small matrices (``single_blas``), and a lock taken in
turn (``FairLock``).

A second BLAS thread gains nothing on matrices this small and, when the browser drawing the page shares the
cores, its waiting threads starve it (the README's benchmarks give the figures). One thread also makes a
slice of training give bit-for-bit the same weights each time it is trained, which Pause relies on
(``ui.playground.session.rollback``)."""

from __future__ import annotations

import collections
import contextlib
import functools
import threading

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


class FairLock:
    """A lock taken in the order it was asked for (``threading.Lock`` promises no order, and a session that
    keeps losing the race would starve): ``with lock.taken(check): ...``, where ``check()`` is called
    every ``poll`` seconds while waiting and may raise to give up the place (a script run that a click
    interrupts)."""

    def __init__(self):
        self._changed = threading.Condition()
        self._line: collections.deque = collections.deque()
        self._held = False

    @contextlib.contextmanager
    def taken(self, check=lambda: None, poll: float = 0.02):
        me = object()
        with self._changed:
            self._line.append(me)
            try:
                while self._held or self._line[0] is not me:
                    self._changed.wait(poll)
                    if self._held or self._line[0] is not me:
                        self._changed.release()
                        try:
                            check()
                        finally:
                            self._changed.acquire()
            except BaseException:
                self._line.remove(me)
                self._changed.notify_all()
                raise
            self._line.popleft()
            self._held = True
        try:
            yield self
        finally:
            with self._changed:
                self._held = False
                self._changed.notify_all()
