"""Crawl throughput and memory: `deals crawl` beside a bare Scrapy spider on the same site.

Serves a generated site of N article pages (about 25 KB each, with navigation and boilerplate
like a real newsroom) on 127.0.0.1, lists them in a sitemap, and crawls it:

  * bare: a Scrapy SitemapSpider that only downloads the pages (same concurrency settings);
  * deals, workers: `deals crawl` storing every page while a process pool parses them (default);
  * deals, inline: the same with parsing inside the item pipeline;
  * deals, stage: storing every page, then parsing them in a separate stage afterwards.

Each crawl runs in its own process (the reactor cannot restart), against the same server and
pages, one after the other in this run. Peak memory is the largest total PSS of the crawl
process and its parse workers, sampled every 50 ms (PSS splits pages shared after fork between
the processes, so the sum is not inflated); each row also checks that every page has its
DocumentFetched and ArticleParsed events.

    python benchmarks/bench_crawl.py [--pages 5000] [--small 1000] [--modes workers,inline,stage]
                                     [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from crawlsite import Site, sitemap_site  # noqa: E402  the one local test server

DEALS = str(Path(sys.executable).parent / "deals")
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "ERROR",
}
MODES = ("workers", "inline", "stage")
WORDS = (
    "compute capacity cluster GPUs accelerators megawatts campus agreement contract "
    "supply inference training facility power cooling racks network fabric"
).split()


def article_page(i: int) -> bytes:
    rng = int(hashlib.sha256(str(i).encode()).hexdigest(), 16)
    paragraphs = "".join(
        "<p>" + " ".join(WORDS[(rng >> (k + j)) % len(WORDS)] for j in range(60)) + ".</p>"
        for k in range(12)
    )
    nav = "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(150))
    related = "".join(
        f'<li><a href="/news/{(i + k) % 9999}.html">Related story {k}</a></li>' for k in range(60)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Deal {i} | '
        f'Bench News</title><meta property="article:published_time" '
        f'content="2025-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00Z"></head><body>'
        f"<header><ul>{nav}</ul></header><main><article><h1>Acme Cloud signs deal {i}</h1>"
        f"<p>Acme Cloud will deploy {1000 + i} NVIDIA H100 GPUs at a 300 MW campus.</p>"
        f"{paragraphs}</article></main><aside><ul>{related}</ul></aside>"
        f"<footer>{'Copyright Bench News. ' * 40}</footer></body></html>"
    ).encode()


def make_server(pages: int) -> Site:
    """The shared test site (tests/crawlsite.py) with a sitemap of `pages` generated articles."""
    return sitemap_site(pages, article_page, content_type="text/html")


BARE = """
import sys
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.spiders import SitemapSpider

class Bare(SitemapSpider):
    name = "bare"
    sitemap_urls = [sys.argv[1]]
    def parse(self, response):
        return None

process = AsyncCrawlerProcess(dict(s.split("=", 1) for s in sys.argv[2:]))
process.crawl(Bare)
process.start()
"""


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one process and its children: wall time and the largest PSS sum."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_pss_kb(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, peak / 1024


def tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and all its descendants, in KB (0 once gone)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += sum(tree_pss_kb(int(child)) for child in fh.read().split())
    except (OSError, StopIteration):
        pass
    return total


def run_bare(base: str) -> tuple[float, float]:
    settings = [f"{k}={v}" for k, v in SETTINGS.items()]
    return timed([sys.executable, "-c", BARE, f"{base}/sitemap.xml", *settings])


def run_deals(base: str, workdir: Path, mode: str) -> tuple[float, float, int, int]:
    db = workdir / f"bench-{time.monotonic_ns()}.db"
    sources = workdir / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "bench"\nurl = "{base}/sitemap.xml"\ntype = "sitemap"\n'
    )
    settings = [
        arg for k, v in {**SETTINGS, "DEALS_PARSE": mode}.items() for arg in ("--set", f"{k}={v}")
    ]
    result = timed([DEALS, "crawl", "--db", str(db), "--sources", str(sources), *settings])
    import sqlite3

    with sqlite3.connect(db) as conn:
        counts = dict(conn.execute("SELECT type, COUNT(*) FROM events GROUP BY type"))
    return (*result, counts.get("DocumentFetched", 0), counts.get("ArticleParsed", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--modes", default=",".join(MODES), help="parse modes to run")
    parser.add_argument(
        "--rounds", type=int, default=1, help="rounds of bare-then-ours; the medians are printed"
    )
    args = parser.parse_args()
    modes = args.modes.split(",")
    print(
        f"cpu cores: {os.cpu_count()}; page size {len(article_page(1)) / 1024:.0f} KB; "
        f"{args.rounds} round(s), medians"
    )
    print(
        f"{'pages':>6} {'parsing':>8} {'bare p/s':>9} {'deals p/s':>10} {'ratio':>6} "
        f"{'bare MB':>8} {'deals MB':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for pages in (args.small, args.pages):
            server = make_server(pages)
            base = server.base
            # Each round measures the bare spider again right before ours, so a busy
            # neighbour on a shared machine slows both sides of a ratio, not one.
            bare, ours = [], {mode: [] for mode in modes}
            for _ in range(args.rounds):
                bare_s, bare_mb = run_bare(base)
                bare.append((pages / bare_s, bare_mb))
                for mode in modes:
                    ours_s, ours_mb, fetched, parsed = run_deals(base, Path(tmp), mode)
                    assert fetched == parsed == pages, (fetched, parsed, pages)
                    ours[mode].append((pages / ours_s, ours_mb, bare_s / ours_s))
            server.close()
            bare_rate, bare_mb = (median(v) for v in zip(*bare))
            for mode in modes:
                rate, mb, ratio = (median(v) for v in zip(*ours[mode]))
                print(
                    f"{pages:>6} {mode:>8} {bare_rate:>9.0f} {rate:>10.0f} {ratio:>6.2f} "
                    f"{bare_mb:>8.0f} {mb:>9.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
