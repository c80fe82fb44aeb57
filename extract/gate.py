"""The relevance gate: decide from the tokens alone whether an article can hold a compute deal.

Tokenising and phrase matching cost a few percent of the statistical model, so articles that
fail here never reach it.
"""

from __future__ import annotations

from spacy.language import Language

from extract.lexicon import Lexicon


class Gate:
    """Runs the tokenizer, the gazetteer and the figure finder of a built pipeline."""

    def __init__(self, nlp: Language, lexicon: Lexicon):
        self.domain = set(lexicon["gate"]["domain"])
        self.cues = lexicon.verb_forms | set(lexicon["deal"]["nouns"])
        self.tokenizer = nlp.tokenizer
        self.gazetteer = nlp.get_pipe("deals_gazetteer")
        self.figures = nlp.get_pipe("deals_figures")

    def passes(self, text: str) -> bool:
        doc = self.tokenizer(text)
        lowers = {t.lower_ for t in doc}
        if not lowers & self.cues and not any(t.like_num for t in doc):
            return False
        doc = self.gazetteer(doc)
        known_orgs = {e.kb_id_ for e in doc.ents if e.label_ == "ORG"}
        if not (
            lowers & self.domain
            or len(known_orgs) >= 1
            or any(e.label_ == "CHIP" for e in doc.ents)
        ):
            return False
        if lowers & self.cues:
            return True
        return bool(self.figures(doc)._.deals_figures)
