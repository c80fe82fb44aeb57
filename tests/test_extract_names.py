"""Organisation names as a reader checks them: no headline words glued on, no datelines and no
products as parties, and a cloud whose own chips a deal rents is a party to it."""

import pytest
from extract_support import shared_nlp

from extract.api import Extractor
from extract.decisions import NONE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extractor():
    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def extract(extractor, title: str, *paragraphs: str, sep: str = "\n") -> dict:
    (result,) = extractor.run(
        [{"doc_id": "t", "title": title, "text": title + "\n" + sep.join(paragraphs)}]
    )
    return result


def parties(result: dict) -> set[str]:
    return {p for d in result["deals"] for p in d["parties"]}


def orgs(result: dict) -> set[str]:
    return {e["canonical"] or e["text"] for e in result["entities"] if e["label"] == "ORG"}


@pytest.mark.parametrize("sep", ["\n", "\n\n"])
def test_a_headline_verb_before_a_name_is_no_part_of_it(extractor, sep):
    result = extract(
        extractor,
        "Corvane Labs Expands Ostrander Cloud Contract to $2.2 Billion",
        "DENVER -- Corvane Labs today announced that it has expanded its compute agreement with Ostrander Cloud "
        "by $900 million, bringing the total value of the contract to $2.2 billion.",
        "Under the expansion, Ostrander will provide 9,000 additional NVIDIA B300 GPUs at its campus in Cheyenne, Wyoming.",
        sep=sep,
    )
    assert parties(result) == {"Corvane Labs", "Ostrander Cloud"}
    assert orgs(result) >= {"Corvane Labs", "Ostrander Cloud"}
    assert not any("Expand" in name for name in orgs(result))
    assert {d["gpu_count"] for d in result["deals"]} >= {9000}


@pytest.mark.parametrize("sep", ["\n", "\n\n"])
def test_a_particle_after_a_name_is_no_part_of_it(extractor, sep):
    result = extract(
        extractor,
        "Brisca Compute to Build 16,000-GPU Cluster for Tallow AI",
        "Brisca Compute said on Tuesday it signed a three-year agreement to supply Tallow AI with 16,000 "
        "AMD MI355X GPUs, in a deal valued at $780 million.",
        sep=sep,
    )
    (deal,) = result["deals"]
    assert deal["parties"] == ["Brisca Compute", "Tallow AI"]
    assert (deal["gpu_count"], deal["chip"], deal["value_usd"]) == (16000, "MI355X", 780_000_000)
    assert not any(name.endswith(" to") for name in orgs(result))


@pytest.mark.parametrize(
    "dateline",
    [
        "SANTA FE, N.M. --",
        "OAKLAND —",
        "PORTLAND, Ore., May 2 (Granite Wire) -",
        "ST. PAUL, Minn. --",
    ],
)
def test_a_dateline_place_is_never_a_party(extractor, dateline):
    result = extract(
        extractor,
        "Quenby AI signs GPU deal with Larchmont Cloud",
        f"{dateline} Larchmont Cloud has signed an agreement to provide Quenby AI with 12,000 NVIDIA H200 GPUs, "
        "the companies said.",
    )
    (deal,) = result["deals"]
    assert deal["parties"] == ["Larchmont Cloud", "Quenby AI"]
    place = dateline.split(",")[0].split(" —")[0].split(" --")[0]
    assert not any(place.lower() in name.lower() for name in orgs(result))
    assert any(e["text"] == place and e["label"] == "GPE" for e in result["entities"])


def test_a_product_model_is_no_company(extractor):
    result = extract(
        extractor,
        "Brightwater Silicon Ships BX9 Inference Accelerator to First Customers",
        "SAN DIEGO -- Brightwater Silicon today began shipping its BX9 inference accelerator, built with 144 GB "
        "of high-bandwidth memory.",
        "Brightwater said Tallow AI has agreed to buy 30,000 BX9 accelerators for its inference cloud, in a deal "
        "worth $900 million.",
    )
    assert parties(result) == {"Brightwater Silicon", "Tallow AI"}
    (deal,) = result["deals"]
    assert (deal["gpu_count"], deal["chip"], deal["value_usd"]) == (30000, "BX9", 900_000_000)
    assert not any("BX9" in name for name in orgs(result))


def test_a_company_named_with_its_product_model_is_the_company(extractor):
    result = extract(
        extractor,
        "Tallow AI doubles its Brightwater BX9 order",
        "Tallow AI has placed a second order for 30,000 Brightwater BX9 accelerators, taking its total "
        "commitment to 60,000 chips, Brightwater said.",
        "The follow-on order is valued at $950 million.",
    )
    (deal,) = result["deals"]
    assert deal["parties"] == ["Brightwater", "Tallow AI"]
    assert (deal["gpu_count"], deal["value_usd"]) == (30000, 950_000_000)
    assert deal["roles"]["Tallow AI"] == "buyer"
    assert not any("BX9" in name for name in orgs(result))


