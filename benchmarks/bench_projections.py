"""Projection speed with the deals' full-text index against the same projections without it.

Usage: python benchmarks/bench_projections.py [--deals N] [--companies N] [--rounds N]
       [--increment N]

Builds a log of N deals (the generator of bench_query.py: a fifth reported twice), then, in
each round, times on the same file:

- a full `replay` of every projection without the index (the baseline: the projections as
  they were before it) and with it (`deal_search` filled, its FTS5 table kept by triggers);
- an incremental catch-up of `--increment` new articles on top of that log, without and with.

Rounds alternate the two sides; the medians and the ratio are printed (aim: at most 1.10).
sqlite-utils is imported before timing: a process pays that once (about 0.3 s), not per
catch-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_query import generate  # noqa: E402

from store import Store  # noqa: E402
from store.replay import catch_up, replay  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def incremental(store: Store, events: list, index: bool) -> float:
    """Append `events` and time the catch-up; then take them out of the log again."""
    head = store.last_seq()
    store.append(events)
    seconds = timed(lambda: catch_up(store, index=index))
    with store.transaction() as conn:
        conn.execute("DELETE FROM events WHERE seq > ?", (head,))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--companies", type=int, default=4_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--increment", type=int, default=200)
    args = parser.parse_args()
    events = list(generate(args.deals + args.increment, args.companies))
    # the last `increment` deals' events come after the main log (repeats are left out)
    split = 2 * args.deals
    base, extra = events[:split], events[split : 2 * (args.deals + args.increment)]
    import sqlite_utils  # noqa: F401  (see the docstring)

    sides = {"without index": False, "with index": True}
    full = {name: [] for name in sides}
    step = {name: [] for name in sides}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        store.append(base)
        print(
            f"log: {store.last_seq():,} events ({args.deals:,} deals, "
            f"{args.companies:,} companies); {args.rounds} rounds, sides alternating"
        )
        for round_ in range(args.rounds):
            order = list(sides.items())
            if round_ % 2:
                order.reverse()
            for name, index in order:
                full[name].append(timed(lambda: replay(store, index=index)))
                step[name].append(incremental(store, extra, index))
        deals = store.conn.execute("SELECT COUNT(*) FROM deals").fetchone()[0]
        indexed = store.conn.execute("SELECT COUNT(*) FROM deal_search").fetchone()[0]
    print(f"deals projected: {deals:,}; indexed in deal_search: {indexed:,}")
    print(f"{'measure':<36} {'without':>9} {'with':>9} {'ratio':>6}")
    for label, table in (
        ("replay, all projections", full),
        (f"catch-up of {args.increment} new articles", step),
    ):
        a, b = (statistics.median(table[n]) for n in sides)
        print(f"{label:<36} {a:>8.2f}s {b:>8.2f}s {b / a:>6.3f}")


if __name__ == "__main__":
    main()
