"""Deal assembly: from an annotated Doc to deals with parties, kind, status, figures and evidence.

A deal is born in a sentence that names two or more organisations taking part in something a
deal word describes ("signed", "agreement", "invest", "lease"). Later sentences that refer back
to it ("the agreement", "it", a single party) add the fields it still lacks. Deals with the same
parties merge; a deal whose parties deny it is dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from extract import lexicon
from extract.fields import Fields, is_vendor_mention, pick_fields
from extract.classify import classify_kind, classify_status, is_denied

CLAUSE_DEPS = {"conj", "advcl", "relcl", "parataxis", "acl"}


def is_verb(token) -> bool:
    """From the fine-grained tag, so the attribute ruler that maps tags to POS need not run."""
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def sentences(doc: Doc) -> list[Span]:
    """The parser's sentences, re-joined where it cut through a name or left a stub of one word."""
    out: list[Span] = []
    inside = {i for e in doc.ents for i in range(e.start + 1, e.end)}
    for sent in doc.sents:
        prev = out[-1] if out else None
        if prev is not None and "\n" not in prev[-1].text and (sent.start in inside or len(prev) <= 2 and not prev[-1].is_punct):
            out[-1] = doc[prev.start:sent.end]
        else:
            out.append(sent)
    return out


@dataclass
class Deal:
    parties: list[str]
    sentences: list[Span] = field(default_factory=list)
    born: int = 0

    def key(self) -> frozenset:
        return frozenset(self.parties)


