"""Run the extractor over a gold file and score it (`deals eval`)."""

from __future__ import annotations

import json
from pathlib import Path

from extract.api import extract_documents
from extract.scoring import confidence_line, f1_interval, precision_by_confidence, score
from store.errors import ConfigError


class GoldFileError(ConfigError):
    """The gold file is missing or not JSONL with a `doc_id` on every line."""


def load_gold(path: str | Path) -> dict[str, dict]:
    path = Path(path)
    if not path.is_file():
        raise GoldFileError(f"gold file not found: {path}")
    gold = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldFileError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(rec, dict) or "doc_id" not in rec:
                raise GoldFileError(f"{path}:{n}: a gold line needs a doc_id")
            gold[rec["doc_id"]] = rec
    if not gold:
        raise GoldFileError(
            f"{path}: no gold documents (one JSON object a line, each with a "
            "doc_id, text and deals; see docs/EVAL.md)"
        )
    return gold


def evaluate(gold_path: str | Path, workers: int = 1, nlp=None) -> dict:
    """Extract every gold article and score the predictions; returns `extract.scoring.score`'s dict
    plus `predictions` (doc_id -> result), `f1_interval` (`extract.scoring.f1_interval`) and
    `precision_by_confidence` (`extract.scoring.precision_by_confidence`)."""
    gold = load_gold(gold_path)
    pred = {r["doc_id"]: r for r in extract_documents(gold.values(), workers=workers, nlp=nlp)}
    result = score(gold, pred)
    result["f1_interval"] = list(f1_interval(gold, pred))
    result["precision_by_confidence"] = precision_by_confidence(gold, pred)
    result["predictions"] = pred
    return result


def format_report(result: dict) -> str:
    """The human-readable report: headline figures, per-field accuracy, then what to learn from."""
    lines = [
        f"docs={result['docs']} headline deals={result['headline_deals']} "
        f"predicted={result['predicted_deals']}",
        f"precision={result['precision']} recall={result['recall']} F1={result['f1']}",
        "F1 95% interval over the articles drawn again: "
        f"{result['f1_interval'][0]:.3f} to {result['f1_interval'][1]:.3f}",
        "deals by confidence: " + confidence_line(result["precision_by_confidence"]),
        "field accuracy:",
    ]
    for name, (acc, n) in result["fields"].items():
        lines.append(f"  {name:<10} {'-' if acc is None else f'{acc:.3f}'} (n={n})")
    lines += [f"miss   {d} {' + '.join(p)}" for d, p in result["misses"]]
    lines += [f"false  {d} {' + '.join(p)}" for d, p in result["false_deals"]]
    lines += [
        f"field  {d} {f}: gold={g!r} predicted={p!r}" for d, f, g, p in result["wrong_fields"]
    ]
    return "\n".join(lines)
