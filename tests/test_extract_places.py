"""Places, chips and counts on sentences written for these tests: towns the model does not know,
regions of a country, descriptions of a company, datelines, the most specific chip name."""

import pytest
from extract_support import shared_nlp

from extract.api import Extractor
from extract.decisions import NONE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extractor():
    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def deal_with(extractor, text, *parties, title=None):
    found = next(iter(extractor.run([{"doc_id": "t", "title": title, "text": text}])))["deals"]
    for d in found:
        if set(parties) <= set(d["parties"]):
            return d
    raise AssertionError(f"no deal with {parties}: {found}")


@pytest.mark.parametrize(
    "title,text,location",
    [
        # a region of a country in the headline gives way to the town the body names
        (
            "Ostervik and Pellucid Sign Deal for AI Campus in Western Finland",
            "Ostervik Data will build an AI data centre campus for Pellucid Labs near Kyro i Vaasa, Finland.",
            "Kyro i Vaasa, Finland",
        ),
        # a town the model does not know, before a known state
        (
            None,
            "Tamsin Cloud signed a lease with Orobel AI for 90 MW of GPU capacity at a campus near Dry Fork, Wyoming.",
            "Dry Fork, Wyoming",
        ),
        # where a company works is not where the deal is
        (
            None,
            "Ferrow Grid agreed to acquire Quillstone Data, an operator of AI data centres in Kansas, for $800 million.",
            None,
        ),
        # a part of the world is where a company sells, never where a site stands
        (
            None,
            "Tamsin Cloud signed a $2 billion deal to supply Orobel AI with GPU capacity in the "
            "Middle East and Southeast Asia.",
            None,
        ),
        (
            None,
            "Tamsin Cloud signed a $2 billion deal to supply Orobel AI with GPU capacity across "
            "Europe, starting at a campus in Kajaani, Finland.",
            "Kajaani, Finland",
        ),
    ],
)
def test_deal_places(extractor, title, text, location):
    parties = [
        p
        for p in (
            "Ostervik Data",
            "Pellucid Labs",
            "Tamsin Cloud",
            "Orobel AI",
            "Ferrow Grid",
            "Quillstone Data",
        )
        if p.split()[0] in text
    ]
    assert deal_with(extractor, text, *parties, title=title)["location"] == location


def test_a_dateline_places_a_site_deal_that_names_no_other_place(extractor):
    d = deal_with(
        extractor,
        "RENO, Nev. -- Tamsin Cloud will build a 200 MW AI data centre campus for Orobel AI.",
        "Tamsin Cloud",
        "Orobel AI",
    )
    assert d["location"] == "Reno, Nevada" and set(d["parties"]) == {"Tamsin Cloud", "Orobel AI"}


def test_a_dateline_is_no_place_for_a_deal_about_no_site(extractor):
    d = deal_with(
        extractor,
        "BOSTON, May 2 -- Orobel AI signed a $1 billion deal to rent GPUs from Tamsin Cloud.",
        "Tamsin Cloud",
        "Orobel AI",
    )
    assert d["location"] is None


def test_the_most_specific_chip_named_together(extractor):
    text = "Tamsin Cloud signed a capacity deal with Orobel AI. The capacity will run on Grace Blackwell GB200 systems."
    assert deal_with(extractor, text, "Tamsin Cloud", "Orobel AI")["chip"] == "GB200"


def test_a_count_of_a_company_s_own_chips(extractor):
    text = "Orobel AI signed a deal with Tamsin Cloud to use 300,000 of Tamsin Cloud's new accelerators."
    assert deal_with(extractor, text, "Tamsin Cloud", "Orobel AI")["gpu_count"] == 300000


LATER_SITE = (
    "\n\nAnalysts called the plan ambitious.\n\nOfficials said the first buildings are already under construction "
    "in Lordsburg, New Mexico."
)


def test_a_site_deal_takes_the_place_where_its_sites_are_said_to_be_built(extractor):
    d = deal_with(
        extractor,
        "Orobel AI and Tamsin Cloud will jointly develop AI data centres worth $10 billion."
        + LATER_SITE,
        "Tamsin Cloud",
        "Orobel AI",
    )
    assert d["location"] == "Lordsburg, New Mexico" and d["value_usd"] == 10e9


def test_buying_a_company_takes_no_place_from_later_sites(extractor):
    d = deal_with(
        extractor,
        "Tamsin Cloud agreed to buy Quillstone Data in an all-stock deal valued at $2 billion."
        + LATER_SITE,
        "Tamsin Cloud",
        "Quillstone Data",
    )
    assert d["location"] is None and d["kind"] == "acquisition"


def test_a_town_the_model_does_not_know_after_a_campus(extractor):
    d = deal_with(
        extractor,
        "Tamsin Cloud will host 20,000 GPUs for Orobel AI at a 90MW campus in Dunmore that it "
        "leases from Ferrow Grid.",
        "Tamsin Cloud",
        "Orobel AI",
    )
    assert d["location"] == "Dunmore" and d["gpu_count"] == 20000


def test_a_separate_site_is_not_the_deal_s_place(extractor):
    d = deal_with(
        extractor,
        "Tamsin Cloud signed a $1 billion lease with Orobel AI for GPU capacity. Separately, "
        "Tamsin Cloud unveiled a 1-GW site in West Texas.",
        "Tamsin Cloud",
        "Orobel AI",
    )
    assert d["location"] is None and d["value_usd"] == 1e9


@pytest.mark.parametrize("site", ["Vesta", "Titan Works", "Northwind"])
def test_a_campus_a_company_owns_is_a_site_however_its_quote_is_tagged(extractor, site):
    """ "its X data center campus" names a site, even where the model takes X for a company in
    the executive's quote; the site is then no party."""
    text = (
        "Tamsin Cloud has signed a 15-year lease with Orobel AI for 200 megawatts of IT capacity "
        f'at its {site} data center campus in Louisiana. "{site} reflects the strength of our '
        'power-first model," said Dana Ortiz, chief executive of Tamsin Cloud. The first data '
        f"hall at {site} is due in 2027."
    )
    found = next(iter(extractor.run([{"doc_id": "t", "title": None, "text": text}])))["deals"]
    assert [(d["parties"], d["facility"]) for d in found] == [(["Orobel AI", "Tamsin Cloud"], site)]


@pytest.mark.parametrize("size", ["the 2GW", "its 2-gigawatt", "the 900 MW"])
def test_a_site_named_after_its_size(extractor, size):
    d = deal_with(
        extractor,
        f"Tamsin Cloud will lease 300 MW at {size} Cinder Flats campus in Texas to Orobel AI.",
        "Tamsin Cloud",
        "Orobel AI",
    )
    assert d["facility"] == "Cinder Flats"


def test_a_venture_s_name_before_a_site_noun_is_no_site(extractor):
    d = deal_with(
        extractor,
        "Tamsin Cloud will lease 300 MW at the 1.2GW Stargate campus in Texas to Orobel AI.",
        "Tamsin Cloud",
        "Orobel AI",
    )
    assert d["facility"] is None
