"""Extraction throughput: our full extraction against the bare spaCy model, same process and
texts.

Usage: python benchmarks/bench_extract.py [--articles N] [--write]

The texts are the dev set (../shared/eval/dev.jsonl) repeated to N articles, plus N generated
off-topic news texts. (a) is the bare model's `nlp.pipe` with all its components; (b) is our
whole extraction (gate, pipeline, deal assembly, result dicts). Prints articles/s for each and
the ratio, on the mixed set and on the deal articles alone. `--write` puts the table into the
"## Extraction" section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
DOCS = ROOT / "docs" / "BENCHMARKS.md"

SUBJECTS = [
    "The city council",
    "The home side",
    "Local farmers",
    "The school board",
    "A county judge",
    "The museum",
    "Storm chasers",
    "The orchestra",
    "Health officials",
    "The mayor's office",
]
EVENTS = [
    "approved a new budget for road repairs",
    "won the derby after a late penalty",
    "reported a wet spring",
    "opened an exhibition of river photographs",
    "postponed the marathon because of heat",
    "named a new head coach",
    "warned of pollen levels this weekend",
    "rebuilt the footbridge over the creek",
    "celebrated a hundred years of the town fair",
    "reviewed complaints about late buses",
]
DETAILS = [
    "Residents packed the hall on Tuesday evening.",
    "Officials said the work would start in the autumn.",
    "The vote was seven to two after a long debate.",
    "Tickets sold out within an hour.",
    "Volunteers handed out water at the finish line.",
    "The forecast calls for showers through Friday.",
    "Several speakers asked for more parking near the park.",
    "The team travels north next week.",
    "A local bakery donated bread for the event.",
    "Critics said the plan ignored cyclists.",
]


def off_topic(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        body = " ".join(
            f"{rng.choice(SUBJECTS)} {rng.choice(EVENTS)}. {rng.choice(DETAILS)}" for _ in range(8)
        )
        docs.append(
            {
                "doc_id": f"off{i}",
                "title": f"{rng.choice(SUBJECTS)} {rng.choice(EVENTS)}",
                "text": body,
                "published": None,
            }
        )
    return docs


def deal_articles(n: int) -> list[dict]:
    dev = [json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()]
    return [dict(dev[i % len(dev)], doc_id=f"{dev[i % len(dev)]['doc_id']}-{i}") for i in range(n)]


def timed(fn, docs) -> float:
    start = time.perf_counter()
    fn(docs)
    return len(docs) / (time.perf_counter() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles", type=int, default=2000, help="deal articles (and as many off-topic ones)"
    )
    parser.add_argument(
        "--write", action="store_true", help="write the results into docs/BENCHMARKS.md"
    )
    args = parser.parse_args(argv)
    if not DEV.exists():
        print(f"skipped: {DEV} is absent (the dev set is not part of a clone)")
        return 0
    import spacy

    from extract.api import Extractor
    from extract.pipeline import model_name

    bare = spacy.load(model_name())
    ours = Extractor()

    def run_bare(docs):
        for _ in bare.pipe((f"{d['title'] or ''}\n\n{d['text']}" for d in docs), batch_size=64):
            pass

    def run_ours(docs):
        for _ in ours.run(docs):
            pass

    deals = deal_articles(args.articles)
    mixed = deals + off_topic(args.articles)
    random.Random(1).shuffle(mixed)
    run_bare(deals[:20]), run_ours(deals[:20])  # warm both up
    rows = []
    for label, docs in (("mixed", mixed), ("deal articles only", deals)):
        a, b = timed(run_bare, docs), timed(run_ours, docs)
        rows.append((label, len(docs), a, b, b / a))
        print(
            f"{label}: {len(docs)} articles  bare model {a:.1f}/s  ours {b:.1f}/s  "
            f"ratio {b / a:.2f}"
        )
    if args.write:
        write_section(rows, bare.pipe_names, ours.nlp.pipe_names)
    return 0


def write_section(rows, bare_pipes, our_pipes) -> None:
    table = [
        "| texts | articles | bare model (a) | our extraction (b) | ratio b/a | aim |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    aims = {"mixed": ">= 1.0", "deal articles only": ">= 0.8"}
    for label, n, a, b, ratio in rows:
        table.append(
            f"| {label} | {n:,} | {a:.1f} articles/s | {b:.1f} articles/s "
            f"| **{ratio:.2f}** | {aims[label]} |"
        )
    section = "\n".join(
        [
            "## Extraction",
            "",
            "`python benchmarks/bench_extract.py --write` runs, in one process and on the same",
            "texts, (a) the bare model's `nlp.pipe` with all its components",
            f"({', '.join(bare_pipes)}) and (b) our whole extraction (relevance gate, cleaning,",
            "the pipeline, deal assembly, fitted decisions, result dicts). The texts are the 45",
            "dev articles repeated to 2,000, plus 2,000 generated off-topic local-news texts for",
            "the mixed set.",
            "",
            *table,
            "",
            f"Our pipeline is {', '.join(our_pipes)}. Where the time goes back: the lemmatizer is",
            "excluded (cue words are listed with their inflections), and the gate (tokenizer plus",
            "phrase matchers) keeps off-topic texts away from the statistical model altogether.",
            "",
        ]
    )
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = text.find("## Extraction")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
