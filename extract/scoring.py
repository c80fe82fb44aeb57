"""Score predicted deals against gold deals with the rules of the shared gold schema.

Names are normalised (case, legal suffixes, a small alias table); a prediction matches a gold
deal when their party sets share two members (or are equal when either has one); recall counts
headline gold deals, precision counts predictions that match any gold deal; a field is scored
over matched pairs where either side has a value (numbers within 2 %, strings equal or nested).
Roles, which the shared scorer leaves out, are one more field, scored over matched pairs where
the gold deal has roles: right when every gold party's role is the role the prediction gives
the same company. docs/EVAL.md has the gold format and these rules.
"""

from __future__ import annotations

import random
import re
import tomllib
from bisect import bisect_right
from pathlib import Path

from vocab import FIGURES

with (Path(__file__).parent / "data" / "scoring.toml").open("rb") as _fh:
    _NAMES = tomllib.load(_fh)
LEGAL = r"\b(" + "|".join(_NAMES["legal"]) + r")\b\.?"
ALIASES = dict(_NAMES["aliases"])
NUMERIC = FIGURES
TEXTUAL = tuple(_NAMES["text_fields"])
CONFIDENCE_BANDS = (0.5, 0.7, 0.9)  # the lower edges; a kept deal is at least 0.5


def norm_name(name: str | None) -> str:
    s = (name or "").lower().replace("’", "'")
    s = re.sub(r"^.*'s\s+(?=\w)", "", s)
    s = re.sub(r"'s$", "", s)
    s = re.sub(LEGAL, "", s)
    s = re.sub(r"[^a-z0-9.&+ ]", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" .")
    return ALIASES.get(s, s)


def party_set(deal: dict) -> set[str]:
    return {norm_name(p) for p in deal.get("parties") or [] if p}


def same_org(a: str, b: str) -> bool:
    """Equal, or the shorter name's words begin the longer's ("blue owl" ~ "blue owl capital")."""
    if a == b:
        return True
    short, long_ = sorted((a.split(), b.split()), key=len)
    return bool(short) and long_[: len(short)] == short and len(" ".join(short)) >= 3


def common(a: set[str], b: set[str]) -> int:
    used, n = set(), 0
    for x in sorted(a):
        for y in sorted(b):
            if y not in used and same_org(x, y):
                used.add(y)
                n += 1
                break
    return n


