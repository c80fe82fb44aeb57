"""Suppliers named together as the subject of one supplying verb deliver to a third party: they
are not parties to a deal with each other."""

import pytest
from extract_support import shared_nlp

from extract.api import Extractor
from extract.decisions import NONE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extractor():
    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def pairs(extractor, title: str, body: str) -> list[set[str]]:
    (result,) = extractor.run([{"doc_id": "t", "title": title, "text": title + "\n\n" + body}])
    return [set(d["parties"]) for d in result["deals"]]


@pytest.mark.parametrize(
    "title, body",
    [
        (
            "Mistral switches on its new training cluster",
            "Mistral has switched on an 18,000-GPU training cluster at its site near Paris, the company said on Tuesday.\n\n"
            "The cluster uses Nvidia GB300 systems. Supermicro and Dell supplied the servers, according to the companies.",
        ),
        (
            "Lambda opens Kansas City site",
            "Lambda opened a new AI factory in Kansas City on Monday.\n\n"
            "The building holds 10,000 Nvidia B200 GPUs. Dell and Supermicro provided the racks, the company said.",
        ),
        (
            "Server makers busy",
            "Supermicro and Dell shipped the servers in March, according to the companies.",
        ),
    ],
)
def test_co_suppliers_make_no_deal_with_each_other(extractor, title, body):
    assert {"Dell", "Supermicro"} not in pairs(extractor, title, body)


def test_suppliers_who_say_they_work_together_do(extractor):
    found = pairs(
        extractor,
        "Dell and Supermicro team up",
        "Dell and Supermicro will jointly supply liquid-cooled racks to neoclouds under a new partnership, the companies said.",
    )
    assert {"Dell", "Supermicro"} in found


def test_hosts_named_with_their_customer_keep_the_deal(extractor):
    found = pairs(
        extractor,
        "Nebius and Aker to host GPUs for Mistral",
        "Nebius and Aker will host 20,000 GPUs for Mistral at a new campus in Norway, the companies said.",
    )
    assert any({"Nebius", "Aker", "Mistral AI"} <= p for p in found)


def test_co_subjects_of_a_signing_verb_are_partners(extractor):
    found = pairs(
        extractor,
        "Dell and Supermicro sign server pact",
        "Dell and Supermicro signed an agreement on Monday to share rack designs, the companies said.",
    )
    assert {"Dell", "Supermicro"} in found


@pytest.mark.parametrize(
    "body",
    [
        "Kestrel Semiconductor and Tolland Memory signed letters of intent on Tuesday "
        "to deliver high-bandwidth stacks for Orrin AI's training halls.",
        "BUSAN (Wire) - Kestrel Semiconductor and Tolland Memory signed letters of intent on "
        "Tuesday to deliver high-bandwidth stacks for Orrin AI's training halls.",
        "Kestrel Semiconductor and Tolland Memory will supply the memory to Orrin AI.",
    ],
)
def test_suppliers_named_together_each_supply_the_customer(extractor, body):
    (result,) = extractor.run(
        [{"doc_id": "t", "title": "Orrin AI lines up its memory suppliers", "text": body}]
    )
    found = sorted((sorted(d["parties"]), d["status"]) for d in result["deals"])
    planned = "letters of intent" in body
    status = "planned" if planned else "announced"
    assert found == [
        (["Kestrel Semiconductor", "Orrin AI"], status),
        (["Orrin AI", "Tolland Memory"], status),
    ]
