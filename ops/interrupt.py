"""SIGINT and SIGTERM as an exception raised where the work is, so a stop is prompt and clean.

Inside a write transaction the exception rolls it back (the store catches BaseException); the
command then says what was kept and exits 130 (SIGINT) or 143 (SIGTERM). Scrapy's crawl keeps
its own graceful handlers while it runs; `crawler.run` turns what they saw into the same error.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

from store.errors import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _raise(signum, frame):
    raise Interrupted(signum)


@contextmanager
def interruptible():
    """Raise `Interrupted` on SIGINT or SIGTERM until the block ends."""
    previous = {s: signal.signal(s, _raise) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def signal_name(signum: int) -> str:
    return signal.Signals(signum).name
