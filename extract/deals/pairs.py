"""More candidates for the fitted decision: each pair of organisations a deal sentence names.

The candidate rules propose a deal only where a sentence's grammar ties its parties with a
cue; real news often states a deal less tidily ("Fluidstack, backed by a facility from
Macquarie, ..."). Each pair of named organisations in a sentence with a deal cue that no
proposed deal covers (or covers only from a later sentence) becomes a candidate too, marked
as such, with the sentences that name both; the weights fitted on labelled articles decide
which of them are deals.
"""

from __future__ import annotations

from itertools import combinations

from spacy.tokens import Doc

from extract.deals.assemble import Assembler
from extract.deals.candidates import Candidate, sentences
from extract.deals.record import Deal

MAX_NAMES = 6  # a sentence naming more organisations is a list (investors, a roundup)


def pair_candidates(
    assembler: Assembler, doc: Doc, title_end: int, proposed: list[Deal]
) -> list[Deal]:
    """Deals for the pairs of organisations that share a deal sentence and no proposed deal
    that states them as early: where the rules found a pair only in a later sentence ("Now it
    is backing Y"), the pair's first deal sentence makes a candidate too, and the decisions
    keep the likelier of the two."""
    finder = assembler.candidates
    taken = [(set(d.parties), min((s.start for s in d.sentences), default=-1)) for d in proposed]
    found: dict[frozenset, Candidate] = {}
    for i, sent in enumerate(sentences(doc)):
        names = sorted(set(finder.named(sent)))
        if not 2 <= len(names) <= MAX_NAMES or not finder.has_cue(sent):
            continue
        for pair in combinations(names, 2):
            key = frozenset(pair)
            if any(key <= parties and first <= sent.start for parties, first in taken):
                continue
            if key in found:
                found[key].sentences.append(sent)
            else:
                found[key] = Candidate(parties=list(pair), sentences=[sent], born=i)
    out = []
    for candidate in found.values():
        deal = assembler.read(doc, candidate, title_end)
        deal.proposed_by_pairs = True
        out.append(deal)
    return out
