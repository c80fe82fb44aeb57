"""Fit the extractor's decisions (is it a deal? which kind?) and write extract/data/decisions.json.

Usage: python benchmarks/fit_decisions.py [GOLD ...]

Default training data: the real-news development set with its texts joined in
(.dev-real/gold.jsonl, see docs/EXTRACTION.md) and the composed set ../shared/eval/dev.jsonl.
The extractor runs with no decisions, so every candidate the rules propose comes out with its
named features; a candidate is labelled a deal when its parties match a gold deal of the
article (the scorer's rule), and its kind is the matched gold deal's. Two logistic regressions
(scikit-learn, regularisation chosen by cross-validation inside the training data) are fitted
and their weights written as JSON. `benchmarks/eval_folds.py` calls `fit()` once per fold on
the other folds, so the scores it prints are out-of-fold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_GOLD = [ROOT / ".dev-real" / "gold.jsonl", ROOT.parent / "shared" / "eval" / "dev.jsonl"]
OUT = ROOT / "extract" / "data" / "decisions.json"


def read_gold(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths for line in p.open(encoding="utf-8") if line.strip()]


def candidates(docs: list[dict]) -> dict[str, dict]:
    """doc_id -> the extractor's result with every candidate kept and its features attached."""
    from extract.api import extract_documents
    from extract.decisions import NONE

    return {r["doc_id"]: r for r in extract_documents(docs, decisions=NONE, with_features=True)}


def labelled(gold: dict, found: dict) -> list[tuple[dict, int, str | None]]:
    """(features, is a deal, gold kind or None) for every candidate of every gold article."""
    from extract.scoring import party_set, parties_match

    rows = []
    for doc_id, record in gold.items():
        gdeals = record.get("deals") or []
        for deal in found[doc_id]["deals"]:
            parties = party_set(deal)
            match = next((g for g in gdeals if parties_match(party_set(g), parties)), None)
            rows.append((deal["features"], int(match is not None),
                         match["kind"] if match else None))
    return rows


def fit(rows: list[tuple[dict, int, str | None]]):
    """Decisions fitted on labelled candidates (scikit-learn, at fitting time only)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

    from extract.decisions import Binary, Decisions, Multiclass

    names = sorted({n for f, _, _ in rows for n in f} - {"bias_term"})
    x = np.array([[f.get(n, 0.0) for n in names] for f, _, _ in rows])
    y = np.array([label for _, label, _ in rows])
    keep = LogisticRegressionCV(Cs=10, cv=5, scoring="f1", max_iter=5000,
                                use_legacy_attributes=True).fit(x, y)
    binary = Binary(dict(zip(names, map(float, keep.coef_[0]))), float(keep.intercept_[0]), 0.5)
    kinds = [(f, k) for f, label, k in rows if label and k]
    kx = np.array([[f.get(n, 0.0) for n in names] for f, _ in kinds])
    ky = np.array([k for _, k in kinds])
    if len(set(ky)) < 2:
        return Decisions(keep=binary)
    model = LogisticRegression(C=keep.C_[0], max_iter=5000).fit(kx, ky)
    classes = [str(c) for c in model.classes_]
    weights = {c: dict(zip(names, map(float, model.coef_[i]))) for i, c in enumerate(classes)}
    bias = {c: float(model.intercept_[i]) for i, c in enumerate(classes)}
    return Decisions(keep=binary, kind=Multiclass(weights, bias))


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or DEFAULT_GOLD
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"error: missing training data: {', '.join(missing)}", file=sys.stderr)
        return 2
    docs = read_gold(paths)
    gold = {d["doc_id"]: d for d in docs}
    rows = labelled(gold, candidates(docs))
    decisions = fit(rows)
    OUT.write_text(json.dumps(decisions.as_dict(), indent=1, sort_keys=True) + "\n",
                   encoding="utf-8")
    positives = sum(label for _, label, _ in rows)
    print(f"fitted on {len(rows)} candidates ({positives} deals) from {len(docs)} articles: "
          f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
