"""A cheap keyword prefilter: can this page be about AI compute deals at all?

It runs on raw bytes before anything is parsed, for pages from discovery sources (GDELT lists
pages from every publisher on earth) and for web archives, where most records are off topic. It
only has to be cheap and to keep every page the extractor's own relevance gate could pass: a
page passes when it names compute (GPUs, accelerators, data centres, megawatts, chip names,
computing, AI labs) and a deal (agreement, contract, investment, order, ...). The extractor's
gate decides later.
"""

from __future__ import annotations

import re

from ahocorasick_rs import BytesAhoCorasick

COMPUTE = (
    r"gpus?",
    r"accelerators?",
    r"data ?cent(?:er|re)s?",
    r"datacent(?:er|re)s?",
    r"megawatts?",
    r"gigawatts?",
    r"\d+(?:\.\d+)? ?[mg]w",
    r"ai compute",
    r"compute capacity",
    r"ai infrastructure",
    r"h100s?",
    r"h200s?",
    r"b200s?",
    r"gb200s?",
    r"gb300s?",
    r"blackwell",
    r"tpus?",
    r"trainium\d?",
    r"mi3\d\dx?",
    r"gaudi ?\d?",
    r"nvidia",
    r"ai chips?",
    r"supercomput\w*",
    r"computing",
    r"hyperscalers?",
    r"cloud providers?",
    r"ai (?:labs?|models?|cloud|factor(?:y|ies))",
    r"openai",
    r"anthropic",
    r"xai",
)
DEAL = (
    r"deals?",
    r"agreements?",
    r"contracts?",
    r"partnerships?",
    r"partners? with",
    r"invest(?:s|ed|ing|ment|ments)?",
    r"acquir(?:e|es|ed|ing)",
    r"acquisitions?",
    r"orders?",
    r"ordered",
    r"suppl(?:y|ies|ied)",
    r"leases?",
    r"leased",
    r"purchas(?:e|es|ed)",
    r"signed",
    r"signs",
    r"billion",
    r"to deploy",
    r"will deploy",
    r"offtake",
    r"ppa",
)
# Literal pieces, one in every COMPUTE pattern (" tpu": "output" is common): most pages hold
# none of them, and one Aho-Corasick pass over a page finds whether it holds any, 12 times
# faster than 28 substring searches and 25 times faster than the patterns (measured on 12 KB
# pages: 0.026 ms, 0.32 ms, 0.66 ms).
STEMS = (
    b"gpu",
    b"accelerator",
    b"data cent",
    b"datacent",
    b"megawatt",
    b"gigawatt",
    b"mw",
    b"gw",
    b"comput",
    b"infrastructure",
    b"h100",
    b"h200",
    b"b200",
    b"gb300",
    b"blackwell",
    b" tpu",
    b"trainium",
    b"mi3",
    b"gaudi",
    b"nvidia",
    b"ai chip",
    b"hyperscaler",
    b"cloud provider",
    b"ai ",
    b"openai",
    b"anthropic",
    b"xai",
)
_STEMS = BytesAhoCorasick(list(STEMS))
_COMPUTE = re.compile(rb"\b(?:" + "|".join(COMPUTE).encode() + rb")\b")
_DEAL = re.compile(rb"\b(?:" + "|".join(DEAL).encode() + rb")\b")
_SCRIPT = re.compile(rb"<(script|style)\b.*?</\1\s*>", re.DOTALL)


def on_topic(body: bytes, limit: int = 400_000) -> bool:
    """True when the first `limit` bytes (scripts and styles left out, any case) name both
    compute and a deal. Bytes, not text: no decoding, so a page costs one pass or two."""
    head = body[:limit].lower()
    if not _STEMS.find_matches_as_indexes(head):
        return False
    if _COMPUTE.search(head) is None or _DEAL.search(head) is None:
        return False
    text = _SCRIPT.sub(b" ", head)  # only pages that passed pay for this
    return _COMPUTE.search(text) is not None and _DEAL.search(text) is not None
