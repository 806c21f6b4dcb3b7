"""The signals that stop a build, and the handlers the build sets for them for a while.

Ctrl-C (SIGINT) stops a build; so do SIGTERM and SIGHUP, by their default action or, under ``watch``, by the
KeyboardInterrupt its handlers raise. Twice the build handles them itself: while its threads run the pages
(``build._interrupt_stops`` kills the kernels) and while the published folders are swapped (``publish``
holds them until the swap is done, then lets them act).

Handlers can be set only in the main thread, and Python runs them there whichever thread the signal landed in.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

#: The signals that stop a build.
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Recorded by :func:`held` for a KeyboardInterrupt raised while the handlers were put back (no signal is 0).
INTERRUPTED = 0


class HeldInterrupt(KeyboardInterrupt):
    """A stop held while the published folders were swapped, acting once the swap was done: ``published`` says
    whether the new report is published whole (else the swap failed, and the build said in what state it left
    the published report)."""

    def __init__(self, published: bool):
        super().__init__()
        self.published = published


def main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def handled_by(handler, numbers=STOPPING, interrupted=None):
    """Let ``handler`` handle the signals ``numbers`` while the block runs, then put the previous handlers back:
    every one of them, even when a signal lands meanwhile (see :func:`put_back`). What a handler raised then is
    raised once all are back; a KeyboardInterrupt calls ``interrupted()`` instead, when given."""
    previous = {}
    try:
        for number in numbers:
            previous[number] = signal.signal(number, handler)
        yield
    finally:
        stopped = put_back(previous)
        if isinstance(stopped, KeyboardInterrupt) and interrupted is not None:
            interrupted()
        elif stopped is not None:
            raise stopped


def put_back(previous: dict) -> BaseException | None:
    """Set each signal's handler back to ``previous[signal]``; return what a handler raised meanwhile, if any.

    ``signal.signal`` first runs the handlers of signals already received, and sets nothing when one of them
    raises: a Ctrl-C landing after SIGINT's handler is back would otherwise leave the others set to ours. What
    it raised is returned once all are back, for the caller to raise."""
    stopped = None
    for number, handler in previous.items():
        if handler is None:  # set from outside Python: it cannot be set back from here
            continue
        while signal.getsignal(number) is not handler:
            try:
                signal.signal(number, handler)
            except BaseException as raised:  # noqa: BLE001 - every handler first, then whatever it was
                stopped = stopped or raised
    return stopped


@contextmanager
def held():
    """Record the stopping signals that arrive while the block runs, in the list it yields, instead of letting
    them act; :func:`act_on` lets them act afterwards. The list is complete once the block has ended: a Ctrl-C
    landing while the handlers are put back is recorded too (as :data:`INTERRUPTED`).

    Blocking them in this thread would not do: the kernel hands a signal to any thread that does not block
    it (zmq's, the watch's), and Python then runs its handler in the main thread all the same. Outside the
    main thread, where no handler can be set, they are only blocked in this thread (best effort: nothing
    publishes from another thread)."""
    received: list[int] = []
    if not main_thread():
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        try:
            yield received
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        return
    with handled_by(lambda number, frame: received.append(number), interrupted=lambda: received.append(INTERRUPTED)):
        yield received


def act_on(received: list[int], published: bool) -> None:
    """Let the signals :func:`held` recorded act as they would have, in the order they came, each once: the
    default action (SIGTERM ends the process), nothing (an ignored SIGHUP), or a handler's KeyboardInterrupt,
    raised as :class:`HeldInterrupt` saying whether the new report was ``published``."""
    for number in dict.fromkeys(received):
        try:
            if number == INTERRUPTED:
                raise KeyboardInterrupt
            signal.raise_signal(number)
        except KeyboardInterrupt:
            raise HeldInterrupt(published) from None
