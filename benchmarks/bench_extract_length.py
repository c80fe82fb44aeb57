"""Extraction time against text length: it must grow linearly, as the bare model's does.

Usage: python benchmarks/bench_extract_length.py

One article of invented deal sentences inside brackets and without full stops (the shape
that once made extraction quadratic: one sentence per bracket, every entity in view), cut
to 4K, 8K, 16K, 32K and 64K characters. For each length it prints the seconds of our whole
extraction, the seconds of the bare spaCy model on the same text (the baseline, measured in
the same run), their ratio, and seconds per 1,000 characters. Linear work keeps the last
column flat. Set DEALS_EXTRACT_MAX_CHARS above 64000 (the script does) to measure past the
default bound.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DEALS_EXTRACT_MAX_CHARS"] = "70000"

UNIT = (
    "[Halvard Compute and Korrin Labs agreed on 4,000 NVIDIA H100 GPUs in Reno, Nevada] "
    "[Brightwater Cloud will host Ondine Research at its 90 MW campus] "
)
LENGTHS = (4_000, 8_000, 16_000, 32_000, 64_000)


def seconds(fn) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    import spacy

    from extract.api import Extractor
    from extract.pipeline import model_name

    extractor = Extractor()
    bare = spacy.load(model_name())
    print(f"{'chars':>7} {'extract s':>10} {'bare model s':>13} {'ratio':>6} {'s per 1K':>9}")
    for n in LENGTHS:
        text = (UNIT * (n // len(UNIT) + 1))[:n]
        doc = {"doc_id": "long", "title": "A long page", "text": text}
        ours = seconds(lambda: list(extractor.run([doc])))
        base = seconds(lambda: bare(text))
        print(f"{n:>7,} {ours:>10.2f} {base:>13.2f} {ours / base:>6.2f} {ours / n * 1000:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
