"""Pick a deal's figures, chip, facility and location from the sentences that state it.

The sentences come in order of authority: the one that states the deal, then the title and
lead sentences naming only its parties, then the sentences that refer back to it. A figure,
chip or place in a clause that names other organisations and none of the deal's belongs to
another deal; words around a figure (options, later phases, totals, estimates, per-unit
ratings, grid demand...) say it is not what the agreement covers.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span

from extract import lexicon
from extract.syntax import clause_of, entity_tokens, foreign_clause, is_verb, orgs_by_clause
from extract.spans import ents_of, sents_of

LOCATION_LEAD = {"in", "at", "near", "outside", "across", "into", "from"}
NOT_LOCATION_AFTER = {"-based", "based", "headquartered"}
HQ_LEAD = {"based", "headquartered", "headquarters", "hq", "-based"}
CHIP_NOUNS = {"gpu", "gpus", "chip", "chips", "accelerator", "accelerators", "processor", "processors", "silicon",
              "hardware", "systems", "servers", "superchips", "cards"}
MIN_COUNT = 500  # smaller counts are racks, servers or examples, not what a deal covers
NO_VENDOR_CHIP = {"investment", "power", "acquisition"}


@dataclass
class Fields:
    gpu_count: int | None = None
    power_mw: float | None = None
    value_usd: float | None = None
    chip: str | None = None
    facility: str | None = None
    location: str | None = None


@lru_cache(maxsize=None)
def veto_words() -> tuple[frozenset, frozenset, frozenset]:
    a = lexicon.lexicon()["assembly"]
    return frozenset(a["figure_vetoes"]), frozenset(a["figure_hard_vetoes"]), frozenset(a["total_words"])


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


def fig_root(sent: Span, fig):
    return sent.doc[fig.start:fig.end].root


def vetoed(sent: Span, fig, kind: str | None = None) -> bool:
    """Words near the figure, or in the clause around it, that say the agreement does not cover it."""
    soft, hard, totals = veto_words()
    doc = sent.doc
    names = entity_tokens(sent)
    lo, hi = max(sent.start, fig.start - 4), min(sent.end, fig.end + 3)
    window = [t for t in doc[lo:hi] if not (fig.start <= t.i < fig.end) and t.i not in names]
    hits = {t.lower_ for t in window}
    if "grid" in hits and any(t.lower_ == "grid" and doc[t.i - 1].lower_ == "the" and doc[t.i - 2].lower_ == "to" for t in window):
        hits.discard("grid")  # "add 835 MW to the grid" is the plant's output
    if fig.kind != "money":
        hits -= {"facility", "loan"}
    for t in window:
        if t.lower_ in ("spend", "spending", "spent") and any(
                c.lower_ == "with" and any(g.ent_type_ == "ORG" for g in c.children) for c in t.children):
            hits.discard(t.lower_)  # "$22 billion of spending with X" is what is spent under a deal with X
    if kind == "acquisition":
        hits -= totals  # buying a company buys its whole portfolio
    if hits & hard:
        return True
    before = {t.lower_ for t in doc[max(sent.start, fig.start - 3):fig.start]}
    if fig.kind == "money" and before & {"worth", "valued", "value", "for"} and not hits & hard:
        hits = set()  # "worth about $3.7 billion in revenue" is the deal's value
    if hits & soft:
        return True
    return structurally_vetoed(sent, fig)


def structurally_vetoed(sent: Span, fig) -> bool:
    doc = sent.doc
    root = fig_root(sent, fig)
    # "a gigawatt of capacity costs ...": an indefinite unit, not an amount
    if fig.kind == "power" and doc[fig.start].lower_ in ("a", "an") and fig.qualifier is None:
        return True
    head = root.head
    # "an $11 billion campus": the cost of a site, not the value of the deal
    if fig.kind == "money" and root.dep_ in ("compound", "nmod", "amod", "nummod") and head.lower_ in SITE_NOUNS:
        return True
    # "Each building is designed to run up to 50,000 chips": a per-unit rating
    for verb in [root, *root.ancestors]:
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass") and any(d.lower_ in ("each", "every", "per") for d in c.children):
                return True
    # "X was valued at $31 billion": a company's valuation
    if fig.kind == "money":
        for t in root.ancestors:
            if t.lower_ == "valued":
                if any(c.dep_ in ("nsubjpass", "nsubj") and c.ent_type_ == "ORG" for c in t.children):
                    return True
                break
    return False


SITE_NOUNS = {"campus", "site", "facility", "project", "plant", "complex", "park", "buildout", "build-out"}


def ordered_figures(sentences: list[Span], kind: str, parties: set[str], deal_kind: str | None):
    for sent in sentences:
        by_clause = orgs_by_clause(sent) if parties else {}
        for fig in figures_in(sent):
            if fig.kind != kind:
                continue
            if parties and foreign_clause(fig_root(sent, fig), parties, by_clause):
                continue
            if vetoed(sent, fig, deal_kind):
                continue
            yield sent, fig


def first_figure(sentences: list[Span], kind: str, parties: set[str] = frozenset(), deal_kind: str | None = None):
    """The first figure of a kind in the deal's sentences that nothing around it vetoes."""
    for sent, fig in ordered_figures(sentences, kind, parties, deal_kind):
        if fig.value is None:
            return None
        if kind == "money" and fig.unit != "USD":
            if any(f.kind == "money" and f.unit == "USD" and f.value for f in figures_in(sent)):
                continue
            return None
        if kind == "count" and fig.value < MIN_COUNT:
            continue
        return fig.value
    return None


