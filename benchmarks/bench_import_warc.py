"""`deals import-warc` throughput and memory beside plain warcio iteration over the same file.

Writes a WARC (gzip per record, as Common Crawl's) of N news pages (default 20,000; about 15 KB
of HTML each, words drawn at random from a news vocabulary, so they compress as real pages do),
one in 50 about a compute deal, then, each in its own process, one after the other:

  * baseline: warcio's ArchiveIterator over the file, reading every response's payload (what
    any importer has to do at least);
  * import: `crawler.archive.import_warc` into a fresh database (filter, prefilter, parse the
    pages kept, store blobs and events, checkpoints).

Prints records/s, MB/s of the compressed file, peak memory of each process (VmHWM; the import's
parse worker, its largest child, separately), and the ratio import / baseline; each import is
checked to store exactly the on-topic pages. Each side's clock starts after its imports.

    python benchmarks/bench_import_warc.py [--pages 20000] [--every 50] [--rounds 1]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "the city council said on tuesday that the new budget would fund schools roads and "
    "parks while the team won its third game of the season and fans celebrated downtown "
    "weather forecasters expect rain later this week as the festival opens with music food "
    "and art from local makers the museum will extend its hours the company reported "
    "quarterly sales rose as shoppers returned to stores officials warned of traffic delays "
    "on the bridge during repairs"
).split()
TOPIC = (
    "Lattice Compute signed an agreement to deploy {n} NVIDIA H200 GPUs for Borealis AI in "
    "a new 80 MW data center, a contract worth $1.{m} billion."
)


def page(i: int, rng: random.Random, on_topic: bool) -> bytes:
    paragraphs = []
    for _ in range(18):
        paragraphs.append("<p>" + " ".join(rng.choice(WORDS) for _ in range(90)) + ".</p>")
    if on_topic:
        paragraphs.insert(1, f"<p>{TOPIC.format(n=1000 + i, m=i % 10)}</p>")
    nav = "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(40))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story {i} | '
        f'Example Times</title><meta property="article:published_time" content="2024-'
        f'{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00Z"></head><body><header><ul>{nav}</ul>'
        f"</header><main><article><h1>Story number {i}</h1>{''.join(paragraphs)}</article>"
        f"</main><footer>Copyright Example Times</footer></body></html>"
    ).encode()


def write_warc(path: Path, pages: int, every: int, first: int = 0) -> int:
    """The WARC of `pages` responses (numbered from `first`), one in `every` on topic; returns
    how many are."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(7 + first)
    topical = 0
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(first, first + pages):
            on = i % every == every // 2
            topical += on
            body = page(i, rng, on)
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                f"https://news{i % 97}.example.com/2024/story-{i}.html",
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2024-{1 + i % 12:02d}-01T10:00:00Z"},
            )
            writer.write_record(record)
    return topical


BASELINE = """
import sys, time
from warcio.archiveiterator import ArchiveIterator
started = time.perf_counter()
records = payload = 0
with open(sys.argv[1], "rb") as fh:
    for record in ArchiveIterator(fh):
        records += 1
        if record.rec_type == "response":
            payload += len(record.content_stream().read())
seconds = time.perf_counter() - started
"""
IMPORT = """
import sys, time
sys.path.insert(0, %r)
from crawler.archive import import_warc
from store import Store
started = time.perf_counter()
with Store(sys.argv[2]) as store:
    report = import_warc(store, sys.argv[1])
seconds = time.perf_counter() - started
records, payload = report.records, report.stored
"""
TAIL = """
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
import json, resource
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the parse worker, if any
print(json.dumps({"records": records, "payload": payload, "seconds": seconds,
                  "peak_kb": peak, "worker_kb": workers}))
"""


def run(code: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code + TAIL, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--every", type=int, default=50, help="one page in EVERY is on topic")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-warc-") as tmp:
        warc = Path(tmp) / "news.warc.gz"
        clock = time.perf_counter()
        topical = write_warc(warc, args.pages, args.every)
        size = warc.stat().st_size
        print(
            f"wrote {args.pages:,} pages ({topical} on topic), {size / 1e6:.0f} MB gzipped, "
            f"in {time.perf_counter() - clock:.0f} s"
        )
        ratios = []
        for number in range(args.rounds):
            base = run(BASELINE, str(warc))
            db = Path(tmp) / f"import-{number}.db"
            ours = run(IMPORT % str(ROOT), str(warc), str(db))
            assert ours["payload"] == topical, ours  # every on-topic page stored, no other
            ratio = base["seconds"] / ours["seconds"]
            ratios.append(ratio)
            for name, result in (("warcio iteration", base), ("deals import-warc", ours)):
                rate = result["records"] / result["seconds"]
                print(
                    f"round {number + 1}  {name:<18} {rate:>8,.0f}"
                    f" records/s  {size / 1e6 / result['seconds']:>6.1f} MB/s  "
                    f"{result['seconds']:>6.1f} s  peak {result['peak_kb'] / 1024:>4.0f} MB"
                    + (
                        f" + parse worker {result['worker_kb'] / 1024:.0f} MB"
                        if result["worker_kb"]
                        else ""
                    )
                )
            print(
                f"round {number + 1}  ratio import / warcio: {ratio:.2f}; database "
                f"{db.stat().st_size / 1e6:.1f} MB"
            )
        print(f"median ratio over {args.rounds} rounds: {median(ratios):.2f}")


if __name__ == "__main__":
    main()
