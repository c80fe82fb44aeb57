"""One bad document costs itself only, and no input makes extraction unbounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.language import Language

from extract import EXTRACTOR_VERSION
from extract.pipeline import build_nlp
from extract.runner import extract_store, pending_articles
from store import NewEvent, Store

pytestmark = pytest.mark.slow
DEALS = str(Path(sys.executable).parent / "deals")
STORY = (
    "CoreWeave signed an agreement to provide Mistral AI with 12,000 NVIDIA H100 GPUs, "
    "the companies said on Tuesday."
)


@Language.component("fails_on_a_marked_page")
def fails_on_a_marked_page(doc):
    """Stands for an extractor bug that only one page triggers."""
    if "Zarnok" in doc.text:
        raise RecursionError("maximum recursion depth exceeded")
    return doc


def parsed(n: int, text: str) -> NewEvent:
    url = f"https://news.example/{n}"
    return NewEvent(
        "ArticleParsed",
        f"doc:{url}",
        {"url": url, "title": f"Story {n}", "text": text, "parser_version": "p1"},
    )


def test_a_page_that_breaks_extraction_is_recorded_and_skipped_until_a_new_version(tmp_path):
    nlp = build_nlp()
    nlp.add_pipe("fails_on_a_marked_page", first=True)
    with Store(tmp_path / "deals.db") as store:
        store.append([parsed(1, STORY), parsed(2, "Zarnok " + STORY), parsed(3, STORY)])
        counts = extract_store(store, nlp=nlp)
        assert counts["articles"] == 3 and counts["failed"] == 1
        (failure,) = store.read(types=["ExtractionFailed"])
        assert failure.stream == "doc:https://news.example/2"
        assert failure.data["error"].startswith("RecursionError")
        assert failure.data["extractor_version"] == EXTRACTOR_VERSION
        extracted = {e.stream for e in store.read(types=["DealsExtracted"])}
        assert extracted == {"doc:https://news.example/1", "doc:https://news.example/3"}
        assert len(pending_articles(store)) == 0  # the next run does not trip on it again
        assert extract_store(store, nlp=nlp)["articles"] == 0
        assert len(pending_articles(store, version="deals-extract/next")) == 3


def extract_text(stdin: bytes, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DEALS, "extract-text"],
        input=stdin,
        capture_output=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_a_lone_surrogate_in_the_input_is_read_as_a_replacement_character():
    line = json.dumps({"doc_id": "a\ud800", "text": "Halvard \ud800 Compute. " + STORY})
    proc = extract_text(line.encode() + b"\n")
    assert proc.returncode == 0, proc.stderr
    (result,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert ["CoreWeave", "Mistral AI"] in [d["parties"] for d in result["deals"]]


def test_a_line_longer_than_the_bound_is_one_line_error_exit_2():
    proc = extract_text(
        b'{"doc_id": "x", "text": "' + b"a" * 3000 + b'"}\n', DEALS_STDIN_MAX_BYTES="1000"
    )
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == (
        "error: line 1: longer than 1,000 bytes; split the document or raise DEALS_STDIN_MAX_BYTES"
    )


def test_only_the_bounded_head_of_a_huge_article_is_extracted():
    text = STORY + " " + "Nothing else happened that week. " * 20_000
    proc = extract_text(
        json.dumps({"doc_id": "big", "text": text}).encode() + b"\n", DEALS_EXTRACT_MAX_CHARS="5000"
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert [d["parties"] for d in result["deals"]] == [["CoreWeave", "Mistral AI"]]


def test_a_funding_round_is_one_deal_listing_every_investor():
    text = (
        "Cohere raised $500 million from Salesforce, Oracle and NVIDIA in a funding round "
        "announced on Thursday."
    )
    proc = extract_text(
        json.dumps({"doc_id": "r", "title": "Cohere raises $500 million", "text": text}).encode()
        + b"\n"
    )
    assert proc.returncode == 0, proc.stderr
    (deal,) = json.loads(proc.stdout)["deals"]
    assert deal["parties"] == ["Cohere", "NVIDIA", "Oracle", "Salesforce"]
    assert deal["kind"] == "investment" and deal["value_usd"] == 500_000_000
