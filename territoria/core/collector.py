"""Python's cyclic garbage collector, paused for a batch of work.

Ingesting and extracting a batch allocate millions of small containers that live until the
batch ends (blocks, words, candidates, rows). The collector, which runs every 700 new
containers, scanned them again and again: 12 % of `territoria ingest` with extraction on the
benchmark's synthetic documents (benchmarks/README.md). Reference counting still frees
everything that is not in a cycle at once; the few cycles a batch makes (Django's querysets
and model states) wait for the next collection after it. A batch is bounded (50 files,
20 MB), and so is what waits.
"""

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """No automatic collection inside the block (nested blocks are no-ops)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
