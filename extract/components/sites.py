"""Named sites and clusters the gazetteer does not know; the `deals_orgs` component runs this last.

Token patterns over the parsed text label FAC spans such as "the Cinder Flats campus",
"Project Rainier", "the campus, named Rana Fjord One", "a site it calls Colchis",
"Cinder Flats, a campus in ..." and "<venture> <Place>" ("Stargate Abilene"), then every
other mention of a name so found. Defined terms in filings ("the Ardmore Facility", with a
capital noun) and place names ("the Childress campus") are not sites.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract import lexicon

NAME = {"IS_TITLE": True, "ENT_TYPE": {"NOT_IN": ["DATE", "CHIP", "TIME", "MONEY", "CARDINAL", "ORDINAL"]},
        "LOWER": {"NOT_IN": ["the", "a", "an", "its", "their", "our", "new", "this", "that", "ai"]}}
NAME_NUM = {"TEXT": {"REGEX": r"^(?:[A-Z][\w-]*|\d{1,2}|[IVX]+)$"}, "OP": "?"}


class SiteFinder:
    def __init__(self, nlp: Language, name: str):
        lex = lexicon.lexicon()["sites"]
        self.nouns = {w for n in lex["nouns"] for w in n.split()}
        heads = sorted(n.split()[-1] for n in lex["nouns"])
        self.places = lexicon.places()
        self.companies = {a.lower() for c in lexicon.companies().values() for a in [c.name, *c.aliases]}
        self.matcher = Matcher(nlp.vocab)
        noun = {"LOWER": {"IN": heads}, "IS_LOWER": True}
        gap = {"IS_ALPHA": True, "IS_LOWER": True, "LOWER": {"NOT_IN": ["of", "for", "and", "with", "by", "to"]}, "OP": "{0,3}"}
        shaped = {"TEXT": {"REGEX": r"^[\w.-]+$"}, "IS_PUNCT": False, "LOWER": {"NOT_IN": ["of", "for", "and", "with"]}, "OP": "{0,3}"}
        self.matcher.add("project", [[{"LOWER": "project", "IS_TITLE": True}, NAME, NAME_NUM, NAME_NUM]])
        self.matcher.add("before_noun", [[{"LOWER": {"IN": ["the", "its", "their", "'s", "’s"]}}, NAME, NAME_NUM, NAME_NUM,
                                          {"LOWER": {"IN": ["data", "nuclear", "power", "gas", "ai", "solar", "hydro"]}, "OP": "?"},
                                          noun]])
        self.matcher.add("named", [[noun, {"ORTH": ",", "OP": "?"},
                                    {"LOWER": {"IN": ["named", "called", "dubbed", "christened", "branded"]}},
                                    NAME, NAME_NUM, NAME_NUM],
                                   [noun, {"LOWER": {"IN": ["it", "they", "which"]}, "OP": "?"},
                                    {"LOWER": {"IN": ["calls", "called", "dubs", "dubbed", "named", "names"]}}, NAME, NAME_NUM, NAME_NUM],
                                   [noun, {"ORTH": ",", "OP": "?"}, {"LOWER": "known"}, {"LOWER": "as"}, NAME, NAME_NUM, NAME_NUM]])
        self.matcher.add("appos", [[NAME, NAME_NUM, NAME_NUM, {"ORTH": ","}, {"LOWER": {"IN": ["a", "an"]}}, shaped, gap, noun]])
        self.ventures = PhraseMatcher(nlp.vocab)
        self.ventures.add("venture", [nlp.make_doc(v) for v in lex["ventures"]])
        self.tokenizer = nlp.tokenizer

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for m_id, start, end in self.matcher(doc):
            rule = doc.vocab.strings[m_id]
            span = self.name_part(doc, rule, start, end)
            if span is not None:
                found.append(span)
        for _, start, end in self.ventures(doc):
            k = end
            while k < len(doc) and k < end + 2 and doc[k].is_title and doc[k].ent_type_ not in ("ORG", "DATE"):
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
        kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end)) or e.label_ == "FAC" and e.kb_id_]
        doc.ents = filter_spans(kept + [s for s in found if not any(
            e.label_ == "FAC" and e.kb_id_ and e.start <= s.start < e.end for e in kept)])
        return doc

    def name_part(self, doc: Doc, rule: str, start: int, end: int) -> Span | None:
        toks = doc[start:end]
        if rule == "project":
            span = toks
        elif rule == "before_noun":
            s, e = start + 1, end - 1
            while e > s and doc[e - 1].lower_ in self.nouns:
                e -= 1
            span = doc[s:e]
        elif rule == "named":
            s = next(i for i in range(start, end) if doc[i].is_title and doc[i].lower_ not in self.nouns)
            span = doc[s:end]
        else:  # appos
            comma = next(i for i in range(start, end) if doc[i].text == ",")
            span = doc[start:comma]
        if not len(span):
            return None
        doc_orgs = {e.text for e in doc.ents if e.label_ in ("ORG", "GPE") and not (e.start >= span.start and e.end <= span.end)}
        if span.text in doc_orgs:
            return None  # "the Harbor Cloud campus": a company's or a place's name, named as such elsewhere
        if span.text in self.places or span.text.lower() in self.companies or span.text.isupper() and len(span) == 1:
            return None
        if rule != "named" and all(t.ent_type_ in ("GPE", "LOC", "NORP") for t in span) or span[0].is_sent_start and rule == "appos":
            return None
        return Span(doc, span.start, span.end, label="FAC", kb_id=span.text)