def refers_to_deal(sent: Span) -> bool:
    """The sentence's subject is the deal itself ("The first gigawatt deployment, based on ...")."""
    anaphors = set(lexicon.lexicon()["assembly"]["chip_anaphors"])
    return any(t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in anaphors for t in sent)


def pick_chip(sentences: list[Span], parties: set[str] = frozenset(), kind: str | None = None) -> str | None:
    """The most specific accelerator in the sentence stating the deal and the next one; later
    sentences only when their subject is the deal itself. A more specific chip of the same
    vendor in such a sentence refines a family named first (Instinct -> MI450); a generation
    named only as background does not."""
    accel = {c["name"]: c for c in lexicon.accelerators()}
    rank = lambda n: accel.get(n, {}).get("rank", 2)

    def chips(scope, objects_only=False):
        out = []
        for s in scope:
            by_clause = orgs_by_clause(s) if parties else {}
            out += [e.kb_id_ for e in ents_of(s) if e.label_ == "CHIP" and not (
                parties and foreign_clause(e.root, parties, by_clause)) and not (objects_only and is_subject(e.root))]
        return out

    born = chips(sentences[:1])
    rest = sentences[1:]
    anaphoric = chips([s for s in rest if refers_to_deal(s)])
    # a deal about money, power or a takeover: hardware a later sentence names is the deal's only
    # when a party is that sentence's subject ("Anthropic said it would use Trainium chips")
    per_sentence = [chips([s], objects_only=not refers_to_deal(s)) for s in rest
                    if kind not in NO_VENDOR_CHIP or party_is_subject(s, parties)]
    others = [c for found in per_sentence for c in found]
    best = next((n for r in (3, 2) for n in born if rank(n) == r), None)
    if best is not None and rank(best) < 3:
        vendor = accel.get(best, {}).get("vendor")
        finer = next((n for n in anaphoric if rank(n) == 3 and accel.get(n, {}).get("vendor") == vendor), None)
        return finer or best
    if best is None and others:
        # "its Grace Blackwell GB300 systems": the most specific name of the first sentence naming one
        first = next(found for found in per_sentence if found)
        best = max(first, key=lambda n: (rank(n), -first.index(n)))
    if best is not None:
        return best
    code = model_code(sentences, parties)
    if code:
        return code
    chip, vendor = counted_elsewhere(sentences, parties, kind)
    if chip:
        return chip
    if kind in NO_VENDOR_CHIP:
        return None
    own = party_plans_chip(sentences, parties)
    if own:
        return own
    if vendor:
        return vendor
    sectors = lexicon.sector_of()
    for s in sentences[:3]:
        for e in ents_of(s):
            if e.label_ == "ORG" and sectors.get(e.kb_id_) == "chips" and is_vendor_mention(e):
                return e.kb_id_
    return None


