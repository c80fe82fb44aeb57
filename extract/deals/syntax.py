"""Dependency-parse helpers shared by the deal readers.

A clause is identified by the index of the verb heading it. Reported speech joins its parent
clause, and so does a clause that spells out a deal noun ("an agreement to provide Microsoft
..."); headline fragments such as "Oracle to deploy 50,000 chips" (the parser makes the noun
the root) count as one clause.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from extract.lexicon import Lexicon
from extract.spans import ents_of

CLAUSE_DEPS = {"conj", "advcl", "relcl", "parataxis", "acl"}
SUBJECTS = ("nsubj", "nsubjpass")


def is_verb(token: Token) -> bool:
    """From the fine-grained tag, so the attribute ruler that maps tags to POS need not run."""
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def subject_words(sent: Span) -> set[str]:
    return {t.lower_ for t in sent if t.dep_ in SUBJECTS}


def entity_tokens(sent: Span, labels=("ORG", "FAC", "GPE", "LOC", "PERSON", "CHIP")) -> set[int]:
    return {i for e in ents_of(sent) if e.label_ in labels for i in range(e.start, e.end)}


def org_of_tokens(sent: Span) -> dict[int, str]:
    """Token index -> the canonical name of the organisation the token is part of."""
    return {i: e.kb_id_ for e in ents_of(sent) if e.label_ == "ORG" for i in range(e.start, e.end)}


class Syntax:
    """Clauses and the organisations in them, with the words of a lexicon."""

    def __init__(self, lexicon: Lexicon):
        self.deal_nouns = frozenset(lexicon["deal"]["nouns"])
        self.not_parties = lexicon.not_parties() | lexicon.venture_names()
        self.hardware_nouns = frozenset(lexicon["assembly"]["vendor_hardware"])
        self.possessives = frozenset(lexicon["grammar"]["possessives"])

    def clause_of(self, token: Token) -> int:
        """Index of the token heading the clause a token sits in."""
        nouns = self.deal_nouns
        t = token
        while t.dep_ != "ROOT" and t.head is not t:
            if (
                is_verb(t)
                and t.dep_ in CLAUSE_DEPS
                and t is not token
                and not (t.dep_ in ("acl", "relcl") and t.head.lower_ in nouns)
                and not (
                    t.head.dep_ == "ROOT"
                    and not is_verb(t.head)
                    and t.dep_ in ("advcl", "acl", "relcl")
                )
            ):
                return t.i
            t = t.head
        return t.i

    def is_vendor_mention(self, ent: Span) -> bool:
        """ "Nvidia GPUs", "Google's chips", "220,000 NVIDIA H100s": the organisation names
        hardware."""
        doc = ent.doc
        head = ent.root.head
        nxt = doc[ent.end] if ent.end < len(doc) else None
        if nxt is not None and nxt.text in self.possessives and ent.end + 1 < len(doc):
            nxt = doc[ent.end + 1]
        if nxt is not None and (nxt.ent_type_ == "CHIP" or nxt.lower_ in self.hardware_nouns):
            return True
        return ent.root.dep_ in ("compound", "poss", "nmod", "amod") and (
            head.ent_type_ == "CHIP" or head.lower_ in self.hardware_nouns
        )

    def orgs_by_clause(self, sent: Span) -> dict[int, set[str]]:
        """Canonical names of the organisations in each clause of a sentence."""
        out: dict[int, set[str]] = {}
        skip = self.not_parties
        for ent in ents_of(sent):
            if (
                ent.label_ == "ORG"
                and ent.kb_id_
                and not self.is_vendor_mention(ent)
                and ent.kb_id_.lower() not in skip
            ):
                out.setdefault(self.clause_of(ent.root), set()).add(ent.kb_id_)
        return out

    def foreign_clause(
        self, token: Token, parties: set[str], by_clause: dict[int, set[str]]
    ) -> bool:
        """The token sits in a clause that names organisations, none of them a party of the
        deal."""
        names = by_clause.get(self.clause_of(token))
        return bool(names) and not names & parties
