"""Shape documents in and results out: combined title and body text, offsets back into each
field."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from extract.cleaning import clean
from extract.deals.record import Deal
from extract.lexicon import Lexicon

#: Characters of an article's body the extractor reads: the deal is in the first pages of a
#: story, and a bound keeps one huge page from holding a run for long (time is linear in it).
MAX_CHARS = int(os.environ.get("DEALS_EXTRACT_MAX_CHARS", "100000"))
SURROGATE = re.compile("[\ud800-\udfff]")  # lone halves of a pair: no tokenizer can hash them

SEPARATOR = "\n\n"
ENTITY_LABELS = ("ORG", "CHIP", "FAC", "GPE", "LOC")  # the entities a result lists


@dataclass
class Prepared:
    doc_id: str
    text: str
    offsets: list[int]
    title_end: int
    title_len: int


def same_line(a: str, b: str) -> bool:
    """Two lines that say the same once case, spacing and edge punctuation are set aside."""

    def norm(s: str) -> str:
        return " ".join(s.replace("\u00a0", " ").split()).strip(" .:|-–—").casefold()

    return bool(norm(a)) and norm(a) == norm(b)


def repeated_title(title: str, body: str) -> tuple[int, int] | None:
    """Where the body opens with the title again, as crawled pages do: the range of that line
    and the blank space after it, or None."""
    lead = len(body) - len(body.lstrip())
    end = body.find("\n", lead)
    end = len(body) if end < 0 else end
    if not title or not same_line(title, body[lead:end]):
        return None
    while end < len(body) and body[end].isspace():
        end += 1
    return 0, end


def prepare(record: dict, lexicon: Lexicon) -> Prepared:
    """The title and body as one text for the model (the title once, then a blank line, then
    the body), with the offset of each character in the record.

    :param lexicon: gives the boilerplate lines that are blanked out.
    """
    title = SURROGATE.sub("\ufffd", (record.get("title") or "").strip("\n"))
    body = SURROGATE.sub("\ufffd", (record.get("text") or "")[:MAX_CHARS])
    raw = title + SEPARATOR + body if title else body
    text, offsets = clean(raw, lexicon)
    cut = repeated_title(title, body)
    if cut is not None:
        lo, hi = (len(title) + len(SEPARATOR) + i for i in cut)
        kept = [i for i, o in enumerate(offsets) if not lo <= o < hi]
        text, offsets = "".join(text[i] for i in kept), [offsets[i] for i in kept]
    return Prepared(
        str(record.get("doc_id") or ""),
        text,
        offsets,
        title_end=len(title) if title else 0,
        title_len=len(title) + len(SEPARATOR) if title else 0,
    )


def place(p: Prepared, start: int, end: int) -> dict:
    """Where a cleaned-text span sits in the original record: field plus offsets within it."""
    if not p.offsets:
        return {"field": "text", "start": start, "end": end}
    s = p.offsets[min(start, len(p.offsets) - 1)]
    e = p.offsets[min(max(end - 1, start), len(p.offsets) - 1)] + 1
    if p.title_len and s < p.title_len:
        return {"field": "title", "start": s, "end": min(e, p.title_end)}
    return {"field": "text", "start": s - p.title_len, "end": e - p.title_len}


def evidence(p: Prepared, sent: Span) -> dict:
    text = sent.text
    start = sent.start_char + len(text) - len(text.lstrip())
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return {"text": text.strip(), **place(p, start, end)}


def deal_result(p: Prepared, deal: Deal) -> dict:
    """A deal as `deals extract-text` prints it: the SCHEMA fields and its confidence, then
    its features when it has them, then its evidence."""
    d = deal.fields()
    d["confidence"] = deal.confidence
    if deal.features is not None:
        d["features"], d["figure_options"] = deal.features, deal.figure_options
        d["sentence"] = deal.sentence_span
    if d["value_usd"] is not None:
        d["value_usd"] = (
            int(d["value_usd"]) if float(d["value_usd"]).is_integer() else d["value_usd"]
        )
    if d["power_mw"] is not None and float(d["power_mw"]).is_integer():
        d["power_mw"] = int(d["power_mw"])
    d["evidence"] = [evidence(p, s) for s in deal.sentences]
    return d


def result(p: Prepared, doc: Doc | None, deals: list[Deal]) -> dict:
    out_deals = [deal_result(p, deal) for deal in deals]
    entities, figures = [], []
    if doc is not None:
        entities = [
            {
                "text": e.text,
                "label": e.label_,
                "canonical": e.kb_id_ or None,
                **place(p, e.start_char, e.end_char),
            }
            for e in doc.ents
            if e.label_ in ENTITY_LABELS
        ]
        for f in doc._.deals_figures or []:
            fd = f.as_dict()
            fd.pop("start_char"), fd.pop("end_char")
            figures.append({**fd, **place(p, f.start_char, f.end_char)})
    return {"doc_id": p.doc_id, "deals": out_deals, "entities": entities, "figures": figures}
