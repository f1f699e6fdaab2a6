"""A fair queue for the training runs of a server: a few at a time, in the order they were asked for.

Thirty students pressing Train on a conv net at once used to get a thirtieth of the machine each, with
nothing on the page saying why each epoch took minutes. Here at most ``slots`` runs train at a time (about
the cores this replica may use: ``NEURONLAB_TRAIN_SLOTS``, which ``deploy/serve.py`` sets to cores /
replicas); the others wait in line, each seeing its place and an estimate of the wait, and may leave.

- **First come, first served**: a run is granted a slot when it is at the head of the line and one is free.
- **Nobody holds a slot for ever**: a run that has held one for ``QUANTUM_S`` while others wait goes to the
  back of the line (its model kept), so a 40-epoch run cannot starve a class of one-epoch runs.
- **A paused run lets go**; Resume queues again. A run whose page stops asking (a closed tab: no heartbeat
  for ``STALE_S``, or its session gone) is dropped.
- **The estimate** is simulated from the slots' holders (how long each has held) and how long a hold has
  taken on this server (its average, ``hold_s``).

The queue is per process and never imports Streamlit; ``ui.training_run`` drives it from each run's ticks.
"""

from __future__ import annotations

import heapq
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

QUANTUM_S = 60.0       # a hold's length while others wait
STALE_S = 15.0         # a place (or slot) whose page has not asked for this long is given up
HOLD_S = 30.0          # a hold's length until this server has measured some
EWMA = 0.3


def default_slots() -> int:
    """``NEURONLAB_TRAIN_SLOTS``, else the cores this process may use."""
    try:
        return max(1, int(os.environ["NEURONLAB_TRAIN_SLOTS"]))
    except (KeyError, ValueError):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:
            return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Turn:
    """An owner's state in the queue: ``training`` (holding a slot), or waiting at ``place`` (1 = next) for
    about ``wait_s`` seconds; ``slots`` runs train at a time, ``waiting`` wait."""

    training: bool
    place: int
    wait_s: float
    slots: int
    waiting: int
    queued: bool = True


class TrainQueue:
    """Slots and a line of owners (any string: ``ui.training_run`` uses session id and page)."""

    def __init__(self, slots: int | None = None, *, clock: Callable[[], float] = time.monotonic,
                 alive: Callable[[str], bool] = lambda owner: True):
        self.slots = slots or default_slots()
        self._clock = clock
        self.alive = alive
        self._lock = threading.Lock()
        self._line: list[str] = []               # waiting, in order
        self._holders: dict[str, float] = {}     # owner → when it got its slot
        self._seen: dict[str, float] = {}        # owner → last heartbeat
        self.hold_s = HOLD_S
        self.holds = 0                            # holds measured

    # -- the owner's actions ----------------------------------------------------------------------

    def join(self, owner: str) -> Turn:
        """Ask for a slot (again): at the back of the line, unless already in it or holding one."""
        with self._lock:
            self._seen[owner] = self._clock()
            if owner not in self._holders and owner not in self._line:
                self._line.append(owner)
            self._grant()
            return self._turn(owner)

    def leave(self, owner: str) -> None:
        """Out of the line, or the slot given back (the run finished, paused or was reset)."""
        with self._lock:
            self._drop(owner)
            self._grant()

    def turn(self, owner: str, trained_s: float = 0.0) -> Turn:
        """The owner's heartbeat (each tick of its page): its state now, granting it a slot if its time has
        come. A holder that has held its slot QUANTUM_S while others wait goes to the back of the line."""
        with self._lock:
            now = self._clock()
            self._seen[owner] = now
            self._expire(now)
            held = self._holders.get(owner)
            if held is not None and self._line and now - held >= QUANTUM_S:
                self._release(owner, now)
                self._line.append(owner)
            self._grant()
            return self._turn(owner)

    # -- inside (lock held) -------------------------------------------------------------------------

    def _drop(self, owner: str) -> None:
        if owner in self._holders:
            self._release(owner, self._clock())
        if owner in self._line:
            self._line.remove(owner)
        self._seen.pop(owner, None)

    def _release(self, owner: str, now: float) -> None:
        held = now - self._holders.pop(owner)
        self.hold_s += (1.0 if self.holds == 0 else EWMA) * (held - self.hold_s)
        self.holds += 1

    def _expire(self, now: float) -> None:
        for owner in [o for o in [*self._holders, *self._line]
                      if now - self._seen.get(o, now) > STALE_S or not self.alive(o)]:
            self._drop(owner)

    def _grant(self) -> None:
        now = self._clock()
        while self._line and len(self._holders) < self.slots:
            self._holders[self._line.pop(0)] = now

    def _turn(self, owner: str) -> Turn:
        if owner in self._holders:
            return Turn(True, 0, 0.0, self.slots, len(self._line))
        if owner not in self._line:
            return Turn(False, 0, 0.0, self.slots, len(self._line), queued=False)
        place = self._line.index(owner) + 1
        return Turn(False, place, self._wait(place), self.slots, len(self._line))

    def _wait(self, place: int) -> float:
        """When the owner at ``place`` gets a slot: the holders end their holds (an average hold, less what
        each has held), then the waiters before it take the slots as they free up."""
        now = self._clock()
        free = [max(0.0, self.hold_s - (now - since)) for since in self._holders.values()]
        free += [0.0] * (self.slots - len(free))
        heapq.heapify(free)
        at = 0.0
        for _ in range(place):
            at = heapq.heappop(free)
            heapq.heappush(free, at + self.hold_s)
        return at

    # -- for the tests and the page ------------------------------------------------------------------

    def snapshot(self) -> tuple[list[str], list[str]]:
        """(holders, waiting in order)."""
        with self._lock:
            return list(self._holders), list(self._line)


QUEUE = TrainQueue()
