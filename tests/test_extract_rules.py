"""Field rules on sentences written for these tests: which figure, place, site, kind and roles
a deal gets."""

import pytest
from extract_support import shared_nlp

from extract.api import Extractor
from extract.cleaning import clean
from extract.decisions import NONE
from extract.lexicon import load_lexicon

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extractor():
    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def deals(extractor, text, title=None):
    return next(iter(extractor.run([{"doc_id": "t", "title": title, "text": text}])))["deals"]


def deal_with(extractor, text, *parties, title=None):
    found = deals(extractor, text, title)
    for d in found:
        if set(parties) <= set(d["parties"]):
            return d
    raise AssertionError(f"no deal with {parties}: {found}")


@pytest.mark.parametrize(
    "text,field,value",
    [
        # options, extensions and aspirational phases are not what the agreement covers
        (
            "Harbor Cloud signed a lease with Quartzline AI for 120 MW, with an option for a further 200 "
            "MW.",
            "power_mw",
            120,
        ),
        (
            "Quartzline AI signed a contract with Harbor Cloud worth $2 billion. Two extension options "
            "could lift that to $5 billion.",
            "value_usd",
            2e9,
        ),
        (
            "Harbor Cloud agreed to lease 80 MW to Quartzline AI at a campus that is scalable to 1 GW.",
            "power_mw",
            80,
        ),
        # the deal's own figure, not a company total, a campus cost or a per-building rating
        (
            "Quartzline AI signed a deal with Harbor Cloud for 40,000 GPUs. Harbor Cloud currently "
            "operates 300,000 GPUs.",
            "gpu_count",
            40000,
        ),
        (
            "Quartzline AI signed a $900 million lease with Harbor Cloud at a $6 billion campus near "
            "Reno, Nevada.",
            "value_usd",
            9e8,
        ),
        (
            "Harbor Cloud agreed to host GPUs for Quartzline AI. Each building is designed to hold up to "
            "30,000 GPUs.",
            "gpu_count",
            None,
        ),
        # an investment of another amount is the deal's value; "worth ... in revenue" too
        (
            "Mercer Capital will invest another $3 billion in Quartzline AI, bringing its total to $7 "
            "billion.",
            "value_usd",
            3e9,
        ),
        (
            "Harbor Cloud signed two leases with Quartzline AI. The contracts are worth about $1.1 "
            "billion in revenue.",
            "value_usd",
            1.1e9,
        ),
        # a company's valuation is not the deal's value
        (
            "Harbor Cloud signed a deal to rent GPUs to Quartzline AI. Quartzline AI was valued at $20 "
            "billion in March.",
            "value_usd",
            None,
        ),
        # a gigawatt named as a unit of cost is no amount
        (
            "Quartzline AI signed a chip deal with Voltaris Semiconductor. Building a gigawatt of "
            "capacity costs $40 billion.",
            "power_mw",
            None,
        ),
        # the figure in a clause about another company belongs to that company
        (
            "Harbor Cloud agreed to supply Quartzline AI with capacity, and Orbital Grid will add 500 MW "
            "elsewhere.",
            "power_mw",
            None,
        ),
        # ranges take the upper bound, an uprate is no deal capacity
        (
            "Quartzline AI signed a supply agreement with Halden Power for between 1 and 1.5 GW of "
            "electricity.",
            "power_mw",
            1500,
        ),
        (
            "Quartzline AI signed a power deal with Halden Power. Halden Power also plans a 40 MW "
            "uprate.",
            "power_mw",
            None,
        ),
    ],
)
def test_figure_selection(extractor, text, field, value):
    d = deal_with(extractor, text, "Quartzline AI")
    assert d[field] == value, d


