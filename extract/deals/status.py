"""Whether a deal is announced, planned or only reported, and whether its parties deny it.

The status read here is the rules' answer; the fitted status decision (extract/decisions.py)
takes it as one cue among the article's attribution and talks words and has the last word."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from extract.deals.phrases import count, words
from extract.deals.syntax import SUBJECTS
from extract.lexicon import Lexicon
from extract.spans import ents_of, sents_of


class StatusClassifier:
    def __init__(self, lexicon: Lexicon):
        self.cues = lexicon["status"]
        self.nouns = frozenset(lexicon["deal"]["nouns"])
        self.said = frozenset(self.cues["said_verbs"])
        self.announcers = frozenset(lexicon["coref"]["nouns"]) | frozenset(self.cues["announcers"])
        self.report_verbs = frozenset(self.cues["report_verbs"])
        self.outlets = lexicon.outlets()

    def status_words(self, sent: Span) -> list[str]:
        """Lower-cased words, leaving out "planned" where it only describes a thing that is no
        deal ("its planned stock market listing")."""
        return [
            t.lower_
            for t in sent
            if not t.is_space
            and not (t.lower_ == "planned" and t.dep_ == "amod" and t.head.lower_ not in self.nouns)
        ]

    def announced_by_party(self, sentences: list[Span], parties) -> bool:
        """A party (or "the company", "the companies") said, announced or disclosed it."""
        for sent in sentences:
            for t in sent:
                if t.lower_ in self.said:
                    subj = [c for c in t.children if c.dep_ in SUBJECTS]
                    if any(
                        c.ent_type_ == "ORG"
                        and c.ent_kb_id_ in parties
                        or c.lower_ in self.announcers
                        for c in subj
                    ):
                        return True
                    if any(
                        c.dep_ == "nsubjpass" and (c.lower_ == "it" or c.lower_ in self.nouns)
                        for c in subj
                    ):
                        return True  # "when it was announced in July", "the deal was disclosed"
        return False

    def outlet_is_source(self, sent: Span) -> bool:
        """A news outlet tells it: "The Information reported", "according to Bloomberg"."""
        for t in sent:
            if t.lower_ in self.report_verbs:
                for c in t.children:
                    if c.dep_ in SUBJECTS and self.is_outlet(c):
                        return True
            if t.lower_ == "to" and t.i > 0 and t.doc[t.i - 1].lower_ == "according":
                if any(c.dep_ == "pobj" and self.is_outlet(c) for c in t.children):
                    return True
        return False

    def is_outlet(self, t: Token) -> bool:
        """The phrase `t` heads names a news outlet, with or without its article, or is one's
        report ("a Reuters report")."""
        phrase = t.doc[t.left_edge.i : t.right_edge.i + 1]
        return phrase.text.lower() in self.outlets or any(
            e.text.lower() in self.outlets for e in ents_of(phrase)
        )

    def classify(self, sentences: list[Span], doc: Doc, parties=()) -> str:
        cues = self.cues
        title = next(iter(sents_of(doc)), None)
        if title is not None and not set(parties) <= {
            e.kb_id_ for e in ents_of(title) if e.label_ == "ORG"
        }:
            title = None  # a headline about another deal says nothing of this one
        scope = [self.status_words(s) for s in sentences[:3]] + (
            [self.status_words(title)] if title is not None else []
        )
        if any(count(w, cues["reported"]) for w in scope):
            return "reported"
        told = any(count(w, cues["reported_weak"]) for w in scope) or any(
            self.outlet_is_source(s) for s in sentences[:3]
        )  # an outlet tells what a party may have said itself ("X disclosed, Reuters reported")
        if told and not self.announced_by_party(sentences[:2], set(parties)):
            return "reported"
        if any(count(w, cues["planned"]) for w in scope[:2]):
            return "planned"
        return "announced"

    def is_denied(self, sentences: list[Span]) -> bool:
        return any(count(words(s), self.cues["denied"]) for s in sentences[:2])
