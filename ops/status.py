"""What `deals status` and `deals events` report, as plain data."""

from __future__ import annotations

import json
from typing import Iterator

from store.errors import ConfigError
from store.events import RecordedEvent
from store.log import Store
from store.projections import ALL
from store.replay import lag

STALE_AFTER = 10  # runs in a row without a new article before a source is called silent


def collect(store: Store, stale_after: int = STALE_AFTER) -> dict:
    conn = store.conn
    report = {
        "db": store.path,
        "size_bytes": store.size_bytes(),
        "events": store.last_seq(),
        "events_by_type": store.counts_by_type(),
        "projections": {p.name: lag(store, p) for p in ALL},
        "last_crawl": None,
        "last_run": last_run(store),
        "sources": {},
    }
    if _has_table(conn, "crawl_runs"):
        row = conn.execute(
            "SELECT run_id, started_at, finished_at, outcome, sources FROM crawl_runs"
            " ORDER BY COALESCE(started_at, finished_at) DESC LIMIT 1"
        ).fetchone()
        if row:
            report["last_crawl"] = {
                "run_id": row[0],
                "started_at": row[1],
                "finished_at": row[2],
                "outcome": row[3],
                "sources": json.loads(row[4]) if row[4] else None,
            }
    if _has_table(conn, "source_health"):
        for row in conn.execute(
            "SELECT source, runs, last_success, last_failure, last_error,"
            " consecutive_failures, runs_without_new, last_new, articles FROM source_health"
            " ORDER BY source"
        ):
            health = dict(
                zip(
                    (
                        "runs",
                        "last_success",
                        "last_failure",
                        "last_error",
                        "consecutive_failures",
                        "runs_without_new",
                        "last_new",
                        "articles",
                    ),
                    row[1:],
                )
            )
            health["silent"] = health["runs_without_new"] >= stale_after
            report["sources"][row[0]] = health
    return report


def status_text(report: dict) -> str:
    lines = [
        f"database   {report['db']} ({report['size_bytes'] / 1e6:.1f} MB, "
        f"{report['events']} events)"
    ]
    for event_type, count in report["events_by_type"].items():
        lines.append(f"  {event_type:<20} {count:>9}")
    crawl = report["last_crawl"]
    if crawl:
        lines.append(
            f"last crawl {crawl['run_id']} started "
            f"{_second(crawl['started_at'])} UTC, {crawl['outcome']}"
        )
    else:
        lines.append("last crawl none")
    run = report["last_run"]
    if run and run["finished"]:
        lines.append(
            f"last run   {run['run_id']} finished {_second(run.get('finished_at'))} UTC,"
            f" exit {run.get('exit_code')}: {run.get('new_articles', 0)} new articles,"
            f" {run.get('new_deals', 0)} new deals"
        )
    elif run:
        lines.append(
            f"last run   {run['run_id']} started {_second(run['started_at'])} UTC and "
            "did not finish (killed?): the next run completes it"
        )
    lines.append("projections (events behind)")
    for name, behind in report["projections"].items():
        lines.append(f"  {name:<20} {behind:>9}")
    if report["sources"]:
        lines.append("sources")
        for name, s in report["sources"].items():
            state = (
                "ok"
                if not s["consecutive_failures"]
                else (f"FAILING x{s['consecutive_failures']}: {s['last_error']}")
            )
            lines.append(
                f"  {name:<28} {s['articles']:>6} articles, last ok "
                f"{_second(s['last_success']) if s['last_success'] else 'never'}, {state}"
            )
            if s["silent"]:
                lines.append(
                    f"  WARNING {name}: no new article in {s['runs_without_new']} runs "
                    f"(last new {(s['last_new'] or 'never')[:10]}): check its URL"
                )
    return "\n".join(lines)


def last_run(store: Store) -> dict | None:
    """The latest `deals run`: its summary, or `finished: false` when it never finished."""
    row = store.conn.execute(
        "SELECT seq, data FROM events WHERE type = 'RunStarted' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    started = json.loads(row[1])
    done = store.conn.execute(
        "SELECT data FROM events WHERE type = 'RunFinished' AND seq > ?"
        " AND json_extract(data, '$.run_id') = ? LIMIT 1",
        (row[0], started["run_id"]),
    ).fetchone()
    summary = json.loads(done[0]) if done else {}
    return {
        "run_id": started["run_id"],
        "started_at": started.get("started_at"),
        "finished": done is not None,
        **summary,
    }


def check_event_types(store: Store, types) -> None:
    """Every name in `types` is an event type (registered, or in this log): else a one-line
    ConfigError naming the known types."""
    from store.events import REGISTRY

    known = sorted(set(REGISTRY) | set(store.counts_by_type()))
    for name in types or ():
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(
                f"--type {name!r}: no such event type ({hint}known types: {', '.join(known)})"
            )


def read_events(store: Store, *, types=None, tail=None, after=0) -> Iterator[RecordedEvent]:
    if tail:
        # start at the N-th event from the end (one indexed lookup), not by reading them all
        where, params = "seq > ?", [after]
        if types:
            types = list(types)
            where += f" AND type IN ({','.join('?' * len(types))})"
            params += types
        row = store.conn.execute(
            f"SELECT seq FROM events WHERE {where} ORDER BY seq DESC LIMIT 1 OFFSET ?",
            [*params, tail - 1],
        ).fetchone()
        after = row[0] - 1 if row else after
    return store.read(after, types=types)


def _second(stamp: str | None) -> str:
    return (stamp or "?")[:19].replace("T", " ")


def _has_table(conn, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )
