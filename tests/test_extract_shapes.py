"""Text shaped as crawled pages come: paragraphs on single lines and the title repeated first.

The extractor must read such text as it reads paragraphs separated by blank lines: a line break
ends a sentence, and the repeated title is neither read twice nor glued to the dateline.
"""

import json

import pytest
from extract_support import dev_set_or_skip, shared_nlp

from extract.api import Extractor
from extract.decisions import NONE
from extract.lexicon import load_lexicon
from extract.output import place, prepare, repeated_title

pytestmark = pytest.mark.slow

TITLE = "Marrowind Compute to Deliver 24,000-GPU Cluster for Pellucid AI in Boise"
PARAGRAPHS = [
    "BOISE, Idaho -- Marrowind Compute, an operator of dedicated AI clusters, today announced a "
    "four-year "
    "agreement to supply Pellucid AI with 24,000 NVIDIA B200 GPUs at its Boise campus.",
    "The contract is valued at $1.4 billion. The first 6,000 GPUs will arrive in the second "
    "quarter, and the "
    "campus will draw 90 MW at full build-out.",
    '"Pellucid wants capacity it can count on," said Ines Maro, chief executive of Marrowind '
    "Compute.",
    "Pellucid AI, which builds models for drug discovery, said the cluster would train its next "
    "models.",
]


def shaped(title: str, paragraphs: list[str], shape: str) -> str:
    """The body as a blank-line separated text ("double"), one paragraph a line ("single"), or one
    paragraph a line after the title repeated as its first line ("crawl")."""
    if shape == "double":
        return "\n\n".join(paragraphs)
    body = "\n".join(paragraphs)
    return title + "\n" + body if shape == "crawl" else body


def reshape(record: dict, shape: str) -> dict:
    paragraphs = [p.strip() for p in record["text"].split("\n\n") if p.strip()]
    return dict(record, text=shaped(record.get("title") or "", paragraphs, shape))


@pytest.fixture(scope="module")
def extractor():
    return Extractor(shared_nlp(), decisions=NONE)  # the rules alone: what they propose


def essentials(result: dict) -> list[tuple]:
    return sorted(
        (tuple(d["parties"]), d["gpu_count"], d["chip"], d["value_usd"], d["power_mw"], d["kind"])
        for d in result["deals"]
    )


@pytest.mark.parametrize("shape", ["double", "single", "crawl"])
def test_every_shape_gives_the_deal(extractor, shape):
    doc = {"doc_id": shape, "title": TITLE, "text": shaped(TITLE, PARAGRAPHS, shape)}
    (result,) = extractor.run([doc])
    assert essentials(result) == [
        (("Marrowind Compute", "Pellucid AI"), 24000, "B200", 1_400_000_000, 90, "compute")
    ]
    (deal,) = result["deals"]
    assert deal["roles"] == {"Marrowind Compute": "provider", "Pellucid AI": "buyer"}


def test_the_dateline_is_no_party_and_the_title_is_read_once(extractor):
    doc = {"doc_id": "c", "title": TITLE, "text": shaped(TITLE, PARAGRAPHS, "crawl")}
    (result,) = extractor.run([doc])
    repeated = [e for e in result["entities"] if e["field"] == "text" and e["start"] < len(TITLE)]
    assert repeated == []
    assert not any("BOISE" in p for d in result["deals"] for p in d["parties"])
    for ev in result["deals"][0]["evidence"]:
        assert doc[ev["field"]][ev["start"] : ev["end"]] == ev["text"]
        assert not ev["text"].startswith(TITLE) or ev["field"] == "title"


def test_a_repeated_title_is_read_once_and_offsets_still_point_into_the_body():
    body = "  Big News Today \n\nSEATTLE -- Something happened.\n"
    assert repeated_title("Big news today", body) == (0, body.index("SEATTLE"))
    assert repeated_title("Another title", body) is None
    assert repeated_title("", body) is None
    p = prepare({"doc_id": "x", "title": "Big news today", "text": body}, load_lexicon())
    assert p.text == "Big news today\n\nSEATTLE -- Something happened.\n"
    start = p.text.index("Something")
    at = place(p, start, start + len("Something"))
    assert at["field"] == "text" and body[at["start"] : at["end"]] == "Something"


def test_the_dev_set_scores_alike_in_crawled_shape():
    """Each dev article again with single line breaks and its title as first line: the scores stay
    within a small margin of those for the text as written."""
    from extract.evaluate import load_gold
    from extract.scoring import score

    gold = load_gold(dev_set_or_skip())
    extractor = Extractor(shared_nlp())
    reports = {}
    for shape in ("double", "crawl"):
        docs = [reshape(g, shape) for g in gold.values()]
        pred = {r["doc_id"]: r for r in extractor.run(docs)}
        reports[shape] = json.loads(json.dumps(score(gold, pred)))
    written, crawled = reports["double"], reports["crawl"]
    for key in ("precision", "recall", "f1"):
        assert abs(written[key] - crawled[key]) <= 0.02, (key, written[key], crawled[key])
    for name, (acc, _n) in written["fields"].items():
        other = crawled["fields"][name][0]
        if acc is not None and other is not None:
            assert abs(acc - other) <= 0.04, (name, acc, other)
