"""What kind of deal it is, from cue words, the parse and the parties' sectors."""

from __future__ import annotations

from spacy.tokens import Span, Token

from extract.deals.phrases import count
from extract.deals.sectors import Sectors
from extract.deals.syntax import is_verb, org_of_tokens
from extract.lexicon import Lexicon
from extract.spans import ents_of


def words_outside_names(sent: Span) -> list[str]:
    """Lower-cased words, leaving out those inside organisation names ("Meridian Data Centers"
    is no cue for a data-centre deal, "Kestrel Power" none for a power deal)."""
    inside = {i for e in ents_of(sent) if e.label_ == "ORG" for i in range(e.start, e.end)}
    return [t.lower_ for t in sent if not t.is_space and t.i not in inside]


def main_verbs(sent: Span) -> list[Token]:
    """The root verb and the verbs it governs through xcomp ("agreed to build", "plans to
    lease")."""
    out = []
    for t in sent:
        if t.dep_ == "ROOT":
            stack = [t]
            while stack:
                v = stack.pop()
                out.append(v)
                stack += [c for c in v.children if c.dep_ in ("xcomp", "ccomp") and is_verb(c)]
    return out


def names_org(t: Token) -> bool:
    """The noun is an organisation or names one beside it: "Quillon", "Quillon's unit", "chip
    designer Quillon" (where the parse makes the description the object)."""
    return (
        t.ent_type_ == "ORG"
        or any(x.ent_type_ == "ORG" for x in t.lefts)
        or any(c.dep_ == "appos" and c.ent_type_ == "ORG" for c in t.rights)
    )


