"""One `deals run` end to end over a generated newsroom, beside a bare Scrapy spider.

Serves N generated articles on 127.0.0.1 (a realistic mix: most off-topic local, sports and
business news, about one in seven a compute deal with invented companies and figures), listed in
a sitemap. Times one `deals run` (crawl, extract, project) in its own process and, in the same
run, the bare spider of the crawl benchmark downloading the same pages. Prints articles per
second per stage, peak memory, database size per article, and repeats at two site sizes so a
growing footprint would show.

    python benchmarks/bench_run.py [--sizes 5000 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_crawl import BARE, SETTINGS  # noqa: E402  the same bare spider
from crawlsite import Site, sitemap_site  # noqa: E402  the one local test server

DEALS = str(Path(sys.executable).parent / "deals")
DEAL_SHARE = 7  # one article in seven reports a deal

SYLLABLES = "ka lo ven tra mir sol dex qua rin bor tal nex vio cor zen lum par hal ost ire".split()
CHIPS = ["H100", "H200", "B200", "GB200", "GB300", "MI300X", "MI355X", "TPU v6e", "Trainium2"]
PLACES = [
    "Abilene, Texas",
    "Quincy, Washington",
    "Des Moines, Iowa",
    "Reno, Nevada",
    "Luleå, Sweden",
    "Columbus, Ohio",
    "New Albany, Ohio",
    "Phoenix, Arizona",
]
OFF_TOPIC = [
    "The city council voted {n} to {m} on Tuesday to extend the bus lane on {name} Street, "
    "after a hearing that ran past midnight. Residents raised parking and delivery concerns.",
    "{name} United beat {other} Rovers {n}-{m} on Saturday, with a late header settling a match "
    "that had been level since half time. The coach praised the defence.",
    "{name} Foods reported quarterly revenue of ${n} million, up {m} percent, and raised its "
    "outlook for the year as grocery volumes recovered in the Midwest.",
    "Forecasters expect {n} millimetres of rain over the weekend in the {name} valley, with "
    "river levels rising and a flood watch in place until Monday morning.",
    "The {name} museum opens a new wing on Friday with {n} works on loan, including {m} "
    "paintings that have not been shown in public for decades.",
]
DEAL = (
    "{a} has signed a ${v} billion agreement with {b} for {g:,} {chip} GPUs, the companies "
    "said on {day}. The capacity will be delivered from {b}'s {place} campus, which will draw "
    "{mw} megawatts when fully built. {a} will use the cluster to train and serve its models. "
    "Financial terms beyond the headline value were not disclosed."
)


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()


def article(i: int) -> tuple[str, str]:
    rng = random.Random(i)
    if i % DEAL_SHARE == 0:
        a, b = f"{name(rng)} AI", f"{name(rng)} Cloud"
        text = DEAL.format(
            a=a,
            b=b,
            v=rng.randint(1, 40),
            g=rng.randint(5, 400) * 1000,
            chip=rng.choice(CHIPS),
            place=rng.choice(PLACES),
            mw=rng.randint(50, 1500),
            day="Monday",
        )
        title = f"{a} signs compute deal with {b}"
    else:
        text = rng.choice(OFF_TOPIC).format(
            name=name(rng), other=name(rng), n=rng.randint(2, 900), m=rng.randint(1, 60)
        )
        title = " ".join(text.split()[:8])
    filler = " ".join(rng.choice(SYLLABLES) for _ in range(250))
    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="2025-{1 + i % 12:02d}-'
        f'{1 + i % 28:02d}T08:00:00Z"></head><body><nav><a href="/">Home</a></nav>'
        f"<main><article><h1>{title}</h1><p>{text}</p><p>{filler}.</p></article></main>"
        f"<footer>Copyright Bench Newsroom.</footer></body></html>"
    )
    return title, body


def serve(pages: int) -> Site:
    """The shared test site (tests/crawlsite.py) with a sitemap of `pages` generated stories."""
    return sitemap_site(pages, lambda i: article(i)[1].encode())


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS MB, stdout) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    if status not in (0,):
        raise SystemExit(f"{cmd[:2]} failed ({status}): {proc.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out


def one_size(pages: int, tmp: Path) -> dict:
    server = serve(pages)
    base = server.base
    try:
        bare_s, bare_mb, _ = measure(
            [
                sys.executable,
                "-c",
                BARE,
                f"{base}/sitemap.xml",
                *(f"{k}={v}" for k, v in SETTINGS.items()),
            ]
        )
        db = tmp / f"run-{pages}.db"
        sources = tmp / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "bench"\nurl = "{base}/sitemap.xml"\ntype = "sitemap"\n'
        )
        settings = [a for k, v in SETTINGS.items() for a in ("--set", f"{k}={v}")]
        total_s, peak_mb, out = measure(
            [DEALS, "run", "--db", str(db), "--sources", str(sources), "--json", *settings]
        )
    finally:
        server.close()
    summary = json.loads(out)
    with sqlite3.connect(db) as conn:
        fetched = conn.execute(
            "SELECT COUNT(*) FROM events WHERE type = 'DocumentFetched'"
        ).fetchone()[0]
        deals = conn.execute("SELECT COUNT(*) FROM deals").fetchone()[0]
    size = sum(p.stat().st_size for p in tmp.glob(f"run-{pages}.db*"))
    assert fetched == pages, (fetched, pages)
    return {
        "pages": pages,
        "bare_pps": pages / bare_s,
        "bare_mb": bare_mb,
        "total_s": total_s,
        "peak_mb": peak_mb,
        "seconds": summary["seconds"],
        "deals": deals,
        "expected_deals": len(range(0, pages, DEAL_SHARE)),
        "kb_per_article": size / pages / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for pages in args.sizes:
            rows.append(one_size(pages, Path(tmp)))
    print(f"cpu cores: {os.cpu_count()}")
    for r in rows:
        s = r["seconds"]
        crawl_pps = r["pages"] / s["crawl"]
        print(
            f"\n{r['pages']:,} articles: deals run {r['total_s']:.0f} s end to end "
            f"({r['pages'] / r['total_s']:.0f} articles/s), peak {r['peak_mb']:.0f} MB, "
            f"{r['kb_per_article']:.1f} KB of database per article"
        )
        print(
            f"  crawl+parse  {crawl_pps:>7.0f} articles/s   bare spider {r['bare_pps']:.0f}/s "
            f"(ratio {crawl_pps / r['bare_pps']:.2f}, bare peak {r['bare_mb']:.0f} MB)"
        )
        print(f"  extract      {r['pages'] / s['extract']:>7.0f} articles/s")
        print(f"  project      {r['pages'] / max(s['project'], 1e-9):>7.0f} articles/s")
        print(f"  deals found  {r['deals']} (generated {r['expected_deals']})")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\nmemory growth: {first['peak_mb']:.0f} MB at {first['pages']:,} -> "
            f"{last['peak_mb']:.0f} MB at {last['pages']:,} "
            f"(x{last['pages'] / first['pages']:.0f} articles)"
        )


if __name__ == "__main__":
    main()
