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
from extract.classify import assign_roles, classify_kind, classify_status, clause_kind, is_denied
from extract.fields import Fields, dateline_place, is_vendor_mention, join_places, pick_fields, places_in
from extract.syntax import clause_of, is_verb
from extract.spans import ents_of, sents_of


def plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def sentences(doc: Doc) -> list[Span]:
    """The parser's sentences, re-joined where it cut through a name or left a stub of one word."""
    out: list[Span] = []
    inside = {i for e in doc.ents for i in range(e.start + 1, e.end)}
    for sent in sents_of(doc):
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
    lead: list[Span] = field(default_factory=list)  # title and lead sentences naming only its parties
    kind_hint: str | None = None  # "investment" when born of "X invests in Y", kept apart from other deals

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
        self.anaphors = set(lex["assembly"]["deal_anaphors"]) | {plural(a) for a in lex["assembly"]["deal_anaphors"] if a.isalpha() and len(a) > 4}
        self.coref_nouns = set(lex["coref"]["nouns"])
        self.vendor_verbs = {f for v in lex["assembly"]["vendor_verbs"] for f in lexicon.inflect(v)}
        self.cloud_vendor_verbs = self.vendor_verbs | {f for v in lex["assembly"]["cloud_vendor_verbs"] for f in lexicon.inflect(v)}
        self.sectors = lexicon.sector_of()
        self.co_supplier_verbs = {f for v in lex["assembly"]["co_supplier_verbs"] for f in lexicon.inflect(v)}
        self.joint_words = set(lex["assembly"]["joint_words"])
        self.event_nouns = set(lex["assembly"]["event_nouns"])
        self.adviser_nouns = set(lex["assembly"]["adviser_nouns"])
        self.topic_shifts = set(lex["assembly"]["topic_shifts"])
        self.ventures = {v.lower() for v in lex["sites"]["ventures"]}
        self.dateline_kinds = set(lex["location"]["dateline_kinds"])
        self.site_kinds = set(lex["location"]["site_kinds"])
        self.rival_words = set(lex["rivals"]["words"])
        self.site_words = {w for n in lex["sites"]["nouns"] if " " not in n for w in (n, plural(n))} | {
            "centres", "centers", "buildings"}

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
        """The organisations a sentence names, leaving out chip vendors named with their hardware."""
        return [n for n, e in self.orgs(sent) if not (is_vendor_mention(e) and e.root.dep_ != "poss")]

    def is_party(self, ent: Span, n_orgs: int) -> bool:
        root = ent.root
        head = root.head
        if head.lower_ in self.roles or head.ent_type_ == "PERSON" or (
                root.dep_ in ("compound", "poss") and head.ent_type_ == "PERSON"):
            return False
        if root.dep_ == "compound" and head.lower_ in self.coref_nouns and any(c.lower_ == "the" for c in head.lefts):
            return False  # "the Quill maker" names a company by its product and refers back
        if self.rival(root):
            return False
        before = {t.lower_ for t in ent.doc[max(ent.sent.start, ent.start - 2):ent.start]}
        if before & self.mention_only:
            return False
        nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
        if nxt is not None and nxt.lower_ in self.event_nouns or root.dep_ == "compound" and head.lower_ in self.event_nouns:
            return False  # "its Advancing AI event", "Oracle AI World conference"
        if root.dep_ in ("nsubj", "nsubjpass"):
            clause = [t for t in head.subtree if t.i > root.i][:8]
            if any(t.lower_ in self.adviser_nouns for t in clause):
                return False  # "X is acting as financial adviser to Y"
        return True

    def rival(self, root) -> bool:
        """"go toe-to-toe with Nvidia", "chips to rival Nvidia's": a competitor takes no part."""
        t = root
        if t.dep_ == "poss":
            t = t.head
        if t.dep_ == "pobj" and t.head.lower_ in ("with", "against"):
            t = t.head
        elif t.dep_ != "dobj":
            return False
        return any(a.lower_ in self.rival_words for a in [t.head, t.head.head][:2]) or any(
            c.lower_ in self.rival_words for c in t.head.children if c.dep_ in ("npadvmod", "advmod", "dobj", "pobj"))

    @staticmethod
    def descriptive(t) -> bool:
        """"Humain, the AI company backed by PIF": a participle describing an organisation states no deal."""
        return t.dep_ == "acl" and t.tag_ == "VBN" and t.head.dep_ in ("appos",)

    def is_cue(self, t) -> bool:
        """A deal word, not one inside an organisation's name ("Public Investment Fund")."""
        return (t.lower_ in self.verbs or t.lower_ in self.nouns) and t.ent_type_ != "ORG" and not self.descriptive(t)

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
        between = sent.doc[ents[0].end:ents[1].start]
        return ents[0].start - sent.start <= 3 and len(between) == 1 and between[0].lower_ in ("x", "/", "&", "+", "and", "-", "–")

    def clause_of(self, token) -> int:
        return clause_of(token)

    def cue_in_clause(self, sent: Span, clause: int) -> bool:
        return any(self.is_cue(t) and (t.i == clause or self.clause_of(t) == clause) for t in sent)

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
                if t.lower_ in ("it", "this", "that") and t.head.lower_ in ("is", "was", "'s", "be", "remains"):
                    continue
                if t.lower_ in ("it", "they") or (t.lower_ in self.coref_nouns and any(c.lower_ == "the" for c in t.lefts)):
                    out.setdefault(self.clause_of(t), last_subject)
            elif t.dep_ in ("dobj", "pobj", "dative") and not t.ent_type_ and t.lower_ in self.coref_nouns and any(
                    c.lower_ == "the" for c in t.lefts):
                out.setdefault(self.clause_of(t), last_subject)  # "invested $8 billion in the company"
            elif t.lower_ in ("its", "their") and t.dep_ == "poss" and t.head.dep_ in ("nsubj", "nsubjpass") and not any(
                    e.label_ == "ORG" and e.start < t.i for e in ents_of(sent)):
                out.setdefault(self.clause_of(t), last_subject)  # "Its anchor tenant, Kestrel Labs, signed ..."
        return out

    def party_groups(self, sent: Span, last_subject: str | None) -> tuple[list[list[str]], str | None]:
        """Parties per clause ("AWS lands OpenAI, Microsoft shops around" gives one pair) and the subject."""
        groups: dict[int, list[str]] = {}
        group_ents: dict[int, list[Span]] = {}
        vendors: dict[int, tuple[str, Span]] = {}
        names, subject = [], None
        for name, ent in self.orgs(sent):
            clause = self.clause_of(ent.root)
            if is_vendor_mention(ent):
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
            if subject is None and ent.root.dep_ in ("nsubj", "nsubjpass"):
                subject = name
        for clause, ref in self.referents(sent, last_subject).items():
            group = groups.setdefault(clause, [])
            if ref not in group and len(group) == 1:
                group.insert(0, ref)
        for clause, (vendor, ent) in vendors.items():
            group = groups.get(clause, [])
            verbs = self.cloud_vendor_verbs if self.sectors.get(vendor) == "cloud" else self.vendor_verbs
            buying = any(a.lower_ in verbs for a in ent.root.ancestors)
            if len(group) == 1 and len(names) == 1 and vendor not in group and buying:
                group.append(vendor)
        found = [g for c, g in groups.items() if len(g) >= 2 and self.cue_in_clause(sent, c) and (
            len(g) < 3 or self.coordinated(group_ents.get(c, [])) or len(group_ents.get(c, [])) < len(g))]
        if not found and len(names) == 2 and self.has_cue(sent):
            found = [names]
        found = [g for g in found if not self.co_suppliers(sent, g)]
        return found, subject or (names[0] if names else None)

    def co_suppliers(self, sent: Span, group: list[str]) -> bool:
        """"Supermicro and Dell supplied the servers": organisations that are together the subject of
        one supplying verb deliver to someone else, not to each other; no deal between them."""
        ents = [e for n, e in self.orgs(sent) if n in group]
        if len(ents) < 2 or {n for n, _ in self.orgs(sent) if n in group} != set(group):
            return False
        roots = {e.root.i for e in ents}
        subjects = [e for e in ents if e.root.dep_ in ("nsubj", "nsubjpass")]
        if len(subjects) != 1:
            return False
        verb = subjects[0].root.head
        if verb.lower_ not in self.co_supplier_verbs and verb.lemma_.lower() not in self.co_supplier_verbs:
            return False
        chained = all(e.root.dep_ == "conj" and e.root.head.i in roots or e in subjects for e in ents)
        joint = any(t.lower_ in self.joint_words for t in sent)
        return chained and not joint

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
        used: set[int] = set()
        for i, sent in enumerate(sents):
            if not sent.text.strip():
                continue
            groups, subject = self.party_groups(sent, last_subject)
            groups = [g for g in groups if len(g) < 4 or self.has_verb_cue(sent)]
            if groups and self.has_cue(sent):
                hint = clause_kind(sent, self.verbs) if len(groups) == 1 else None
                deals += [Deal(parties=g, sentences=[sent], born=i, kind_hint=hint) for g in groups]
                used.add(i)
            elif deals and self.refers_back(sent, self.named(sent), deals[-1], i,
                                            paragraph_of[i] == paragraph_of[deals[-1].born]):
                deals[-1].sentences.append(sent)
                used.add(i)
            if subject:
                last_subject = subject
        if deals:
            self.add_lead(deals[0], sents, used)
        merged = self.merge(deals)
        out = []
        for deal in merged:
            if is_denied(deal.sentences):
                continue
            out.append(self.to_dict(doc, deal, title_end))
        return out

    def add_lead(self, deal: Deal, sents: list[Span], used: set[int]) -> None:
        """The first deal of an article also takes the title and lead sentences before it that
        name none but its parties ("Meta signs deal for the plant's output" before the sentence
        that names the seller): they state the headline figures."""
        lead = []
        for j, sent in enumerate(sents[:min(deal.born, 4)]):
            names = set(self.named(sent))
            if j in used or not names or not names <= set(deal.parties):
                continue
            lead.append(sent)
        deal.lead = lead

    @staticmethod
    def facilities(sents: list[Span]) -> set[str]:
        return {e.kb_id_ or e.text for s in sents for e in ents_of(s) if e.label_ == "FAC"}

    def refers_back(self, sent: Span, names: list[str], deal: Deal, index: int, same_paragraph: bool) -> bool:
        """A later sentence adds to the last deal when it names none but the deal's parties and
        refers back to it, names one of them, names its site, or continues the paragraph that
        stated it. A sentence that turns to another site or opens with "Separately" does not."""
        if names and not set(names) <= set(deal.parties):
            return False
        first = next((t for t in sent if not t.is_space and not t.is_punct), None)
        if first is not None and first.lower_ in self.topic_shifts:
            return False
        known, here = self.facilities(deal.sentences), self.facilities([sent])
        if here and known and not here & known:
            return False
        if here & known:
            return True
        if same_paragraph:
            return True
        if index - deal.born > 3 and not set(names) & set(deal.parties):
            return False
        return any(t.lower_ in self.anaphors and t.dep_ in ("nsubj", "nsubjpass", "pobj", "dobj", "attr")
                   for t in sent) or bool(names)

    def merge(self, deals: list[Deal]) -> list[Deal]:
        """Deals with the same parties merge, and so does one whose parties are a subset of an
        earlier deal's, unless they were born of different kinds of agreement (an investment and a
        purchase of capacity between the same pair are two deals)."""
        out: list[Deal] = []
        for deal in deals:
            for known in out:
                if deal.kind_hint and known.kind_hint and deal.kind_hint != known.kind_hint:
                    continue
                near = deal.born - known.born <= 3
                if deal.key() == known.key() or (max(len(deal.parties), len(known.parties)) <= 3 or near) and (
                        deal.key() < known.key() or known.key() < deal.key()):
                    known.sentences += [s for s in deal.sentences if s not in known.sentences]
                    if len(deal.parties) > len(known.parties):
                        known.parties = deal.parties
                    known.kind_hint = known.kind_hint or deal.kind_hint
                    break
            else:
                out.append(deal)
        return out

    def site_place(self, deal: Deal, parties: set[str]) -> str | None:
        """A deal about sites whose sentences name no place: the place of the sites in the next
        sentences that speak of sites and name no other organisation ("the first data centres are
        under construction in Abilene, Texas")."""
        doc = deal.sentences[0].doc
        sents = [s for s in sentences(doc) if s.start >= deal.sentences[0].end][:8]
        for sent in sents:
            first = next((t for t in sent if not t.is_space and not t.is_punct), None)
            if first is not None and first.lower_ in self.topic_shifts:
                continue  # "Separately, X unveiled a site in West Texas"
            if not set(self.named(sent)) <= parties or not any(t.lower_ in self.site_words for t in sent):
                continue
            found = places_in(sent, parties)
            if found:
                return join_places([sent], found[:4])
        return None

    def to_dict(self, doc: Doc, deal: Deal, title_end: int) -> dict:
        parties = sorted(deal.parties, key=str.lower)
        scope = deal.sentences[:1] + [s for s in deal.lead if s not in deal.sentences] + deal.sentences[1:]
        kind = classify_kind(deal.sentences, parties, hint=deal.kind_hint)
        fields: Fields = pick_fields(scope, set(parties), kind, doc)
        if fields.location is None and kind in self.site_kinds:
            fields.location = self.site_place(deal, set(parties))
        if fields.location is None and (kind in self.dateline_kinds or fields.facility):
            fields.location = dateline_place(doc, title_end)
        first = deal.sentences[0]
        return {
            "headline": first.start_char < title_end or deal.born <= 3,
            "parties": parties,
            "kind": kind,
            "gpu_count": fields.gpu_count,
            "chip": fields.chip,
            "power_mw": fields.power_mw,
            "value_usd": fields.value_usd,
            "facility": fields.facility,
            "location": fields.location,
            "status": classify_status(deal.sentences, doc, parties),
            "roles": assign_roles(deal.sentences, parties, kind),
            "_sentences": scope,
        }