def parties_match(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:
        return len(a) == len(b) and common(a, b) == 1
    return common(a, b) >= 2


def field_equal(name: str, gold, pred) -> bool:
    if name in NUMERIC:
        try:
            g, p = float(gold), float(pred)
        except (TypeError, ValueError):
            return False
        return abs(g - p) <= 0.02 * max(abs(g), 1.0)
    g, p = (re.sub(r"[^a-z0-9]+", " ", str(v).lower()).strip() for v in (gold, pred))
    if name in ("kind", "status"):
        return g == p
    return bool(g) and bool(p) and (g == p or g in p or p in g)


def roles_equal(gold: dict, pred) -> bool:
    """Every party the gold deal gives a role has that role in the prediction (names matched
    as parties are: normalised, one name's words beginning the other's)."""
    predicted = (
        {norm_name(name): role for name, role in (pred or {}).items()}
        if isinstance(pred, dict)
        else {}
    )
    for name, role in gold.items():
        key = norm_name(name)
        found = [r for k, r in predicted.items() if same_org(key, k)]
        if not found or str(found[0]).lower() != str(role).lower():
            return False
    return True


def pair_deals(
    gdeals: list[dict], pdeals: list[dict]
) -> tuple[list[tuple[dict, dict]], set[int], list[int]]:
    """Match gold to predictions, headline gold first; returns pairs, used predictions,
    unmatched headline golds."""
    used, pairs, missed = set(), [], []
    for gi in sorted(range(len(gdeals)), key=lambda i: not gdeals[i].get("headline")):
        gs, best = party_set(gdeals[gi]), None
        for pi, pd in enumerate(pdeals):
            if pi in used:
                continue
            ps = party_set(pd)
            if parties_match(gs, ps) and (best is None or common(gs, ps) > best[0]):
                best = (common(gs, ps), pi)
        if best is not None:
            used.add(best[1])
            pairs.append((gdeals[gi], pdeals[best[1]]))
        elif gdeals[gi].get("headline"):
            missed.append(gi)
    return pairs, used, missed


def paired_articles(gold: dict[str, dict], pred: dict[str, dict]):
    """Per gold article: (doc_id, its gold deals, its predicted deals, `pair_deals` of them),
    the matching every score of this module starts from."""
    for doc_id, g in gold.items():
        gdeals = g.get("deals") or []
        pdeals = (pred.get(doc_id) or {}).get("deals") or []
        yield doc_id, gdeals, pdeals, pair_deals(gdeals, pdeals)


def score(gold: dict[str, dict], pred: dict[str, dict]) -> dict:
    """Deal precision, recall, F1 and per-field accuracy, with the misses, false deals and wrong
    fields."""
    headline_total = matched_headline = pred_total = pred_ok = 0
    fields = {f: [0, 0] for f in NUMERIC + TEXTUAL + ("roles",)}
    misses, false_deals, wrong = [], [], []
    for doc_id, gdeals, pdeals, (pairs, used, missed) in paired_articles(gold, pred):
        headlines = sum(1 for d in gdeals if d.get("headline"))
        headline_total += headlines
        matched_headline += headlines - len(missed)
        misses += [(doc_id, sorted(party_set(gdeals[i]))) for i in missed]
        pred_total += len(pdeals)
        pred_ok += len(used)
        false_deals += [
            (doc_id, sorted(party_set(pd))) for pi, pd in enumerate(pdeals) if pi not in used
        ]
        for gd, pd in pairs:
            for f in NUMERIC + TEXTUAL:
                gv, pv = gd.get(f), pd.get(f)
                if gv is None and pv is None:
                    continue
                fields[f][1] += 1
                if gv is not None and pv is not None and field_equal(f, gv, pv):
                    fields[f][0] += 1
                else:
                    wrong.append((doc_id, f, gv, pv))
            if isinstance(gd.get("roles"), dict) and gd["roles"]:
                fields["roles"][1] += 1
                if roles_equal(gd["roles"], pd.get("roles")):
                    fields["roles"][0] += 1
                else:
                    wrong.append((doc_id, "roles", gd["roles"], pd.get("roles")))
    precision, recall, f1 = precision_recall_f1(
        headline_total, matched_headline, pred_total, pred_ok
    )
    return {
        "docs": len(gold),
        "headline_deals": headline_total,
        "predicted_deals": pred_total,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "fields": {f: (round(c / n, 3) if n else None, n) for f, (c, n) in fields.items()},
        "misses": misses,
        "false_deals": false_deals,
        "wrong_fields": wrong,
    }


def article_counts(gold: dict[str, dict], pred: dict[str, dict]) -> list[tuple[int, ...]]:
    """Per gold article: (headline deals, of them matched, predictions, of them matching)."""
    counts = []
    for _, gdeals, pdeals, (_, used, missed) in paired_articles(gold, pred):
        headlines = sum(1 for d in gdeals if d.get("headline"))
        counts.append((headlines, headlines - len(missed), len(pdeals), len(used)))
    return counts


def precision_by_confidence(
    gold: dict[str, dict], pred: dict[str, dict], bands: tuple[float, ...] = CONFIDENCE_BANDS
) -> list[dict]:
    """For each band of the deals' `confidence`, how many predicted deals it holds and how many
    of them match a gold deal (as precision counts them): whether the confidence means what it
    says. Deals with no confidence are left out."""
    counts = [[0, 0] for _ in bands]
    for _, _, pdeals, (_, used, _) in paired_articles(gold, pred):
        for pi, deal in enumerate(pdeals):
            band = bisect_right(bands, deal.get("confidence") or -1.0) - 1
            if band >= 0:
                counts[band][0] += 1
                counts[band][1] += pi in used
    edges = [*bands, 1.0]
    return [
        {"from": lo, "to": hi, "deals": n, "right": right}
        for lo, hi, (n, right) in zip(edges, edges[1:], counts)
    ]


def confidence_line(bands: list[dict]) -> str:
    """ "0.5-0.7: 9/14 right, 0.7-0.9: ..." for a report."""
    return ", ".join(
        f"{b['from']:.1f}-{b['to']:.1f}: {b['right']}/{b['deals']} right" for b in bands
    )


def precision_recall_f1(
    headlines: int, matched: int, predicted: int, matching: int
) -> tuple[float, float, float]:
    """Recall over the headline deals, precision over the predictions, and their F1."""
    recall = matched / headlines if headlines else 1.0
    precision = matching / predicted if predicted else (1.0 if not headlines else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _f1(counts: list[tuple[int, ...]]) -> float:
    """The deal F1 of articles' `article_counts`, added up."""
    return precision_recall_f1(*(sum(c) for c in zip(*counts)) if counts else (0, 0, 0, 0))[2]


def f1_interval(
    gold: dict[str, dict], pred: dict[str, dict], rounds: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """The deal F1's 95% interval when the articles are drawn again (a bootstrap over
    articles, with a fixed seed): how far a score on some articles may move on as many others
    like them, so that a change smaller than that is not read as a gain. Each article is
    matched once; a draw only adds up its counts."""
    counts, draw = article_counts(gold, pred), random.Random(seed)
    return _middle_95([_f1(draw.choices(counts, k=len(counts))) for _ in range(rounds)])


def f1_change_interval(
    gold: dict[str, dict],
    before: dict[str, dict],
    after: dict[str, dict],
    rounds: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """How much two extractions' deal F1 differ on the same articles (after minus before),
    with the 95% interval of that difference when the articles are drawn again, both scored
    on each draw: far narrower than either score's own interval, as most articles come out
    the same both times."""
    a, b = article_counts(gold, before), article_counts(gold, after)
    draw, pairs = random.Random(seed), list(zip(a, b))
    changes = []
    for _ in range(rounds):
        sample = draw.choices(pairs, k=len(pairs))
        changes.append(_f1([y for _, y in sample]) - _f1([x for x, _ in sample]))
    return (round(_f1(b) - _f1(a), 3), *_middle_95(changes))


def _middle_95(draws: list[float]) -> tuple[float, float]:
    """The bounds of the middle 95% of the draws, to three places."""
    draws = sorted(draws)
    n = len(draws)
    return round(draws[int(0.025 * n)], 3), round(draws[int(0.975 * n) - 1], 3)
