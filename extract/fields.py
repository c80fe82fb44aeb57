"""Pick a deal's figures, chip, facility and location from the sentences that state it."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from extract import lexicon

LOCATION_LEAD = {"in", "at", "near", "outside", "across", "into", "from"}
NOT_LOCATION_AFTER = {"-based", "based", "headquartered"}
CHIP_NOUNS = {"gpu", "gpus", "chip", "chips", "accelerator", "accelerators", "processor", "processors", "silicon",
              "hardware", "systems", "servers", "superchips", "cards"}


MIN_COUNT = 500  # smaller counts are racks, servers or examples, not what a deal covers


@dataclass
class Fields:
    gpu_count: int | None = None
    power_mw: float | None = None
    value_usd: float | None = None
    chip: str | None = None
    facility: str | None = None
    location: str | None = None


def is_vendor_mention(ent: Span) -> bool:
    """"Nvidia GPUs", "Google's chips", "220,000 NVIDIA H100s": the organisation names hardware."""
    doc = ent.doc
    head = ent.root.head
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if nxt is not None and nxt.text in ("'s", "’s") and ent.end + 1 < len(doc):
        nxt = doc[ent.end + 1]
    if nxt is not None and (nxt.ent_type_ == "CHIP" or nxt.lower_ in CHIP_NOUNS):
        return True
    return ent.root.dep_ in ("compound", "poss", "nmod", "amod") and (head.ent_type_ == "CHIP" or head.lower_ in CHIP_NOUNS)


def figures_in(sent: Span) -> list:
    return [f for f in (sent.doc._.deals_figures or []) if sent.start_char <= f.start_char < sent.end_char]


def vetoed(sent: Span, fig) -> bool:
    vetoes = set(lexicon.lexicon()["assembly"]["figure_vetoes"])
    doc = sent.doc
    window = doc[max(sent.start, fig.start - 4):min(sent.end, fig.end + 3)]
    hits = {t.lower_ for t in window if not (fig.start <= t.i < fig.end)} & vetoes
    if fig.kind != "money":
        hits.discard("facility"), hits.discard("loan")
    return bool(hits) or fig.qualifier == "additional"


def first_figure(sentences: list[Span], kind: str):
    """The first figure of a kind in the deal's sentences that nothing around it vetoes."""
    for sent in sentences:
        for fig in figures_in(sent):
            if fig.kind != kind or vetoed(sent, fig):
                continue
            if fig.value is None:
                return None
            if kind == "money" and fig.unit != "USD":
                if any(f.kind == "money" and f.unit == "USD" and f.value for f in figures_in(sent)):
                    continue
                return None
            return fig.value
    return None


def pick_chip(sentences: list[Span]) -> str | None:
    """The most specific accelerator in the sentence stating the deal and the next one; later
    sentences only when those name none (a generation named later is background)."""
    ranks = {c["name"]: c.get("rank", 2) for c in lexicon.accelerators()}
    for scope in (sentences[:2], sentences[2:]):
        chips = [e.kb_id_ for s in scope for e in s.ents if e.label_ == "CHIP"]
        for rank in (3, 2):
            for name in chips:
                if ranks.get(name) == rank:
                    return name
    sectors = lexicon.sector_of()
    for s in sentences:
        for e in s.ents:
            if e.label_ == "ORG" and sectors.get(e.kb_id_) == "chips" and is_vendor_mention(e):
                return e.kb_id_
    return None


def pick_facility(sentences: list[Span]) -> str | None:
    for s in sentences:
        for e in s.ents:
            if e.label_ == "FAC" and e.kb_id_:
                return e.text if len(e.text) > len(e.kb_id_) and "Unit" in e.text else e.kb_id_
    nouns = lexicon.lexicon()["assembly"]["facility_nouns"]
    for s in sentences:
        name = named_site(s, nouns)
        if name:
            return name
    return None


def named_site(sent: Span, nouns: list[str]) -> str | None:
    """"the Cinder Flats campus", "Project Rainier", "a site it calls Colchis"."""
    doc = sent.doc
    for i, t in enumerate(sent):
        j = sent.start + i
        if t.lower_ == "project" and t.is_title and j + 1 < sent.end and doc[j + 1].is_title and doc[j + 1].ent_type_ not in ("DATE",):
            end = j + 2
            while end < sent.end and doc[end].is_title:
                end += 1
            return doc[j:end].text
        if t.lower_ in {n.split()[0] for n in nouns} and j > sent.start:
            k = j
            while k > sent.start and (doc[k - 1].is_title or doc[k - 1].like_num and doc[k - 2].is_title) \
                    and doc[k - 1].ent_type_ not in ("GPE", "LOC", "ORG", "DATE", "CHIP", "NORP") and not doc[k - 1].is_sent_start:
                k -= 1
            if k < j and doc[k - 1].lower_ in ("the", "its", "a", "new", "'s") and doc[k - 1].text not in ('"',):
                return doc[k:j].text
    return None


def pick_location(sentences: list[Span]) -> str | None:
    """The deal's place: "City, State" chains before single names, countries and regions last."""
    levels = lexicon.places()
    found = []
    for s in sentences:
        found += [p for p in places_in(s) if p not in found]
    if not found:
        return None
    rank = lambda p: 0 if "," in p else 2 if levels.get(p) in ("country", "region") else 1
    best = min(rank(p) for p in found)
    chosen = [p for p in found if rank(p) == best and not any(p != q and p in q for q in found)]
    return "; ".join(chosen[:4])


def places_in(sent: Span) -> list[str]:
    doc, out, ents = sent.doc, [], [e for e in sent.ents if e.label_ in ("GPE", "LOC")]
    i = 0
    while i < len(ents):
        e = ents[i]
        lead = {t.lower_ for t in doc[max(sent.start, e.start - 3):e.start]}
        after = doc[e.end].lower_ if e.end < len(doc) else ""
        chain_end, j = e.end, i
        while j + 1 < len(ents) and ents[j + 1].start == chain_end + 1 and doc[chain_end].text == ",":
            j += 1
            chain_end = ents[j].end
        text = doc[e.start:chain_end].text
        dateline = e.start == sent.start and e.text.isupper()
        if lead & LOCATION_LEAD and after not in NOT_LOCATION_AFTER and not dateline and \
                not (doc[chain_end].lower_ if chain_end < len(doc) else "") in NOT_LOCATION_AFTER:
            if text not in out:
                out.append(text)
        i = j + 1
    return out


def pick_fields(sentences: list[Span]) -> Fields:
    count = first_figure(sentences, "count")
    return Fields(
        gpu_count=int(count) if count and count >= MIN_COUNT else None,
        power_mw=first_figure(sentences, "power"),
        value_usd=first_figure(sentences, "money"),
        chip=pick_chip(sentences),
        facility=pick_facility(sentences),
        location=pick_location(sentences),
    )
