"""Contract tests of the event log, run against a file database and an in-memory one."""

import sqlite3
import threading

import pytest

from store import ConcurrencyError, NewEvent, Store


@pytest.fixture(params=["file", "memory"])
def store(request, tmp_path):
    s = Store(tmp_path / "deals.db" if request.param == "file" else ":memory:")
    yield s
    s.close()


def started(run_id, stream="crawl:a"):
    return NewEvent("CrawlStarted", stream, {"run_id": run_id})


def test_append_assigns_increasing_positions_and_stream_versions(store):
    assert store.append([started("1"), started("2"), started("3", "crawl:b")]) == [1, 2, 3]
    events = list(store.read())
    assert [e.seq for e in events] == [1, 2, 3]
    assert [(e.stream, e.version) for e in events] == [
        ("crawl:a", 1),
        ("crawl:a", 2),
        ("crawl:b", 1),
    ]
    assert events[0].data == {"run_id": "1"}


def test_same_event_twice_is_a_no_op_returning_the_first_position(store):
    store.append([started("1"), started("2")])
    assert store.append(started("2"), meta={"run_id": "another run"}) == [2]
    assert store.last_seq() == 2
    # a batch mixing old and new events writes only the new ones
    assert store.append([started("1"), started("9")]) == [1, 3]
    assert store.counts_by_type() == {"CrawlStarted": 3}


def test_duplicates_inside_one_batch_are_written_once(store):
    assert store.append([started("1"), started("1")]) == [1, 1]
    assert store.last_seq() == 1


def test_stale_expected_version_raises_and_writes_nothing(store):
    store.append(started("1"))
    with pytest.raises(ConcurrencyError):
        store.append([started("2"), started("3")], expected_version=0)
    assert store.last_seq() == 1
    assert store.append(started("2"), expected_version=1) == [2]


def test_batch_is_all_or_nothing(store):
    store.append(started("1"))
    bad = NewEvent("CrawlStarted", "crawl:a", {"run_id": "2", "not_json": object()})
    with pytest.raises(TypeError):
        store.append([started("x"), bad])
    assert store.last_seq() == 1
    assert not store.conn.in_transaction


def test_unknown_type_and_missing_fields_are_refused():
    with pytest.raises(ValueError, match="unknown event type"):
        NewEvent("Nope", "s", {})
    with pytest.raises(ValueError, match="lacks run_id"):
        NewEvent("CrawlStarted", "s", {})


def test_read_filters_by_type_position_stream_and_time(store):
    store.append(started("1"), now="2026-01-01T10:00:00+00:00")
    store.append(
        NewEvent("AliasMerged", "curation", {"alias": "AWS", "canonical": "Amazon"}),
        now="2026-01-02T10:00:00+00:00",
    )
    store.append(started("2", "crawl:b"), now="2026-01-03T10:00:00+00:00")
    assert [e.seq for e in store.read(types=["CrawlStarted"])] == [1, 3]
    assert [e.seq for e in store.read(1)] == [2, 3]
    assert [e.seq for e in store.read(stream="crawl:b")] == [3]
    assert [e.seq for e in store.read(until="2026-01-02")] == [1, 2]
    assert [e.seq for e in store.read(until="2026-01-01T23:00:00+00:00")] == [1]


def test_read_streams_across_pages(store):
    store.append([started(str(i)) for i in range(2500)])
    seqs = [e.seq for e in store.read(page=1000)]
    assert seqs == list(range(1, 2501))


def test_blobs_are_stored_once_compressed_and_read_back(store):
    body = b"<html>" + b"GPU " * 10_000 + b"</html>"
    sha = store.put_blob(body)
    assert store.put_blob(body) == sha
    assert store.get_blob(sha) == body
    count, stored = store.conn.execute("SELECT COUNT(*), LENGTH(data) FROM blobs").fetchone()
    assert count == 1 and stored < len(body) / 10
    assert store.get_blob("0" * 64) is None


def test_concurrent_writers_from_two_connections_never_interleave(tmp_path):
    path = tmp_path / "deals.db"
    Store(path).close()
    errors = []

    def writer(name):
        try:
            with Store(path) as s:
                for i in range(50):
                    s.append(
                        [
                            started(f"{name}{i}", f"crawl:{name}"),
                            started(f"{name}{i}b", f"crawl:{name}"),
                        ]
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with Store(path) as s:
        seqs = [e.seq for e in s.read()]
        assert seqs == list(range(1, 201))
        for stream in ("crawl:a", "crawl:b"):
            versions = [e.version for e in s.read(stream=stream)]
            assert versions == list(range(1, 101))
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_database_settings(tmp_path):
    with Store(tmp_path / "deals.db") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_old_event_shape_is_upcast_when_read(tmp_path):
    """A log written by an older version (DocumentFetched v1 named the hash `body_hash`)."""
    path = tmp_path / "old.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO events (id, type, stream, version, data, meta, recorded_at, schema)"
        " VALUES ('old1', 'DocumentFetched', 'doc:http://x/a', 1, ?, '{}',"
        " '2025-01-01T00:00:00+00:00', 1)",
        ('{"source": "x", "url": "http://x/a", "status": 200, "body_hash": "abc"}',),
    )
    conn.commit()
    conn.close()
    with Store(path) as s:
        (event,) = s.read()
        assert event.data["sha256"] == "abc"
        assert event.data["final_url"] == "http://x/a"
        assert "body_hash" not in event.data


def test_latest_positions_name_each_streams_newest_event_of_a_type(store):
    store.append(
        [
            started("r1", "crawl:a"),
            started("r2", "crawl:b"),
            started("r3", "crawl:a"),
            NewEvent("CrawlFinished", "crawl:c", {"run_id": "r4", "sources": {}}),
        ]
    )
    assert store.latest_positions("CrawlStarted") == {"crawl:a": 3, "crawl:b": 2}
    assert store.latest_positions("RunStarted") == {}


def test_processes_creating_one_new_database_at_once_all_open_it(tmp_path):
    """Switching a new file to WAL needs it alone, and SQLite does not wait for that: jobs that
    create the same database at the same moment (a queue importing several archives) used to
    fail now and then with "locked"."""
    import subprocess
    import sys

    opener = "import sys; from store import Store; Store(sys.argv[1]).close()"
    failures = []
    for round_ in range(15):
        db = tmp_path / f"deals{round_}.db"
        jobs = [
            subprocess.Popen(
                [sys.executable, "-c", opener, str(db)], stderr=subprocess.PIPE, text=True
            )
            for _ in range(4)
        ]
        failures += [err for job in jobs for _, err in [job.communicate()] if job.returncode]
    assert failures == []
    with Store(tmp_path / "deals0.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
