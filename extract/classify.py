"""Kind and status of a deal from the cue words of its sentences and the sectors of its parties."""
from __future__ import annotations

from spacy.tokens import Span

from extract import lexicon
from extract.phrases import count, words

PRIORITY = ["acquisition", "power", "investment", "chips", "datacenter", "other", "compute"]
SECTOR_PRIOR = {"energy": "power", "finance": "investment", "chips": "chips"}


def classify_kind(sentences: list[Span], parties: list[str]) -> str:
    """Score each kind by its cue words (the sentence that states the deal counts double) and by
    the parties' sectors; hardware words only count towards `chips` when a chip vendor takes part."""
    cues = lexicon.lexicon()["kind"]
    sectors = lexicon.sector_of()
    party_sectors = {sectors.get(p, "") for p in parties}
    scores = {kind: 0.0 for kind in PRIORITY}
    for n, sent in enumerate(sentences[:4]):
        w = words(sent)
        weight = 2.0 if n == 0 else 1.0
        for kind in PRIORITY:
            hits = count(w, cues[kind])
            if kind == "chips" and "chips" not in party_sectors:
                hits = 0
            scores[kind] += weight * hits
    if any(bought_company(sent) for sent in sentences[:1]):
        scores["acquisition"] += 3
    for sector in party_sectors:
        kind = SECTOR_PRIOR.get(sector)
        if kind:
            scores[kind] += 1.5
    scores["compute"] += 1.0
    return max(PRIORITY, key=lambda k: (scores[k], -PRIORITY.index(k)))


BUY = {"buy", "buys", "bought", "buying", "purchase", "purchases", "purchased", "purchasing"}


def bought_company(sent: Span) -> bool:
    """"CoreWeave is buying Core Scientific": a purchase whose object is an organisation."""
    return any(t.lower_ in BUY and any(c.dep_ == "dobj" and c.ent_type_ == "ORG" for c in t.children) for t in sent)


def classify_status(sentences: list[Span], doc) -> str:
    cues = lexicon.lexicon()["status"]
    title = next(iter(doc.sents), None)
    scope = [words(s) for s in sentences[:3]] + ([words(title)] if title is not None else [])
    if any(count(w, cues["reported"]) for w in scope):
        return "reported"
    if any(count(w, cues["planned"]) for w in scope[:2]):
        return "planned"
    return "announced"


def is_denied(sentences: list[Span]) -> bool:
    cues = lexicon.lexicon()["status"]["denied"]
    return any(count(words(s), cues) for s in sentences[:2])
