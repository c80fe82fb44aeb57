"""Split the real-news development set into 5 fixed folds by story, written once as data.

Usage: python benchmarks/make_folds.py ../shared/eval/dev-real.jsonl \
           > benchmarks/data/dev_real_folds.json

Two excerpts are one story when they share a search query or their headline deals have the same
parties; a story never straddles two folds, so a fold scores text about agreements its training
folds never saw. Stories go to folds by a hash of their first doc id (no look at the texts),
largest first into the smallest fold, so the folds are about the same size and the assignment
does not move when the script runs again.
"""

from __future__ import annotations

import hashlib
import json
import sys

FOLDS = 5


def stories(records: list[dict]) -> list[list[str]]:
    parent = {r["doc_id"]: r["doc_id"] for r in records}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_of: dict[str, str] = {}
    for r in records:
        keys = [("q", r["query"])] + [
            ("p", "|".join(sorted(p.lower() for p in d["parties"])))
            for d in r["deals"]
            if d.get("headline")
        ]
        for key in map(str, keys):
            if key in first_of:
                parent[root(r["doc_id"])] = root(first_of[key])
            else:
                first_of[key] = r["doc_id"]
    groups: dict[str, list[str]] = {}
    for r in records:
        groups.setdefault(root(r["doc_id"]), []).append(r["doc_id"])
    return list(groups.values())


def assign(groups: list[list[str]]) -> dict[str, int]:
    def order(group: list[str]) -> tuple:
        return (-len(group), hashlib.sha256(min(group).encode()).hexdigest())

    sizes, folds = [0] * FOLDS, {}
    for group in sorted(groups, key=order):
        fold = min(range(FOLDS), key=lambda f: (sizes[f], f))
        sizes[fold] += len(group)
        folds.update(dict.fromkeys(group, fold))
    return dict(sorted(folds.items()))


def main(path: str) -> int:
    records = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    print(json.dumps(assign(stories(records)), indent=0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