def party_plans_chip(sentences: list[Span], parties: set[str]) -> str | None:
    """A later sentence of the article whose subject is a party and that names no organisation
    outside the deal but chipmakers naming their hardware: the hardware it names ("Talvik plans to fill the halls with
    GB300 systems") is the deal's."""
    if not sentences or len(parties) < 2:
        return None
    accel = {c["name"]: c for c in lexicon.accelerators()}
    sectors = lexicon.sector_of()
    doc, first = sentences[0].doc, sentences[0]
    for sent in sents_of(doc):
        if sent.start < first.end or not party_is_subject(sent, parties):
            continue
        orgs = [e for e in ents_of(sent) if e.label_ == "ORG"]
        if any(e.kb_id_ not in parties and not (sectors.get(e.kb_id_) == "chips" and is_vendor_mention(e)) for e in orgs):
            continue
        by_clause = orgs_by_clause(sent)
        found = [e.kb_id_ for e in ents_of(sent) if e.label_ == "CHIP" and not is_subject(e.root)
                 and not foreign_clause(e.root, parties, by_clause)]
        if found:
            return max(found, key=lambda n: (accel.get(n, {}).get("rank", 2), -found.index(n)))
    return None


def party_is_subject(sent: Span, parties: set[str]) -> bool:
    return any(e.label_ == "ORG" and e.kb_id_ in parties and e.root.dep_ in ("nsubj", "nsubjpass") for e in ents_of(sent))


def is_subject(token) -> bool:
    """A chip the sentence is about ("AMD's flagship, the MI355X, is rated ..."), not one the deal uses."""
    t = token
    for _ in range(3):
        if t.dep_ in ("nsubj", "nsubjpass"):
            return True
        if t.dep_ not in ("appos", "compound", "conj", "amod", "nmod"):
            return False
        t = t.head
    return False


def counted_elsewhere(sentences: list[Span], parties: set[str], kind: str | None) -> tuple[str | None, str | None]:
    """The accelerator, or its maker, named where the article gives the deal's accelerator count
    again ("100,000 GPUs" in the headline, "a target of 100,000 Nvidia GPUs" further down)."""
    count = first_figure(sentences, "count", parties, kind)
    if not count or not sentences:
        return None, None
    doc = sentences[0].doc
    sectors = lexicon.sector_of()
    chip = vendor = None
    for fig in doc._.deals_figures or []:
        if fig.kind != "count" or not fig.value or abs(fig.value - count) > 0.02 * count:
            continue
        for e in ents_of(doc[fig.start:fig.end]):
            if e.label_ == "CHIP" and chip is None:
                chip = e.kb_id_ or e.text
            elif e.label_ == "ORG" and sectors.get(e.kb_id_) == "chips" and is_vendor_mention(e) and vendor is None:
                vendor = e.kb_id_
    return chip, vendor


def model_code(sentences: list[Span], parties: set[str]) -> str | None:
    """A product code inside the deal's accelerator count ("100k VX-2 inference accelerators")."""
    for sent, fig in ordered_figures(sentences[:3], "count", parties, None):
        for t in sent.doc[fig.start:fig.end]:
            if any(c.isdigit() for c in t.text) and any(c.isalpha() for c in t.text) and t.text[:1].isupper() \
                    and not t._.deals_num and t.ent_type_ not in ("ORG", "DATE"):
                return t.text
    return None


def pick_facility(sentences: list[Span], parties: set[str] = frozenset()) -> str | None:
    for s in sentences:
        by_clause = orgs_by_clause(s) if parties else {}
        for e in ents_of(s):
            if e.label_ == "FAC" and e.kb_id_ and not (parties and foreign_clause(e.root, parties, by_clause)):
                return e.text if len(e.text) > len(e.kb_id_) and "Unit" in e.text else e.kb_id_
    return None


