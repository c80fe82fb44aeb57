"""The `deals_orgs` component: repairs the small model's organisation entities for this domain.

Runs after the statistical NER. It splits entities glued across lines, slashes or headline
verbs ("Kestrelline Cloud Selects Voltaris"), turns a name with a company suffix into an ORG
("Strata Silicon", "Sable Ridge, Inc."), a "Name, State" pair into a place, gives every
mention of a name the label the document settles on, and sets `kb_id_` of each ORG to its
canonical name (legal suffix dropped, the longest form used in the document). The named sites
the gazetteer does not know are `deals_sites`' work, next in the pipeline.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extract.components.datelines import datelines_of
from extract.components.names import canonical
from extract.components.products import ProductSplitter
from extract.extensions import register
from extract.lexicon import Lexicon, load_lexicon

PLACE = {"GPE", "LOC"}
CONJOINED = {"GPE", "LOC", "FAC", "WORK_OF_ART", "EVENT", "LAW"}  # what a list may mistag
RELABEL = {"PERSON", "GPE", "NORP", "PRODUCT", "LOC", "FAC", "WORK_OF_ART", "EVENT", "LAW"}
KEPT = {"CHIP", "DATE", "MONEY", "CARDINAL", "PERCENT", "QUANTITY", "TIME", "ORDINAL"}
EDGE_TAGS = {"TO", "IN", "CC", "DT", "MD", "RP", "WDT", "PRP", "PRP$"}  # particles, prepositions


class OrgRepair:
    def __init__(self, nlp: Language, name: str, lexicon: Lexicon):
        org = lexicon["org"]
        self.suffixes = set(org["suffixes"])
        self.legal = set(org["legal"])
        self.exchanges = frozenset(org["exchanges"])
        self.parent_of = lexicon.parent_of
        self.subsidiary_nouns = frozenset(org["subsidiary_nouns"])
        self.descriptors = frozenset(org["descriptors"])
        self.product_names = lexicon.product_names()
        self.junk_words = set(org["junk"])
        self.site_heads = frozenset(org["site_heads"])
        self.lead_drop = set(org["lead_drop"])
        self.name_breaks = set(org["name_breaks"])
        self.dashes = set(org["dashes"])
        self.comma_suffixes = set(org["comma_suffixes"])
        self.clause_ends = set(org["clause_ends"])
        self.stamps = set(org["date_stamps"])
        self.place_suffixes = set(org["place_suffixes"])
        self.possessives = set(lexicon["grammar"]["possessives"])
        register(lexicon)
        self.tokenizer = nlp.tokenizer
        self.place_names = lexicon.places
        self.suffix_matcher = Matcher(nlp.vocab)
        self.suffix_matcher.add(
            "suffixed",
            [
                [
                    {"IS_TITLE": True, "ENT_TYPE": "", "OP": "{1,2}"},
                    {"ORTH": {"IN": sorted(self.suffixes)}, "ENT_TYPE": ""},
                ]
            ],
            greedy="LONGEST",
        )
        self.verbs = lexicon.verb_forms | set(org["split_verbs"])
        # inflected headline verbs only: a bare "Scale" or "Open" may well begin a company's name
        self.headline_verbs = {
            f for v in org["headline_verbs"] for f in lexicon.inflect(v) if f != v
        }
        self.products = ProductSplitter(lexicon)
        self.name_words = {w.lower().strip(".") for w in self.suffixes} | set(self.legal)
        self.common_words = (
            self.name_words
            | {w for n in lexicon["sites"]["nouns"] for w in n.split()}
            | self.descriptors
        )  # the words names are made with, none a name alone

    def __call__(self, doc: Doc) -> Doc:
        datelines = self.datelines(doc)
        ents = [piece for e in doc.ents for piece in self.split(e)]
        ents = [self.grow(e) for e in ents]
        ents = self.places(ents)
        ents = [self.known_place(e) for e in ents]
        ents = self.outside(ents, datelines)
        ents = self.products(ents)
        ents = self.headline_words(ents)
        ents = self.described(doc, filter_spans(ents))
        ents = self.conjoined(doc, filter_spans(ents))
        ents = self.settle_labels(doc, filter_spans(ents), datelines) + datelines
        org_starts = {e.start for e in ents if e.label_ == "ORG"}
        ents = [e for e in ents if not self.junk(e) and not self.describes_next(e, org_starts)]
        for more in (self.suffixed_names, self.other_mentions):
            ents += [e for e in self.outside(more(doc, ents), datelines) if not self.junk(e)]
        doc.ents = filter_spans([e for e in ents if not amount_led(e)])
        self.set_canonical(doc)
        return doc

    def canonical(self, text: str) -> str:
        return canonical(text, self.legal)

    def split(self, ent: Span) -> list[Span]:
        """Cut an entity at line breaks, slashes, " and ", and title-case verbs; trim edge
        words."""
        if ent.kb_id_ or ent.label_ in KEPT:
            return [ent]
        doc, pieces, start = ent.doc, [], ent.start
        for i in range(ent.start, ent.end + 1):
            t = doc[i] if i < ent.end else None
            cut = (
                t is None
                or t.is_space
                or "\n" in t.text
                or t.text in self.name_breaks
                or t.text in self.dashes
                or (t.lower_ == "and" and ent.label_ == "ORG")
                or (
                    t.lower_ == "for"
                    and ent.label_ == "ORG"
                    and i > ent.start
                    and self.phrase_goes_on(ent, i)
                )
                or (t.lower_ in self.verbs and t.is_title and i > ent.start)
                or (
                    t.text == "," and i + 1 < ent.end and doc[i + 1].text not in self.comma_suffixes
                )
            )
            if cut:
                if i > start:
                    pieces.append(self.trim(Span(doc, start, i, label=ent.label_)))
                start = i + 1
        return [p for p in pieces if p is not None]

    @staticmethod
    def phrase_goes_on(ent: Span, i: int) -> bool:
        """ "a deal with Brightwater Compute for AI cloud capacity": the words after "for" belong
        to a phrase that goes on past the entity, so "for" ends the name."""
        doc = ent.doc
        if not doc.has_annotation("DEP"):
            return False
        return (
            any(not ent.start <= doc[j].head.i < ent.end for j in range(i + 1, ent.end))
            and ent.end < len(doc)
            and (doc[ent.end].is_alpha and doc[ent.end].is_lower)
        )

    def trim(self, span: Span) -> Span | None:
        """Drop edge words that are no part of a name: articles, descriptors and verbs before it
        ("Expands Halcyon Compute"), particles, prepositions and lower-case words after it
        ("Halcyon Compute to")."""
        doc, s, e = span.doc, span.start, span.end
        while s < e and (
            doc[s].lower_ in self.lead_drop
            or doc[s].lower_ in self.verbs
            or doc[s].is_punct
            or not (
                doc[s].text[:1].isupper() or doc[s].text[:1].isdigit() or doc[s].text[:1] in "xe"
            )
            or (s + 1 < e and doc[s].lower_ in self.headline_verbs and doc[s].is_title)
        ):
            s += 1
        while e > s and (
            doc[e - 1].is_punct
            and doc[e - 1].text != "."
            or doc[e - 1].lower_ in self.possessives
            or doc[e - 1].is_space
            or self.edge_word(doc[e - 1])
            and e - 1 > s
        ):
            e -= 1
        return Span(doc, s, e, label=span.label_, kb_id=span.kb_id_) if e > s else None

    def edge_word(self, t: Token) -> bool:
        """A word that ends no company name: a lower-case word or a particle or preposition."""
        if t.lower_.strip(".") in self.legal:
            return False
        return (t.is_alpha and t.is_lower) or (t.tag_ in EDGE_TAGS and not t.text.isupper())

    def datelines(self, doc: Doc) -> list[Span]:
        """ "RENO, Nev. --", "SAN FRANCISCO, Oct 23 (Wire) -": the capitalised place opening a
        paragraph before a dash is a place, never a party."""
        known = {
            i for e in doc.ents if e.kb_id_ and e.label_ == "ORG" for i in range(e.start, e.end)
        }
        found = doc._.deals_datelines
        if found is None:  # a pipeline without the line-break component
            found = datelines_of(doc, self.dashes, self.clause_ends, self.stamps)
        return [
            Span(doc, start, end, label="GPE")
            for start, end, _ in found
            if not any(i in known for i in range(start, end))
        ]

    @staticmethod
    def outside(ents: list[Span], spans: list[Span]) -> list[Span]:
        taken = {i for s in spans for i in range(s.start, s.end)}
        return [e for e in ents if not any(i in taken for i in range(e.start, e.end))]

    def headline_words(self, ents: list[Span]) -> list[Span]:
        """In a title-case line the model glues neighbouring words onto a name ("Expands Halcyon
        Compute"): an edge word goes when the name without it is an organisation the document
        names elsewhere, the name with it is not, and the word is no company suffix."""
        orgs = Counter(self.canonical(e.text).lower() for e in ents if e.label_ == "ORG")
        out = []
        for e in ents:
            if (
                e.label_ == "ORG"
                and not e.kb_id_
                and len(e) > 1
                and orgs[self.canonical(e.text).lower()] == 1
                and headline_case(e)
            ):
                for s, end in ((e.start + 1, e.end), (e.start, e.end - 1)):
                    edge = e.doc[e.start] if s > e.start else e.doc[e.end - 1]
                    rest = self.canonical(e.doc[s:end].text).lower()
                    if rest and orgs[rest] and edge.lower_.strip(".") not in self.name_words:
                        e = Span(e.doc, s, end, label="ORG")
                        break
            out.append(e)
        return out

    def grow(self, ent: Span) -> Span:
        """Take in a following company suffix ("Tessaro" + "Cloud", "Okapi Compute" + ", Inc.")
        and relabel."""
        doc, end, label = ent.doc, ent.end, ent.label_
        if ent.kb_id_ or label not in RELABEL | {"ORG"}:
            return ent
        while (
            end < len(doc)
            and doc[end].text in self.suffixes
            # an upper-case suffix ("Tarsel AI") grows no place: "UK AI" is no company
            and (doc[end].is_title or doc[end].is_upper and label not in PLACE | {"NORP"})
            and doc[end].ent_type_ not in ("CHIP",)
        ):
            end, label = end + 1, "ORG"
        if (
            end < len(doc)
            and doc[end].lower_.strip(".") in self.legal
            and doc[end].text[:1].isupper()
        ):
            end, label = end + 1, "ORG"
        elif (
            end + 1 < len(doc)
            and doc[end].text == ","
            and doc[end + 1].lower_.strip(".") in self.legal
            and doc[end + 1].text[:1].isupper()
        ):
            end, label = end + 2, "ORG"
        if ent[-1].lower_.strip(".") in self.legal and len(ent) > 1 and ent[-1].text[:1].isupper():
            label = "ORG"
        if (
            ent[-1].text in self.suffixes
            and label in RELABEL
            and not (label in PLACE and ent[-1].text in self.place_suffixes)
        ):
            label = "ORG"
        if (
            label in RELABEL
            and end + 1 < len(doc)
            and doc[end].text == "("
            and doc[end + 1].lower_ in self.exchanges
        ):
            label = "ORG"  # "Hsinmao Precision (TWSE: 6288)": a listed company
        start = ent.start
        if (
            label == "ORG"
            and doc[end - 1].text in self.suffixes
            and start > 0
            and (ent[0].is_upper or ent[0].text in self.suffixes)
            and not doc[start - 1].ent_type_
            and doc[start - 1].is_title
            and doc[start - 1].tag_ in ("NNP", "NNPS")
            and not doc[start - 1].is_stop
            and not doc[start - 1].is_sent_start
        ):
            start -= 1  # "Merlion" + "GPU Cloud": the model tagged the name without its head
        return (
            Span(doc, start, end, label=label)
            if (start, end, label) != (ent.start, ent.end, ent.label_)
            else ent
        )

    def places(self, ents: list[Span]) -> list[Span]:
        """ "Barstow, Texas": a name right before ", <place>" is itself a place."""
        starts = {e.start: e for e in ents}
        out = []
        for e in ents:
            nxt = starts.get(e.end + 1)
            if (
                e.label_ in ("ORG", "PERSON")
                and not e.kb_id_
                and self.in_its_place(e, nxt)
                and len(e) <= 3
            ):
                e = Span(e.doc, e.start, e.end, label="GPE")
            out.append(e)
        return out

    def in_its_place(self, e: Span, nxt: Span | None) -> bool:
        """ "Barstow, Texas": the name is followed by a comma and a place, which is not the
        next item of a list ("Nilgiri Cloud, Japan's Aoba Telecom and ...")."""
        doc = e.doc
        return (
            nxt is not None
            and nxt.label_ in PLACE
            and doc[e.end].text == ","
            and not (nxt.end < len(doc) and doc[nxt.end].lower_ in self.possessives)
        )

    def known_place(self, ent: Span) -> Span:
        if not ent.kb_id_ and ent.label_ in RELABEL | {"ORG"} and ent.text in self.place_names:
            return Span(ent.doc, ent.start, ent.end, label="GPE")
        return ent

    def described(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """A name a company noun describes is a company: "energy developer Intersect" (tagged
        a facility), "the data center firm Eclairion" (untagged), "Qai, an artificial
        intelligence company" (tagged a person). A person's full name after the noun stays a
        person ("designer Ada Brenner"); the noun in apposition decides even then."""
        starts = {e.start: e for e in ents}
        taken = {i for e in ents for i in range(e.start, e.end)}
        relabel, out = set(), []

        def relabelled(e: Span) -> bool:  # a known place, or one before its state, stays
            return (
                e.label_ in RELABEL
                and not e.kb_id_
                and e.text not in self.place_names
                and not self.in_its_place(e, starts.get(e.end + 1))
            )

        for t in doc[:-1]:
            if not t.is_lower or t.lower_ not in self.descriptors:
                continue
            e = starts.get(t.i + 1)
            if e is not None:
                if relabelled(e) and (e.label_ != "PERSON" or len(e) == 1):
                    relabel.add(e.start)
                continue
            end = t.i + 1
            while (
                end < len(doc)
                and end - t.i <= 3
                and end not in taken
                and doc[end].is_title
                and doc[end].tag_ in ("NNP", "NNPS")
                and not doc[end].is_stop
            ):
                end += 1
            name = doc[t.i + 1 : end]
            if (
                len(name)
                and name.text not in self.place_names
                and not self.is_product(name)
                and any(c.isalpha() for c in name.text)
            ):
                out.append(Span(doc, name.start, name.end, label="ORG"))
        for e in ents:
            if (
                relabelled(e)
                and doc.has_annotation("DEP")
                and any(c.dep_ == "appos" and c.lower_ in self.descriptors for c in e.root.children)
            ):
                relabel.add(e.start)
        return out + as_orgs(ents, relabel)

    def is_product(self, name: Span) -> bool:
        return name.text.lower() in self.product_names

    def conjoined(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """A name coordinated with a company's is a company's too: "suppliers Supermicro and
        Datasection" (untagged), "Kestrune Capital and Vesterhavet Pensjon" (tagged a place).
        People, nationalities, products and known places stay what they are ("SoftBank and
        Son", "Amazon and Bedrock")."""
        if not doc.has_annotation("DEP"):
            return ents
        of = {i: e for e in ents for i in range(e.start, e.end)}
        relabel, out = set(), []
        for t in doc:
            head = of.get(t.head.i)
            if (
                t.dep_ != "conj"
                or head is None
                or head.label_ != "ORG"
                or t.i in range(head.start, head.end)
            ):
                continue
            e = of.get(t.i)
            if e is not None:
                if e.label_ in CONJOINED and not e.kb_id_ and e.text not in self.place_names:
                    relabel.add(e.start)
            elif t.is_title and t.tag_ in ("NNP", "NNPS") and not t.is_stop:
                start = min(
                    [c.i for c in t.lefts if c.dep_ == "compound" and c.tag_ == "NNP"] + [t.i]
                )
                name = doc[start : t.i + 1]
                if not any(i in of for i in range(start, t.i + 1)):
                    if name.text not in self.place_names and not self.is_product(name):
                        out.append(Span(doc, start, t.i + 1, label="ORG"))
        return out + as_orgs(ents, relabel)

    def settle_labels(self, doc: Doc, ents: list[Span], datelines: list[Span] = ()) -> list[Span]:
        """Give every mention of a name the document's label for it.

        A name is an ORG if any mention is one (or begins one), a person if it is the surname
        of a person named in the document, a place if it is mostly tagged as one; a dateline
        names a place.
        """
        votes: dict[str, Counter] = {}
        org_first_words, surnames = set(), set()
        for e in datelines:
            votes.setdefault(self.canonical(e.text).lower(), Counter())["GPE"] += 5
        starts = {e.start: e for e in ents}
        for e in ents:
            key = self.canonical(e.text).lower()
            decisive = e.label_ == "ORG" and e[-1].lower_.strip(".") in self.legal and len(e) > 1
            nxt = starts.get(e.end + 1)
            # "Austin, Texas": a name followed by its state or country is a place
            decisive = decisive or e.label_ in PLACE and self.in_its_place(e, nxt)
            votes.setdefault(key, Counter())[e.label_] += 5 if decisive else 1
            if e.label_ == "ORG" and len(key.split()) > 1:
                org_first_words.add(key.split()[0])
            if e.label_ == "PERSON" and len(e) > 1:
                surnames.add(e[-1].lower_)
        out = []
        for e in ents:
            key = self.canonical(e.text).lower()
            v = votes[key]
            if e.label_ in RELABEL | {"ORG"} and not e.kb_id_:
                if key in surnames or (
                    len(e) == 2 and e.label_ == "ORG" and e[-1].lower_ in surnames
                ):
                    label = "PERSON"
                elif (
                    v["ORG"]
                    and v["ORG"] >= sum(v[p] for p in PLACE)
                    or key in org_first_words
                    and e.label_ != "GPE"
                ):
                    label = "ORG"
                else:
                    label = v.most_common(1)[0][0]
                if label != e.label_:
                    e = Span(
                        doc, e.start, e.end, label=label, kb_id=e.text if label == "CHIP" else ""
                    )
            out.append(e)
        return out

    def suffixed_names(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Untagged "Quillon Intelligence", "Halden Grid": capitalised words ending in a company
        suffix."""
        taken = {i for e in ents for i in range(e.start, e.end)}
        out = []
        for m_id, start, end in self.suffix_matcher(doc):
            span = doc[start:end]
            if (
                any(i in taken for i in range(start, end))
                or span[0].is_stop
                or span[0].is_sent_start
                and len(span) == 2
                and span[0].lower_ in self.verbs
            ):
                continue
            span = self.trim(span)
            if span is None or len(span) < 2 and span[0].text in self.suffixes:
                continue
            if span.text in self.place_names or span[0].text in self.place_names:
                continue
            out.append(Span(doc, span.start, span.end, label="ORG"))
        return filter_spans(out)

    def other_mentions(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Every untagged mention of a name the document already calls an ORG, and of its first
        word when that word is distinctive ("Quillon" for "Quillon Intelligence")."""
        names = {}
        for e in ents:
            if e.label_ != "ORG" or e.kb_id_:
                continue
            name = self.canonical(e.text)
            if not name:
                continue
            names[name] = name
            first = name.split()[0]
            if (
                len(name.split()) > 1
                and first[:1].isupper()
                and not doc.vocab[first.lower()].is_stop
                and first not in self.place_names
                and len(first) > 3
            ):
                names.setdefault(first, name)
        if not names:
            return []
        matcher = PhraseMatcher(doc.vocab)
        for surface in names:
            matcher.add(surface, [doc.vocab.strings.add(surface) and self.tokenizer(surface)])
        # a longer name the document calls an organisation wins over a shorter guess inside it
        # ("Tallow" tagged a place within "Tallow AI")
        taken = {i: e for e in ents for i in range(e.start, e.end)}
        out = []
        for m_id, start, end in matcher(doc):
            inside = {taken[i] for i in range(start, end) if i in taken}
            if all(
                e.label_ != "ORG"
                and not e.kb_id_
                and start <= e.start
                and e.end <= end
                and len(e) < end - start
                for e in inside
            ):
                out.append(Span(doc, start, end, label="ORG"))
        return filter_spans(out)

    def junk(self, ent: Span) -> bool:
        """Not a company: unit or section words, company words alone, a figure ("GW
        Stargate"), a product code ("VX-2")."""
        if ent.label_ != "ORG" or ent.kb_id_:
            return False
        if len(ent.text) < 2 or all(
            t.lower_ in self.junk_words
            or t.lower_.strip(".") in self.common_words
            or t.is_punct
            or t.like_num
            for t in ent
        ):
            return True  # also "Cloud", "Global Holdings Ltd." (a known name's tail), "Plant
            # Developer": company, site and descriptive words alone are no name
        if len(ent) > 1 and ent[-1].lower_ in self.site_heads:
            return True  # "the Paris Data Center" is a site ("Aligned Data Centers" a company)
        if any(t._.deals_num or t._.deals_power_unit or t._.deals_glued_power for t in ent):
            return True
        return (
            len(ent) == 1
            and any(c.isdigit() for c in ent.text)
            and any(c.isalpha() for c in ent.text)
        )

    def describes_next(self, ent: Span, org_starts: set[int]) -> bool:
        """A headline's description of the company named right after it: "Crypto Miner" in
        "to Acquire Crypto Miner Core Scientific"."""
        return (
            ent.label_ == "ORG"
            and not ent.kb_id_
            and ent[-1].lower_ in self.descriptors
            and ent.end in org_starts
        )

    def set_canonical(self, doc: Doc) -> None:
        orgs = [e for e in doc.ents if e.label_ == "ORG"]
        names = {self.canonical(e.text) for e in orgs if not e.kb_id_}
        known = {self.canonical(e.text).lower(): e.kb_id_ for e in orgs if e.kb_id_}
        longer = {}
        for n in sorted(names):  # sorted: the same text gives the same names in any process
            options = sorted(
                m for m in names if m.lower() != n.lower() and m.lower().startswith(n.lower() + " ")
            )
            same = sorted(m for m in names if m.lower() == n.lower() and not m.isupper())
            longer[n] = min(options, key=len) if options else (same[0] if same else n)
            grown = [kb for text, kb in known.items() if text.startswith(n.lower() + " ")]
            if grown and not options:
                longer[n] = grown[0]
        ents = []
        for e in doc.ents:
            if e.label_ == "ORG" and not e.kb_id_:
                name = self.canonical(e.text)
                e = Span(doc, e.start, e.end, label="ORG", kb_id=longer.get(name, name) or e.text)
            ents.append(e)
        doc.ents = self.subsidiaries(doc, self.bracket_aliases(doc, ents))

    def subsidiaries(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """ "a subsidiary of G42" in an article that names Core42, G42's known subsidiary,
        means Core42: the party is the subsidiary, not its parent."""
        named = {e.kb_id_ for e in ents if e.label_ == "ORG" and e.kb_id_}
        children: dict[str, list[str]] = {}
        for child in sorted(named):
            parent = self.parent_of.get(child)
            if parent is not None:
                children.setdefault(parent, []).append(child)
        out = []
        for e in ents:
            kids = children.get(e.kb_id_, []) if e.label_ == "ORG" else []
            noun = e.root
            if noun.dep_ in ("appos", "compound") and noun.head.dep_ == "pobj":
                noun = noun.head  # "a subsidiary of AI firm G42"
            head = noun.head
            if (
                len(kids) == 1
                and noun.dep_ == "pobj"
                and head.lower_ == "of"
                and head.head.lower_ in self.subsidiary_nouns
                and not any(  # "Scaleway, the cloud subsidiary of Iliad" describes Scaleway
                    o.kb_id_ == kids[0] and o.sent == e.sent for o in ents if o.label_ == "ORG"
                )
            ):
                e = Span(doc, e.start, e.end, label="ORG", kb_id=kids[0])
            out.append(e)
        return out

    def bracket_aliases(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """A ticker or an abbreviation in brackets after a name stands for that company
        wherever it appears ("Tolland Group (NYSE: TGC)", "Orrin Partners (ORP)"), and the
        exchange in the brackets is no party."""
        alias: dict[str, str] = {}
        exchange_ents = set()
        for e in ents:
            if e.label_ != "ORG" or e.end + 2 >= len(doc) or doc[e.end].text != "(":
                continue
            inside = [t for t in doc[e.end + 1 : min(e.end + 6, len(doc))]]
            close = next((n for n, t in enumerate(inside) if t.text == ")"), None)
            if close is None:
                continue
            words = [t for t in inside[:close] if t.text != ":"]
            if len(words) == 2 and words[0].text.lower() in self.exchanges:
                exchange_ents.add(words[0].i)
                words = words[1:]
            if len(words) == 1 and words[0].text.isupper() and len(words[0].text) >= 2:
                alias.setdefault(words[0].text, e.kb_id_ or e.text)
        out = []
        for e in ents:
            if e.label_ == "ORG" and e.start in exchange_ents:
                continue
            if e.label_ == "ORG" and e.text in alias and e.kb_id_ != alias[e.text]:
                e = Span(doc, e.start, e.end, label="ORG", kb_id=alias[e.text])
            out.append(e)
        return out


def as_orgs(ents: list[Span], starts: set[int]) -> list[Span]:
    """The entities, those starting at `starts` relabelled as organisations."""
    return [Span(e.doc, e.start, e.end, label="ORG") if e.start in starts else e for e in ents]


AMOUNT = re.compile(r"^\d+(\.\d+)?(b|bn|m|mn|k)$", re.IGNORECASE)


def amount_led(ent: Span) -> bool:
    """ "$20B AI Infrastructure Fund": an amount before words is no name."""
    return ent.label_ == "ORG" and (
        bool(AMOUNT.match(ent[0].text)) or ent.start > 0 and ent.doc[ent.start - 1].is_currency
    )


def headline_case(span: Span) -> bool:
    """The span sits in a line whose longer words are mostly capitalised, as headlines are."""
    doc = span.doc
    s = span.start
    while s > 0 and "\n" not in doc[s - 1].text:
        s -= 1
    e = span.end
    while e < len(doc) and "\n" not in doc[e].text:
        e += 1
    words = [t for t in doc[s:e] if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.is_title or t.is_upper for t in words) >= 0.8 * len(words)


@Language.factory("deals_orgs", default_config={"data_dir": ""}, assigns=["doc.ents"])
def make_orgs(nlp: Language, name: str, data_dir: str) -> OrgRepair:
    """:param data_dir: folder of the word lists; empty for the package's own."""
    return OrgRepair(nlp, name, load_lexicon(data_dir))