def test_using_a_clouds_own_chips_in_a_deal_makes_the_cloud_a_party(extractor):
    result = extract(
        extractor,
        "Kelpie AI to use up to half a million Google TPUs",
        "Kelpie AI will expand its use of Google Cloud TPUs to up to 500,000 chips, in a deal worth billions "
        "of dollars, the companies said.",
        "Kelpie AI said it will keep training some models on NVIDIA GPUs.",
    )
    (deal,) = result["deals"]
    assert deal["parties"] == ["Google", "Kelpie AI"]
    assert deal["roles"] == {"Google": "provider", "Kelpie AI": "buyer"}
    assert (deal["gpu_count"], deal["chip"], deal["value_usd"]) == (500_000, "TPU", None)
    (count,) = [
        f
        for f in result["figures"]
        if f["kind"] == "count" and f["value"] == 500_000 and f["field"] == "text"
    ]
    assert count["qualifier"] == "up to"


def test_a_chip_makers_gpus_used_in_passing_make_no_deal(extractor):
    result = extract(
        extractor,
        "Kelpie AI opens a research office in Austin",
        "Kelpie AI will open a research office in Austin, Texas, and its engineers will use NVIDIA GPUs rented in "
        "Frankfurt, the company said.",
    )
    assert result["deals"] == []


def test_an_acronym_is_not_matched_as_a_first_name(extractor):
    from extract.components.gazetteer import case_variants

    assert case_variants("MARA", False) == {"MARA"}
    assert case_variants("Lumen", False) == {"Lumen", "LUMEN"}
    result = extract(
        extractor,
        "Quenby AI signs GPU deal with Larchmont Cloud",
        "Larchmont Cloud has signed an agreement to provide Quenby AI with 12,000 NVIDIA H200 GPUs.",
        '"We are ready," said Mara Quist, chief executive of Larchmont Cloud.',
    )
    assert "Marathon Digital" not in orgs(result)


def headline_doc(text: str, spans: list[tuple[int, int]]):
    from spacy.tokens import Span

    nlp = shared_nlp()
    doc = nlp.make_doc(text)
    return nlp.get_pipe("deals_orgs"), [Span(doc, s, e, label="ORG") for s, e in spans]


@pytest.mark.parametrize("glued", [(2, 5), (3, 6)])
def test_a_headline_word_glued_to_a_name_named_alone_elsewhere_goes(glued):
    # Corvane Labs Widens Ostrander Cloud Deal To $2 Billion \n\n Ostrander Cloud said ...
    repair, ents = headline_doc(
        "Corvane Labs Widens Ostrander Cloud Deal To $2 Billion\n\nOstrander Cloud said it signed.",
        [(0, 2), glued, (11, 13)],
    )
    assert [e.text for e in repair.headline_words(ents)] == [
        "Corvane Labs",
        "Ostrander Cloud",
        "Ostrander Cloud",
    ]


def test_a_company_suffix_in_a_headline_stays():
    repair, ents = headline_doc(
        "Quillon Intelligence Signs Compute Deal With Tallow AI\n\nQuillon said it signed.",
        [(0, 2), (6, 8), (9, 10)],
    )
    assert [e.text for e in repair.headline_words(ents)] == [
        "Quillon Intelligence",
        "Tallow AI",
        "Quillon",
    ]


def test_a_ticker_or_abbreviation_in_brackets_is_the_company_before_it(extractor):
    result = extract(
        extractor,
        "Tolland Group to finance Ostrander Cloud campus",
        "Orrin Partners (NYSE: ORP) and Tolland Group Corp. (TGC) are expected to underwrite a "
        "$3 billion loan to Ostrander Cloud for its campus.",
        "TGC said the loan to Ostrander Cloud would close in May.",
    )
    assert orgs(result) == {"Orrin Partners", "Tolland Group", "Ostrander Cloud"}
    assert parties(result) <= {"Orrin Partners", "Tolland Group", "Ostrander Cloud"}


@pytest.mark.parametrize("stamp", ["", "date 2026-03-02 "])
def test_the_sentence_after_a_dateline_starts_at_its_own_first_word(extractor, stamp):
    result = extract(
        extractor,
        "Orrin AI books GPU capacity",
        f"{stamp}SEOUL (Wire) - Orrin AI signed a $2 billion agreement with Ostrander Cloud for "
        "GPU capacity, the companies said.",
    )
    assert [d["parties"] for d in result["deals"]] == [["Orrin AI", "Ostrander Cloud"]]
    assert "SEOUL" not in orgs(result)


def test_a_listed_company_or_a_legal_form_is_a_company_whatever_the_model_says(extractor):
    result = extract(
        extractor,
        "Server order for Hsinmao",
        "Taiwanese server maker Hsinmao Precision (TWSE: 6288) has won an order from Orrin AI "
        "for 1,200 servers.",
        "Orrin AI also agreed to buy a site in Kajaani from the miner Aurora Hash Oy for $285 "
        "million.",
    )
    assert {"Hsinmao Precision", "Aurora Hash"} <= orgs(result)


