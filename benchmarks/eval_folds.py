"""Score extraction on the real-news development set, per fold and pooled.

Usage: python benchmarks/eval_folds.py [GOLD] [--json] [--errors FOLD,...]
                                     [--save FILE] [--against FILE]
                                     [--train-share F] [--draw K]

GOLD is dev-real.jsonl with its texts joined in (see docs/EXTRACTION.md; default
.dev-real/gold.jsonl). Folds come from benchmarks/data/dev_real_folds.json. The extractor's
fitted decisions are refitted for each fold on the other four (out-of-fold), so every score
printed is on text the weights never saw; `--shipped` scores the shipped weights instead
(in-sample for the folds they were fitted on). `--errors` lists the misses, false deals and
wrong fields of the folds named, for development on those folds only. The composed articles
and the invented ones (benchmarks/data/invented) are training data too; they are held out the
same way and scored on their own lines. The unseen invented articles (benchmarks/data/unseen)
are no training data: decisions fitted on all the rest extract them, on a line of their own.
So are the real articles of benchmarks/data/real-check.jsonl, when their texts have been
rebuilt into .check-real/ (docs/EXTRACTION.md says how), on the line `real new`. The line
`held out` scores together the folds whose errors were never read (READ_FOLDS are the others).
Each deal F1 comes with its 95% interval over the articles drawn again, and each deal's
confidence is checked: how many deals of each band of it are right. `--save` keeps this
run's deals; `--against` a saved run prints the change in deal F1 from it on the same
articles, with the interval of the change (a paired draw, far narrower than either score's).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
FOLDS = ROOT / "benchmarks" / "data" / "dev_real_folds.json"
# Invented articles nobody read while writing rules, and no training data: a check on text
# the extractor has never seen (benchmarks/data/unseen/README.md).
UNSEEN = sorted((ROOT / "benchmarks" / "data" / "unseen").glob("*.jsonl"))
# The folds whose errors were read while rules were written; the others are held out.
READ_FOLDS = (0, 1, 2)
# Real articles labelled after 0.11, kept out of training and never read for errors: the texts
# are third-party pages, so only their gold is here; they are rebuilt into a git-ignored folder.
REAL_CHECK = ROOT / "benchmarks" / "data" / "real-check.jsonl"
REAL_CHECK_TEXTS = ROOT / ".check-real"
CATEGORIES = {
    "party": ("misses", "false deals"),
    "figures": ("gpu_count", "power_mw", "value_usd"),
    "chip": ("chip",),
    "kind": ("kind",),
    "status": ("status",),
    "place": ("facility", "location"),
}


def load(path: Path) -> dict[str, dict]:
    return {r["doc_id"]: r for r in map(json.loads, path.open(encoding="utf-8")) if r}


def with_texts(records: Path, folder: Path) -> list[dict]:
    """The records whose rebuilt text is in the folder with the recorded hash, text joined in;
    none when the folder is absent (a clone has no texts)."""
    out = []
    for line in records.open(encoding="utf-8") if folder.is_dir() else ():
        record = json.loads(line)
        path = folder / f"{record['doc_id']}.txt"
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == record["text_sha256"]:
            out.append(record | {"text": path.read_text(encoding="utf-8")})
    return out


def error_table(result: dict) -> dict[str, int]:
    wrong = Counter(field for _, field, _, _ in result["wrong_fields"])
    counts = {"misses": len(result["misses"]), "false deals": len(result["false_deals"])}
    return {
        cat: sum(counts.get(f, 0) + wrong.get(f, 0) for f in fields)
        for cat, fields in CATEGORIES.items()
    }


def summary(result: dict) -> dict:
    return {
        "docs": result["docs"],
        "precision": result["precision"],
        "recall": result["recall"],
        "f1": result["f1"],
        **{f: acc for f, (acc, _) in result["fields"].items()},
        "errors": error_table(result),
    }


def saved_deals(pred: dict[str, dict]) -> dict[str, dict]:
    """doc_id -> {"deals": [the deal fields]}: a run as `--against` reads it back."""
    from vocab import DEAL_FIELDS

    return {
        d: {"deals": [{k: x.get(k) for k in DEAL_FIELDS} for x in r["deals"]]}
        for d, r in pred.items()
    }


def predict_out_of_fold(
    docs: list[dict],
    folds: dict[str, int],
    shipped: bool,
    composed: list[dict] = (),
    unseen: list[dict] = (),
    share: float = 1.0,
    draw: int = 0,
) -> dict:
    """doc_id -> result; each fold's decisions fitted on the other folds. The other
    articles, when given (composed, invented), are split into the same number of folds (by
    position) and held out the same way, so every set is scored out of fold. The unseen
    articles are no training data: decisions fitted on all the others extract them. With
    `share` below 1, each fit sees only that share of its training articles (which ones:
    `in_share`, by `draw`), for a learning curve."""
    from fit_decisions import candidates, fit, labelled

    from extract.decisions import shipped as shipped_decisions

    composed, unseen = list(composed), list(unseen)
    n = len(set(folds.values()))
    folds = folds | {d["doc_id"]: i % n for i, d in enumerate(composed)}
    found = candidates(docs + composed + unseen)
    gold = {d["doc_id"]: d for d in docs + composed if in_share(d["doc_id"], share, draw)}
    out = {}
    if unseen:
        decisions = shipped_decisions() if shipped else fit(labelled(gold, found))
        for d in unseen:
            result = dict(found[d["doc_id"]])
            result["deals"] = decisions.apply([dict(x) for x in result["deals"]])
            out[d["doc_id"]] = result
    for k in sorted(set(folds.values())):
        if shipped:
            decisions = shipped_decisions()
        else:
            train = {d: g for d, g in gold.items() if folds.get(d, -1) != k}
            decisions = fit(labelled(train, found))
        for doc_id in (d for d in folds if folds[d] == k):
            result = dict(found[doc_id])
            result["deals"] = decisions.apply([dict(x) for x in result["deals"]])
            out[doc_id] = result
    return out


def in_share(doc_id: str, share: float, draw: int) -> bool:
    """Whether an article is among a share of the training articles: a stable hash of its id
    and the draw, so that a share holds the same articles in every run and a larger share
    holds a smaller one's."""
    digest = hashlib.sha256(f"{draw}:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < share * 2**64


def main(argv=None) -> int:
    from extract.scoring import (
        confidence_line,
        f1_change_interval,
        f1_interval,
        precision_by_confidence,
        score,
    )

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", type=Path, default=ROOT / ".dev-real" / "gold.jsonl")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--shipped", action="store_true", help="Score the shipped weights.")
    ap.add_argument("--errors", help="Folds whose errors to list, e.g. 0,1.")
    ap.add_argument("--save", type=Path, help="Write this run's deals to FILE (JSON).")
    ap.add_argument("--against", type=Path, help="A run saved with --save, to compare with.")
    ap.add_argument(
        "--train-share",
        type=float,
        default=1.0,
        help="Fit each fold's decisions on this share of its training articles (0 to 1).",
    )
    ap.add_argument("--draw", type=int, default=0, help="Which articles --train-share keeps.")
    args = ap.parse_args(argv)
    if not 0 < args.train_share <= 1:
        print("error: --train-share must be above 0 and at most 1", file=sys.stderr)
        return 2
    if not args.gold.exists():
        print(
            f"error: {args.gold} is absent: rebuild the texts (docs/EXTRACTION.md)", file=sys.stderr
        )
        return 2
    gold = load(args.gold)
    folds = {d: f for d, f in json.loads(FOLDS.read_text()).items() if d in gold}
    from fit_decisions import COMPOSED, INVENTED, read_gold

    others = {
        "composed": read_gold([COMPOSED]) if COMPOSED.exists() else [],
        "invented": read_gold(INVENTED),
    }
    others = {name: docs for name, docs in others.items() if docs}
    extra = [d for docs in others.values() for d in docs]
    unseen = read_gold(UNSEEN)
    real_new = with_texts(REAL_CHECK, REAL_CHECK_TEXTS)
    pred = predict_out_of_fold(
        list(gold.values()),
        folds,
        args.shipped,
        extra,
        unseen + real_new,
        share=args.train_share,
        draw=args.draw,
    )
    if unseen:
        others["unseen"] = unseen
    if real_new:
        others["real new"] = real_new
    per_fold = {}
    for k in sorted(set(folds.values())):
        ids = [d for d in gold if folds[d] == k]
        per_fold[k] = score({d: gold[d] for d in ids}, {d: pred[d] for d in ids})
    pooled = score(gold, pred)
    report = {"pooled": summary(pooled), "folds": {k: summary(r) for k, r in per_fold.items()}}
    held_out = {d: g for d, g in gold.items() if folds[d] not in READ_FOLDS}
    report["held out"] = summary(score(held_out, pred))
    for name, docs in others.items():
        report[name] = summary(score({d["doc_id"]: d for d in docs}, pred))
    lines = {"pooled": gold, "held out": held_out}  # the lines whose F1 carries an interval
    if "real new" in others:
        lines["real new"] = {d["doc_id"]: d for d in others["real new"]}
    for name, articles in lines.items():
        report[name]["f1_interval"] = f1_interval(articles, pred)
        report[name]["precision_by_confidence"] = precision_by_confidence(articles, pred)
    if args.against:
        before = json.loads(args.against.read_text(encoding="utf-8"))
        for name, articles in lines.items():
            report[name]["f1_change"] = f1_change_interval(articles, before, pred)
    if args.save:
        args.save.write_text(json.dumps(saved_deals(pred)), encoding="utf-8")
    if args.json:
        print(json.dumps(report))
    else:
        keys = [
            "f1",
            "precision",
            "recall",
            "gpu_count",
            "power_mw",
            "value_usd",
            "chip",
            "facility",
            "location",
            "kind",
            "status",
        ]
        print(f"{'':>7} " + " ".join(f"{k[:9]:>9}" for k in keys))
        for name, row in [
            *((f"fold {k}", s) for k, s in report["folds"].items()),
            ("pooled", report["pooled"]),
            ("held out", report["held out"]),
            *((name, report[name]) for name in others),
        ]:
            cells = ("-" if row[k] is None else f"{row[k]:.3f}" for k in keys)
            print(f"{name:>7} " + " ".join(f"{c:>9}" for c in cells))
        for name in ("pooled", "held out", "real new"):
            if name in report:
                counts = ", ".join(f"{k} {v}" for k, v in report[name]["errors"].items())
                print(f"errors ({name}): {counts}")
        intervals = ", ".join(
            f"{name} {report[name]['f1_interval'][0]:.3f}-{report[name]['f1_interval'][1]:.3f}"
            for name in lines
        )
        print(f"deal F1, 95% interval over articles drawn again: {intervals}")
        for name in lines:
            bands = confidence_line(report[name]["precision_by_confidence"])
            print(f"deals by confidence ({name}): {bands}")
        if args.against:
            changes = ", ".join(
                f"{name} {c[0]:+.3f} ({c[1]:+.3f} to {c[2]:+.3f})"
                for name in lines
                for c in [report[name]["f1_change"]]
            )
            print(f"deal F1 change from {args.against.name} (95% interval): {changes}")
    if args.errors:
        for k in map(int, args.errors.split(",")):
            r = per_fold[k]
            for d, p in r["misses"]:
                print(f"miss   {d} {' + '.join(p)}")
            for d, p in r["false_deals"]:
                print(f"false  {d} {' + '.join(p)}")
            for d, f, g, p in r["wrong_fields"]:
                print(f"field  {d} {f}: gold={g!r} predicted={p!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
