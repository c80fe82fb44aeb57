"""Where a deal is: its facility and its location, from the sentences that state it, a
sentence naming its site, the gazetteer, or the article's dateline."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from extract.deals.syntax import Syntax
from extract.lexicon import Lexicon
from extract.spans import ents_of, sents_of


def join_places(sentences: list[Span], places: list[str]) -> str:
    """Places the text coordinates ("in Ohio and Georgia") keep its wording; others join with
    "; "."""
    if len(places) == 2:
        for s in sentences:
            if f"{places[0]} and {places[1]}" in s.text:
                return f"{places[0]} and {places[1]}"
    return "; ".join(places)


class PlacePicker:
    def __init__(self, lexicon: Lexicon, syntax: Syntax):
        loc = lexicon["location"]
        self.syntax = syntax
        self.levels = lexicon.places
        self.facilities = lexicon.facilities
        self.region_qualifiers = frozenset(loc["region_qualifiers"])
        self.company_nouns = frozenset(loc["company_nouns"])
        self.abbreviations = loc["state_abbreviations"]
        self.connectors = loc["town_connectors"]
        self.leads = frozenset(loc["place_leads"])
        self.not_after = frozenset(loc["not_place_after"])
        self.hq_leads = frozenset(loc["hq_leads"])
        self.site_preps = frozenset(loc["site_preps"])
        self.broad_levels = loc["broad_levels"]
        self.never_levels = frozenset(loc["never_levels"])
        self.comma_levels = loc["comma_levels"]
        self.town_enders = loc["town_enders"]
        self.events = frozenset(lexicon["assembly"]["event_nouns"])
        self.site_heads = frozenset(lexicon["sites"]["project_nouns"]) | frozenset(
            lexicon["sites"]["centre_nouns"]
        )

    def facility(self, sentences: list[Span], parties: set[str] = frozenset()) -> str | None:
        syntax = self.syntax
        for s in sentences:
            by_clause = syntax.orgs_by_clause(s) if parties else {}
            for e in ents_of(s):
                if (
                    e.label_ == "FAC"
                    and e.kb_id_
                    and not (parties and syntax.foreign_clause(e.root, parties, by_clause))
                ):
                    return e.text if len(e.text) > len(e.kb_id_) and "Unit" in e.text else e.kb_id_
        return None

    def site_location(self, facility: str | None, doc: Doc | None) -> str | None:
        """Where the article places the deal's site in a sentence naming it ("its Platte One
        campus in Lancaster County, Nebraska"), when the deal's own sentences give no place."""
        if not facility or doc is None:
            return None
        for sent in sents_of(doc):
            if any(e.label_ == "FAC" and (e.kb_id_ or e.text) == facility for e in ents_of(sent)):
                found = self.places_in(sent)
                if found:
                    return join_places([sent], found[:4])
        return None

    def known_facility_location(self, facility: str | None, doc: Doc | None) -> str | None:
        """A gazetteer site's place, when the article itself names that place."""
        if not facility or doc is None:
            return None
        for fac in self.facilities:
            if facility in [fac["name"], *fac["aliases"]] and fac.get("location"):
                city = fac["location"].split(",")[0]
                if city in doc.text:
                    return fac["location"]
        return None

    def location(self, sentences: list[Span], parties: set[str] = frozenset()) -> str | None:
        """The deal's place from the first sentences that state one: "City, State" chains
        before single names, countries and regions last; a later sentence refines a country or
        region."""
        levels = self.levels

        def rank(p):
            if "," in p:
                return 0
            return 2 if levels.get(p) in self.broad_levels or self.is_part_of_place(p) else 1

        best: list[str] = []
        for s in sentences:
            found = [
                p for p in self.places_in(s, parties) if levels.get(p) not in self.never_levels
            ]
            if not found:
                continue
            r = min(rank(p) for p in found)
            chosen = [
                p for p in found if rank(p) == r and not any(p != q and p in q for q in found)
            ]
            if not best or r < min(rank(p) for p in best):
                best = chosen
            if min(rank(p) for p in best) < 2:
                break
        if not best:
            return None
        return join_places(sentences, best[:4])

    def is_part_of_place(self, place: str) -> bool:
        """ "Northern Norway", "central Texas": a region of a known place, no more precise than a
        region."""
        words = place.split()
        return (
            self.levels.get(place) is None
            and len(words) > 1
            and words[0].lower() in self.region_qualifiers
        )

    def describes_company(self, token: Token) -> bool:
        """The place sits in an apposition that describes an organisation ("Karst Hosting, an
        operator of facilities in Oklahoma"): where the company works, not where the deal
        is."""
        for t in token.ancestors:
            if t.dep_ == "appos" and t.head.ent_type_ == "ORG" and t.lower_ in self.company_nouns:
                return True
        return False

    def dateline_place(self, doc: Doc, title_end: int) -> str | None:
        """The place of a dateline opening the body ("RENO, Nev. --", "ABILENE, Texas, March
        3"), in the words of a place: "Reno, Nevada"."""
        ents = [e for e in doc.ents if title_end <= e.start_char < title_end + 400]
        for n, e in enumerate(ents):
            before = doc[e.start - 1] if e.start > 0 else None
            if (
                e.label_ != "GPE"
                or not e.text.isupper()
                or len(e.text) < 3
                or before is not None
                and not (
                    before.is_space
                    or "\n" in before.text_with_ws
                    or before.is_punct
                    and before.text in ("|",)
                )
            ):
                continue
            city = " ".join(w.capitalize() for w in e.text.split())
            nxt = ents[n + 1] if n + 1 < len(ents) else None
            if (
                e.end < len(doc)
                and doc[e.end].text == ","
                and nxt is not None
                and nxt.start == e.end + 1
                and nxt.label_ == "GPE"
            ):
                return f"{city}, {self.abbreviations.get(nxt.text, nxt.text)}"
            return city
        return None

    def unnamed_town(self, sent: Span, e: Span) -> int | None:
        """ "near Mo i Rana, Norway", "near Kyro i Vaasa": words of a town the model left out of
        the place, between a word that leads a place and the place (or the comma before a known
        state or country); the index of the town's first word."""
        doc, leads = sent.doc, self.leads
        comma = (
            e.start - 1 >= sent.start
            and doc[e.start - 1].text == ","
            and self.levels.get(e.text) in self.comma_levels
        )
        k = last = e.start - 2 if comma else e.start - 1
        while (
            k >= max(sent.start, e.start - 6)
            and not doc[k].ent_type_
            and doc[k].lower_ not in leads
            and (doc[k].text[:1].isupper() and doc[k].is_alpha or doc[k].lower_ in self.connectors)
        ):
            k -= 1
        if (
            k == last
            or k < sent.start
            or doc[k].lower_ not in leads
            or not doc[k + 1].text[:1].isupper()
        ):
            return None
        return k + 1

    def places_in(self, sent: Span, parties: set[str] = frozenset()) -> list[str]:
        doc, out = sent.doc, []
        ents = [e for e in ents_of(sent) if e.label_ in ("GPE", "LOC")]
        by_clause = self.syntax.orgs_by_clause(sent) if parties else {}
        events, not_after = self.events, self.not_after
        i, accepted = 0, set()
        while i < len(ents):
            e = ents[i]
            town = self.unnamed_town(sent, e)
            start = e.start if town is None else town
            lead = {t.lower_ for t in doc[max(sent.start, start - 3) : start]}
            if e.root.dep_ == "conj" and e.root.head.i in accepted:
                lead |= {"in"}  # "in Texas and New York"
            after = doc[e.end].lower_ if e.end < len(doc) else ""
            chain_end, j = e.end, i
            while (
                j + 1 < len(ents)
                and ents[j + 1].start == chain_end + 1
                and doc[chain_end].text == ","
            ):
                j += 1
                chain_end = ents[j].end
            text = doc[start:chain_end].text
            if text.lower().startswith("the "):
                text = text[4:]
            dateline = e.start == sent.start and e.text.isupper()
            prep = e.root.head
            at_event = prep.dep_ == "prep" and (
                prep.head.lower_ in events or prep.head.head.lower_ in events
            )
            if (
                lead & self.leads
                and not lead & self.hq_leads
                and after not in not_after
                and not dateline
                and (doc[chain_end].lower_ if chain_end < len(doc) else "") not in not_after
                and not at_event
                and e.root.dep_ not in ("compound", "amod", "poss")
                and not self.describes_company(e.root)
                and not (parties and self.syntax.foreign_clause(e.root, parties, by_clause))
            ):
                if text not in out:
                    out.append(text)
                accepted |= {t.i for t in doc[e.start : chain_end]}
            i = j + 1
        for text in self.unnamed_site_places(sent):
            if text not in out and not any(text in o for o in out):
                out.append(text)
        return out

    def unnamed_site_places(self, sent: Span) -> list[str]:
        """ "a 240MW campus in Barstow": a capitalised name the model did not tag, after a site
        noun and "in" or "near", is the site's town."""
        doc, out = sent.doc, []
        for t in sent:
            if t.lower_ not in self.site_preps or t.head.lower_ not in self.site_heads:
                continue
            k = t.i + 1
            # the small model often takes an unknown town for a person
            while (
                k < sent.end
                and k - t.i <= 3
                and doc[k].ent_type_ in ("", "PERSON")
                and doc[k].tag_ == "NNP"
                and doc[k].is_alpha
            ):
                k += 1
            if (
                k == t.i + 1
                or k < sent.end
                and (doc[k].ent_type_ in ("GPE", "LOC") or doc[k].text in self.town_enders)
            ):
                continue
            out.append(doc[t.i + 1 : k].text)
        return out