@pytest.mark.parametrize(
    "body, party",
    [
        # the article names the parent's known subsidiary: "a subsidiary of G42" is Core42
        (
            "TeraWulf is leasing 70 MW in New York to a subsidiary of AI firm G42, the company "
            "said. The lease with Core42 runs for ten years.",
            "Core42",
        ),
        # a subsidiary named in the same breath is only described by its parent
        ("Core42, a subsidiary of G42, signed a ten-year lease with TeraWulf for 70 MW.", "Core42"),
    ],
)
def test_a_subsidiary_of_a_parent_is_the_subsidiary(extractor, body, party):
    result = extract(extractor, "TeraWulf signs AI hosting lease", body)
    assert [d["parties"] for d in result["deals"]][:1] == [sorted([party, "TeraWulf"])]


@pytest.mark.parametrize(
    "sentence, name",
    [
        (
            "Orrin AI agreed to buy clean energy developer Tessellate for $1.2 billion.",
            "Tessellate",
        ),
        (
            "Orrin AI will run its models in a 40-megawatt hall near Lyon operated by the French "
            "data center firm Velmoire, with the hall opening in June.",
            "Velmoire",
        ),
        (
            "Brightmoor and Quay, an artificial intelligence company owned by a sovereign fund, "
            "have formed a $9 billion joint venture to build data centres.",
            "Quay",
        ),
    ],
)
def test_a_name_a_company_noun_describes_is_a_company(extractor, sentence, name):
    assert name in orgs(extract(extractor, "Deal news", sentence))


def test_a_persons_full_name_after_a_company_noun_stays_a_person(extractor):
    result = extract(
        extractor, "Deal news", "The lab hired chip designer Ada Brenner from Orrin AI last year."
    )
    assert "Ada Brenner" not in orgs(result)


@pytest.mark.parametrize(
    "text, names",
    [
        # a name before ", Japan's X" is the list's next item, not a place and its country
        (
            "Pune-based Harrowgate Cloud, Japan's Kisaragi Telecom and Orrin AI on Monday signed "
            "a memorandum of understanding to develop a 500 MW campus.",
            {"Harrowgate Cloud", "Kisaragi Telecom"},
        ),
        # a name coordinated with a company's is a company's
        (
            "Orrin AI signed an agreement with IT suppliers Supermicro and Brelvanta to redevelop "
            "the plant. The round drew NVIDIA, Kestrune Capital and Vesterhavet Pensjon.",
            {"Brelvanta", "Vesterhavet Pensjon"},
        ),
    ],
)
def test_names_in_a_list_of_companies_are_companies(extractor, text, names):
    assert names <= orgs(extract(extractor, "Deal news", text))


def test_a_name_with_upper_case_words_before_its_suffix_is_whole(extractor):
    result = extract(
        extractor,
        "Server orders",
        "Hsinmao Precision has won an order from Merlion GPU Cloud for 1,200 servers. "
        "Separately, Tarsel AI Cloud signed a lease with Orrin AI.",
    )
    names = orgs(result)
    assert {"Merlion GPU Cloud", "Tarsel AI Cloud"} <= names
    assert not {"GPU Cloud", "Tarsel"} & names


def test_a_country_before_ai_is_no_company(extractor):
    result = extract(
        extractor,
        "Sovereign compute",
        "The UK AI sector will gain 20,000 GPUs as Orrin AI signed with Halden Cloud.",
    )
    assert "UK AI" not in orgs(result)


@pytest.mark.parametrize(
    "text,names",
    [
        # a headline's description of the name after it ("Crypto Miner")
        (
            "Halden Cloud to Acquire Crypto Miner Core Scientific in $2 Billion Deal",
            {"Halden Cloud", "Core Scientific"},
        ),
        # company, site and descriptive words alone: the tail of a known name's legal form
        # ("Global Holdings Ltd."), a product's last word ("Cloud"), "Nuclear Power", "Data Center"
        (
            "Data center startup Nscale Global Holdings Ltd. said it raised $1.1 billion from "
            "Tamsin Capital.",
            {"Nscale", "Tamsin Capital"},
        ),
        (
            "Orrin AI will deploy 4,600 GPUs in partnership with NVIDIA DGX™ Cloud.",
            {"Orrin AI", "NVIDIA"},
        ),
        ("Tamsin Capital has backed a Nuclear Power Plant Developer.", {"Tamsin Capital"}),
        ("Orrin AI leases space from a Data Center Operator in Ohio.", {"Orrin AI"}),
        # a site's name ends in its singular site noun
        ("Orrin AI leases GPUs at the Halden Data Center in Ohio.", {"Orrin AI"}),
    ],
)
def test_descriptions_and_company_words_alone_are_no_company(extractor, text, names):
    assert orgs(extract(extractor, "Deals", text)) == names
