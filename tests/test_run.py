"""`deals run`, the cron job: summary, exit codes, the lock, crashes and a read-only database.

Every run is a real `deals run` process against the demo newsroom served on 127.0.0.1, with
the real spaCy model and a real SQLite file.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo import ORIGIN, SITE, SOURCES
from crawler.demo.server import serve
from store import __version__

pytestmark = pytest.mark.slow
DEALS = str(Path(sys.executable).parent / "deals")
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
CONTENT = ("DocumentFetched", "ArticleParsed", "DealsExtracted")


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    """The demo site on one port for the whole module, so page URLs match across runs."""
    folder = tmp_path_factory.mktemp("newsroom")
    with serve(SITE, ORIGIN, port=0) as base:
        sources = folder / "sources.toml"
        lines = []
        for s in SOURCES:
            lines.append("[[source]]")
            for key, value in s.items():
                lines.append(f"{key} = {json.dumps(value.replace(ORIGIN, base))}")
        sources.write_text("\n".join(lines) + "\n")
        yield sources


def deals(*args, env=None, preexec_fn=None, timeout=300):
    return subprocess.run(
        [DEALS, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec_fn,
    )


def run(db, sources, *extra, **kwargs):
    return deals("run", "--db", str(db), "--sources", str(sources), *FAST, *extra, **kwargs)


def counts(db) -> dict:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT type, COUNT(*) FROM events GROUP BY type"))


def query_json(db) -> list:
    proc = deals("query", "--db", str(db), "--format", "json", "--limit", "0")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def reference(newsroom, tmp_path_factory):
    """One uninterrupted run: what every interrupted-then-resumed run must equal."""
    db = tmp_path_factory.mktemp("reference") / "deals.db"
    proc = run(db, newsroom)
    assert proc.returncode == 0, proc.stderr
    return db, proc


def test_run_prints_one_summary_line_and_stores_everything(reference):
    db, proc = reference
    (line,) = proc.stdout.splitlines()
    assert line.startswith("deals run ") and "29 new articles" in line
    assert proc.stderr == ""  # not a terminal: quiet but for the summary
    new_deals = int(line.split(" new deals")[0].rsplit(" ", 1)[1])
    assert new_deals > 10
    found = counts(db)
    assert {k: found[k] for k in CONTENT} == {
        "DocumentFetched": 29,
        "ArticleParsed": 29,
        "DealsExtracted": 29,
    }
    assert found["RunStarted"] == found["RunFinished"] == 1
    assert len(query_json(db)) == new_deals
    with sqlite3.connect(db) as conn:  # every event says which run and which code wrote it
        (run_id,) = conn.execute(
            "SELECT json_extract(data, '$.run_id') FROM events WHERE type = 'RunStarted'"
        ).fetchone()
        metas = {
            (t, json.loads(m).get("run_id"), json.loads(m).get("code_version"))
            for t, m in conn.execute("SELECT type, meta FROM events")
        }
    assert {(t, run_id, __version__) for t in CONTENT} <= metas
    assert {m[1:] for m in metas} == {(run_id, __version__)}


def test_second_run_on_an_unchanged_site_adds_no_content(reference, newsroom, tmp_path):
    db, _ = reference
    before = counts(db)
    proc = run(db, newsroom, "--json", "--log", str(tmp_path / "run.log"))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["new_articles"] == 0 and summary["new_deals"] == 0
    assert summary["failing_sources"] == {}
    after = counts(db)
    assert {k: after[k] for k in CONTENT} == {k: before[k] for k in CONTENT}
    log = (tmp_path / "run.log").read_text()
    assert "demo-press" in log and "0 new articles" in log


@pytest.mark.parametrize("point", ["fetch:1", "fetch:20", "extract:1", "project:40"])
def test_a_run_killed_midway_is_completed_by_the_next(point, reference, newsroom, tmp_path):
    ref_db, _ = reference
    db = tmp_path / "deals.db"
    killed = run(db, newsroom, env={"DEALS_CRASH_AT": point})
    assert killed.returncode == -signal.SIGKILL, (point, killed.stdout, killed.stderr)
    assert "did not finish (killed?)" in deals("status", "--db", str(db)).stdout
    finished = run(db, newsroom)
    assert finished.returncode == 0, finished.stderr
    assert "UTC, exit 0: " in deals("status", "--db", str(db)).stdout
    got, want = counts(db), counts(ref_db)
    assert {k: got.get(k) for k in CONTENT} == {k: want[k] for k in CONTENT}
    assert query_json(db) == query_json(ref_db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_runs_at_once_one_proceeds_one_exits_3(newsroom, tmp_path):
    db = tmp_path / "deals.db"
    first = subprocess.Popen(
        [DEALS, "run", "--db", str(db), "--sources", str(newsroom), *FAST],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = Path(f"{db}.lock")
    deadline = time.monotonic() + 60
    while not (lock.exists() and "pid" in lock.read_text()):
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = run(db, newsroom)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 3
    assert second.stderr.strip() == (
        f"error: another deals run holds {lock} (pid {first.pid}, "
        + second.stderr.split(f"pid {first.pid}, ", 1)[1].strip()
    )
    assert "started" in second.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        seqs = [s for (s,) in conn.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        for stream, versions in conn.execute(
            "SELECT stream, GROUP_CONCAT(version) FROM (SELECT stream, version FROM events"
            " ORDER BY seq) GROUP BY stream"
        ):
            numbers = [int(v) for v in versions.split(",")]
            assert numbers == list(range(1, len(numbers) + 1)), stream
    assert counts(db)["RunStarted"] == 1


@pytest.mark.parametrize(
    "source, extra",
    [
        ('url = "not a url"', ()),
        ('url = "http://127.0.0.1:9/feed.xml"', ("--set", "DOWNLOAD_TIMEOUT=soon")),
    ],
)
def test_configuration_error_exits_2(tmp_path, source, extra):
    bad = tmp_path / "sources.toml"
    bad.write_text(f'[[source]]\nname = "x"\n{source}\ntype = "feed"\n')
    proc = deals("run", "--db", str(tmp_path / "d.db"), "--sources", str(bad), *extra)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and len(proc.stderr.splitlines()) == 1
    assert not (tmp_path / "d.db").exists()


def test_unreachable_source_exits_1_and_is_named(newsroom, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        newsroom.read_text() + '[[source]]\nname = "gone"\n'
        'url = "http://127.0.0.1:9/feed.xml"\ntype = "feed"\n'
        '[[source]]\nname = "off"\nurl = "http://127.0.0.1:9/off.xml"\n'
        'type = "feed"\nenabled = false\n'
    )
    proc = run(tmp_path / "d.db", sources, "--max-pages", "1")
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stdout.splitlines()
    assert line.endswith(", 1 failing source (connection_refused 1: gone; see deals status)")


def _copy_of(reference_db, folder: Path) -> Path:
    db = folder / "deals.db"
    src = sqlite3.connect(reference_db)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    return db


def test_full_disk_gives_one_line_and_leaves_the_database_intact(reference, tmp_path):
    import random

    from crawlsite import Site

    db = _copy_of(reference[0], tmp_path)
    before = counts(db)
    site = Site()
    words = [f"w{i}" for i in range(5000)]
    rng = random.Random(7)
    items = []
    for i in range(8):  # bulky, poorly compressible articles: they cannot fit
        text = " ".join(rng.choice(words) for _ in range(40_000))
        site.add(
            f"/big/{i}.html",
            f"<html><head><title>Big {i}</title></head><body>"
            f"<article><h1>Big {i}</h1><p>{text}</p></article></body></html>",
        )
        items.append(
            f"<item><title>Big {i}</title><link>{site.url(f'/big/{i}.html')}</link></item>"
        )
    site.add(
        "/feed.xml",
        "<rss version='2.0'><channel><title>Big</title>" + "".join(items) + "</channel></rss>",
        content_type="application/rss+xml",
    )
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "big"\nurl = "{site.url("/feed.xml")}"\ntype = "feed"\n'
    )
    limit = 96 * 1024  # the WAL may grow to this, then the disk is "full"

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    try:
        proc = run(db, sources, preexec_fn=small_disk)
    finally:
        site.close()
    assert proc.returncode not in (0, -signal.SIGKILL), proc.stdout
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "full" in lines[0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = counts(db)
    assert {k: after.get(k) for k in CONTENT} == {k: before[k] for k in CONTENT}


def test_read_only_database_gives_one_line_and_stays_intact(reference, newsroom, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = _copy_of(reference[0], folder)
    digest = db.read_bytes()
    # Permission bits do not stop root; the immutable attribute does.
    lock = ["chattr", "+i"] if os.geteuid() == 0 else None
    if lock:
        subprocess.run([*lock, str(db), str(folder)], check=True)
    else:
        db.chmod(0o444)
        folder.chmod(0o555)
    try:
        proc = run(db, newsroom)
    finally:
        if lock:
            subprocess.run(["chattr", "-i", str(db), str(folder)], check=True)
        folder.chmod(0o755)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert db.read_bytes() == digest


def test_parse_again_from_stored_bodies_without_crawling(reference, tmp_path):
    db = _copy_of(reference[0], tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE pages SET parser_version = 'old'")  # as an older parser left it
    before = counts(db)
    proc = deals("parse", "--db", str(db))
    assert proc.returncode == 0 and proc.stdout.strip() == "parsed 0 stored pages"
    proc = deals("parse", "--db", str(db), "--all")
    assert proc.returncode == 0 and proc.stdout.strip() == "parsed 29 stored pages", proc.stderr
    # Parsed again from the stored bodies; the same parser gives the same events, so the
    # log gains nothing (a new parser version would append new ArticleParsed events).
    assert counts(db) == before
