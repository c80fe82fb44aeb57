"""Each party's role in a deal: read from the verbs that govern it, else from its sector, then
completed with the counterpart of the roles found."""

from __future__ import annotations

from spacy.tokens import Span

from extract.deals.sectors import Sectors
from extract.deals.syntax import SUBJECTS, Syntax
from extract.lexicon import Lexicon
from extract.spans import ents_of


def party_ents(sent: Span, parties) -> list[Span]:
    return [e for e in ents_of(sent) if e.label_ == "ORG" and e.kb_id_ in parties]


class RoleAssigner:
    def __init__(self, lexicon: Lexicon, syntax: Syntax, sectors: Sectors):
        inv, roles, rules = lexicon["investment_roles"], lexicon["roles"], lexicon.rules
        self.syntax = syntax
        self.sectors = sectors
        self.verbs = {role: lexicon.forms(vs) for role, vs in roles.items()}
        self.investor_verbs = lexicon.forms(roles["investor"])
        self.buying = lexicon.forms(roles["buyer_object"]) | lexicon.forms(inv["stake_verbs"])
        self.investee_verbs = lexicon.forms(inv["investee_verbs"])
        self.investee_after = lexicon.forms(inv["investee_after"])
        self.giving = lexicon.forms(inv["giving_verbs"])
        self.given = lexicon.forms(inv["giving_nouns"])
        self.investor_preps = inv["investor_preps"]
        self.investor_nouns = frozenset(inv["investor_nouns"])
        self.holdings = frozenset(inv["bought_holdings"])
        self.supply_preps = lexicon["role_cues"]["supply_preps"]
        self.makers = {c["vendor"] for c in lexicon.accelerators}
        self.providers = frozenset(rules["sectors"]["providers"])
        self.hardware = rules["sectors"]["hardware"]
        self.capacity_sellers = rules["sectors"]["capacity_sellers"]
        self.said_pairs = {
            kind: {a: b, b: a} for kind, (a, b) in rules["roles"]["said_pairs"].items()
        }
        self.fill_pairs = rules["roles"]["fill_pairs"]
        self.kept_roles = rules["roles"]["verb_roles"]

    def verb_roles(self, sentences: list[Span], parties) -> dict[str, str]:
        """Roles read from the verbs that govern each party in the deal's first sentences:
        the subject of "rent"/"buy" is a buyer, of "provide"/"supply"/"lease to" a provider; the
        object of "from" a provider, of "to"/"for" under a supplying verb a buyer; the subject
        of "invest"/"fund" an investor, of "build"/"develop" a builder, of "operate" an
        operator."""
        verbs = self.verbs
        out: dict[str, str] = {}
        for sent in sentences[:2]:
            for ent in party_ents(sent, parties):
                name, root = ent.kb_id_, ent.root
                if name in out:
                    continue
                if root.dep_ in SUBJECTS:
                    verb = root.head
                    chain = [verb] + [
                        c for c in verb.children if c.dep_ in ("xcomp", "conj", "ccomp")
                    ]
                    own = [
                        r
                        for r, forms in verbs.items()
                        if not r.endswith("_object") and verb.lower_ in forms
                    ]
                    # the subject's own verb first: "X selected Y to supply GPUs" makes X the
                    # buyer
                    found = (
                        own[:1]
                        or [
                            r
                            for r, forms in verbs.items()
                            if not r.endswith("_object") and any(v.lower_ in forms for v in chain)
                        ][:1]
                    )
                    if found:
                        out[name] = found[0]
                elif root.dep_ == "pobj":
                    prep = root.head
                    if prep.lower_ == "from":
                        out[name] = "provider"
                    elif prep.lower_ == "for":
                        out[name] = "buyer"
                    elif prep.lower_ in self.supply_preps and prep.head.lower_ in verbs["provider"]:
                        out[name] = "buyer"
                    elif prep.lower_ == "in" and prep.head.lower_ in verbs["investor"]:
                        out[name] = "investee"
                elif root.dep_ in ("dobj", "dative") and root.head.lower_ in verbs["provider"]:
                    out[name] = "buyer"
                elif root.dep_ == "dobj" and any(
                    c.dep_ in ("xcomp", "advcl")
                    and c.lower_ in verbs["provider"]
                    and not any(g.dep_ in SUBJECTS for g in c.children)
                    for c in root.head.children
                ):
                    out[name] = "provider"  # "selected Y to supply 20,000 GPUs"
                elif root.dep_ == "dobj" and root.head.lower_ in verbs["buyer_object"]:
                    out[name] = "target"
        return out

    def investment_roles(self, sentences: list[Span], parties) -> dict[str, str]:
        """Who gives the money and who takes it: the subject of "invest"/"fund" or of buying a
        stake, whoever money comes "from" or a round is "led by", an organisation called a
        "backer" or "lender" gives it; the one invested "in", the subject of "raise"/"secure",
        the object (or the owner of the object) of "finance"/"lend to" takes it."""
        investor_verbs, buying, giving = self.investor_verbs, self.buying, self.giving
        out: dict[str, str] = {}
        for sent in sentences[:2]:
            for ent in party_ents(sent, parties):
                name, root = ent.kb_id_, ent.root
                if name in out:
                    continue
                if root.dep_ == "poss" and root.head.dep_ in ("dobj", "pobj"):
                    root = root.head  # "finance Pellham Builders' campus"
                if root.dep_ in SUBJECTS:
                    verb = root.head
                    chain = [verb] + [
                        c for c in verb.children if c.dep_ in ("xcomp", "conj", "ccomp", "advcl")
                    ]
                    attrs = {c.lower_ for c in verb.children if c.dep_ in ("attr", "oprd")}
                    if root.dep_ == "nsubj" and (
                        any(v.lower_ in investor_verbs for v in chain)
                        or attrs & self.investor_nouns
                        or any(
                            v.lower_ in buying
                            and any(
                                c.dep_ == "dobj" and c.lower_ in self.holdings for c in v.children
                            )
                            for v in chain
                        )
                    ):
                        out[name] = "investor"
                    elif root.dep_ == "nsubj" and any(
                        v.lower_ in self.investee_verbs for v in chain
                    ):
                        out[name] = "investee"
                    elif root.dep_ == "nsubjpass" and any(
                        v.lower_ in investor_verbs for v in chain
                    ):
                        out[name] = "investee"  # "Kestrel is backed by ..."
                elif root.dep_ == "pobj":
                    prep = root.head
                    if prep.lower_ in self.investor_preps:
                        out[name] = "investor"
                    elif prep.lower_ == "in" and prep.head.lower_ in self.investee_after:
                        out[name] = "investee"
                    elif prep.lower_ == "to" and prep.head.lower_ in giving | self.given:
                        out[name] = "investee"
                elif root.dep_ in ("dobj", "dative") and root.head.lower_ in giving:
                    out[name] = "investee"
        return out

    def makers_named(self, sentences: list[Span]) -> set[str]:
        """Organisations the deal's sentences name as the maker of its hardware ("20,000
        Quillon Q7 accelerators"), not as its owner ("Tidewater's GPUs")."""
        out = set()
        possessives = self.syntax.possessives
        for sent in sentences[:3]:
            for e in ents_of(sent):
                after = sent.doc[e.end].text if e.end < len(sent.doc) else ""
                if (
                    e.label_ == "ORG"
                    and e.kb_id_
                    and e.root.dep_ != "poss"
                    and after not in possessives
                    and self.syntax.is_vendor_mention(e)
                ):
                    out.add(e.kb_id_)
        return out

    def assign(self, sentences: list[Span], parties: list[str], kind: str) -> dict[str, str]:
        """{party: role}: buyer, provider, chip_supplier, investor, investee, builder, operator,
        power_supplier, or target (a company bought)."""
        found = self.verb_roles(sentences, set(parties))
        if kind == "investment":
            found = self.investment_roles(sentences, set(parties))
        sectors = {p: self.sectors(p) for p in parties}
        vendors = self.makers | self.makers_named(sentences)
        roles: dict[str, str] = {}
        for p in parties:
            role, sector = found.get(p), sectors[p]
            if kind == "investment":
                role = (
                    "investor"
                    if role == "investor" or (role is None and sector == "finance")
                    else role
                )
                role = role if role in self.kept_roles["investment"] else None
            elif kind == "acquisition":
                role = role if role in self.kept_roles["acquisition"] else None
                role = "seller" if role == "provider" else role
            elif kind == "chips":
                # the subject of "supply"/"deliver" supplies the chips, whatever it makes
                role = (
                    "chip_supplier"
                    if role == "provider"
                    or role != "buyer"
                    and (sector in self.hardware or p in vendors)
                    else "buyer"
                )
            elif kind == "power":
                role = "power_supplier" if sector == "energy" else "buyer"
            elif kind == "datacenter":
                if role not in self.kept_roles["datacenter"]:
                    role = (
                        "investor"
                        if sector == "finance"
                        else "buyer"
                        if sector == "ai"
                        else "builder"
                    )
            else:
                if role not in self.kept_roles["default"]:
                    role = (
                        "provider"
                        if sector in self.providers
                        else "buyer"
                        if sector == "ai"
                        else None
                    )
            roles[p] = role
        counterpart = self.said_pairs
        said = {p for p in parties if p in found and roles.get(p) in counterpart.get(kind, {})}
        if said and len(set(roles.values())) == 1 and len(roles) > 1:
            # the role a verb gives wins over the one a sector suggests: "a campus it leases from
            # X" makes X the provider and the other party, a neocloud itself, its customer
            role = roles[next(iter(said))]
            roles = {p: r if p in said else counterpart[kind][role] for p, r in roles.items()}
        if kind == "compute" and len(roles) > 1 and all(r == "provider" for r in roles.values()):
            # a hyperscaler signing with a neocloud or data-centre operator is the one buying
            # capacity
            if any(sectors[p] in self.capacity_sellers for p in parties):
                roles = {p: "buyer" if sectors[p] == "cloud" else r for p, r in roles.items()}
        return self.complete(roles, kind)

    def complete(self, roles: dict[str, str | None], kind: str) -> dict[str, str]:
        """Fill the roles left open with the counterpart of those found."""
        pair = self.fill_pairs.get(kind)
        known = {r for r in roles.values() if r}
        for p, r in roles.items():
            if r:
                continue
            if pair and pair[0] in known and pair[1] not in known:
                roles[p] = pair[1]
            elif pair and pair[1] in known and pair[0] not in known:
                roles[p] = pair[0]
            elif pair:
                roles[p] = pair[1] if kind != "compute" else "provider"
                known.add(roles[p])
            else:
                roles[p] = "builder"
        return {p: r for p, r in roles.items() if r}
