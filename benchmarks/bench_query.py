"""Time `deals query`, `deals show` and `deals export` as whole processes on a large store.

Usage: python benchmarks/bench_query.py [--deals N] [--companies N] [--runs N] [--db PATH]

Builds a store of N deals over the companies from generated DealsExtracted and ArticleParsed
events (a fifth of the deals reported a second time, to exercise merging), catches the
projections up, then times:

- typical `deals query` command lines as whole processes against the floor: a bare
  `python -c` process that opens the same file with the sqlite3 module and runs equivalent SQL;
- `deals export --format graphml` as a whole process against `networkx.write_graphml` of the
  same graph already built in memory (write only).

Prints median latencies and the ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store import NewEvent, Store  # noqa: E402
from store.replay import catch_up  # noqa: E402

KINDS = ["compute", "chips", "investment", "datacenter", "power"]
CHIPS = ["H100", "H200", "B200", "GB200", "MI300X", "MI450", "TPU", "Trainium2"]
WORDS = ["cluster", "campus", "lease", "capacity", "gigawatt", "sovereign", "supercomputer"]


def company(i: int) -> str:
    return f"Company {i:05d}"


def generate(n_deals: int, n_companies: int, seed: int = 7):
    """Article and extraction events for n_deals deals, then repeat reports of a fifth of them."""
    rng = random.Random(seed)
    start = date(2022, 1, 1)
    made = []
    for i in range(n_deals):
        a, b = rng.sample(range(n_companies), 2)
        made.append(
            {
                "parties": [company(a), company(b)],
                "kind": rng.choice(KINDS),
                "gpu_count": rng.choice([None, rng.randrange(1, 100) * 10_000]),
                "power_mw": rng.choice([None, float(rng.randrange(10, 5000))]),
                "value_usd": rng.choice([None, rng.randrange(1, 500) * 1e8]),
                "chip": rng.choice([None, *CHIPS]),
                "status": "announced",
                "headline": True,
                "facility": rng.choice([None, f"Site {rng.randrange(2000)}"]),
                "published": (start + timedelta(days=rng.randrange(1400))).isoformat(),
            }
        )
    repeats = [dict(d) for d in rng.sample(made, n_deals // 5)]
    for n, d in enumerate(made + repeats):
        word = WORDS[n % len(WORDS)]
        text = f"{d['parties'][0]} signed a {d['kind']} {word} agreement with {d['parties'][1]}."
        url = f"https://news.test/{n}"
        yield NewEvent(
            "ArticleParsed",
            f"doc:{url}",
            {
                "url": url,
                "title": f"{d['parties'][0]} {word} deal",
                "text": text,
                "published": d["published"],
                "parser_version": "1",
            },
        )
        deal = {k: v for k, v in d.items() if k != "published"}
        deal["evidence"] = [{"text": text, "start": 0, "end": len(text)}]
        yield NewEvent(
            "DealsExtracted",
            f"doc:{url}",
            {
                "doc_id": url,
                "url": url,
                "extractor_version": "1",
                "deals": [deal],
                "entities": [],
                "figures": [],
            },
        )


def build(path: Path, n_deals: int, n_companies: int) -> float:
    started = time.perf_counter()
    with Store(path) as store:
        batch = []
        for event in generate(n_deals, n_companies):
            batch.append(event)
            if len(batch) == 10_000:
                store.append(batch)
                batch = []
        store.append(batch)
        catch_up(store)
    return time.perf_counter() - started


def deals_command() -> list[str]:
    script = Path(sys.executable).with_name("deals")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def timed(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


FLOOR = """import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2], sys.argv[3:]).fetchall():
    print(row)
