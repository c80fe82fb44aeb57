"""Who does what in a deal, and who "it", "its" and "the company" are, on sentences written for these tests."""

import pytest
from extract_support import shared_nlp

from extract.api import Extractor
from extract.decisions import NONE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extractor():
    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def deal_with(extractor, text, *parties):
    found = next(iter(extractor.run([{"doc_id": "t", "title": None, "text": text}])))["deals"]
    for d in found:
        if set(parties) <= set(d["parties"]):
            return d
    raise AssertionError(f"no deal with {parties}: {found}")


@pytest.mark.parametrize(
    "text,roles",
    [
        # the subject of supply/deliver provides, the one supplied buys, whatever either makes
        (
            "Brightwater Compute will supply Kestrel Labs with 40,000 NVIDIA H200 GPUs under a $4 billion agreement.",
            {"Brightwater Compute": "chip_supplier", "Kestrel Labs": "buyer"},
        ),
        (
            "Brightwater Compute will deliver 40,000 GPUs to Kestrel Labs under a $4 billion agreement.",
            {"Brightwater Compute": "chip_supplier", "Kestrel Labs": "buyer"},
        ),
        # money goes from the investor or lender to the one invested in
        (
            "Tolland Partners invests $10 billion in AI lab Kestrel Labs.",
            {"Tolland Partners": "investor", "Kestrel Labs": "investee"},
        ),
        (
            "Kestrel Labs raised $2 billion from Tolland Partners to buy GPUs for AI training.",
            {"Kestrel Labs": "investee", "Tolland Partners": "investor"},
        ),
        (
            "Orrin Bank will provide a $2 billion loan to Pellham Builders for its AI data center campus.",
            {"Orrin Bank": "investor", "Pellham Builders": "investee"},
        ),
        (
            "Pellham Builders secured $2 billion in financing from Orrin Bank for an AI data center campus in Ohio.",
            {"Pellham Builders": "investee", "Orrin Bank": "investor"},
        ),
        (
            "Orrin Bank agreed to finance Pellham Builders' new AI data center campus with a $2 billion loan.",
            {"Orrin Bank": "investor", "Pellham Builders": "investee"},
        ),
        (
            "Brightwater Compute took a $500 million stake in AI lab Kestrel Labs.",
            {"Brightwater Compute": "investor", "Kestrel Labs": "investee"},
        ),
        # the subject's own verb first: choosing someone to supply makes the chooser the buyer
        (
            "Kestrel Labs selected Brightwater Compute to supply 20,000 GPUs for AI training.",
            {"Kestrel Labs": "buyer", "Brightwater Compute": "chip_supplier"},
        ),
        # "for AI cloud capacity" is no part of the provider's name
        (
            "Kestrel Labs signed a $2 billion deal with Brightwater Compute for AI cloud capacity.",
            {"Kestrel Labs": "buyer", "Brightwater Compute": "provider"},
        ),
        # leasing from X makes X the provider, even when both are clouds
        (
            "Tamsin Cloud will install 30,000 AI GPUs at a campus that it leases from Ferrow Digital.",
            {"Tamsin Cloud": "buyer", "Ferrow Digital": "provider"},
        ),
        # a campus built for a customer: the customer buys
        (
            "Fjellgard Data will build and operate a 300 MW AI campus for Kestrel Labs in Norway.",
            {"Fjellgard Data": "builder", "Kestrel Labs": "buyer"},
        ),
    ],
)
def test_roles(extractor, text, roles):
    d = deal_with(extractor, text, *roles)
    assert d["roles"] == roles, d
    assert set(d["parties"]) == set(roles)


def test_its_tenant_is_the_tenant_of_the_company_named_before(extractor):
    d = deal_with(
        extractor,
        "Brightwater Compute opened an AI data center in Iceland. Its anchor tenant, Kestrel Labs, "
        "signed a $780 million contract.",
        "Brightwater Compute",
        "Kestrel Labs",
    )
    assert d["value_usd"] == 780e6 and d["location"] == "Iceland"
    assert d["roles"] == {"Brightwater Compute": "provider", "Kestrel Labs": "buyer"}


def test_the_company_as_object_is_the_company_named_before(extractor):
    d = deal_with(
        extractor,
        "Kestrel Labs opened an AI data center in Iceland. Tolland Partners invested $2 billion "
        "in the company.",
        "Kestrel Labs",
        "Tolland Partners",
    )
    assert d["kind"] == "investment" and d["value_usd"] == 2e9
    assert d["roles"] == {"Tolland Partners": "investor", "Kestrel Labs": "investee"}


@pytest.mark.parametrize(
    "second",
    [
        "On Monday the Quill maker signed a $3 billion deal with Brightwater Compute for 50,000 GPUs.",
        "It signed a $3 billion deal with Brightwater Compute for 50,000 GPUs.",
    ],
)
def test_a_maker_named_by_its_product_or_it_is_the_company_before(extractor, second):
    d = deal_with(
        extractor,
        "Kestrel Labs makes the Quill chatbot. " + second,
        "Kestrel Labs",
        "Brightwater Compute",
    )
    assert d["parties"] == ["Brightwater Compute", "Kestrel Labs"] and d["gpu_count"] == 50000
    assert d["roles"] == {"Brightwater Compute": "provider", "Kestrel Labs": "buyer"}


def test_spending_with_a_party_is_the_deal_value(extractor):
    d = deal_with(
        extractor,
        "Orobel AI has committed to about $6 billion of spending with Tamsin Cloud for GPU capacity.",
        "Orobel AI",
        "Tamsin Cloud",
    )
    assert d["value_usd"] == 6e9 and d["roles"] == {
        "Orobel AI": "buyer",
        "Tamsin Cloud": "provider",
    }


def test_a_deal_said_to_be_announced_is_no_report_for_a_declined_comment(extractor):
    d = deal_with(
        extractor,
        "Tamsin Cloud agreed to buy Quillstone Data, an AI cloud, in an all-stock deal valued at "
        "$2 billion when it was announced in May. Tamsin Cloud declined to comment.",
        "Tamsin Cloud",
        "Quillstone Data",
    )
    assert d["status"] == "announced" and d["roles"] == {
        "Tamsin Cloud": "buyer",
        "Quillstone Data": "target",
    }


def test_a_deal_word_inside_a_name_states_no_deal(extractor):
    text = (
        "Analysts expect AI announcements involving Kestrel Labs, the AI company backed by Saudi Arabia's "
        "Tolland Investment Partners."
    )
    assert next(iter(extractor.run([{"doc_id": "t", "title": None, "text": text}])))["deals"] == []


@pytest.mark.parametrize(
    "text",
    [
        "Brightwater Compute is trying to prove that a cloud can go toe-to-toe with NVIDIA on the largest training runs "
        "using AI chips it designs itself.",
        "Brightwater Compute will compete with Kestrel Labs for AI chips, using its $2 billion deal.",
    ],
)
def test_a_competitor_is_no_party(extractor, text):
    assert next(iter(extractor.run([{"doc_id": "t", "title": None, "text": text}])))["deals"] == []
