"""Readers beside a writer: `deals run` writes while query, export, watch, status and show loop.

Any number of readers and one writer at once must never corrupt the database. The check is the
one a user would make afterwards: `PRAGMA integrity_check`, a gap-free log, every page stored,
and a replay that gives the same deals.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawlsite import Site, article

pytestmark = pytest.mark.slow
DEALS = str(Path(sys.executable).parent / "deals")
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
PAGES = 240
BUYERS = ["Korrin Labs", "Vostra AI", "Maplewood Intelligence", "Ondine Research", "Ketterly AI"]
SELLERS = ["Brightwater Cloud", "Halvard Compute", "Tessel Networks", "Quarry Point Hosting"]


def newsroom(site: Site) -> str:
    """PAGES invented deal stories and a sitemap listing them; returns the sources file text."""
    locs = []
    for i in range(PAGES):
        buyer, seller = BUYERS[i % len(BUYERS)], SELLERS[i % len(SELLERS)]
        gpus = 1000 * (i + 1)
        path = f"/news/{i}"
        site.add(
            path,
            article(
                f"{seller} to supply {buyer} with {gpus:,} GPUs",
                [
                    f"{seller} said on Monday it signed an agreement to provide {buyer} with "
                    f"{gpus:,} NVIDIA H100 GPUs at its campus in Reno, Nevada.",
                    f"The {i + 10} megawatt contract runs for five years, the companies said.",
                ],
                published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z",
            ),
        )
        locs.append(f"<url><loc>{site.url(path)}</loc></url>")
    site.add(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(locs)}</urlset>',
        content_type="application/xml",
    )
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    return f'[[source]]\nname = "wire"\ntype = "sitemap"\nurl = "{site.url("/sitemap.xml")}"\n'


READER = """
import subprocess, sys, time
deals, db, out, stop = sys.argv[1:5]
commands = [["query", "--format", "json", "--limit", "0"], ["export", "-o", out],
            ["watch", "--name", "reader"], ["status"], ["show", "none"], ["graph", "top"]]
runs = failures = 0
while True:
    for args in commands:
        proc = subprocess.run([deals, *args, "--db", db], capture_output=True, text=True)
        runs += 1
        if "malformed" in proc.stderr or "Traceback" in proc.stderr:
            failures += 1
            print(proc.stderr.strip(), flush=True)
    try:
        open(stop).close()
        break
    except FileNotFoundError:
        pass
print(f"runs {runs} failures {failures}", flush=True)
"""


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def test_readers_in_a_loop_beside_a_run_never_corrupt_the_database(site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(newsroom(site))
    db = tmp_path / "deals.db"
    subprocess.run(
        [DEALS, "run", "--db", str(db), "--sources", str(sources), *FAST, "--max-pages", "5"],
        capture_output=True,
        check=True,
        timeout=300,
    )
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER,
                DEALS,
                str(db),
                str(tmp_path / f"export{n}.graphml"),
                str(stop),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    try:
        writer = subprocess.run(
            [
                DEALS,
                "run",
                "--db",
                str(db),
                "--sources",
                str(sources),
                *FAST,
                "--max-pages",
                str(PAGES),
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        stop.touch()
        reports = [r.communicate(timeout=300)[0] for r in readers]
    assert writer.returncode == 0, writer.stderr
    for report in reports:
        assert report.strip().endswith("failures 0"), report
        assert int(report.split("runs ")[1].split()[0]) >= 6  # the readers really ran
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        seqs = [s for (s,) in conn.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        fetched = conn.execute(
            "SELECT COUNT(DISTINCT stream) FROM events WHERE type = 'DocumentFetched'"
        ).fetchone()[0]
    assert fetched == PAGES

    def deals_json():
        proc = subprocess.run(
            [DEALS, "query", "--db", str(db), "--format", "json", "--limit", "0"],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(proc.stdout)

    before = deals_json()
    assert before  # the run extracted deals while the readers read
    with sqlite3.connect(db) as conn:
        extracted = conn.execute(
            "SELECT COUNT(DISTINCT stream) FROM events WHERE type = 'DealsExtracted'"
        ).fetchone()[0]
    assert extracted == PAGES
    subprocess.run([DEALS, "replay", "--db", str(db)], check=True, capture_output=True)
    assert deals_json() == before