class Assembler:
    """Holds the word lists once; `assemble(doc, title_end)` returns deal dicts in SCHEMA form."""

    def __init__(self):
        lex = lexicon.lexicon()
        self.verbs = lexicon.verb_forms()
        self.nouns = set(lex["deal"]["nouns"])
        self.not_parties = {n.lower() for n in lex["org"]["not_parties"]}
        self.roles = set(lex["assembly"]["person_roles"])
        self.mention_only = set(lex["assembly"]["mention_only"])
        self.anaphors = set(lex["assembly"]["deal_anaphors"])
        self.coref_nouns = set(lex["coref"]["nouns"])
        self.vendor_verbs = {f for v in lex["assembly"]["vendor_verbs"] for f in lexicon.inflect(v)}

    # --- who takes part -------------------------------------------------------------------
    def orgs(self, sent: Span) -> list[tuple[str, Span]]:
        out = []
        for ent in sent.ents:
            if ent.label_ != "ORG" or not ent.kb_id_ or ent.kb_id_.lower() in self.not_parties:
                continue
            if ent.text.lower() in self.not_parties:
                continue
            out.append((ent.kb_id_, ent))
        return out

    def is_party(self, ent: Span, n_orgs: int) -> bool:
        root = ent.root
        head = root.head
        if head.lower_ in self.roles or head.ent_type_ == "PERSON" or (
                root.dep_ in ("compound", "poss") and head.ent_type_ == "PERSON"):
            return False
        before = {t.lower_ for t in ent.doc[max(ent.sent.start, ent.start - 2):ent.start]}
        if before & self.mention_only:
            return False
        return True

    def has_cue(self, sent: Span) -> bool:
        for t in sent:
            if t.lower_ in self.verbs or t.lower_ in self.nouns:
                return True
        return self.is_pairing(sent)

    def has_verb_cue(self, sent: Span) -> bool:
        return any(t.lower_ in self.verbs and is_verb(t) for t in sent)

    def is_pairing(self, sent: Span) -> bool:
        """A roundup line such as "OpenAI x AWS: $38 billion" or "NEBIUS / MICROSOFT."."""
        ents = [e for e in sent.ents if e.label_ == "ORG"]
        if len(ents) < 2:
            return False
        between = sent.doc[ents[0].end:ents[1].start]
        return ents[0].start - sent.start <= 3 and len(between) == 1 and between[0].lower_ in ("x", "/", "&", "+", "and", "-", "–")

    def clause_of(self, token) -> int:
        """Index of the verb heading the clause a token sits in; reported speech joins its parent,
        and so does a clause that spells out a deal noun ("an agreement to provide Microsoft ...")."""
        t = token
        while t.dep_ != "ROOT" and t.head is not t:
            if is_verb(t) and t.dep_ in CLAUSE_DEPS and t is not token and not (
                    t.dep_ in ("acl", "relcl") and t.head.lower_ in self.nouns):
                return t.i
            t = t.head
        return t.i

    def cue_in_clause(self, sent: Span, clause: int) -> bool:
        return any((t.lower_ in self.verbs or t.lower_ in self.nouns) and (t.i == clause or self.clause_of(t) == clause)
                   for t in sent)

    def coordinated(self, ents: list[Span]) -> bool:
        """Three or more parties must be listed together ("AMD, Cisco and Humain say ...")."""
        roots = {e.root.i for e in ents}
        linked = sum(1 for e in ents if e.root.dep_ in ("conj", "appos") and e.root.head.i in roots)
        return linked >= len(ents) - 2

    def referents(self, sent: Span, last_subject: str | None) -> dict[int, str]:
        """"The company", "the startup" or "it" as a subject refers to the last named subject; by clause."""
        out = {}
        if last_subject is None:
            return out
        for t in sent:
            if t.dep_ in ("nsubj", "nsubjpass") and not t.ent_type_:
                if t.lower_ in ("it", "they") or (t.lower_ in self.coref_nouns and any(c.lower_ == "the" for c in t.lefts)):
                    out.setdefault(self.clause_of(t), last_subject)
        return out

    def party_groups(self, sent: Span, last_subject: str | None) -> tuple[list[list[str]], str | None]:
        """Parties per clause ("AWS lands OpenAI, Microsoft shops around" gives one pair) and the subject."""
        groups: dict[int, list[str]] = {}
        group_ents: dict[int, list[Span]] = {}
        vendors: dict[int, str] = {}
        names, subject = [], None
        for name, ent in self.orgs(sent):
            clause = self.clause_of(ent.root)
            if is_vendor_mention(ent):
                vendors.setdefault(clause, name)
                continue
            if not self.is_party(ent, 0):
                continue
            groups.setdefault(clause, [])
            if name not in groups[clause]:
                groups[clause].append(name)
                group_ents.setdefault(clause, []).append(ent)
            if name not in names:
                names.append(name)
            if subject is None and ent.root.dep_ in ("nsubj", "nsubjpass"):
                subject = name
        for clause, ref in self.referents(sent, last_subject).items():
            group = groups.setdefault(clause, [])
            if ref not in group and len(group) == 1:
                group.insert(0, ref)
        buying = any(t.lower_ in self.vendor_verbs for t in sent)
        for clause, vendor in vendors.items():
            group = groups.get(clause, [])
            if len(group) == 1 and len(names) == 1 and vendor not in group and buying:
                group.append(vendor)
        found = [g for c, g in groups.items() if len(g) >= 2 and self.cue_in_clause(sent, c) and (
            len(g) < 3 or self.coordinated(group_ents.get(c, [])) or len(group_ents.get(c, [])) < len(g))]
        if not found and len(names) == 2 and self.has_cue(sent):
            found = [names]
        return found, subject or (names[0] if names else None)

    # --- the whole document ---------------------------------------------------------------
    def assemble(self, doc: Doc, title_end: int) -> list[dict]:
        deals: list[Deal] = []
        last_subject = None
        sents = sentences(doc)
        paragraph_of, paragraph = [], 0
        for sent in sents:
            paragraph_of.append(paragraph)
            if "\n" in sent[-1].text or sent[-1].is_space:
                paragraph += 1
        for i, sent in enumerate(sents):
            if not sent.text.strip():
                continue
            groups, subject = self.party_groups(sent, last_subject)
            groups = [g for g in groups if len(g) < 4 or self.has_verb_cue(sent)]
            if groups and self.has_cue(sent):
                deals += [Deal(parties=g, sentences=[sent], born=i) for g in groups]
            elif deals and self.refers_back(sent, [n for n, _ in self.orgs(sent)], deals[-1], i,
                                            paragraph_of[i] == paragraph_of[deals[-1].born]):
                deals[-1].sentences.append(sent)
            if subject:
                last_subject = subject
        merged = self.merge(deals)
        out = []
        for deal in merged:
            if is_denied(deal.sentences):
                continue
            out.append(self.to_dict(doc, deal, title_end))
        return out

    def refers_back(self, sent: Span, names: list[str], deal: Deal, index: int, same_paragraph: bool) -> bool:
        """A later sentence adds to the last deal when it names none but the deal's parties and
        refers back to it, names one of them, or continues the paragraph that stated it."""
        if names and not set(names) <= set(deal.parties):
            return False
        if same_paragraph:
            return True
        if index - deal.born > 3 and not set(names) & set(deal.parties):
            return False
        return any(t.lower_ in self.anaphors and t.dep_ in ("nsubj", "nsubjpass", "pobj", "dobj", "attr")
                   for t in sent) or bool(names)

    def merge(self, deals: list[Deal]) -> list[Deal]:
        out: list[Deal] = []
        for deal in deals:
            for known in out:
                if deal.key() == known.key() or max(len(deal.parties), len(known.parties)) <= 3 and (
                        deal.key() < known.key() or known.key() < deal.key()):
                    known.sentences += [s for s in deal.sentences if s not in known.sentences]
                    break
            else:
                out.append(deal)
        return out

    def to_dict(self, doc: Doc, deal: Deal, title_end: int) -> dict:
        fields: Fields = pick_fields(deal.sentences)
        parties = sorted(deal.parties, key=str.lower)
        first = deal.sentences[0]
        return {
            "headline": first.start_char < title_end or deal.born <= 3,
            "parties": parties,
            "kind": classify_kind(deal.sentences, parties),
            "gpu_count": fields.gpu_count,
            "chip": fields.chip,
            "power_mw": fields.power_mw,
            "value_usd": fields.value_usd,
            "facility": fields.facility,
            "location": fields.location,
            "status": classify_status(deal.sentences, doc),
            "_sentences": deal.sentences,
        }
