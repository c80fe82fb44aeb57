"""The `deals_gazetteer` component: known companies, descriptors, accelerators and facilities.

Runs before the statistical NER, which keeps the entities it finds. Sets `doc.ents` spans
labelled ORG, CHIP or FAC whose `kb_id_` is the canonical name ("AWS" -> "Amazon",
"the ChatGPT maker" -> "OpenAI", "H100s" -> "H100"). Company names are matched as written
and in upper or title case, so the word "meta" or "oracle" in running text is not a company.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.lexicon import Lexicon, load_lexicon


def case_variants(name: str, exact: bool) -> set[str]:
    """The forms a name is matched in: as listed, in capitals, and a one-word name in title case,
    except an acronym ("MARA" is not "Mara", a first name); list a title-case form where one is
    used."""
    if exact:
        return {name}
    acronym = name.isupper() and sum(c.isalpha() for c in name) >= 2
    return {name, name.upper(), name.title() if " " not in name and not acronym else name}


def gazetteer_entries(lexicon: Lexicon) -> list[tuple[str, str, str, bool]]:
    """(label, canonical name, surface form, match lower-case) for every name in the data
    files."""
    rows = []
    owners = defaultdict(set)
    for company in lexicon.companies.values():
        for d in company.descriptors:
            owners[d.lower()].add(company.name)
    for company in lexicon.companies.values():
        for alias in [company.name, *company.aliases]:
            rows += [("ORG", company.name, v, False) for v in case_variants(alias, company.case)]
        rows += [
            ("ORG", company.name, d, True)
            for d in company.descriptors
            if len(owners[d.lower()]) == 1
        ]
    for chip in lexicon.accelerators:
        for alias in [chip["name"], *chip["aliases"]]:
            rows += [
                ("CHIP", chip["name"], v, False)
                for v in case_variants(alias, chip.get("case", False))
            ]
    for fac in lexicon.facilities:
        for alias in [fac["name"], *fac["aliases"]]:
            rows += [
                ("FAC", fac["name"], v, False) for v in case_variants(alias, fac.get("case", False))
            ]
    return rows


class Gazetteer:
    """PhraseMatchers over the gazetteer files; the longest match wins where names overlap."""

    def __init__(self, nlp: Language, name: str, lexicon: Lexicon, overwrite_ents: bool = False):
        self.overwrite = overwrite_ents
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        seen = set()
        for label, canonical, surface, lower in gazetteer_entries(lexicon):
            key = (label, canonical, surface, lower)
            if key in seen:
                continue
            seen.add(key)
            matcher = self.lower if lower else self.exact
            matcher.add(f"{label}|{canonical}", [nlp.make_doc(surface)])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                label, canonical = doc.vocab.strings[match_id].split("|", 1)
                spans.append(Span(doc, start, end, label=label, kb_id=canonical))
        found = filter_spans(spans)
        if self.overwrite:
            doc.ents = filter_spans(found + list(doc.ents))
        else:
            taken = {i for span in found for i in range(span.start, span.end)}
            kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
            doc.ents = found + kept
        return doc


@Language.factory(
    "deals_gazetteer",
    default_config={"overwrite_ents": False, "data_dir": ""},
    assigns=["doc.ents"],
)
def make_gazetteer(nlp: Language, name: str, overwrite_ents: bool, data_dir: str) -> Gazetteer:
    """:param data_dir: folder of the gazetteer files; empty for the package's own."""
    return Gazetteer(nlp, name, load_lexicon(data_dir), overwrite_ents)