"""
SELECT = (
    "SELECT d.id, d.parties, d.kind, d.gpu_count, d.power_mw, d.value_usd,"
    " d.first_reported FROM deals d"
)

# Evidence sentences and article text, as `deals query TEXT` searches them
TEXT_SQL = (
    f"{SELECT} WHERE d.id IN (SELECT deal_id FROM deal_reports WHERE rid IN"
    " (SELECT rowid FROM deal_reports_fts WHERE deal_reports_fts MATCH ?)"
    " UNION SELECT r.deal_id FROM deal_reports r JOIN deal_docs dd ON dd.doc_id = r.doc_id"
    " JOIN articles a ON a.url = dd.url WHERE a.id IN (SELECT rowid FROM articles_fts"
    " WHERE articles_fts MATCH ?)) ORDER BY d.first_reported DESC LIMIT 20"
)


def cases(conn) -> list[tuple[str, list[str], str, list[str]]]:
    """(label, deals arguments, equivalent SQL, SQL parameters)."""
    busiest = conn.execute(
        "SELECT c.name, c.key FROM deal_parties p JOIN companies c"
        " ON c.key = p.company_key GROUP BY p.company_key"
        " ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    some_id = conn.execute("SELECT id FROM deals ORDER BY id LIMIT 1 OFFSET 777").fetchone()[0]
    rare = busiest[0].split()[-1]  # a company's number: in a handful of articles, like "Abilene"
    return [
        (
            "--party NAME",
            ["query", "--party", busiest[0]],
            f"{SELECT} JOIN deal_parties p ON p.deal_id = d.id WHERE p.company_key = ?"
            " ORDER BY d.first_reported DESC LIMIT 100",
            [busiest[1]],
        ),
        (
            "--min-gpus 900k --limit 20",
            ["query", "--min-gpus", "900k", "--limit", "20"],
            f"{SELECT} WHERE d.gpu_count >= 900000 ORDER BY d.first_reported DESC LIMIT 20",
            [],
        ),
        ("TEXT (a rare word)", ["query", rare, "--limit", "20"], TEXT_SQL, [f'"{rare}"'] * 2),
        (
            "TEXT (words in 1 of 7 articles)",
            ["query", "sovereign agreement", "--limit", "20"],
            TEXT_SQL,
            ['"sovereign" "agreement"'] * 2,
        ),
        (
            "--kind --since --format json",
            [
                "query",
                "--kind",
                "chips",
                "--since",
                "2025-06-01",
                "--format",
                "json",
                "--limit",
                "50",
            ],
            f"{SELECT} WHERE d.kind = 'chips' AND d.first_reported >= '2025-06-01'"
            " ORDER BY d.first_reported DESC LIMIT 50",
            [],
        ),
        (
            "show DEAL_ID",
            ["show", some_id],
            "SELECT * FROM deal_reports WHERE deal_id = ?",
            [some_id],
        ),
    ]


def bench_queries(db: Path, runs: int) -> list[tuple[str, float, float]]:
    conn = Store(db, create=False).conn
    out = []
    for label, argv, sql, params in cases(conn):
        ours = timed([*deals_command(), *argv, "--db", str(db)], runs)
        floor = timed([sys.executable, "-c", FLOOR, str(db), sql, *params], runs)
        out.append((label, ours, floor))
    return out


def bench_export(db: Path, runs: int) -> tuple[float, float, int, int]:
    import networkx as nx

    from graph.build import build_graph
    from graph.export import scalarise

    with tempfile.TemporaryDirectory() as tmp:
        ours = timed(
            [
                *deals_command(),
                "export",
                "--format",
                "graphml",
                "-o",
                str(Path(tmp) / "ours.graphml"),
                "--db",
                str(db),
            ],
            runs,
        )
        graph = scalarise(build_graph(Store(db, create=False).conn))
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            nx.write_graphml(graph, Path(tmp) / "nx.graphml")
            times.append(time.perf_counter() - start)
    return ours, statistics.median(times), graph.number_of_nodes(), graph.number_of_edges()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="Reuse (or keep) the generated store here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if not db.exists():
            seconds = build(db, args.deals, args.companies)
            print(
                f"built {db.name}: {args.deals:,} deals over {args.companies:,} companies "
                f"in {seconds:.0f} s"
            )
        n = Store(db, create=False).conn.execute("SELECT COUNT(*) FROM deals").fetchone()[0]
        print(f"deals in projection: {n:,}; median of {args.runs} runs per command")
        print(f"{'command':<32} {'deals':>8} {'floor':>8} {'ratio':>6}")
        for label, ours, floor in bench_queries(db, args.runs):
            print(f"{label:<32} {ours * 1000:>6.0f}ms {floor * 1000:>6.0f}ms {ours / floor:>5.1f}x")
        ours, write_only, nodes, edges = bench_export(db, max(1, args.runs // 3))
        print(
            f"export graphml ({nodes:,} nodes, {edges:,} edges): deals export {ours:.2f} s, "
            f"networkx.write_graphml alone {write_only:.2f} s, "
            f"speed ratio {write_only / ours:.2f} (aim >= 0.8)"
        )


if __name__ == "__main__":
    main()
