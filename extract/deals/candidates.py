"""Candidate deals: which organisations take part in something a deal word describes, and which
sentences speak of it.

A deal is born in a sentence that names two or more organisations taking part in something a
deal word describes ("signed", "agreement", "invest", "lease"). Later sentences that refer back
to it ("the agreement", "it", a single party) add the fields it still lacks. Deals with the
same parties merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from extract.deals.kind import KindClassifier
from extract.deals.syntax import SUBJECTS, Syntax, is_verb
from extract.lexicon import Lexicon
from extract.spans import ents_of, sents_of


def plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def sentences(doc: Doc) -> list[Span]:
    """The parser's sentences, re-joined where it cut through a name or left a stub of one
    word."""
    out: list[Span] = []
    inside = {i for e in doc.ents for i in range(e.start + 1, e.end)}
    for sent in sents_of(doc):
        prev = out[-1] if out else None
        if (
            prev is not None
            and "\n" not in prev[-1].text
            and (sent.start in inside or len(prev) <= 2 and not prev[-1].is_punct)
        ):
            out[-1] = doc[prev.start : sent.end]
        else:
            out.append(sent)
    return out


def facilities(sents: list[Span]) -> set[str]:
    return {e.kb_id_ or e.text for s in sents for e in ents_of(s) if e.label_ == "FAC"}


@dataclass
class Candidate:
    """A deal as the candidates reader finds it: its parties and the sentences about it."""

    parties: list[str]
    sentences: list[Span] = field(default_factory=list)
    born: int = 0
    # title and lead sentences naming only its parties
    lead: list[Span] = field(default_factory=list)
    kind_hint: str | None = None  # "investment" when born of "X invests in Y", kept apart

    def key(self) -> frozenset:
        return frozenset(self.parties)


class CandidateFinder:
    """Holds the word lists once; `find(doc)` gives the candidate deals of a document."""

    def __init__(self, lexicon: Lexicon, syntax: Syntax, kinds: KindClassifier):
        lex, words = lexicon, lexicon["assembly"]
        self.syntax = syntax
        self.kinds = kinds
        self.verbs = lexicon.verb_forms
        self.nouns = set(lex["deal"]["nouns"])
        self.not_parties = lex.not_parties()
        self.roles = set(words["person_roles"])
        self.mention_only = set(words["mention_only"])
        self.anaphors = set(words["deal_anaphors"]) | {
            plural(a) for a in words["deal_anaphors"] if a.isalpha() and len(a) > 4
        }
        self.coref_nouns = set(lex["coref"]["nouns"])
        self.vendor_verbs = lexicon.forms(words["vendor_verbs"])
        self.cloud_vendor_verbs = self.vendor_verbs | lexicon.forms(words["cloud_vendor_verbs"])
        self.sectors = lexicon.sector_of
        self.co_supplier_verbs = lexicon.forms(words["co_supplier_verbs"])
        self.subsidiary_nouns = frozenset(lex["org"]["subsidiary_nouns"])
        self.joint_words = set(words["joint_words"])
        self.event_nouns = set(words["event_nouns"])
        self.adviser_nouns = set(words["adviser_nouns"])
        self.topic_shifts = set(words["topic_shifts"])
        self.rival_preps = words["rival_preps"]
        self.pairing_joiners = words["pairing_joiners"]
        self.dummy_subjects = words["dummy_subjects"]
        self.copulas = words["copulas"]
        self.subject_pronouns = words["subject_pronouns"]
        self.possessive_pronouns = words["possessive_pronouns"]
        self.ventures = lex.venture_names()
        self.rival_words = set(lex["rivals"]["words"])

    # --- who takes part -------------------------------------------------------------------
    def orgs(self, sent: Span) -> list[tuple[str, Span]]:
        out = []
        for ent in ents_of(sent):
            if ent.label_ != "ORG" or not ent.kb_id_ or ent.kb_id_.lower() in self.not_parties:
                continue
            if ent.text.lower() in self.not_parties or ent.kb_id_.lower() in self.ventures:
                continue
            out.append((ent.kb_id_, ent))
        return out

    def named(self, sent: Span) -> list[str]:
        """The organisations a sentence names, leaving out chip vendors named with their
        hardware."""
        return [
            n
            for n, e in self.orgs(sent)
            if not (self.syntax.is_vendor_mention(e) and e.root.dep_ != "poss")
        ]

    def is_party(self, ent: Span, n_orgs: int) -> bool:
        root = ent.root
        head = root.head
        if (
            head.lower_ in self.roles
            or head.ent_type_ == "PERSON"
            or (root.dep_ in ("compound", "poss") and head.ent_type_ == "PERSON")
        ):
            return False
        if (
            root.dep_ == "compound"
            and head.lower_ in self.coref_nouns
            and any(c.lower_ == "the" for c in head.lefts)
        ):
            return False  # "the Quill maker" names a company by its product and refers back
        if self.rival(root):
            return False
        before = {t.lower_ for t in ent.doc[max(ent.sent.start, ent.start - 2) : ent.start]}
        if before & self.mention_only:
            return False
        nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
        if (
            nxt is not None
            and nxt.lower_ in self.event_nouns
            or root.dep_ == "compound"
            and head.lower_ in self.event_nouns
        ):
            return False  # "its Advancing AI event", "Oracle AI World conference"
        if root.dep_ in SUBJECTS:
            clause = [t for t in head.subtree if t.i > root.i][:8]
            if any(t.lower_ in self.adviser_nouns for t in clause):
                return False  # "X is acting as financial adviser to Y"
        if (
            root.dep_ == "pobj"
            and head.lower_ == "of"
            and head.head.lower_ in self.subsidiary_nouns
            and head.head.dep_ == "appos"
            and head.head.head.ent_type_ == "ORG"
        ):
            return False  # "Core42, a subsidiary of G42, ...": the parent describes Core42
        return True

    def rival(self, root: Token) -> bool:
        """ "go toe-to-toe with Nvidia", "chips to rival Nvidia's": a competitor takes no part."""
        t = root
        if t.dep_ == "poss":
            t = t.head
        if t.dep_ == "pobj" and t.head.lower_ in self.rival_preps:
            t = t.head
        elif t.dep_ != "dobj":
            return False
        return any(a.lower_ in self.rival_words for a in [t.head, t.head.head][:2]) or any(
            c.lower_ in self.rival_words
            for c in t.head.children
            if c.dep_ in ("npadvmod", "advmod", "dobj", "pobj")
        )

    @staticmethod
    def descriptive(t: Token) -> bool:
        """ "Humain, the AI company backed by PIF": a participle describing an organisation
        states no deal."""
        return t.dep_ == "acl" and t.tag_ == "VBN" and t.head.dep_ in ("appos",)

    def is_cue(self, t: Token) -> bool:
        """A deal word, not one inside an organisation's name ("Public Investment Fund")."""
        return (
            (t.lower_ in self.verbs or t.lower_ in self.nouns)
            and t.ent_type_ != "ORG"
            and not self.descriptive(t)
        )

    def has_cue(self, sent: Span) -> bool:
        for t in sent:
            if self.is_cue(t):
                return True
        return self.is_pairing(sent)

    def has_verb_cue(self, sent: Span) -> bool:
        return any(t.lower_ in self.verbs and is_verb(t) and not self.descriptive(t) for t in sent)

    def is_pairing(self, sent: Span) -> bool:
        """A roundup line such as "OpenAI x AWS: $38 billion" or "NEBIUS / MICROSOFT."."""
        ents = [e for e in ents_of(sent) if e.label_ == "ORG"]
        if len(ents) < 2:
            return False
        between = sent.doc[ents[0].end : ents[1].start]
        return (
            ents[0].start - sent.start <= 3
            and len(between) == 1
            and between[0].lower_ in self.pairing_joiners
        )

    def clause_of(self, token: Token) -> int:
        return self.syntax.clause_of(token)

    def cue_in_clause(self, sent: Span, clause: int) -> bool:
        return any(self.is_cue(t) and (t.i == clause or self.clause_of(t) == clause) for t in sent)

    def coordinated(self, ents: list[Span]) -> bool:
        """Three or more parties must be listed together ("AMD, Cisco and Humain say ...")."""
        roots = {e.root.i for e in ents}
        linked = sum(1 for e in ents if e.root.dep_ in ("conj", "appos") and e.root.head.i in roots)
        return linked >= len(ents) - 2

    def referents(self, sent: Span, last_subject: str | None) -> dict[int, str]:
        """ "The company", "the startup" or "it" as a subject refers to the last named subject;
        by clause."""
        out = {}
        if last_subject is None:
            return out
        for t in sent:
            if t.dep_ in SUBJECTS and not t.ent_type_:
                if t.lower_ in self.dummy_subjects and t.head.lower_ in self.copulas:
                    continue
                if t.lower_ in self.subject_pronouns or (
                    t.lower_ in self.coref_nouns and any(c.lower_ == "the" for c in t.lefts)
                ):
                    out.setdefault(self.clause_of(t), last_subject)
            elif (
                t.dep_ in ("dobj", "pobj", "dative")
                and not t.ent_type_
                and t.lower_ in self.coref_nouns
                and any(c.lower_ == "the" for c in t.lefts)
            ):
                # "invested $8 billion in the company"
                out.setdefault(self.clause_of(t), last_subject)
            elif (
                t.lower_ in self.possessive_pronouns
                and t.dep_ == "poss"
                and t.head.dep_ in SUBJECTS
                and not any(e.label_ == "ORG" and e.start < t.i for e in ents_of(sent))
            ):
                # "Its anchor tenant, Kestrel Labs, signed ..."
                out.setdefault(self.clause_of(t), last_subject)
        return out

    def party_groups(
        self, sent: Span, last_subject: str | None
    ) -> tuple[list[list[str]], str | None]:
        """Parties per clause ("AWS lands OpenAI, Microsoft shops around" gives one pair) and
        the subject."""
        groups: dict[int, list[str]] = {}
        group_ents: dict[int, list[Span]] = {}
        vendors: dict[int, tuple[str, Span]] = {}
        names, subject = [], None
        for name, ent in self.orgs(sent):
            clause = self.clause_of(ent.root)
            if self.syntax.is_vendor_mention(ent):
                vendors.setdefault(clause, (name, ent))
                continue
            if not self.is_party(ent, 0):
                continue
            groups.setdefault(clause, [])
            if name not in groups[clause]:
                groups[clause].append(name)
                group_ents.setdefault(clause, []).append(ent)
            if name not in names:
                names.append(name)
            if subject is None and ent.root.dep_ in SUBJECTS:
                subject = name
        for clause, ref in self.referents(sent, last_subject).items():
            group = groups.setdefault(clause, [])
            if ref not in group and len(group) == 1:
                group.insert(0, ref)
        for clause, (vendor, ent) in vendors.items():
            group = groups.get(clause, [])
            verbs = (
                self.cloud_vendor_verbs
                if self.sectors.get(vendor) == "cloud"
                else self.vendor_verbs
            )
            buying = any(a.lower_ in verbs for a in ent.root.ancestors)
            if len(group) == 1 and len(names) == 1 and vendor not in group and buying:
                group.append(vendor)
        found = []
        for c, g in groups.items():
            if len(g) < 2 or not self.cue_in_clause(sent, c):
                continue
            split = self.each_supplier_with_its_customer(sent, g)
            if split:
                found += split
            elif (
                len(g) < 3
                or self.coordinated(group_ents.get(c, []))
                or len(group_ents.get(c, [])) < len(g)
            ):
                found.append(g)
        if not found and len(names) == 2 and self.has_cue(sent):
            found = [names]
        found = [g for g in found if not self.co_suppliers(sent, g)]
        return found, subject or (names[0] if names else None)

    def each_supplier_with_its_customer(self, sent: Span, group: list[str]) -> list[list[str]]:
        """ "Kestrel and Tolland agreed to provide memory modules for Orrin's new halls":
        suppliers named together as the subject each supply the customer their
        supplying verb names; one deal per supplier with the customer, none between them."""
        orgs = self.orgs(sent)
        subjects = [(n, e) for n, e in orgs if n in group and e.root.dep_ in SUBJECTS]
        if len(subjects) != 1 or any(t.lower_ in self.joint_words for t in sent):
            return []
        subject = subjects[0][1].root
        suppliers = {subjects[0][0]: subject.i}
        for n, e in orgs:  # "A and B", parsed as conjuncts or as one noun phrase
            if n in group and (
                subject.is_ancestor(e.root)
                and e.root.dep_ in ("conj", "nmod", "compound")
                or e.root.dep_ == "conj"
                and e.root.head.i in suppliers.values()
            ):
                suppliers.setdefault(n, e.root.i)
        if len(suppliers) < 2:
            return []
        head = subject.head
        supplying = [t for t in head.subtree if t.lower_ in self.co_supplier_verbs]
        customers = [
            n
            for n, e in orgs
            if n not in suppliers
            and not self.syntax.is_vendor_mention(e)
            and any(v.is_ancestor(e.root) for v in supplying)
        ]
        if not customers:
            return []
        return [[n, customers[0]] for n in suppliers]

    def co_suppliers(self, sent: Span, group: list[str]) -> bool:
        """ "Supermicro and Dell supplied the servers": organisations that are together the
        subject of one supplying verb deliver to someone else, not to each other; no deal
        between them."""
        ents = [e for n, e in self.orgs(sent) if n in group]
        if len(ents) < 2 or {n for n, _ in self.orgs(sent) if n in group} != set(group):
            return False
        roots = {e.root.i for e in ents}
        subjects = [e for e in ents if e.root.dep_ in SUBJECTS]
        if len(subjects) != 1:
            return False
        verb = subjects[0].root.head
        if verb.lower_ not in self.co_supplier_verbs:  # every inflection is listed
            return False
        chained = all(
            e.root.dep_ == "conj" and e.root.head.i in roots or e in subjects for e in ents
        )
        joint = any(t.lower_ in self.joint_words for t in sent)
        return chained and not joint

    # --- the whole document ---------------------------------------------------------------
    def find(self, doc: Doc, sents: list[Span]) -> list[Candidate]:
        """The candidate deals of a document, merged, the first with its lead sentences."""
        deals: list[Candidate] = []
        last_subject = None
        paragraph_of, paragraph = [], 0
        for sent in sents:
            paragraph_of.append(paragraph)
            if "\n" in sent[-1].text or sent[-1].is_space:
                paragraph += 1
        used: set[int] = set()
        for i, sent in enumerate(sents):
            if not sent.text.strip():
                continue
            groups, subject = self.party_groups(sent, last_subject)
            groups = [g for g in groups if len(g) < 4 or self.has_verb_cue(sent)]
            if groups and self.has_cue(sent):
                hint = self.kinds.clause_kind(sent) if len(groups) == 1 else None
                deals += [
                    Candidate(parties=g, sentences=[sent], born=i, kind_hint=hint) for g in groups
                ]
                used.add(i)
            elif deals and self.refers_back(
                sent,
                self.named(sent),
                deals[-1],
                i,
                paragraph_of[i] == paragraph_of[deals[-1].born],
            ):
                deals[-1].sentences.append(sent)
                used.add(i)
            if subject:
                last_subject = subject
        if deals:
            self.add_lead(deals[0], sents, used)
        return self.merge(deals)

    def add_lead(self, deal: Candidate, sents: list[Span], used: set[int]) -> None:
        """The first deal of an article also takes the title and lead sentences before it that
        name none but its parties ("Meta signs deal for the plant's output" before the sentence
        that names the seller): they state the headline figures."""
        lead = []
        for j, sent in enumerate(sents[: min(deal.born, 4)]):
            names = set(self.named(sent))
            if j in used or not names or not names <= set(deal.parties):
                continue
            lead.append(sent)
        deal.lead = lead

    def refers_back(
        self, sent: Span, names: list[str], deal: Candidate, index: int, same_paragraph: bool
    ) -> bool:
        """A later sentence adds to the last deal when it names none but the deal's parties and
        refers back to it, names one of them, names its site, or continues the paragraph that
        stated it. A sentence that turns to another site or opens with "Separately" does
        not."""
        if names and not set(names) <= set(deal.parties):
            return False
        first = next((t for t in sent if not t.is_space and not t.is_punct), None)
        if first is not None and first.lower_ in self.topic_shifts:
            return False
        known, here = facilities(deal.sentences), facilities([sent])
        if here and known and not here & known:
            return False
        if here & known:
            return True
        if same_paragraph:
            return True
        if index - deal.born > 3 and not set(names) & set(deal.parties):
            return False
        return any(
            t.lower_ in self.anaphors and t.dep_ in ("nsubj", "nsubjpass", "pobj", "dobj", "attr")
            for t in sent
        ) or bool(names)

    @staticmethod
    def merge(deals: list[Candidate]) -> list[Candidate]:
        """Deals with the same parties merge, and so does one whose parties are a subset of an
        earlier deal's, unless they were born of different kinds of agreement (an investment and
        a purchase of capacity between the same pair are two deals)."""
        out: list[Candidate] = []
        for deal in deals:
            for known in out:
                if deal.kind_hint and known.kind_hint and deal.kind_hint != known.kind_hint:
                    continue
                near = deal.born - known.born <= 3
                if (
                    deal.key() == known.key()
                    or (max(len(deal.parties), len(known.parties)) <= 3 or near)
                    and (deal.key() < known.key() or known.key() < deal.key())
                ):
                    known.sentences += [s for s in deal.sentences if s not in known.sentences]
                    if len(deal.parties) > len(known.parties):
                        known.parties = deal.parties
                    known.kind_hint = known.kind_hint or deal.kind_hint
                    break
            else:
                out.append(deal)
        return out
