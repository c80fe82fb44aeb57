"""Fit the same-agreement decision and write store/projections/data/same_agreement.json.

Usage: python benchmarks/fit_same_agreement.py [PAIRS.jsonl] [--check]

Each line of the pairs file (default store/projections/data/same_agreement_pairs.jsonl) is two
invented reports of the same companies from different outlets, labelled 1 when they report one
agreement (a re-report, a disputed figure, a revision the text says changed the first deal) and
0 when they are two (a follow-on agreement, a second order, another site, another kind years
apart). The features are the named cues of `store.projections.deal_merging.features`, the
very function the projection calls. A logistic regression (scikit-learn, here only) is scored
by stratified 10-fold cross-validation repeated five times (its regularisation chosen again
inside each training part), then fitted on every pair; its weights are written as JSON, which
the projection applies as a dot product and a sigmoid.

`--check` prints the cross-validated accuracy and the pairs the shipped weights get wrong,
and writes nothing.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store.projections.deal_merging import (  # noqa: E402
    FEATURE_MEANINGS,
    FEATURES,
    WEIGHTS_FILE,
    Model,
    Report,
    features,
    load_model,
    name_key,
)
from vocab import FIGURES  # noqa: E402

PAIRS = ROOT / "store" / "projections" / "data" / "same_agreement_pairs.jsonl"


def report(side: dict) -> Report:
    return Report(
        doc_id=side["outlet"],
        url=None,
        reported=side["reported"],
        raw_keys=tuple(name_key(p) for p in side["parties"]),
        kind=side.get("kind"),
        chip=side.get("chip"),
        facility=side.get("facility"),
        location=side.get("location"),
        figures={f: float(side[f]) for f in FIGURES if side.get(f) is not None},
        roles={name_key(k): v for k, v in (side.get("roles") or {}).items()},
        text=side.get("text", ""),
        party_key="\x1f".join(sorted(name_key(p) for p in side["parties"])),
    )


def read_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def matrix(pairs: list[dict]):
    import numpy as np

    rows = []
    for pair in pairs:
        found = features(report(pair["a"]), report(pair["b"]))
        rows.append([found[n] for n in FEATURES])
    return np.array(rows), np.array([int(p["label"]) for p in pairs])


CS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)  # regularisation strengths tried inside the training folds


def estimator():
    """Logistic regression whose regularisation is chosen by 5-fold cross-validation on the
    data it is fitted on (so an outer fold never sees it chosen on its own pairs)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    return GridSearchCV(
        LogisticRegression(max_iter=5000),
        {"C": list(CS)},
        scoring="accuracy",
        cv=StratifiedKFold(5, shuffle=True, random_state=0),
    )


def cross_validated(x, y, seeds=range(5), folds: int = 10) -> tuple[float, float]:
    """Mean and standard deviation of the out-of-fold accuracy over repeated stratified folds
    (nested: the regularisation is chosen again inside every training part)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    scores = []
    for seed in seeds:
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        scores.extend(cross_val_score(estimator(), x, y, cv=split, scoring="accuracy"))
    return float(np.mean(scores)), float(np.std(scores))


def fit(x, y) -> tuple[Model, float]:
    search = estimator().fit(x, y)
    model = search.best_estimator_
    return (
        Model(dict(zip(FEATURES, map(float, model.coef_[0]))), float(model.intercept_[0])),
        float(search.best_params_["C"]),
    )


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    pairs = read_pairs(paths[0] if paths else PAIRS)
    x, y = matrix(pairs)
    mean, std = cross_validated(x, y)
    print(
        f"{len(pairs)} pairs ({int(y.sum())} one agreement, {len(y) - int(y.sum())} two);"
        f" cross-validated accuracy {mean:.3f} (sd {std:.3f}, 10 folds x 5 repeats)"
    )
    model, strength = (load_model(), None) if check else fit(x, y)
    wrong = [
        p
        for p in pairs
        if (model.probability(report(p["a"]), report(p["b"])) >= 0.5) != bool(p["label"])
    ]
    print(f"training accuracy {(len(pairs) - len(wrong)) / len(pairs):.3f}; misjudged:")
    for p in wrong:
        print(f"  label {p['label']}: {p['why']}")
    if check:
        return 0
    for name in FEATURES:
        print(f"  {name:<17} {model.weights[name]:+.3f}  {FEATURE_MEANINGS[name]}")
    print(f"  {'intercept':<17} {model.intercept:+.3f}   (C = {strength:g})")
    WEIGHTS_FILE.write_text(
        json.dumps(
            {
                "about": "Logistic regression over deal_merging.FEATURES, fitted by "
                "benchmarks/fit_same_agreement.py on same_agreement_pairs.jsonl",
                "fitted_on": date.today().isoformat(),
                "pairs": len(pairs),
                "cv_accuracy": round(mean, 3),
                "cv_sd": round(std, 3),
                "C": strength,
                "weights": {n: round(w, 4) for n, w in model.weights.items()},
                "intercept": round(model.intercept, 4),
                "threshold": 0.5,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
