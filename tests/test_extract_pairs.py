"""Pair candidates: each pair of organisations a deal sentence names, for the fitted
decision to weigh, on sentences written for these tests."""

import pytest
from extract_support import shared_nlp

from extract.api import Extractor
from extract.deals.candidates import Candidate, sentences
from extract.deals.pairs import pair_candidates

pytestmark = pytest.mark.slow

TEXT = (
    "Orobel AI closed an $800 million funding round that Tamsin Capital led. "
    "Tamsin Capital also holds stakes in sports teams. "
    "Now Tamsin Capital is backing Orobel AI with a further loan."
)


@pytest.fixture(scope="module")
def parsed():
    extractor = Extractor(shared_nlp())
    return extractor.assembler, extractor.nlp(TEXT)


def proposed_in(assembler, doc, n):
    """The rules' deal of the pair, as if they had found it in sentence `n` only."""
    candidate = Candidate(
        parties=["Orobel AI", "Tamsin Capital"], sentences=[sentences(doc)[n]], born=n
    )
    return assembler.read(doc, candidate, 0)


def test_a_pair_the_rules_found_only_later_is_proposed_where_it_is_first_stated(parsed):
    assembler, doc = parsed
    extra = pair_candidates(assembler, doc, 0, [proposed_in(assembler, doc, 2)])
    assert [(d.parties, d.sentences[0].text[:17]) for d in extra] == [
        (["Orobel AI", "Tamsin Capital"], "Orobel AI closed ")
    ]


def test_a_pair_the_rules_found_where_it_is_first_stated_is_not_proposed_again(parsed):
    assembler, doc = parsed
    assert pair_candidates(assembler, doc, 0, [proposed_in(assembler, doc, 0)]) == []
