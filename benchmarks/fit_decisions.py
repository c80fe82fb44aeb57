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
KIND_ONLY = ("link_kind_", "first_kind_", "title_kind_", "kind_parse_", "kind_verb_")
KIND_CUES = (
    "kind_cue_",
    "link_kind_",
    "first_kind_",
    "title_kind_",
    "kind_parse_",
    "kind_verb_",
    "sector_",
    "rule_kind_",
    "has_",
)  # what the kind model reads


def read_gold(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths for line in p.open(encoding="utf-8") if line.strip()]


def candidates(docs: list[dict]) -> dict[str, dict]:
    """doc_id -> the extractor's result with every candidate kept and its features attached."""
    from extract.api import extract_documents
    from extract.decisions import NONE

    return {r["doc_id"]: r for r in extract_documents(docs, decisions=NONE, with_features=True)}


def labelled(gold: dict, found: dict) -> list[tuple[dict, int, str | None, list]]:
    """(features, is a deal, gold kind or None, amounts) for every candidate of every gold
    article; amounts holds, per figure field, ([(amount features, is the gold amount)], whether
    the gold deal has that figure)."""
    from extract.scoring import field_equal, parties_match, party_set

    rows = []
    for doc_id, record in gold.items():
        gdeals = record.get("deals") or []
        for deal in found[doc_id]["deals"]:
            parties = party_set(deal)
            match = next((g for g in gdeals if parties_match(party_set(g), parties)), None)
            amounts = (
                []
                if match is None
                else [
                    (
                        [
                            (
                                f,
                                int(
                                    match.get(field) is not None
                                    and field_equal(field, match[field], v)
                                ),
                            )
                            for v, f in choices
                        ],
                        match.get(field) is not None,
                    )
                    for field, choices in deal["figure_options"].items()
                ]
            )
            rows.append(
                (
                    deal["features"],
                    int(match is not None),
                    match["kind"] if match else None,
                    amounts,
                )
            )
    return rows


def _matrix(pairs: list[tuple[dict, object]], names: list[str]):
    """The features of each (features, label) pair as rows in `names` order, and the labels."""
    import numpy as np

    x = np.array([[f.get(n, 0.0) for n in names] for f, _ in pairs])
    return x, np.array([label for _, label in pairs])


def _cv_probabilities(pairs: list[tuple[dict, int]], names: list[str], c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    x, y = _matrix(pairs, names)
    return cross_val_predict(
        LogisticRegression(C=c, max_iter=5000), x, y, cv=5, method="predict_proba"
    )[:, 1]


def _binary(pairs: list[tuple[dict, int]]):
    """A logistic regression over named features, regularisation chosen by 5-fold CV."""
    from sklearn.linear_model import LogisticRegressionCV

    from extract.decisions import Binary

    names = sorted({n for f, _ in pairs for n in f} - {"bias_term"})
    x, y = _matrix(pairs, names)
    model = LogisticRegressionCV(
        Cs=10, cv=5, scoring="neg_log_loss", max_iter=5000, use_legacy_attributes=True
    ).fit(x, y)
    return Binary(
        dict(zip(names, map(float, model.coef_[0]))), float(model.intercept_[0]), 0.5
    ), model.C_[0]


def _figure_threshold(rows, names: list[str], c: float) -> float:
    """The probability the likeliest amount must reach to be taken: the one that scores best
    (field accuracy, as the scorer counts it) on cross-validated probabilities of the
    training rows, so it is fitted, not chosen by hand."""
    groups = [group for *_, amounts in rows for group in amounts if group[0] or group[1]]
    flat = [pair for amounts, _ in groups for pair in amounts]
    if len({label for _, label in flat}) < 2:
        return 0.5
    probs = iter(_cv_probabilities(flat, names, c))
    scored = [([(next(probs), label) for _, label in amounts], gold) for amounts, gold in groups]

    def accuracy(t: float) -> float:
        right = counted = 0
        for options, gold in scored:
            best = max(options, default=(0.0, 0))
            taken = best[0] >= t
            if gold or taken:
                counted += 1
                right += taken and best[1]
        return right / counted if counted else 0.0

    candidates = sorted({p for options, _ in scored for p, _ in options} | {0.5})
    return max(candidates, key=lambda t: (accuracy(t), -abs(t - 0.5)))


def fit(rows: list[tuple[dict, int, str | None, list]]):
    """Decisions fitted on labelled candidates (scikit-learn, at fitting time only)."""
    from extract.decisions import Binary, Decisions

    binary, c = _binary(
        [
            ({n: v for n, v in f.items() if not n.startswith(KIND_ONLY)}, label)
            for f, label, _, _ in rows
        ]
    )
    figures, _ = _binary([pair for *_, amounts in rows for group, _ in amounts for pair in group])
    figures = Binary(
        figures.weights, figures.bias, _figure_threshold(rows, sorted(figures.weights), c)
    )
    kinds = [
        ({n: v for n, v in f.items() if n.startswith(KIND_CUES)}, k)
        for f, label, k, _ in rows
        if label and k
    ]
    return Decisions(keep=binary, kind=_kind_model(kinds), figures=figures)


def _kind_model(kinds: list[tuple[dict, str]]):
    """A multinomial logistic regression for the kind (regularisation chosen by
    cross-validation), shipped only when its cross-validated accuracy beats the rules' own
    kind on the same deals (else the rules keep deciding)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.model_selection import cross_val_predict

    from extract.decisions import Multiclass

    names = sorted({n for f, _ in kinds for n in f})
    x, y = _matrix(kinds, names)
    if len(set(y)) < 2 or min(np.unique(y, return_counts=True)[1]) < 2:
        return None
    folds = min(5, min(np.unique(y, return_counts=True)[1]))
    c = (
        LogisticRegressionCV(Cs=10, cv=folds, max_iter=5000, use_legacy_attributes=True)
        .fit(x, y)
        .C_[0]
    )
    model = LogisticRegression(C=c, max_iter=5000)
    predicted = cross_val_predict(model, x, y, cv=folds)
    rules = [
        next(
            (n[len("rule_kind_") :] for n, v in f.items() if n.startswith("rule_kind_") and v), None
        )
        for f, _ in kinds
    ]
    if np.mean(predicted == y) <= np.mean([r == k for r, (_, k) in zip(rules, kinds)]):
        return None
    model.fit(x, y)
    classes = [str(k) for k in model.classes_]
    weights = {k: dict(zip(names, map(float, model.coef_[i]))) for i, k in enumerate(classes)}
    return Multiclass(weights, {k: float(model.intercept_[i]) for i, k in enumerate(classes)})


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
    OUT.write_text(
        json.dumps(decisions.as_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    positives = sum(label for _, label, _, _ in rows)
    print(
        f"fitted on {len(rows)} candidates ({positives} deals) from {len(docs)} articles: "
        f"wrote {OUT.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
