"""`deals demo` end to end: the bundled newsroom served, crawled, parsed, extracted, shown."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
DEALS = str(Path(sys.executable).parent / "deals")


def test_demo_crawls_the_newsroom_and_a_second_run_changes_nothing(tmp_path):
    db = tmp_path / "demo.db"
    first = subprocess.run([DEALS, "demo", "--db", str(db)], capture_output=True, text=True,
                           timeout=240)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("serving the demo newsroom at http://127.0.0.1:")
    assert "stored 29 new pages, all parsed" in first.stdout
    for source in ("demo-press", "demo-trade", "demo-wire", "demo-insights"):
        assert any(line.startswith(source) and " ok " in line for line in lines), source
    with sqlite3.connect(db) as conn:
        urls = {json.loads(d)["url"] for (d,) in conn.execute(
            "SELECT data FROM events WHERE type = 'DocumentFetched'")}
    assert len(urls) == 29 and not any("/drafts/" in u for u in urls)
    assert "robots_disallowed=1" in first.stdout
    # then extracted, merged and shown as `deals query` shows them
    table = first.stdout.split("the deals in the database:\n", 1)[1].split("\n\n", 1)[0]
    header, *rows = table.splitlines()
    assert header.split() == ["ID", "FIRST", "PARTIES", "KIND", "GPUS", "MW", "USD"]
    assert len(rows) > 10
    assert any("Borealis AI" in row and "32k" in row for row in rows)

    again = subprocess.run([DEALS, "demo", "--db", str(db)], capture_output=True, text=True,
                           timeout=240)
    assert again.returncode == 0, again.stderr
    source_lines = [line for line in again.stdout.splitlines() if line.startswith("demo-")]
    assert len(source_lines) == 4 and all("(0 new" in line for line in source_lines)
    assert "stored 0 new pages" in again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE type = 'DocumentFetched'"
                            ).fetchone()[0] == 29


def test_the_demo_backfill_reaches_the_years_before_a_first_crawl(tmp_path):
    db = tmp_path / "demo.db"
    first = subprocess.run([DEALS, "demo", "--db", str(db), "--backfill", "2023-01-01"],
                           capture_output=True, text=True, timeout=240)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert "backfilling it since 2023-01-01" in lines[0]
    (gdelt,) = [line for line in lines if line.startswith("demo-gdelt")]
    assert " ok " in gdelt and "24 new" in gdelt and "5 off topic" in gdelt
    assert any("2023-01-23 Microsoft, OpenAI" in line for line in lines)  # before any feed
    again = subprocess.run([DEALS, "demo", "--db", str(db), "--backfill", "2023-01-01"],
                           capture_output=True, text=True, timeout=240)
    assert again.returncode == 0 and "stored 0 new pages" in again.stdout
    assert "5 known off topic, 24 already stored" in again.stdout
