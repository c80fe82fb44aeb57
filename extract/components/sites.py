"""The `deals_sites` component: named sites and clusters the gazetteer does not know.

Runs after `deals_orgs` on a parsed Doc. Token patterns over the parsed text label FAC spans
such as "the Cinder Flats campus", "Project Rainier", "the campus, named Rana Fjord One", "a
site it calls Colchis", "Cinder Flats, a campus in ..." and "<venture> <Place>" ("Stargate
Abilene"), then every other mention of a name so found. Defined terms in filings ("the Ardmore
Facility", with a capital noun) and place names ("the Childress campus") are not sites.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.lexicon import Lexicon, load_lexicon

NOT_NAMES = ["DATE", "CHIP", "TIME", "MONEY", "CARDINAL", "ORDINAL"]  # entity labels
NAME_NUM = {"TEXT": {"REGEX": r"^(?:[A-Z][\w-]*|\d{1,2}|[IVX]+)$"}, "OP": "?"}


class SiteFinder:
    def __init__(self, nlp: Language, name: str, lexicon: Lexicon):
        lex = lexicon["sites"]
        self.nouns = {w for n in lex["nouns"] for w in n.split()}
        heads = sorted(n.split()[-1] for n in lex["nouns"])
        self.owners = frozenset(lex["owners"])
        self.venture_names = lexicon.venture_names()
        self.places = lexicon.places
        self.companies = {
            a.lower() for c in lexicon.companies.values() for a in [c.name, *c.aliases]
        }
        self.matcher = Matcher(nlp.vocab)
        name_ = {
            "IS_TITLE": True,
            "ENT_TYPE": {"NOT_IN": NOT_NAMES},
            "LOWER": {"NOT_IN": list(lex["not_name_words"])},
        }
        noun = {"LOWER": {"IN": heads}, "IS_LOWER": True}
        gap = {
            "IS_ALPHA": True,
            "IS_LOWER": True,
            "LOWER": {"NOT_IN": list(lex["gap_stops"])},
            "OP": "{0,3}",
        }
        shaped = {
            "TEXT": {"REGEX": r"^[\w.-]+$"},
            "IS_PUNCT": False,
            "LOWER": {"NOT_IN": list(lex["shape_stops"])},
            "OP": "{0,3}",
        }
        named = [name_, NAME_NUM, NAME_NUM]
        # a size between the determiner and the name: "the 2GW Cinder Flats campus", "its
        # 300-megawatt Cinder Flats campus"
        size = [
            {"TEXT": {"REGEX": r"^\d[\d.,]*(?:[a-zA-Z]{1,2})?$"}, "OP": "?"},
            {"ORTH": "-", "OP": "?"},
            {"LOWER": {"IN": sorted(lexicon.numbers["power_units"])}, "OP": "?"},
        ]
        self.matcher.add("project", [[{"LOWER": "project", "IS_TITLE": True}, *named]])
        self.matcher.add(
            "before_noun",
            [
                [
                    {"LOWER": {"IN": list(lex["determiners"])}},
                    *size,
                    *named,
                    {"LOWER": {"IN": list(lex["modifiers"])}, "OP": "?"},
                    noun,
                ]
            ],
        )
        self.matcher.add(
            "named",
            [
                [
                    noun,
                    {"ORTH": ",", "OP": "?"},
                    {"LOWER": {"IN": list(lex["naming_words"])}},
                    *named,
                ],
                [
                    noun,
                    {"LOWER": {"IN": list(lex["naming_pronouns"])}, "OP": "?"},
                    {"LOWER": {"IN": list(lex["naming_verbs"])}},
                    *named,
                ],
                [noun, {"ORTH": ",", "OP": "?"}, {"LOWER": "known"}, {"LOWER": "as"}, *named],
            ],
        )
        self.matcher.add(
            "appos",
            [[*named, {"ORTH": ","}, {"LOWER": {"IN": list(lex["articles"])}}, shaped, gap, noun]],
        )
        self.ventures = PhraseMatcher(nlp.vocab)
        self.ventures.add("venture", [nlp.make_doc(v) for v in lex["ventures"]])
        self.tokenizer = nlp.tokenizer

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("DEP"):
            return doc
        found = []
        for m_id, start, end in self.matcher(doc):
            rule = doc.vocab.strings[m_id]
            span = self.name_part(doc, rule, start, end)
            if span is not None:
                found.append(span)
        for _, start, end in self.ventures(doc):
            k = end
            while (
                k < len(doc)
                and k < end + 2
                and doc[k].is_title
                and doc[k].ent_type_ not in ("ORG", "DATE")
            ):
                k += 1
            if k > end:
                found.append(Span(doc, start, k, label="FAC", kb_id=doc[start:k].text))
        if not found:
            return doc
        found = filter_spans(found)
        names = {s.text for s in found}
        matcher = PhraseMatcher(doc.vocab)
        matcher.add("site", [self.tokenizer(n) for n in names])
        found += [Span(doc, s, e, label="FAC", kb_id=doc[s:e].text) for _, s, e in matcher(doc)]
        found = filter_spans(found)
        taken = {i for s in found for i in range(s.start, s.end)}
        kept = [
            e
            for e in doc.ents
            if not any(i in taken for i in range(e.start, e.end)) or e.label_ == "FAC" and e.kb_id_
        ]
        doc.ents = filter_spans(
            kept
            + [
                s
                for s in found
                if not any(
                    e.label_ == "FAC" and e.kb_id_ and e.start <= s.start < e.end for e in kept
                )
            ]
        )
        return doc

    def name_part(self, doc: Doc, rule: str, start: int, end: int) -> Span | None:
        toks = doc[start:end]
        if rule == "project":
            span = toks
        elif rule == "before_noun":
            s, e = start + 1, end - 1
            while s < e and not doc[s].is_title:
                s += 1  # past the size
            while e > s and doc[e - 1].lower_ in self.nouns:
                e -= 1
            span = doc[s:e]
        elif rule == "named":
            s = next(
                i for i in range(start, end) if doc[i].is_title and doc[i].lower_ not in self.nouns
            )
            span = doc[s:end]
        else:  # appos
            comma = next(i for i in range(start, end) if doc[i].text == ",")
            span = doc[start:comma]
        if not len(span):
            return None
        doc_orgs = {
            e.text
            for e in doc.ents
            if e.label_ in ("ORG", "GPE") and not (e.start >= span.start and e.end <= span.end)
        }
        owned = rule == "before_noun" and doc[start].lower_ in self.owners
        if span.text in doc_orgs and not owned:
            # "the Harbor Cloud campus": a company's or a place's name, named as such elsewhere;
            # "its Cedar Ridge campus" is a site whatever the model made of its other mentions
            return None
        if (
            span.text.lower() in self.venture_names  # "the Stargate campus": a venture's name
            or span.text in self.places
            or span.text.lower() in self.companies
            or span.text.isupper()
            and len(span) == 1
        ):
            return None
        if any(
            e.label_ == "ORG"
            and e.text.lower() in self.companies
            and e.start < span.end
            and span.start < e.end
            for e in doc.ents
        ):
            return None  # a piece of a known company's name ("Core Scientific, a data host")
        if (
            rule != "named"
            and all(t.ent_type_ in ("GPE", "LOC", "NORP") for t in span)
            or span[0].is_sent_start
            and rule == "appos"
        ):
            return None
        return Span(doc, span.start, span.end, label="FAC", kb_id=span.text)


@Language.factory("deals_sites", default_config={"data_dir": ""}, assigns=["doc.ents"])
def make_sites(nlp: Language, name: str, data_dir: str) -> SiteFinder:
    """:param data_dir: folder of the word lists; empty for the package's own."""
    return SiteFinder(nlp, name, load_lexicon(data_dir))