def site_location(facility: str | None, doc) -> str | None:
    """Where the article places the deal's site in a sentence naming it ("its Platte One campus in
    Lancaster County, Nebraska"), when the deal's own sentences give no place."""
    if not facility or doc is None:
        return None
    for sent in sents_of(doc):
        if any(e.label_ == "FAC" and (e.kb_id_ or e.text) == facility for e in ents_of(sent)):
            found = places_in(sent)
            if found:
                return join_places([sent], found[:4])
    return None


def known_facility_location(facility: str | None, doc) -> str | None:
    """A gazetteer site's place, when the article itself names that place."""
    if not facility or doc is None:
        return None
    for fac in lexicon.facilities():
        if facility in [fac["name"], *fac["aliases"]] and fac.get("location"):
            city = fac["location"].split(",")[0]
            if city in doc.text:
                return fac["location"]
    return None


def pick_location(sentences: list[Span], parties: set[str] = frozenset()) -> str | None:
    """The deal's place from the first sentences that state one: "City, State" chains before
    single names, countries and regions last; a later sentence refines a country or region."""
    levels = lexicon.places()
    rank = lambda p: 0 if "," in p else 2 if levels.get(p) in ("country", "region") or is_part_of_place(p, levels) else 1
    best: list[str] = []
    for s in sentences:
        found = places_in(s, parties)
        if not found:
            continue
        r = min(rank(p) for p in found)
        chosen = [p for p in found if rank(p) == r and not any(p != q and p in q for q in found)]
        if not best or r < min(rank(p) for p in best):
            best = chosen
        if min(rank(p) for p in best) < 2:
            break
    if not best:
        return None
    return join_places(sentences, best[:4])


@lru_cache(maxsize=None)
def location_words() -> tuple[frozenset, frozenset]:
    loc = lexicon.lexicon()["location"]
    return frozenset(loc["region_qualifiers"]), frozenset(loc["company_nouns"])


def is_part_of_place(place: str, levels: dict[str, str]) -> bool:
    """"Northern Norway", "central Texas": a region of a known place, no more precise than a region."""
    words = place.split()
    return levels.get(place) is None and len(words) > 1 and words[0].lower() in location_words()[0]


def describes_company(token) -> bool:
    """The place sits in an apposition that describes an organisation ("Karst Hosting, an operator
    of facilities in Oklahoma"): where the company works, not where the deal is."""
    nouns = location_words()[1]
    for t in token.ancestors:
        if t.dep_ == "appos" and t.head.ent_type_ == "ORG" and t.lower_ in nouns:
            return True
    return False


def dateline_place(doc, title_end: int) -> str | None:
    """The place of a dateline opening the body ("RENO, Nev. --", "ABILENE, Texas, March 3"), in
    the words of a place: "Reno, Nevada"."""
    abbreviations = lexicon.lexicon()["location"]["state_abbreviations"]
    ents = [e for e in doc.ents if title_end <= e.start_char < title_end + 400]
    for n, e in enumerate(ents):
        before = doc[e.start - 1] if e.start > 0 else None
        if e.label_ != "GPE" or not e.text.isupper() or len(e.text) < 3 or before is not None and not (
                before.is_space or "\n" in before.text_with_ws or before.is_punct and before.text in ("|",)):
            continue
        city = " ".join(w.capitalize() for w in e.text.split())
        nxt = ents[n + 1] if n + 1 < len(ents) else None
        if e.end < len(doc) and doc[e.end].text == "," and nxt is not None and nxt.start == e.end + 1 and nxt.label_ == "GPE":
            return f"{city}, {abbreviations.get(nxt.text, nxt.text)}"
        return city
    return None


def unnamed_town(sent: Span, e) -> int | None:
    """"near Mo i Rana, Norway", "near Kyro i Vaasa": words of a town the model left out of the
    place, between a word that leads a place and the place (or the comma before a known state or
    country); the index of the town's first word."""
    doc = sent.doc
    comma = e.start - 1 >= sent.start and doc[e.start - 1].text == "," and lexicon.places().get(e.text) in ("state", "country")
    connectors = lexicon.lexicon()["location"]["town_connectors"]
    k = last = e.start - 2 if comma else e.start - 1
    while k >= max(sent.start, e.start - 6) and not doc[k].ent_type_ and doc[k].lower_ not in LOCATION_LEAD and (
            doc[k].text[:1].isupper() and doc[k].is_alpha or doc[k].lower_ in connectors):
        k -= 1
    if k == last or k < sent.start or doc[k].lower_ not in LOCATION_LEAD or not doc[k + 1].text[:1].isupper():
        return None
    return k + 1


