"""The cues the fitted figure decision reads for each amount, on sentences written for these
tests."""

import pytest
from extract_support import shared_nlp

from extract.deal_features import Article
from extract.figure_features import figure_options

pytestmark = pytest.mark.slow

SUBJECTS = frozenset({"contract", "deal"})


@pytest.fixture(scope="module")
def nlp():
    return shared_nlp()


def power_options(nlp, text):
    doc = nlp(text)
    deal = {"parties": ["Halden Cloud", "Orrin AI"], "kind": "compute"}
    named = Article.read(doc, 0).named
    found = figure_options(doc, deal, list(doc.sents)[:1], 0, frozenset(), SUBJECTS, named)
    return dict(found["power_mw"])


def test_an_amount_of_a_sentence_about_the_deal_named_before(nlp):
    options = power_options(
        nlp,
        "Orrin AI signed a contract to buy $40 billion of computing power from Halden Cloud. "
        "The contract would require 1.5 gigawatts of capacity. "
        "Halden Cloud already runs 3 gigawatts of data centres.",
    )
    assert options[1500.0]["deal_subject"] == 1.0
    assert options[3000.0]["deal_subject"] == 0.0
