"""Pure-Python work of a batch shared with worker processes, on the machine's other cores.

Extraction reads a batch's documents with no database and no shared state: each document's
text in, its candidates out. `share(fn, jobs, weights)` runs `fn(*job)` for every job and
returns the results in order (`submit` does the same in two steps, and `Shared.add` hands jobs
over one chunk at a time, as they come); when workers have been started, they take the chunks
from the front while this process works through them from the back, taking back any chunk no
worker has begun (so a slow or busy worker never leaves this process waiting long).

Workers are opt-in: a long command (`territoria ingest` or `territoria extract` of more than
one batch) calls `start(setup)`, and `stop()` at its end; nothing else does (a web process
reads its single uploads itself). They
are new processes (spawned, not forked: a fork shares every page of this big process, and both
sides then paid to copy each page they wrote, which cost this process more than the worker
saved it), each running `setup` once to load what it needs, in the background: until a worker
is ready, batches are read here. Each job and its result travel by pickle, so they should be
small beside the work: a batch below MIN_WEIGHT is read here. If a worker dies, its chunks are
read here and the workers are not used again; a job's own exception is raised here as it would
be without workers.

TERRITORIA_WORKERS sets the number of workers: by default one fewer than the cores, at most
3; 0 turns them off.
"""

import logging
import multiprocessing
import os
import sys
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

logger = logging.getLogger(__name__)

MIN_WEIGHT = 40_000  # below this total weight (characters), a batch is read here: the trip costs more than it saves
CHUNKS_PER_PROCESS = 8  # a batch is cut into this many chunks per process, for the processes to share out
_pool: ProcessPoolExecutor | None = None
_ready: list[Future] = []


def workers() -> int:
    configured = os.environ.get("TERRITORIA_WORKERS", "").strip()
    if configured:
        if not configured.isdigit():
            raise ValueError(f"TERRITORIA_WORKERS must be a whole number of processes (0 for none), not {configured!r}")
        return int(configured)
    return max(0, min((os.cpu_count() or 1) - 1, 3))


def start(setup: str | None = None, wait: bool = False) -> bool:
    """Start the workers, if not started yet: each sets Django up and runs the function at the
    dotted path `setup`. `wait`: return once they are ready (benchmarks; a command goes on
    reading its first files meanwhile). Whether there are workers."""
    global _pool
    if _pool is None and workers() > 0:
        _pool = ProcessPoolExecutor(max_workers=workers(), mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_setup, initargs=(setup,))
        with _main_hidden():  # the workers are spawned by these first submissions
            _ready[:] = [_pool.submit(int) for _ in range(workers())]
    if _pool is not None and wait:
        for future in _ready:
            future.exception()
    return _pool is not None


@contextmanager
def _main_hidden():
    """A spawned process first runs the caller's main script again (its `if __name__ ==
    "__main__"` guard aside): the workers need nothing of it, and a script without the guard
    would start over in each one. Hidden from multiprocessing while the workers start."""
    main = sys.modules.get("__main__")
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if main is not None and name in main.__dict__}
    if main is not None:
        main.__dict__.pop("__file__", None)
        main.__spec__ = None
    try:
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)


def stop() -> None:
    """Stop the workers at the end of a command: at once if they are still loading (a short
    run should not wait a second for them at exit), else as `shutdown`."""
    if _pool is not None and not ready():
        for process in list(getattr(_pool, "_processes", {}).values()):
            process.terminate()
    shutdown()