@pytest.mark.parametrize(
    "text,location",
    [
        (
            "Harbor Cloud, based in Denver, Colorado, signed a lease with Quartzline AI for capacity at "
            "a campus in Amarillo, Texas.",
            "Amarillo, Texas",
        ),
        (
            "RENO, Nevada - Harbor Cloud signed a lease with Quartzline AI for capacity in Boise, Idaho.",
            "Boise, Idaho",
        ),
        (
            "Harbor Cloud signed a lease with Quartzline AI, announced at the Compute Summit conference "
            "in Las Vegas.",
            None,
        ),
        (
            "Denver-based Harbor Cloud agreed to host GPUs for Quartzline AI in Ohio and Georgia.",
            "Ohio and Georgia",
        ),
        (
            "Harbor Cloud agreed to build data centres for Quartzline AI in the United States. The "
            "sites, in Texas and Ohio, open next year.",
            "Texas and Ohio",
        ),
    ],
)
def test_location_is_the_site_not_dateline_hq_or_conference(extractor, text, location):
    assert deal_with(extractor, text, "Quartzline AI")["location"] == location


@pytest.mark.parametrize(
    "text,facility",
    [
        (
            "Harbor Cloud will host GPUs for Quartzline AI at its Silver Mesa campus in Elko, Nevada.",
            "Silver Mesa",
        ),
        (
            "Harbor Cloud signed a lease with Quartzline AI at Copper Basin, a campus in Pima County, "
            "Arizona.",
            "Copper Basin",
        ),
        (
            "Harbor Cloud will build a campus for Quartzline AI. The campus, named Granite Ridge One, "
            "will open in 2027.",
            "Granite Ridge One",
        ),
        (
            "Quartzline AI signed a lease with Harbor Cloud for Project Lodestar, a new cluster.",
            "Project Lodestar",
        ),
        (
            "Harbor Cloud, Inc. entered into an agreement with Quartzline AI to provide capacity at the "
            "Ardmore Facility.",
            None,
        ),
    ],
)
def test_facility_patterns(extractor, text, facility):
    assert deal_with(extractor, text, "Quartzline AI")["facility"] == facility


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Harbor Cloud signed a $2 billion deal to rent GPU capacity to Quartzline AI.", "compute"),
        ("Quartzline AI agreed to buy 20,000 accelerators from Voltaris Semiconductor.", "chips"),
        ("Mercer Capital will invest $1 billion in Quartzline AI.", "investment"),
        (
            "Quartzline AI signed a 20-year power purchase agreement with Halden Power for electricity "
            "from a nuclear plant.",
            "power",
        ),
        ("Harbor Cloud agreed to acquire Quartzline AI for $3 billion.", "acquisition"),
        (
            "Harbor Cloud and Quartzline AI agreed to build a 500 MW data centre in Ohio.",
            "datacenter",
        ),
        ("Quartzline AI signed a lease with Harbor Cloud at its Abilene campus.", "compute"),
        # backing is an investment, whatever else the sentence names
        (
            "Mercer Capital-backed Quartzline AI signed the agreement for its cloud campus.",
            "investment",
        ),
        (
            "Quartzline AI, a cloud startup backed by Mercer Capital, announced the deal on Monday.",
            "investment",
        ),
        # building a site as the deal's purpose, whatever money it names
        (
            "Mercer Capital has joined forces with Quartzline AI to build a 300 MW data center in "
            "Ohio, with Mercer financing the project.",
            "datacenter",
        ),
        (
            "Mercer Capital will invest $2 billion with Quartzline AI to build one of the largest "
            "AI facilities in Europe.",
            "datacenter",
        ),
    ],
)
def test_kind(extractor, text, kind):
    assert deal_with(extractor, text, "Quartzline AI")["kind"] == kind


def test_buying_a_company_described_by_its_trade_is_an_acquisition(extractor):
    # the parse makes "designer" the object and the company its apposition
    deal = deal_with(
        extractor,
        "Harbor Cloud has agreed to acquire Quartzline AI, a chip design company, for $2.5bn.",
        "Quartzline AI",
        title="Harbor Cloud to buy chip designer Quartzline AI",
    )
    assert deal["kind"] == "acquisition"


