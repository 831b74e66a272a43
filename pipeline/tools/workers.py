"""Supervised worker processes for a batch: each runs one document at a time, and the batch outlives any of them.

A plain process pool cannot stop one task: a document stuck inside MuPDF's C code ignores signals and deadlines,
and a worker killed by the kernel (out of memory, a crash in a C library) breaks the whole pool. Here each worker
has its own pipe, so the batch knows which document each one holds and since when:
- a worker still busy `grace` seconds after its document's time limit is killed, with its Tesseract processes
  (each worker leads its own process group), and the document is reported as timed out;
- a worker that dies is reported as a crash of the document it held;
- either way a new worker takes its place and the batch goes on.
Workers start from a clean interpreter (forkserver), so they inherit no open files, locks or threads of the batch.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

R = TypeVar("R")
POLL = 0.5  # seconds between checks of the workers' time limits


def _serve(conn: Connection, fn: Callable[..., Any], memory_mb: int, preload: tuple[str, ...]) -> None:
    """A worker's loop: import what the jobs need, then receive a job, send back fn(*job); None ends it."""
    for module in preload:  # before the first job, so a job's time limit never pays for the imports
        importlib.import_module(module)
    os.setpgrp()  # its own process group: killing it also kills its Tesseract processes; Ctrl-C is the batch's
    _die_with_parent()
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(fn(*job))


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
    job: tuple[Any, ...] | None = None
    started: float = 0.0

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
    `limit(job)` is the job's own time limit in seconds (0: none); its worker is killed `grace` seconds after it.
    """

    fn: Callable[..., R]
    lost: Callable[[tuple[Any, ...], str, str], R]
    workers: int
    limit: Callable[[tuple[Any, ...]], float] = lambda job: 0.0
    grace: float = 30.0
    memory_mb: int = 0  # address-space limit of each worker (0: none)
    preload: tuple[str, ...] = ()  # modules the forkserver imports once, so each worker starts with them
    _pool: list[_Worker] = field(default_factory=list)

    def run(self, jobs: list[tuple[Any, ...]]) -> Iterator[R]:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(self.preload))  # takes effect when the forkserver first starts
        todo = list(reversed(jobs))
        try:
            while todo or any(w.job is not None for w in self._pool):
                while todo and len(self._pool) < self.workers:
                    self._pool.append(self._start(ctx))
                for worker in self._pool:
                    if worker.job is None and todo:
                        worker.job, worker.started = todo.pop(), time.monotonic()
                        worker.conn.send(worker.job)
                yield from self._collect(ctx)
        finally:
            for worker in self._pool:
                worker.kill()
            self._pool.clear()

    def _start(self, ctx: Any) -> _Worker:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(child, self.fn, self.memory_mb, self.preload), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _collect(self, ctx: Any) -> Iterator[R]:
        busy = {w.conn: w for w in self._pool if w.job is not None}
        for ready in wait(list(busy), timeout=POLL):
            worker = busy[ready]  # type: ignore[index]
            conn = worker.conn
            job, worker.job = worker.job, None
            assert job is not None
            try:
                answer: R = conn.recv()
                yield answer
            except (EOFError, OSError):
                worker.process.join(5)  # reap it, to learn how it died
                code = worker.process.exitcode
                worker.kill()
                self._pool[self._pool.index(worker)] = self._start(ctx)
                how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                yield self.lost(job, "crashed", f"the worker process died ({how}) while reading this document")
        now = time.monotonic()
        for i, worker in enumerate(self._pool):
            limit = self.limit(worker.job) if worker.job is not None else 0.0
            if worker.job is not None and limit > 0 and now - worker.started > limit + self.grace:
                job = worker.job
                worker.kill()
                self._pool[i] = self._start(ctx)
                yield self.lost(job, "timeout", f"took longer than --timeout {limit:g} s; its worker was stopped")
