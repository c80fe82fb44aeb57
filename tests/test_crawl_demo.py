"""`deals demo` end to end: the bundled newsroom served, crawled, parsed, extracted, shown."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
DEALS = str(Path(sys.executable).parent / "deals")


def test_demo_crawls_the_newsroom_and_a_second_run_changes_nothing(tmp_path):
    db = tmp_path / "demo.db"
    first = subprocess.run(
        [DEALS, "demo", "--db", str(db)], capture_output=True, text=True, timeout=240
    )
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == (
        f"serving the demo newsroom http://newsroom.demo from 127.0.0.1, offline; database {db}"
    )
    assert "stored 29 new pages, all parsed" in first.stdout
    for source in ("demo-press", "demo-trade", "demo-wire", "demo-insights"):
        assert any(line.startswith(source) and " ok " in line for line in lines), source
    with sqlite3.connect(db) as conn:
        urls = {
            json.loads(d)["url"]
            for (d,) in conn.execute("SELECT data FROM events WHERE type = 'DocumentFetched'")
        }
    assert len(urls) == 29 and not any("/drafts/" in u for u in urls)
    assert "robots_disallowed=1" in first.stdout
    # then extracted, merged and shown as `deals query` shows them
    table = first.stdout.split("the deals in the database:\n", 1)[1].split("\n\n", 1)[0]
    header, *rows = table.splitlines()
    assert header.split() == ["ID", "FIRST", "PARTIES", "KIND", "GPUS", "MW", "USD"]
    assert len(rows) > 10
    assert any("Borealis AI" in row and "32k" in row for row in rows)

    again = subprocess.run(
        [DEALS, "demo", "--db", str(db)], capture_output=True, text=True, timeout=240
    )
    assert again.returncode == 0, again.stderr
    source_lines = [line for line in again.stdout.splitlines() if line.startswith("demo-")]
    assert len(source_lines) == 4 and all("(0 new" in line for line in source_lines)
    assert "stored 0 new pages" in again.stdout
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT COUNT(*) FROM events WHERE type = 'DocumentFetched'").fetchone()[0]
            == 29
        )


def test_the_demo_backfill_reaches_the_years_before_a_first_crawl(tmp_path):
    db = tmp_path / "demo.db"
    first = subprocess.run(
        [DEALS, "demo", "--db", str(db), "--backfill", "2023-01-01"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert "backfilling it since 2023-01-01" in lines[0]
    # Which of the two sources takes a page both list depends on timing; the totals do not.
    (gdelt,) = [line for line in lines if line.startswith("demo-gdelt")]
    assert " ok " in gdelt and " off topic" in gdelt
    assert any("2023-01-23 Microsoft, OpenAI" in line for line in lines)  # before any feed
    with sqlite3.connect(db) as conn:
        stored = conn.execute(
            "SELECT COUNT(DISTINCT stream) FROM events WHERE type = 'DocumentFetched'"
        ).fetchone()[0]
    assert f"stored {stored} new pages" in first.stdout
    again = subprocess.run(
        [DEALS, "demo", "--db", str(db), "--backfill", "2023-01-01"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert again.returncode == 0 and "stored 0 new pages" in again.stdout
    assert "known off topic" in again.stdout and "already stored" in again.stdout


def deal_ids(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, parties, first_reported FROM deals ORDER BY id").fetchall()


def test_the_demo_gives_the_same_urls_and_ids_whatever_port_is_free(tmp_path):
    """A page's URL is its identity in the log: the newsroom is http://newsroom.demo/... even
    while another program holds the port the demo once preferred, and two demo databases
    hold the same deals under the same ids (the README's ids are these)."""
    import socket

    from crawler.demo.server import PREFERRED_PORT

    first, second = tmp_path / "a" / "demo.db", tmp_path / "b" / "demo.db"
    ran = subprocess.run(
        [DEALS, "demo", "--db", str(first)], capture_output=True, text=True, timeout=240
    )
    assert ran.returncode == 0, ran.stderr
    busy = socket.socket()
    try:
        busy.bind(("127.0.0.1", PREFERRED_PORT))
        busy.listen()
    except OSError:
        pass  # something else holds it already: the same situation
    try:
        again = subprocess.run(
            [DEALS, "demo", "--db", str(second)], capture_output=True, text=True, timeout=240
        )
    finally:
        busy.close()
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(second) as conn:
        urls = {
            json.loads(d)["url"]
            for (d,) in conn.execute("SELECT data FROM events WHERE type = 'DocumentFetched'")
        }
    assert len(urls) == 29 and all(u.startswith("http://newsroom.demo/") for u in urls)
    assert deal_ids(first) == deal_ids(second) and len(deal_ids(first)) > 10


def test_the_demo_writes_demo_db_here_and_nothing_else(tmp_path):
    """`make demo` runs it in the checkout: one file, demo.db, no temporary folder left."""
    import tempfile

    before = set(Path(tempfile.gettempdir()).iterdir())
    ran = subprocess.run(
        [DEALS, "demo"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, "DEALS_DB": str(tmp_path / "mine.db")},
    )
    assert ran.returncode == 0, ran.stderr
    assert "database demo.db" in ran.stdout.splitlines()[0]
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]
    assert not (tmp_path / "mine.db").exists()  # $DEALS_DB is the user's: never the demo's
    left = {
        p
        for p in set(Path(tempfile.gettempdir()).iterdir()) - before
        if p.name.startswith("deals-demo")
    }
    assert not left


def test_the_demo_refuses_a_file_that_is_not_a_database_before_serving(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    ran = subprocess.run(
        [DEALS, "demo", "--db", str(notes)], capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 2 and ran.stdout == ""
    assert ran.stderr.startswith(f"error: {notes} is not a deals database")
    assert notes.read_text() == "my notes\n"
