"""Supervised worker processes for a batch: each runs one document at a time, and the batch outlives any of them.

A plain process pool cannot stop one task: a document stuck inside MuPDF's C code ignores signals and deadlines,
and a worker killed by the kernel (out of memory, a crash in a C library) breaks the whole pool. Here each worker
has its own pipe, so the batch knows which document each one holds and since when:
- a worker says when it is ready (its imports done) and when it starts a job, and a job's clock starts then: a
  worker slow to start on a busy machine is never charged for it;
- a worker still busy `grace` seconds after its document's time limit is killed, with its Tesseract processes
  (each worker leads its own process group), and the document is reported as timed out;
- a worker that dies is reported as a crash of the document it held;
- either way a new worker takes its place and the batch goes on;
- a job may report progress (`report`) while it runs; the supervisor hands it to `progress`.
Workers start from a clean interpreter (forkserver), so they inherit no open files, locks or threads of the batch.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

R = TypeVar("R")
POLL = 0.5  # seconds between checks of the workers' time limits
STARTUP = 300.0  # seconds a worker may take to be ready (imports on a very busy machine) before it is replaced
MAX_FAILED_STARTS = 3  # workers that die before they are ready, in a row, before the batch gives up on them

_pipe: Connection | None = None  # in a worker: its pipe to the batch, for `report`
_pipe_lock = threading.Lock()  # OCR threads of one job may report at once


def report(payload: Any) -> None:
    """Send progress of the current job to the batch (nothing happens outside a supervised worker)."""
    if _pipe is None:
        return
    with _pipe_lock, contextlib.suppress(OSError, ValueError):  # the batch is gone: the job ends on its own
        _pipe.send(("progress", payload))


def in_worker() -> bool:
    return _pipe is not None


def _serve(conn: Connection, fn: Callable[..., Any], memory_mb: int, preload: tuple[str, ...]) -> None:
    """A worker's loop: import what the jobs need, say so, then receive a job, send back fn(*job); None ends it."""
    global _pipe
    for module in preload:  # before the first job, so a job's time limit never pays for the imports
        importlib.import_module(module)
    os.setpgrp()  # its own process group: killing it also kills its Tesseract processes; Ctrl-C is the batch's
    _die_with_parent()
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _pipe = conn
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        with _pipe_lock:
            conn.send(("start", None))
        answer = fn(*job)
        with _pipe_lock:
            conn.send(("answer", answer))


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent (the forkserver, which ends with the batch) dies,
    so a batch killed outright leaves no worker behind."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: an orphaned worker ends at its next job, when the pipe to the batch is gone


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (of a context)
    conn: Connection
    born: float  # time.monotonic() when it was started
    ready: bool = False
    job: tuple[Any, ...] | None = None
    started: float | None = None  # when the worker said it started its job

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass
class Supervisor(Generic[R]):
    """Runs `fn(*job)` for every job in `workers` processes and yields the answers as they come, in any order.

    `lost(job, code, message)` makes the answer for a job whose worker was killed (`timeout`) or died (`crashed`).
    `limit(job)` is the job's own time limit in seconds (0: none); its worker is killed `grace` seconds after it,
    counted from when the worker started the job. `progress(job, payload)` receives what a job `report`s.
    """

    fn: Callable[..., R]
    lost: Callable[[tuple[Any, ...], str, str], R]
    workers: int
    limit: Callable[[tuple[Any, ...]], float] = lambda job: 0.0
    grace: float = 30.0
    memory_mb: int = 0  # address-space limit of each worker (0: none)
    preload: tuple[str, ...] = ()  # modules the forkserver imports once, so each worker starts with them
    progress: Callable[[tuple[Any, ...], Any], None] | None = None
    _pool: list[_Worker] = field(default_factory=list)
    _failed_starts: int = 0

    def run(self, jobs: list[tuple[Any, ...]]) -> Iterator[R]:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(self.preload))  # takes effect when the forkserver first starts
        todo = list(reversed(jobs))
        try:
            while todo or any(w.job is not None for w in self._pool):
                while len(self._pool) < min(self.workers, len(todo) + self._busy()):
                    self._pool.append(self._start(ctx))
                for worker in self._pool:
                    if worker.ready and worker.job is None and todo:
                        worker.job, worker.started = todo.pop(), None
                        with contextlib.suppress(OSError):  # it just died: _collect finds its pipe closed
                            worker.conn.send(worker.job)
                yield from self._collect(ctx, todo)
        finally:
            for worker in self._pool:
                worker.kill()
            self._pool.clear()

    def _busy(self) -> int:
        return sum(w.job is not None for w in self._pool)

    def _start(self, ctx: Any) -> _Worker:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(child, self.fn, self.memory_mb, self.preload), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent, time.monotonic())

    def _replace(self, ctx: Any, worker: _Worker) -> None:
        worker.kill()
        self._pool[self._pool.index(worker)] = self._start(ctx)

    def _collect(self, ctx: Any, todo: list[tuple[Any, ...]]) -> Iterator[R]:
        by_conn = {w.conn: w for w in self._pool if not w.ready or w.job is not None}
        for ready in wait(list(by_conn), timeout=POLL):
            worker = by_conn[ready]  # type: ignore[index]
            try:
                while worker.conn.poll():
                    answer = self._message(worker)
                    if answer is not None:
                        yield answer[0]
                        break
            except (EOFError, OSError):
                yield from self._died(ctx, worker, todo)
        yield from self._overdue(ctx, todo)

    def _message(self, worker: _Worker) -> tuple[R] | None:
        """Handle one message from a worker; its answer (in a 1-tuple) when the message is one."""
        kind, payload = worker.conn.recv()
        if kind == "ready":
            worker.ready, self._failed_starts = True, 0
        elif kind == "start":
            worker.started = time.monotonic()
        elif kind == "progress" and self.progress is not None and worker.job is not None:
            self.progress(worker.job, payload)
        elif kind == "answer":
            worker.job, worker.started = None, None
            return (payload,)
        return None

    def _died(self, ctx: Any, worker: _Worker, todo: list[tuple[Any, ...]]) -> Iterator[R]:
        worker.process.join(5)  # reap it, to learn how it died
        code = worker.process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        job = worker.job
        self._replace(ctx, worker)
        if job is not None:
            yield self.lost(job, "crashed", f"the worker process died ({how}) while reading this document")
        else:
            yield from self._no_start(todo, f"worker processes die before they start ({how})")

    def _no_start(self, todo: list[tuple[Any, ...]], message: str) -> Iterator[R]:
        """A worker that never got ready; after a few in a row, every job left is lost with the reason."""
        self._failed_starts += 1
        if self._failed_starts >= MAX_FAILED_STARTS:
            while todo:
                yield self.lost(todo.pop(), "crashed", message)

    def _overdue(self, ctx: Any, todo: list[tuple[Any, ...]]) -> Iterator[R]:
        now = time.monotonic()
        for worker in list(self._pool):
            if not worker.ready and now - worker.born > STARTUP:
                self._replace(ctx, worker)
                yield from self._no_start(todo, f"worker processes were not ready after {STARTUP:g} s")
                continue
            if worker.job is None or worker.started is None:
                continue
            limit = self.limit(worker.job)
            if limit > 0 and now - worker.started > limit + self.grace:
                job = worker.job
                self._replace(ctx, worker)
                yield self.lost(job, "timeout", f"took longer than --timeout {limit:g} s; its worker was stopped")