def shutdown() -> None:
    """Stop the workers, once they have finished what they are doing."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def _setup(path: str | None) -> None:
    import django
    from django.utils.module_loading import import_string

    django.setup()
    if path:
        import_string(path)()


def _run(fn, jobs: list) -> list:
    return [fn(*job) for job in jobs]


def _chunks(weights: list[int], count: int) -> list[range]:
    """Consecutive jobs in about `count` chunks of about equal weight."""
    target, chunks, start, acc = sum(weights) / count, [], 0, 0
    for i, weight in enumerate(weights):
        acc += weight
        if acc >= target:
            chunks.append(range(start, i + 1))
            start, acc = i + 1, 0
    if start < len(weights):
        chunks.append(range(start, len(weights)))
    return chunks


class Shared:
    """Jobs under way, in chunks, each a worker's or this process's. `results()` reads what no
    worker has taken, waits for the rest and returns the results in order."""

    def __init__(self, fn):
        self.fn = fn
        self.jobs: list[tuple] = []
        self.chunks: list[tuple[range, Future | None]] = []  # (job indexes, the worker's future or None)

    @property
    def sent(self) -> bool:
        """Whether workers have some of the jobs."""
        return any(future is not None for _, future in self.chunks)

    def add(self, jobs: list[tuple], send: bool = True) -> None:
        """Append jobs as one chunk, handed to the workers if `send` and they are ready."""
        global _pool
        start = len(self.jobs)
        self.jobs.extend(jobs)
        future = None
        if send and ready():
            try:
                future = _pool.submit(_run, self.fn, list(jobs))
            except RuntimeError:  # the pool broke since the last batch
                _pool = None
        self.chunks.append((range(start, len(self.jobs)), future))

    def results(self, wanted=None) -> list:
        """The results of the jobs at the `wanted` indexes (all by default), in order: the
        chunks no worker has begun are taken back from the end and read here, while the
        workers go on from the front; chunks with no wanted job are dropped."""
        wanted = set(range(len(self.jobs))) if wanted is None else set(wanted)
        live = []
        for chunk, future in self.chunks:
            if any(i in wanted for i in chunk):
                live.append(([i for i in chunk], future))
            elif future is not None:
                future.cancel()
        results: dict[int, object] = {}
        here = set()
        for k in reversed(range(len(live))):
            indexes, future = live[k]
            if future is not None and not future.cancel():
                break
            results.update(self._here(indexes, wanted))
            here.add(k)
        for k, (indexes, future) in enumerate(live):
            if k in here:
                continue
            if future is None:
                results.update(self._here(indexes, wanted))
                continue
            try:
                results.update((i, found) for i, found in zip(indexes, _outcome(future)) if i in wanted)
            except Exception as problem:  # the worker died, or a job or its result would not pickle: read here
                logger.warning("a worker failed (%s: %s); its share is read in this process", type(problem).__name__, problem)
                _forget_broken()
                results.update(self._here(indexes, wanted))
        return [results[i] for i in sorted(wanted)]

    def _here(self, indexes: list[int], wanted: set[int]):
        mine = [i for i in indexes if i in wanted]
        return zip(mine, _run(self.fn, [self.jobs[i] for i in mine]))


def ready() -> bool:
    """Whether workers are started and ready."""
    return _pool is not None and all(future.done() for future in _ready)


def _forget_broken() -> None:
    global _pool
    if _pool is not None and getattr(_pool, "_broken", False):
        _pool = None


def _outcome(future: Future):
    """The future's result, or BrokenProcessPool if its worker died. Not a plain `result()`, which
    relies on the executor to fail every pending future: Python 3.11's stops at the first one
    this process took back (cancelled), so that a wait could last for ever."""
    while True:
        try:
            return future.result(timeout=0.5)
        except TimeoutError:
            pool = _pool
            thread = getattr(pool, "_executor_manager_thread", None)
            if pool is None or getattr(pool, "_broken", False) or (thread is not None and not thread.is_alive()):
                raise BrokenProcessPool("a worker stopped") from None


def submit(fn, jobs: list[tuple], weights: list[int]) -> Shared:
    """Hand the jobs to the started workers, chunk by chunk, if they are ready and the batch is
    worth it; the caller goes on with other work, then calls `results()`. `fn` must be a
    module-level function; jobs and results must pickle."""
    shared = Shared(fn)
    if not ready() or len(jobs) < 2 or sum(weights) < MIN_WEIGHT:
        shared.add(jobs, send=False)
        return shared
    for chunk in _chunks(weights, CHUNKS_PER_PROCESS * (workers() + 1)):
        shared.add([jobs[i] for i in chunk])
    return shared


def share(fn, jobs: list[tuple], weights: list[int]) -> list:
    """[fn(*job) for job in jobs], with the started workers' help."""
    return submit(fn, jobs, weights).results()
