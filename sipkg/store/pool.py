"""Work that can be stopped: a pool of child processes, one job each at a time.

The query engine cannot cancel a query, so a query runs in a child process and a query
past its time-out is stopped by killing that process; a fresh one takes its place on
demand. Other requests never wait on a runaway query: each has its own child.

A job is a module-level function `fn(state, *args)`; `state` is a dict that lives as long
as the child does (where a job keeps its open store handles). What the function returns,
or raises, comes back to the caller.
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from queue import Empty, LifoQueue

from sipkg.store.query import QueryTimeout

_HEADER = struct.Struct("!Q")


class PoolBusy(RuntimeError):
    """Every child is busy and none came free in time."""


class WorkerDied(RuntimeError):
    """The child running a job died (killed from outside, or out of memory)."""


def _read(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the other end closed the pipe")
    return data


def _send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream):
    (size,) = _HEADER.unpack(_read(stream, _HEADER.size))
    return pickle.loads(_read(stream, size))


def main() -> None:
    """A child: read (fn, args) from stdin, write (ok, value) to stdout, until stdin closes."""
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but replies on the reply pipe
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    state: dict = {}
    while True:
        try:
            fn, args = _receive(requests)
        except EOFError:
            return
        try:
            reply = (True, fn(state, *args))
        except Exception as e:  # noqa: BLE001 — the caller decides what each error means
            reply = (False, e)
        _send(replies, reply)


def _exit_with(parent: int, every: float = 0.5) -> None:
    """In a child: end this process once its parent is gone (killed, so it could not stop us).

    A closed stdin tells an idle child to go, but one busy with a long query would otherwise
    run on, orphaned, until the query ends.
    """
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


class _Worker:
    """A child process started afresh (not forked from a threaded server), speaking over its stdin/stdout."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sipkg.store.pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, fn: Callable, args: tuple) -> None:
        _send(self.process.stdin, (fn, args))

    def wait(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        return bool(ready)

    def receive(self):
        return _receive(self.process.stdout)

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class Pool:
    """At most `size` children; a job waits at most `wait` seconds for a free one."""

    def __init__(self, size: int, wait: float = 30.0):
        self.size = size
        self.wait = wait
        self._idle: LifoQueue[_Worker] = LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0  # children stopped for running past their time-out
        _POOLS.add(self)

    def run(self, timeout: float, fn: Callable, *args):
        """fn(state, *args) in a child; QueryTimeout after `timeout` seconds, the child killed."""
        if not self._slots.acquire(timeout=self.wait):
            raise PoolBusy(f"all {self.size} query processes are busy")
        worker = None
        try:
            worker = self._take()
            started = time.monotonic()
            worker.send(fn, args)
            if not worker.wait(timeout):
                self._drop(worker)
                worker = None
                with self._lock:
                    self.killed += 1
                raise QueryTimeout(
                    f"the query ran past the time-out of {timeout:g} s "
                    f"(stopped after {time.monotonic() - started:.1f} s)"
                )
            try:
                ok, value = worker.receive()
            except (EOFError, OSError):
                self._drop(worker)
                worker = None
                raise WorkerDied("the query process died while running this query") from None
            self._idle.put(worker)
            worker = None
            if ok:
                return value
            raise value
        finally:
            if worker is not None:  # an error while sending: the child's state is unknown
                self._drop(worker)
            self._slots.release()

    def _take(self) -> _Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except Empty:
                worker = _Worker()
                with self._lock:
                    self._workers.add(worker)
                return worker
            if worker.alive():
                return worker
            self._drop(worker)

    def _drop(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._workers]

    def close(self) -> None:
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()


_POOLS: weakref.WeakSet[Pool] = weakref.WeakSet()


@atexit.register
def close_all() -> None:
    """Stop every child of this process's pools (at exit, or when a server process stops)."""
    for pool in list(_POOLS):
        pool.close()


if __name__ == "__main__":
    main()
