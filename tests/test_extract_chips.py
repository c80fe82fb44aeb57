"""Accelerator names: spelling variants reach one canonical name and its vendor, and a more
specific generation keeps its own name."""

import pytest
from extract_support import shared_nlp

from extract.lexicon import load_lexicon

pytestmark = pytest.mark.slow


def chips(text: str) -> list[str]:
    return [e.kb_id_ for e in shared_nlp()(text).ents if e.label_ == "CHIP"]


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("The lab will rent 20,000 H-100 accelerators from the cloud.", "H100"),
        ("The order covers MI-300X GPUs for the new hall.", "MI300X"),
        ("The supercomputer runs on MI300A parts.", "MI300A"),
        ("An older system with MI250X accelerators was retired.", "MI250X"),
        ("Customers can reserve TPUv5e capacity from next month.", "TPU v5e"),
        ("The startup will train on Tensor Processing Units in three regions.", "TPU"),
        ("The lab signed up for TPU v4 pods.", "TPU v4"),
        ("The cloud will offer Rubin CPX systems next year.", "Rubin CPX"),
        ("The contract covers Rubin Ultra racks from 2027.", "Rubin Ultra"),
        ("The startup serves models on Inferentia2 instances.", "Inferentia2"),
        ("The company will deploy Maia 200 chips in its own halls.", "Maia 200"),
        ("The bank bought Gaudi-3 servers for its private cloud.", "Gaudi 3"),
        ("The lab ordered Ascend 910B clusters from the supplier.", "Ascend 910B"),
        ("The system is built from CS-3 machines.", "CS-3"),
        ("The contract covers GB-300 racks.", "GB300"),
    ],
)
def test_spelling_variants_reach_the_canonical_name(text, canonical):
    assert canonical in chips(text)


def test_every_chip_has_a_vendor_and_a_rank():
    rows = load_lexicon().accelerators
    assert all(r["vendor"] and r["rank"] in (2, 3) for r in rows)
    names = {r["name"] for r in rows}
    assert {
        "Falcon Shores",
        "Jaguar Shores",
        "MTIA",
        "LPU",
        "Trainium3",
        "MI450",
        "GB300",
        "Ironwood",
    } <= names
    surfaces = [a for r in rows for a in [r["name"], *r["aliases"]]]
    assert len(surfaces) == len(set(surfaces)), "a surface form names two chips"


@pytest.fixture(scope="module")
def extractor():
    from extract.api import Extractor
    from extract.decisions import NONE

    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def deals(extractor, title: str, *paragraphs: str) -> list[dict]:
    (result,) = extractor.run(
        [{"doc_id": "t", "title": title, "text": title + "\n\n" + "\n\n".join(paragraphs)}]
    )
    return result["deals"]


def test_the_maker_named_where_the_count_is_given_again(extractor):
    found = deals(
        extractor,
        "Nebius to host 40,000 GPUs for Mistral in Finland",
        "Mistral has picked Nebius to run a new training cluster at a campus outside Helsinki, "
        "the companies said.",
        "The first phase is sized at 90MW, with room for a further 60MW later.",
        "Local officials welcomed the investment and the jobs it brings.",
        "Mistral expects all 40,000 Nvidia GPUs to be in service by late 2027.",
    )
    deal = next(d for d in found if set(d["parties"]) == {"Mistral AI", "Nebius"})
    assert deal["gpu_count"] == 40000
    assert deal["chip"] == "NVIDIA"


def test_another_count_names_no_maker_for_the_deal(extractor):
    found = deals(
        extractor,
        "Nebius to host 40,000 GPUs for Mistral in Finland",
        "Mistral has picked Nebius to run a new training cluster at a campus outside Helsinki, "
        "the companies said.",
        "The first phase is sized at 90MW, with room for a further 60MW later.",
        "Local officials welcomed the investment and the jobs it brings.",
        "Its older site in France runs 3,000 Nvidia GPUs.",
    )
    deal = next(d for d in found if set(d["parties"]) == {"Mistral AI", "Nebius"})
    assert deal["gpu_count"] == 40000
    assert deal["chip"] is None


def test_a_financing_deal_takes_no_hardware_the_site_is_described_with(extractor):
    found = deals(
        extractor,
        "Blue Owl backs Crusoe campus in Wyoming",
        "Blue Owl will invest $3 billion in Crusoe, the developer said on Monday.",
        "Each hall is designed to run up to 20,000 GB300 chips on one network, according to "
        "Crusoe.",
    )
    deal = next(d for d in found if {"Blue Owl", "Crusoe"} <= set(d["parties"]))
    assert deal["kind"] == "investment"
    assert deal["chip"] is None


def test_a_financing_deal_takes_the_chips_a_party_says_it_will_use(extractor):
    found = deals(
        extractor,
        "Amazon puts another $2 billion into Anthropic",
        "Amazon will invest another $2 billion in Anthropic, the companies said on Tuesday.",
        "Anthropic said it would use Amazon's Trainium2 chips to train its next models.",
    )
    deal = next(d for d in found if set(d["parties"]) == {"Amazon", "Anthropic"})
    assert deal["kind"] == "investment"
    assert deal["chip"] == "Trainium2"


LEASE = (
    "Nebius to build 300MW campus in Finland for Mistral",
    "Nebius has started construction on a 300MW campus outside Helsinki after signing "
    "Mistral to a ten-year lease, the companies said.",
    "The capacity will be delivered in three phases, the first in late 2027.",
    "Power for the first phase will come from the regional grid under a contract signed in March.",
    "Later phases depend on a new transmission line that regulators have not yet approved.",
    "For scale, the region's entire current electricity demand is estimated at under 150 MW.",
)


def test_a_party_saying_later_which_chips_it_will_install(extractor):
    found = deals(
        extractor,
        *LEASE,
        "Mistral, which trains its models mainly on Nvidia hardware, plans to fill the "
        "halls with B300 and later Rubin systems.",
    )
    deal = next(d for d in found if set(d["parties"]) == {"Mistral AI", "Nebius"})
    assert deal["chip"] == "B300"


def test_chips_of_a_sentence_about_another_company_stay_out(extractor):
    found = deals(
        extractor,
        *LEASE,
        "Mistral also rents capacity from CoreWeave, which runs GB200 systems for it in Texas.",
    )
    deal = next(d for d in found if set(d["parties"]) == {"Mistral AI", "Nebius"})
    assert deal["chip"] is None


def test_the_rule_reads_a_later_sentence_with_a_party_as_subject():
    from extract.deals.assemble import Assembler

    chips = Assembler(load_lexicon()).chips
    doc = shared_nlp()(
        "Nebius has signed Mistral to a ten-year lease at its campus outside "
        "Helsinki. The first phase is due in late 2027. "
        "Mistral, which trains its models mainly on Nvidia hardware, plans to fill "
        "the halls with B300 and later Rubin systems."
    )
    sents = list(doc.sents)
    assert chips.party_plans_chip(sents[:1], {"Mistral AI", "Nebius"}) == "B300"
    assert chips.party_plans_chip(sents[:1], {"CoreWeave", "Nebius"}) is None
