"""Append 1,000,000 small events in batches and replay them; baseline: raw sqlite3 executemany.

Usage: python benchmarks/bench_store.py [--events N] [--batch N]
Prints events/s for the log and for plain executemany into an equivalent table, and the ratio.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store import NewEvent, Store  # noqa: E402
from store.projections.base import Projection, handles  # noqa: E402
from store.replay import replay  # noqa: E402
from store.schema import MIGRATIONS  # noqa: E402


class RunCounts(Projection):
    """A simple projection: how many times each run id was seen."""

    name = "bench_runs"
    tables = {
        "bench_runs": "CREATE TABLE IF NOT EXISTS bench_runs "
        "(run_id TEXT PRIMARY KEY, n INTEGER NOT NULL)"
    }

    @handles("CrawlStarted")
    def started(self, conn, event):
        conn.execute(
            "INSERT INTO bench_runs VALUES (?, 1) ON CONFLICT (run_id) DO UPDATE SET n = n + 1",
            (event.data["run_id"][:3],),
        )


def batches(n: int, size: int, streams: int = 1000):
    """Small events spread over `streams` streams, `size` at a time."""
    for first in range(0, n, size):
        yield [
            NewEvent("CrawlStarted", f"crawl:{i % streams}", {"run_id": f"r{i}"})
            for i in range(first, min(first + size, n))
        ]


def bench_log(path: Path, n: int, size: int) -> tuple[float, float]:
    """Time only `append` (hashing, duplicate and version checks, insert, commit)."""
    with Store(path) as store:
        append_s = 0.0
        for batch in batches(n, size):
            start = time.perf_counter()
            store.append(batch, meta={"run_id": "bench"})
            append_s += time.perf_counter() - start
        start = time.perf_counter()
        replay(store, [RunCounts()])
        replay_s = time.perf_counter() - start
    return append_s, replay_s


def bench_raw(path: Path, n: int, size: int) -> float:
    """The same rows (same ids, data and versions) through plain executemany, no checks."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    elapsed = 0.0
    for number, batch in enumerate(batches(n, size)):
        rows = []
        for event in batch:
            event_id, data_json = event.encoded()
            rows.append(
                (
                    event_id,
                    event.type,
                    event.stream,
                    number + 1,
                    data_json,
                    "{}",
                    "2026-01-01T00:00:00+00:00",
                    1,
                )
            )
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events (id, type, stream, version, data, meta,"
            " recorded_at, schema) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
        elapsed += time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw_s = bench_raw(Path(tmp) / "raw.db", args.events, args.batch)
        append_s, replay_s = bench_log(Path(tmp) / "log.db", args.events, args.batch)
    n = args.events
    print(f"events: {n:,} in batches of {args.batch}")
    print(f"raw executemany : {n / raw_s:>10,.0f} events/s ({raw_s:.1f} s)")
    print(f"log append      : {n / append_s:>10,.0f} events/s ({append_s:.1f} s)")
    print(f"ratio log/raw   : {raw_s / append_s:.2f} (aim >= 0.5)")
    print(f"replay          : {n / replay_s:>10,.0f} events/s ({replay_s:.1f} s, aim < 60 s)")


if __name__ == "__main__":
    main()
