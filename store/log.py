"""The append-only event log and content-addressed blobs in one SQLite file."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from store.errors import (
    ConcurrencyError,
    DatabaseMissing,
    NotADatabase,
    SchemaTooNew,
    from_sqlite,
)
from store.events import NewEvent, RecordedEvent
from store.schema import MIGRATIONS, SCHEMA_VERSION
from store.version import __version__

_COLUMNS = "seq, id, type, stream, version, data, meta, recorded_at, schema"
_CHUNK = 500  # ids per IN (...) lookup, under SQLite's variable limit


def default_db_path() -> Path:
    """`DEALS_DB`, else `$XDG_DATA_HOME/deals/deals.db`, else `~/.local/share/deals/deals.db`."""
    if os.environ.get("DEALS_DB"):
        return Path(os.environ["DEALS_DB"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "deals" / "deals.db"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class Store:
    """One deals database. `create=False` is for read commands: a missing file is an error."""

    def __init__(
        self,
        path: str | os.PathLike = ":memory:",
        *,
        create: bool = True,
        timeout: float | None = None,
    ):
        if timeout is None:
            timeout = float(os.environ.get("DEALS_BUSY_TIMEOUT", "10"))
        self.path = str(path)
        self._depth = 0
        self._heads: dict[str, int] = {}
        self._heads_at = -1
        memory = self.path == ":memory:"
        if not memory:
            _check_file(Path(self.path), create)
        try:
            self.conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not memory:
                self._use_wal(timeout)
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.Error as exc:
            raise from_sqlite(exc, self.path) from None

    def _use_wal(self, timeout: float) -> None:
        """Switch a new database to WAL. The switch needs the file to itself, and SQLite does
        not wait for it as it waits for a write lock: a process creating the same database at
        the same moment makes it fail at once, so it is retried until the busy timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc).lower() or "busy" in str(exc).lower()
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"database {self.path} has schema v{current}, newer than this deals supports "
                f"(v{SCHEMA_VERSION}): upgrade compute-deals"
            )
        if current == SCHEMA_VERSION:
            return
        with self.transaction():
            # again, under the write lock: another process may have migrated it meanwhile
            current = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self):
        """One write transaction (BEGIN IMMEDIATE); nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------------

    def append(
        self,
        events: NewEvent | Iterable[NewEvent],
        *,
        expected_version: int | None = None,
        meta: dict | None = None,
        now: str | None = None,
    ) -> list[int]:
        """Append all events or none; returns each event's position in the log.

        An event already in the log (same id) is not written again: its existing position is
        returned. `expected_version` is the version the (single) stream must be at, checked
        for the events that are new.
        """
        batch = [events] if isinstance(events, NewEvent) else list(events)
        if not batch:
            return []
        unique: dict[str, tuple[NewEvent, str]] = {}
        order = []
        for event in batch:
            event_id, data_json = event.encoded()
            unique.setdefault(event_id, (event, data_json))
            order.append(event_id)
        stamp = (
            json.dumps({"code_version": __version__, **(meta or {})}, sort_keys=True),
            now or utc_now(),
        )
        with self.transaction():
            base = self.last_seq()
            if base != self._heads_at:
                self._heads.clear()
            # Fast path: assume every event is new; the UNIQUE id index says otherwise.
            self.conn.execute("SAVEPOINT append_new")
            try:
                positions = self._insert(unique, base, expected_version, stamp)
                self.conn.execute("RELEASE append_new")
            except (sqlite3.IntegrityError, ConcurrencyError):
                self.conn.execute("ROLLBACK TO append_new")
                self.conn.execute("RELEASE append_new")
                self._heads.clear()
                positions = self._positions(list(unique))
                fresh = {i: pair for i, pair in unique.items() if i not in positions}
                positions.update(self._insert(fresh, base, expected_version, stamp))
            self._heads_at = self.last_seq() if positions else base
        return [positions[event_id] for event_id in order]

    def _insert(
        self,
        fresh: dict[str, tuple[NewEvent, str]],
        base: int,
        expected_version: int | None,
        stamp: tuple[str, str],
    ) -> dict[str, int]:
        """INSERT events given as new, numbering each stream on from its head."""
        if not fresh:
            return {}
        heads = self._stream_heads({event.stream for event, _ in fresh.values()})
        if expected_version is not None:
            if len(heads) > 1:
                raise ValueError("expected_version needs events of a single stream")
            ((stream, head),) = heads.items()
            if head != expected_version:
                raise ConcurrencyError(
                    f"stream {stream} is at version {head}, expected {expected_version}"
                )
        meta_json, recorded_at = stamp
        rows = []
        for event_id, (event, data_json) in fresh.items():
            heads[event.stream] += 1
            rows.append(
                (
                    event_id,
                    event.type,
                    event.stream,
                    heads[event.stream],
                    data_json,
                    meta_json,
                    recorded_at,
                    event.schema_version,
                )
            )
        self.conn.executemany(
            "INSERT INTO events (id, type, stream, version, data, meta, recorded_at, schema)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._heads.update(heads)
        if len(self._heads) > 200_000:
            self._heads.clear()
        return {row[0]: base + i for i, row in enumerate(rows, 1)}

    def _positions(self, ids: list[str]) -> dict[str, int]:
        found = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                self.conn.execute(f"SELECT id, seq FROM events WHERE id IN ({marks})", chunk)
            )
        return found

    def _stream_heads(self, streams: set[str]) -> dict[str, int]:
        """Each stream's current version; cached while no other writer has moved the log."""
        heads = {s: self._heads[s] for s in streams if s in self._heads}
        missing = sorted(streams - heads.keys())
        heads.update(dict.fromkeys(missing, 0))
        ordered = missing
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            heads.update(
                self.conn.execute(
                    f"SELECT stream, MAX(version) FROM events WHERE stream IN ({marks})"
                    " GROUP BY stream",
                    chunk,
                )
            )
        return heads

    def put_blob(self, body: bytes) -> str:
        """Store a raw body once, compressed; returns its sha256."""
        sha = hashlib.sha256(body).hexdigest()
        if not self.has_blob(sha):
            with self.transaction():
                self.conn.execute(
                    "INSERT OR IGNORE INTO blobs (sha256, size, codec, data) VALUES (?, ?, ?, ?)",
                    (sha, len(body), "zlib", zlib.compress(body, 6)),
                )
        return sha

    # -- reading -----------------------------------------------------------------------------

    def has_blob(self, sha: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)).fetchone() is not None
        )

    def get_blob(self, sha: str) -> bytes | None:
        row = self.conn.execute("SELECT codec, data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            return None
        codec, data = row
        return zlib.decompress(data) if codec == "zlib" else bytes(data)

    def stream_version(self, stream: str) -> int:
        row = self.conn.execute(
            "SELECT MAX(version) FROM events WHERE stream = ?", (stream,)
        ).fetchone()
        return row[0] or 0

    def read(
        self,
        after: int = 0,
        *,
        types: Iterable[str] | None = None,
        until: str | None = None,
        stream: str | None = None,
        page: int = 1000,
    ) -> Iterator[RecordedEvent]:
        """Events after position `after`, oldest first, fetched a page at a time.

        `until` (an ISO date or timestamp) keeps only events recorded up to then, for --as-of;
        a bare date means the whole of that day.
        """
        where, params = ["seq > ?"], []
        if types is not None:
            types = list(types)
            where.append(f"type IN ({','.join('?' * len(types))})")
            params.extend(types)
        if until is not None:
            where.append("recorded_at <= ?")
            params.append(until + "T23:59:59.999999+00:00" if len(until) == 10 else until)
        if stream is not None:
            where.append("stream = ?")
            params.append(stream)
        sql = f"SELECT {_COLUMNS} FROM events WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?"
        position = after
        while True:
            rows = self.conn.execute(sql, [position, *params, page]).fetchall()
            for row in rows:
                yield RecordedEvent.from_row(row)
            if len(rows) < page:
                return
            position = rows[-1][0]

    def last_seq(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]

    def latest_positions(self, event_type: str) -> dict[str, int]:
        """Each stream's position of its newest event of `event_type`, without reading the data."""
        return dict(
            self.conn.execute(
                "SELECT stream, MAX(seq) FROM events WHERE type = ? GROUP BY stream", (event_type,)
            )
        )

    def counts_by_type(self) -> dict[str, int]:
        return dict(
            self.conn.execute("SELECT type, COUNT(*) FROM events GROUP BY type ORDER BY type")
        )

    def size_bytes(self) -> int:
        if self.path == ":memory:":
            return 0
        return sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))


def check_database(path: str | os.PathLike) -> None:
    """Open (creating if missing) and close the database: a bad file fails here, before a lock."""
    Store(path).close()


def _check_file(path: Path, create: bool) -> None:
    """Fail early, with a clear line, on a missing path or one that is not a file.

    The file itself is never opened here: closing any descriptor of a database file drops every
    POSIX lock this process holds on it (another Store's), and another process could then think
    it is alone and delete the WAL. SQLite checks the header itself ("file is not a database").
    """
    if path.is_dir():
        raise NotADatabase(f"{path} is a directory, not a deals database")
    if path.exists() and not path.is_file():
        raise NotADatabase(f"{path} is not a regular file, not a deals database")
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise DatabaseMissing(
                f"no database at {path}: run `deals crawl` (or `deals run`) first, or pass --db"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
