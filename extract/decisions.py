"""The fitted decisions: is a candidate a deal, of which kind, with which status.

Weights come from extract/data/decisions.json, fitted by benchmarks/fit_decisions.py on
labelled articles (logistic regression over the named features of extract/deal_features.py).
Here they are only applied: a dot product and a sigmoid or a softmax, no learning library.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from functools import lru_cache
from pathlib import Path

WEIGHTS = Path(__file__).parent / "data" / "decisions.json"


@dataclass(frozen=True)
class Binary:
    """P(yes) = sigmoid(w . x + b); yes when it reaches `threshold`."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features.get(n, 0.0) for n, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class Multiclass:
    """The class with the highest w_c . x + b_c (softmax order)."""

    weights: dict[str, dict[str, float]]
    bias: dict[str, float]

    def decide(self, features: dict[str, float]) -> str:
        def score(c: str) -> float:
            w = self.weights[c]
            return self.bias[c] + sum(v * features.get(n, 0.0) for n, v in w.items())

        return max(sorted(self.weights), key=score)


@dataclass(frozen=True)
class Decisions:
    keep: Binary | None = None
    kind: Multiclass | None = None
    figures: Binary | None = None  # is this amount the deal's own (per field, the likeliest)
    # per figure field, the probability its likeliest amount must reach (else `figures`')
    figure_thresholds: Mapping[str, float] = default(default_factory=dict)
    status: Multiclass | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "Decisions":
        keep, kind, figures = data.get("keep"), data.get("kind"), data.get("figures")
        status = data.get("status")
        return cls(
            keep=Binary(keep["weights"], keep["bias"], keep["threshold"]) if keep else None,
            kind=Multiclass(kind["weights"], kind["bias"]) if kind else None,
            figures=Binary(figures["weights"], figures["bias"], figures["threshold"])
            if figures
            else None,
            figure_thresholds=dict(figures.get("thresholds", {})) if figures else {},
            status=Multiclass(status["weights"], status["bias"]) if status else None,
        )

    def apply(self, deals: list[dict]) -> list[dict]:
        """The candidates decided to be deals, each with its decided kind. Each deal carries
        its `features`; they are left on (the caller drops them)."""
        out = []
        if self.keep is not None:  # likeliest first, so a repeat of a pair yields to it
            p = {id(d): self.keep.probability(d["features"]) for d in deals}
            deals = sorted(deals, key=lambda d: -p[id(d)])
            for deal in deals:  # how sure the decision is; calibrated in docs/EXTRACTION.md
                deal["confidence"] = round(p[id(deal)], 3)
            deals = one_agreement([d for d in deals if p[id(d)] >= self.keep.threshold])
        for deal in deals:
            features = deal["features"]
            if self.keep is not None and any(_same_pair(deal, o) for o in out):
                continue
            if self.kind is not None:
                deal["kind"] = self.kind.decide(features)
            if self.status is not None:
                deal["status"] = self.status.decide(features)
            out.append(deal)
        out = rounds(out) if self.keep is not None else out
        if self.figures is not None:
            self.assign_figures(out)
        return out

    def assign_figures(self, deals: list[dict]) -> None:
        """Each deal's figures: the likeliest amounts the figure model finds likely enough,
        an amount going to one deal only (the one it fits best), as an article states one
        amount for one agreement ("the $700 million campus" is not also its backer's stake)."""
        offers = []
        for n, deal in enumerate(deals):
            for field, choices in deal.get("figure_options", {}).items():
                deal[field] = None
                threshold = self.figure_thresholds.get(field, self.figures.threshold)
                for value, f in choices:
                    p = self.figures.probability(f)
                    if p >= threshold:
                        offers.append((-p, n, field, value))
        taken: set[tuple[str, float]] = set()
        for _, n, field, value in sorted(offers):
            if deals[n][field] is None and (field, value) not in taken:
                deals[n][field] = int(value) if field == "gpu_count" else value
                taken.add((field, value))

    def as_dict(self) -> dict:
        out = {}
        if self.keep:
            out["keep"] = {
                "weights": self.keep.weights,
                "bias": self.keep.bias,
                "threshold": self.keep.threshold,
            }
        if self.kind:
            out["kind"] = {"weights": self.kind.weights, "bias": self.kind.bias}
        if self.status:
            out["status"] = {"weights": self.status.weights, "bias": self.status.bias}
        if self.figures:
            out["figures"] = {
                "weights": self.figures.weights,
                "bias": self.figures.bias,
                "threshold": self.figures.threshold,
                "thresholds": dict(self.figure_thresholds),
            }
        return out


def _same_pair(a: dict, b: dict) -> bool:
    """Two candidates over the same organisations: one agreement stated twice, as far as
    the article lets a reader tell (a second deal of one pair is the exception)."""
    return len(set(a["parties"]) & set(b["parties"])) >= 2


def one_agreement(deals: list[dict]) -> list[dict]:
    """Pairs kept from one sentence that tie three or more organisations each to each are one
    agreement of them all ("a venture of A, B and C": A-B, A-C and B-C), as one deal listing
    every party; it takes the place of the likeliest of its pairs. Two deals of one company
    ("X signed with A and with B") tie no A-B pair and stay apart."""
    by_sentence: dict[tuple, list[dict]] = {}
    for deal in deals:
        if len(deal["parties"]) == 2 and deal.get("sentence"):
            by_sentence.setdefault(tuple(deal["sentence"]), []).append(deal)
    merged: set[int] = set()
    for pairs in by_sentence.values():
        tied = {frozenset(d["parties"]) for d in pairs}
        group = sorted({p for d in pairs for p in d["parties"]})

        def ties(n: str) -> int:
            return sum(frozenset((n, m)) in tied for m in group if m != n)

        while len(group) >= 3 and any(ties(n) < len(group) - 1 for n in group):
            group.remove(min(group, key=ties))  # the name tied to fewest of the others goes
        if len(group) < 3:
            continue
        members = [d for d in pairs if set(d["parties"]) <= set(group)]
        members[0]["parties"] = group  # the likeliest pair stands for the agreement
        merged |= {id(d) for d in members[1:]}
    return [d for d in deals if id(d) not in merged]


def rounds(deals: list[dict]) -> list[dict]:
    """Investment deals founded by one sentence that share a party are one round ("X raised
    $2 billion from A, B and C"): the pairs the candidates come as join into one deal that
    lists every investor, as the round is one agreement. So are the investor lists of one
    raiser named earlier ("The round was led by A. B and C joined.")."""
    out: list[dict] = []
    for deal in deals:
        host = next(
            (
                d
                for d in out
                if d["kind"] == "investment" == deal["kind"]
                and (
                    deal.get("sentence")
                    and d.get("sentence") == deal["sentence"]
                    or d.get("raiser_carried")
                    and deal.get("raiser_carried")
                )
                and set(d["parties"]) & set(deal["parties"])
            ),
            None,
        )
        if host is None:
            out.append(deal)
        else:
            host["parties"] = sorted(set(host["parties"]) | set(deal["parties"]), key=str.lower)
    return out


NONE = Decisions()


@lru_cache(maxsize=None)
def shipped() -> Decisions:
    """The weights shipped with this version (none fitted yet: every candidate kept)."""
    if not WEIGHTS.exists():
        return NONE
    return Decisions.from_dict(json.loads(WEIGHTS.read_text(encoding="utf-8")))
