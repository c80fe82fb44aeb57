"""A funding round whose investors are listed apart from the company that raised, and amounts
that stand before words without making them a company (sentences written for these tests)."""

from __future__ import annotations

import pytest
from extract_support import shared_nlp

from extract.api import Extractor
from extract.decisions import NONE, shipped

pytestmark = pytest.mark.slow

ROUND = {
    "doc_id": "round",
    "title": "Kestrel Labs raises $1.2 billion to build AI data centers",
    "text": (
        "Kestrel Labs, which builds GPU clouds for model makers, said on Monday it had raised "
        "$1.2 billion in new funding. The round was led by Mercer Capital and Halden Ventures, "
        "with Orrin Partners also taking part. The money will pay for two data centers in Ohio."
    ),
}


def deals_of(extractor: Extractor, doc: dict) -> list[dict]:
    (result,) = extractor.run([doc])
    return result["deals"]


@pytest.mark.parametrize(
    "opening",
    [
        "Kestrel Labs, which builds GPU clouds for model makers, said on Monday it had raised "
        "$1.2 billion in new funding.",
        "Leading the week is Kestrel Labs, which secured $1.2 billion to expand its data centers.",
        "Kestrel Labs closed a $1.2 billion Series C on Monday.",
    ],
)
def test_the_raiser_named_earlier_joins_the_investors_of_its_round(opening):
    extractor = Extractor(shared_nlp(), decisions=NONE, with_features=True)
    doc = dict(ROUND, title="", text=opening + ROUND["text"].split("funding.", 1)[1])
    carried = [d for d in deals_of(extractor, doc) if d["features"]["raiser_carried"]]
    assert [d["parties"] for d in carried] == [
        ["Halden Ventures", "Kestrel Labs", "Mercer Capital", "Orrin Partners"]
    ]
    assert carried[0]["kind"] == "investment"


def test_the_company_that_raised_may_be_named_by_a_description():
    extractor = Extractor(shared_nlp(), decisions=NONE, with_features=True)
    doc = {
        "doc_id": "described",
        "title": "Kestrel Labs opens a second GPU cloud region",
        "text": (
            "Kestrel Labs opened a GPU cloud region in Ohio on Monday. Kestrel Labs was founded "
            "in 2019 by two former Tolland Systems engineers. The company has raised over $300 "
            "million from investors like Mercer Capital, Halden Ventures and Orrin Partners."
        ),
    }
    carried = [d for d in deals_of(extractor, doc) if d["features"]["raiser_carried"]]
    assert [d["parties"] for d in carried] == [
        ["Halden Ventures", "Kestrel Labs", "Mercer Capital", "Orrin Partners"]
    ]


def test_with_the_shipped_weights_the_round_is_one_deal_at_its_size():
    (deal,) = deals_of(Extractor(shared_nlp(), decisions=shipped()), ROUND)
    assert deal["parties"] == [
        "Halden Ventures",
        "Kestrel Labs",
        "Mercer Capital",
        "Orrin Partners",
    ]
    assert deal["kind"] == "investment" and deal["value_usd"] == 1_200_000_000


def test_investors_alone_make_no_round_without_a_raiser():
    extractor = Extractor(shared_nlp(), decisions=NONE, with_features=True)
    doc = {"doc_id": "n", "title": "", "text": ROUND["text"].split("funding. ", 1)[1]}
    assert not [d for d in deals_of(extractor, doc) if d["features"]["raiser_carried"]]


def test_an_amount_before_words_is_no_company():
    doc = shared_nlp()("Brookfield and Ardent Holdings launched a $20B AI Infrastructure venture.")
    assert {e.text for e in doc.ents if e.label_ == "ORG"} == {"Brookfield", "Ardent Holdings"}