@pytest.mark.parametrize(
    "text,roles",
    [
        (
            "Quartzline AI signs $10 billion deal to rent GPUs from Harbor Cloud.",
            {"Quartzline AI": "buyer", "Harbor Cloud": "provider"},
        ),
        (
            "Harbor Cloud will provide Quartzline AI with 50,000 GPUs.",
            {"Harbor Cloud": "provider", "Quartzline AI": "buyer"},
        ),
        (
            "Mercer Capital invests $2 billion in Quartzline AI.",
            {"Mercer Capital": "investor", "Quartzline AI": "investee"},
        ),
        (
            "Quartzline AI agreed to buy 20,000 accelerators from Voltaris Semiconductor.",
            {"Quartzline AI": "buyer", "Voltaris Semiconductor": "chip_supplier"},
        ),
        (
            "Microsoft signed a $5 billion capacity deal with Nebius.",
            {"Microsoft": "buyer", "Nebius": "provider"},
        ),
        (
            "Quartzline AI signed a power purchase agreement with Halden Power for 300 MW.",
            {"Quartzline AI": "buyer", "Halden Power": "power_supplier"},
        ),
    ],
)
def test_roles(extractor, text, roles):
    assert deal_with(extractor, text, *roles)["roles"] == roles


def test_an_investment_and_a_compute_purchase_between_one_pair_are_two_deals(extractor):
    text = (
        "Quartzline AI committed to buy $8 billion of compute capacity from Harbor Cloud. "
        "Separately, Harbor Cloud will invest $2 billion in Quartzline AI."
    )
    found = [
        d for d in deals(extractor, text) if set(d["parties"]) == {"Harbor Cloud", "Quartzline AI"}
    ]
    assert sorted((d["kind"], d["value_usd"]) for d in found) == [
        ("compute", 8e9),
        ("investment", 2e9),
    ]


def test_part_of_the_deal_stays_one_deal(extractor):
    text = (
        "Harbor Cloud will invest $1 billion in Quartzline AI. As part of the deal, "
        "Quartzline AI will use Harbor Cloud's servers for training."
    )
    found = [
        d for d in deals(extractor, text) if set(d["parties"]) == {"Harbor Cloud", "Quartzline AI"}
    ]
    assert len(found) == 1 and found[0]["kind"] == "investment"


@pytest.mark.parametrize(
    "text",
    [
        "Harbor Cloud unveiled its new servers at its Compute Forward event on Tuesday, and signed "
        "nothing.",
        "Ledger & Vale is acting as financial adviser to Harbor Cloud on its planned listing.",
    ],
)
def test_events_and_advisers_are_no_parties(extractor, text):
    assert deals(extractor, text) == []


@pytest.mark.parametrize(
    "text,chip",
    [
        (
            "Quartzline AI signed a deal with AMD for 2 gigawatts of AMD Instinct GPUs. "
            "Quartzline AI will pay in stages. The first deployment, based on the MI355X, starts in "
            "2027.",
            "MI355X",
        ),
        (
            "Quartzline AI signed a deal with Google for 100,000 TPUs. Google's newest TPU, known as "
            "Ironwood, launched last month.",
            "TPU",
        ),
        (
            "Harbor Cloud will deliver 40,000 VX-9 inference accelerators to Quartzline AI under a "
            "supply agreement.",
            "VX-9",
        ),
    ],
)
def test_chip_from_the_deal(extractor, text, chip):
    assert deal_with(extractor, text, "Quartzline AI")["chip"] == chip


def test_link_lists_and_captions_are_blanked():
    text = (
        "Body line.\n[Photo: A site in Reno, Nevada.]\nRelated:\n- Harbor Cloud signs deal\n"
        "- Another link\n\nMore body."
    )
    cleaned, _ = clean(text, load_lexicon())
    assert "Reno" not in cleaned and "Harbor" not in cleaned
    assert "More body." in cleaned and "Body line." in cleaned


def test_borrowing_from_a_lender_is_a_candidate_deal():
    extractor = Extractor(shared_nlp(), decisions=NONE, with_features=True)
    found = deals(
        extractor,
        "Recently the startup Orrin AI obtained approval from Halden Bank and other lenders to "
        "borrow over $2 billion, using its GPUs as collateral.",
    )
    assert ["Halden Bank", "Orrin AI"] in [d["parties"] for d in found]