def join_places(sentences: list[Span], places: list[str]) -> str:
    """Places the text coordinates ("in Ohio and Georgia") keep its wording; others join with "; "."""
    if len(places) == 2:
        for s in sentences:
            if f"{places[0]} and {places[1]}" in s.text:
                return f"{places[0]} and {places[1]}"
    return "; ".join(places)


def places_in(sent: Span, parties: set[str] = frozenset()) -> list[str]:
    doc, out = sent.doc, []
    ents = [e for e in ents_of(sent) if e.label_ in ("GPE", "LOC")]
    by_clause = orgs_by_clause(sent) if parties else {}
    events = set(lexicon.lexicon()["assembly"]["event_nouns"])
    i, accepted = 0, set()
    while i < len(ents):
        e = ents[i]
        town = unnamed_town(sent, e)
        start = e.start if town is None else town
        lead = {t.lower_ for t in doc[max(sent.start, start - 3):start]}
        if e.root.dep_ == "conj" and e.root.head.i in accepted:
            lead |= {"in"}  # "in Texas and New York"
        after = doc[e.end].lower_ if e.end < len(doc) else ""
        chain_end, j = e.end, i
        while j + 1 < len(ents) and ents[j + 1].start == chain_end + 1 and doc[chain_end].text == ",":
            j += 1
            chain_end = ents[j].end
        text = doc[start:chain_end].text
        if text.lower().startswith("the "):
            text = text[4:]
        dateline = e.start == sent.start and e.text.isupper()
        prep = e.root.head
        at_event = prep.dep_ == "prep" and (prep.head.lower_ in events or prep.head.head.lower_ in events)
        if lead & LOCATION_LEAD and not lead & HQ_LEAD and after not in NOT_LOCATION_AFTER and not dateline and \
                not (doc[chain_end].lower_ if chain_end < len(doc) else "") in NOT_LOCATION_AFTER and not at_event and \
                e.root.dep_ not in ("compound", "amod", "poss") and not describes_company(e.root) and not (
                parties and foreign_clause(e.root, parties, by_clause)):
            if text not in out:
                out.append(text)
            accepted |= {t.i for t in doc[e.start:chain_end]}
        i = j + 1
    for text in unnamed_site_places(sent):
        if text not in out and not any(text in o for o in out):
            out.append(text)
    return out


SITE_PREPS = {"in", "near", "outside"}


def unnamed_site_places(sent: Span) -> list[str]:
    """"a 240MW campus in Barstow": a capitalised name the model did not tag, after a site noun
    and "in" or "near", is the site's town."""
    doc, out = sent.doc, []
    for t in sent:
        if t.lower_ not in SITE_PREPS or t.head.lower_ not in SITE_NOUNS | {"centre", "center", "centres", "centers"}:
            continue
        k = t.i + 1
        # the small model often takes an unknown town for a person
        while k < sent.end and k - t.i <= 3 and doc[k].ent_type_ in ("", "PERSON") and doc[k].tag_ == "NNP" and doc[k].is_alpha:
            k += 1
        if k == t.i + 1 or k < sent.end and (doc[k].ent_type_ in ("GPE", "LOC") or doc[k].text in ("'s", "’s", ",")):
            continue
        out.append(doc[t.i + 1:k].text)
    return out


def pick_fields(sentences: list[Span], parties: set[str] = frozenset(), kind: str | None = None, doc=None) -> Fields:
    count = first_figure(sentences, "count", parties, kind)
    facility = pick_facility(sentences, parties)
    location = pick_location(sentences, parties) or site_location(facility, doc) or known_facility_location(facility, doc)
    return Fields(
        gpu_count=int(count) if count else None,
        power_mw=first_figure(sentences, "power", parties, kind),
        value_usd=first_figure(sentences, "money", parties, kind),
        chip=pick_chip(sentences, parties, kind),
        facility=facility,
        location=location,
    )