class KindClassifier:
    def __init__(self, lexicon: Lexicon, sectors: Sectors):
        kind, rules = lexicon["kind"], lexicon.rules
        structure = lexicon["kind_structure"]
        backing = lexicon["investment_roles"]
        self.sectors = sectors
        self.priority = rules["kind"]["priority"]
        self.sector_prior = rules["kind"]["sector_prior"]
        self.verb_bonus = rules["kind"]["verb_bonus"]
        self.cues = lexicon.kind_cues()
        self.weak = {k: frozenset(v) for k, v in lexicon["kind_weak"].items()}
        self.vendor = {c["name"]: c["vendor"] for c in lexicon.accelerators}
        self.chip_words = frozenset(kind["chips_hardware"])
        self.built = frozenset(kind["compute_built"])
        self.capacity_verbs = lexicon.forms(kind["capacity_verbs"])
        self.capacity_objects = frozenset(kind["capacity_objects"])
        self.buy = lexicon.forms(kind["acquire_verbs"])
        self.invest = lexicon.forms(structure["invest"])
        self.sites = frozenset(kind["bought_sites"])
        self.holdings = frozenset(structure["holdings"])
        self.purchases = frozenset(structure["purchase_nouns"])
        self.backers = frozenset(backing["investor_nouns"])
        self.coref = frozenset(lexicon["coref"]["nouns"])
        self.raising = lexicon.forms(backing["investee_verbs"])
        self.weak_raising = lexicon.forms(structure["weak_raising"])
        self.money_words = frozenset(structure["money_words"])
        self.backed = frozenset(structure["backed"])
        self.site_builders = lexicon.forms(structure["site_builders"])
        self.built_sites = frozenset(structure["built_sites"])

    def clouds_own_chips(self, sent: Span, parties) -> bool:
        """The sentence names a party's own accelerators and that party is a cloud ("Google
        TPUs")."""
        vendor = self.vendor
        return any(
            e.label_ == "CHIP"
            and vendor.get(e.kb_id_) in parties
            and self.sectors(vendor[e.kb_id_]) == "cloud"
            for e in ents_of(sent)
        )

    def hardware_named(self, sent: Span) -> bool:
        return any(e.label_ == "CHIP" for e in ents_of(sent)) or any(
            t.lower_ in self.chip_words for t in sent
        )

    def org_like(self, g: Token) -> bool:
        return (
            g.ent_type_ == "ORG"
            or g.lower_ in self.coref
            and any(c.lower_ == "the" for c in g.lefts)
        )

    def backing(self, t: Token, org_of: dict[int, str]) -> tuple[set[str], set[str]]:
        """ "Vantor-backed Kestrel", "Kestrel, a startup backed by Vantor", "Kestrel is backed
        by Vantor": (the backed organisations, their backers), both empty for other tokens."""
        if t.lower_ not in self.backed:
            return set(), set()
        if t.dep_ in ("amod", "acl", "relcl"):
            head = t.head
            for _ in range(3):  # up from "a startup" or "a cloud startup" to the organisation
                if head.i in org_of or head.dep_ not in ("appos", "acl", "amod", "compound"):
                    break
                head = head.head
            backed = {org_of[head.i]} if head.i in org_of else set()
        else:
            backed = {org_of[c.i] for c in t.children if c.dep_ == "nsubjpass" and c.i in org_of}
        backers = {org_of[x.i] for x in t.subtree if x.i in org_of and x is not t} - backed
        return backed, backers

    def structure(self, sent: Span, parties) -> dict[str, float]:
        """Scores from the parse: buying an organisation or a campus is an acquisition;
        investing in an organisation or backing it is an investment, investing in building
        something is a data-centre deal."""
        sites, backers, org_like = self.sites, self.backers, self.org_like
        out = {k: 0.0 for k in self.priority}
        org_of = org_of_tokens(sent)
        for t in sent:
            backed, backing = self.backing(t, org_of)
            if backed & parties and backing & parties:
                out["investment"] += 4
            if t.lower_ in self.buy and is_verb(t):
                objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass")]
                if any(names_org(o) for o in objs) or any(o.lower_ in sites for o in objs):
                    out["acquisition"] += 8
            if t.lower_ in self.purchases and any(
                c.dep_ == "prep"
                and c.lower_ == "of"
                and any(g.ent_type_ == "ORG" or g.lower_ in sites for g in c.children)
                for c in t.children
            ):
                out["acquisition"] += 8
            if t.lower_ in self.holdings | backers and any(
                c.dep_ == "prep"
                and c.lower_ == "in"
                and any(
                    g.ent_type_ == "ORG" or t.lower_ in backers and org_like(g) for g in c.children
                )
                for c in t.children
            ):
                # "a $500 million stake in Kestrel Labs", "an investor in the company"
                out["investment"] += 4
            if (
                t.lower_ in self.raising
                and is_verb(t)
                and any(
                    c.dep_ == "prep"
                    and c.lower_ == "from"
                    and any(g.ent_type_ == "ORG" for g in c.children)
                    for c in t.children
                )
                and (
                    t.lower_ not in self.weak_raising
                    or any(
                        g.lower_ in self.money_words
                        for c in t.children
                        if c.dep_ == "dobj"
                        for g in c.subtree
                    )
                )
            ):
                out["investment"] += 4  # "Kestrel raised $2 billion from Tolland Partners"
            if self.builds_site_as_purpose(t):
                out["datacenter"] += 4
                out["investment"] -= 2
            if t.lower_ in self.invest:
                targets = [
                    g
                    for c in t.children
                    if c.dep_ == "prep" and c.lower_ == "in"
                    for g in c.children
                ]
                if any(g.ent_type_ == "ORG" for g in targets):
                    out["investment"] += 4
                elif targets and not any(org_like(g) for g in targets):
                    # "in the company" says no more than "invest"
                    out["investment"] -= 2
                    out["datacenter"] += 2
        return out

    def builds_site_as_purpose(self, t: Token) -> bool:
        """ "to build one of the region's biggest AI campuses": a verb of building, in a
        clause of purpose, whose object is a site."""
        if not (
            t.lower_ in self.site_builders
            and t.dep_ in ("xcomp", "advcl", "acl", "relcl")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)
        ):
            return False
        objects = [c for c in t.children if c.dep_ == "dobj"]
        objects += [  # "one of the region's biggest campuses"
            g
            for o in objects
            for p in o.children
            if p.dep_ == "prep" and p.lower_ == "of"
            for g in p.children
            if g.dep_ == "pobj"
        ]
        return any(o.lower_ in self.built_sites for o in objects)

    def clause_kind(self, sent: Span) -> str | None:
        """What the sentence's own verb makes the deal: "investment" for an organisation
        investing in another, "compute" for buying, renting or leasing capacity. Deals with
        different hints stay apart."""
        if self.structure(sent, set())["investment"] >= 4:
            return "investment"
        for t in sent:
            if t.lower_ in self.capacity_verbs and is_verb(t):
                objs = [c for c in t.children if c.dep_ == "dobj"]
                objs += [
                    g
                    for o in objs
                    for c in o.children
                    if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children
                ]
                if any(o.lower_ in self.capacity_objects for o in objs):
                    return "compute"
        return None

    def bought_company(self, sent: Span) -> bool:
        """ "CoreWeave is buying Core Scientific": a purchase whose object is an organisation."""
        return self.structure(sent, set())["acquisition"] >= 8

    def cue_features(self, structure: dict[str, float], verbs: list[Token]) -> dict[str, float]:
        """The parse cues the rules read, as named features for the fitted kind decision:
        which kind the founding sentence's grammar points to ("a stake in X", "the
        acquisition of X") and which kind its main verbs name."""
        out = {f"kind_parse_{kind}": 1.0 for kind, score in structure.items() if score > 0}
        for verb in verbs:
            for kind, cues in self.cues.items():
                if verb.lower_ in cues and verb.lower_ not in self.weak.get(kind, ()):
                    out[f"kind_verb_{kind}"] = 1.0
        return out

    def classify(
        self, sentences: list[Span], parties: list[str], hint: str | None = None
    ) -> tuple[str, dict[str, float]]:
        """The kind, and the parse cues read on the way (`cue_features`). Score each kind by its
        cue words (the sentence that states the deal counts double, weak cues such as "campus"
        little) and by the parties' sectors; buying and ordering only count towards `chips`
        where hardware is named, and hardware only where a chip maker takes part."""
        cues, weak, priority = self.cues, self.weak, self.priority
        sectors = {self.sectors(p) for p in parties}
        scores = {kind: 0.0 for kind in priority}
        read: dict[str, float] = {}
        for n, sent in enumerate(sentences[:4]):
            w = words_outside_names(sent)
            weight = 2.0 if n == 0 else 1.0
            hardware = self.hardware_named(sent)
            rented = self.clouds_own_chips(sent, parties)
            for kind in priority:
                hits = count(w, list(cues[kind]))
                low = sum(1 for x in w if x in weak.get(kind, ()))
                hits = hits - low + 0.3 * low
                if kind == "chips" and rented:
                    kind = "compute"  # a cloud's own chips are rented through its cloud
                elif kind == "chips" and not (
                    "chips" in sectors or "hardware" in sectors and hardware or hardware and n == 0
                ):
                    hits = 0
                elif kind == "chips" and not hardware:
                    hits = min(hits, 0.5)
                scores[kind] += weight * hits
            if n == 0:
                structure, verbs = self.structure(sent, set(parties)), main_verbs(sent)
                read = self.cue_features(structure, verbs)
                for kind, v in structure.items():
                    scores[kind] += v
                for verb in verbs:
                    for kind in self.verb_bonus:
                        if verb.lower_ in cues[kind] and verb.lower_ not in weak.get(kind, ()):
                            objects = {
                                c.lower_ for c in verb.children if c.dep_ in ("dobj", "nsubjpass")
                            }
                            # "build a 32,000-GPU cluster for X" provides compute; it builds no
                            # campus
                            scores[
                                "compute" if kind == "datacenter" and objects & self.built else kind
                            ] += 2
        for sector in sectors:
            kind = self.sector_prior.get(sector)
            if kind:
                scores[kind] += 1.5
        if hint == "investment":
            scores["investment"] += 3
        scores["compute"] += 1.0
        return max(priority, key=lambda k: (scores[k], -priority.index(k))), read
