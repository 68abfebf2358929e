"""Texts sent "now" (a sign-in code, a welcome) go beside the response, never inside it: the
request only puts the message ids on a bounded queue in this process; a few daemon threads of the
app's send them, each in its own app context and database session, and record the outcome.

Bounded every way, so a slow or hanging provider can neither hold a page nor a process:
- the queue holds SMS_HAND_OFF_QUEUE hand-offs; when it is full the text simply stays pending in
  the outbox and the dispatcher sends it (the request never waits for room);
- SMS_HAND_OFF_THREADS threads send at once (each call bounded by the provider's timeout);
- at process exit (a gunicorn worker stopping or recycling) we wait at most EXIT_SECONDS for what
  is queued; the threads are daemons, so a hanging provider cannot keep the process alive. A text
  not yet claimed stays pending for the dispatcher; one the provider never answered stays
  "sending" and becomes "unknown" for staff (never resent blind).
- threads start on the first hand-off in each process, so a server that forks after loading the
  app (gunicorn --preload) gets its own threads in every worker.
"""

import atexit
import logging
import os
import queue
import threading
import time
import weakref

log = logging.getLogger(__name__)

EXIT_SECONDS = 5
_LIVE = weakref.WeakSet()  # every app's hand-off, for the wait at exit


class HandOff:
    def __init__(self, send, threads, size):
        """`send(ids)` sends and records; it must not raise (errors are logged here anyway)."""
        self.send, self.threads, self.size = send, max(1, threads), max(1, size)
        self._lock = threading.Lock()
        self._pid = None
        self._queue = None
        self._busy = 0  # hand-offs queued or being sent
        self._idle = threading.Condition(self._lock)
        _LIVE.add(self)

    def _start(self):
        """The queue and threads of this process (made afresh after a fork). Holds the lock."""
        if self._pid != os.getpid():
            self._pid, self._queue, self._busy = os.getpid(), queue.Queue(self.size), 0
            for number in range(self.threads):
                threading.Thread(target=_work, args=(weakref.ref(self), self._queue), daemon=True,
                                 name=f"sms-hand-off-{number}").start()
        return self._queue

    def submit(self, ids):
        """Queue these ids without ever waiting; False (they stay for the dispatcher) if full."""
        with self._lock:
            try:
                self._start().put_nowait(list(ids))
            except queue.Full:
                log.warning("texts %s: the hand-off queue is full; the dispatcher will send them",
                            ids)
                return False
            self._busy += 1
            return True

    def _send(self, ids):
        try:
            self.send(ids)
        except Exception:
            log.exception("texts %s: not sent by the hand-off; the dispatcher will", ids)
        finally:
            with self._lock:
                self._busy -= 1
                self._idle.notify_all()

    def wait(self, seconds=10):
        """Until every hand-off so far has been tried, or `seconds` pass (tests; process exit).
        True if nothing is left."""
        deadline = time.monotonic() + seconds
        with self._lock:
            if self._pid != os.getpid():
                return True  # nothing was handed off in this process
            while self._busy and time.monotonic() < deadline:
                self._idle.wait(max(0.0, deadline - time.monotonic()))
            return not self._busy


@atexit.register
def _wait_at_exit():
    """A stopping process gives its queued texts EXIT_SECONDS in all, then goes."""
    deadline = time.monotonic() + EXIT_SECONDS
    for hand_off in list(_LIVE):
        hand_off.wait(max(0.0, deadline - time.monotonic()))


def _work(owner, work):
    """A sending thread: holds its hand-off weakly, so an app that is gone (tests make many)
    lets its idle threads end."""
    while True:
        try:
            ids = work.get(timeout=30)
        except queue.Empty:
            if owner() is None:
                return
            continue
        hand_off = owner()
        if hand_off is None:
            return
        hand_off._send(ids)  # noqa: SLF001 - the thread is the hand-off's own
        del hand_off
