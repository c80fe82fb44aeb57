"""Dependency-parse helpers shared by assembly, field picking and classification.

A clause is identified by the index of the verb heading it. Reported speech joins its parent
clause, and so does a clause that spells out a deal noun ("an agreement to provide Microsoft
..."); headline fragments such as "Oracle to deploy 50,000 chips" (the parser makes the noun
the root) count as one clause.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from extract import lexicon
from extract.spans import ents_of, sents_of

CLAUSE_DEPS = {"conj", "advcl", "relcl", "parataxis", "acl"}


def is_verb(token: Token) -> bool:
    """From the fine-grained tag, so the attribute ruler that maps tags to POS need not run."""
    return token.tag_.startswith("VB") or token.tag_ == "MD"


@lru_cache(maxsize=None)
def deal_nouns() -> frozenset[str]:
    return frozenset(lexicon.lexicon()["deal"]["nouns"])


def clause_of(token: Token) -> int:
    """Index of the token heading the clause a token sits in."""
    nouns = deal_nouns()
    t = token
    while t.dep_ != "ROOT" and t.head is not t:
        if is_verb(t) and t.dep_ in CLAUSE_DEPS and t is not token and not (
                t.dep_ in ("acl", "relcl") and t.head.lower_ in nouns) and not (
                t.head.dep_ == "ROOT" and not is_verb(t.head) and t.dep_ in ("advcl", "acl", "relcl")):
            return t.i
        t = t.head
    return t.i


@lru_cache(maxsize=None)
def not_parties() -> frozenset[str]:
    lex = lexicon.lexicon()
    return frozenset(n.lower() for n in lex["org"]["not_parties"] + lex["sites"]["ventures"])


def orgs_by_clause(sent: Span) -> dict[int, set[str]]:
    """Canonical names of the organisations in each clause of a sentence."""
    from extract.fields import is_vendor_mention

    out: dict[int, set[str]] = {}
    skip = not_parties()
    for ent in ents_of(sent):
        if ent.label_ == "ORG" and ent.kb_id_ and not is_vendor_mention(ent) and ent.kb_id_.lower() not in skip:
            out.setdefault(clause_of(ent.root), set()).add(ent.kb_id_)
    return out


def foreign_clause(token: Token, parties: set[str], by_clause: dict[int, set[str]]) -> bool:
    """The token sits in a clause that names organisations, none of them a party of the deal."""
    names = by_clause.get(clause_of(token))
    return bool(names) and not names & parties


def subject_words(sent: Span) -> set[str]:
    return {t.lower_ for t in sent if t.dep_ in ("nsubj", "nsubjpass")}


def entity_tokens(sent: Span, labels=("ORG", "FAC", "GPE", "LOC", "PERSON", "CHIP")) -> set[int]:
    return {i for e in ents_of(sent) if e.label_ in labels for i in range(e.start, e.end)}
