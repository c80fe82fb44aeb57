"""Kind, status and per-party roles of a deal, from cue words, the parse and the parties' sectors."""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span

from extract import lexicon
from extract.phrases import count, words
from extract.syntax import clause_of, is_verb
from extract.spans import ents_of, sents_of

PRIORITY = ["acquisition", "power", "investment", "chips", "datacenter", "other", "compute"]
SECTOR_PRIOR = {"energy": "power", "finance": "investment", "chips": "chips", "neocloud": "compute"}
PROVIDERS = {"cloud", "neocloud", "datacenter"}


@lru_cache(maxsize=None)
def kind_cues() -> dict[str, tuple[str, ...]]:
    """Each kind's cue phrases with the inflections of one-word cues ("invest" -> "invested")."""
    out = {}
    for kind, phrases in lexicon.lexicon()["kind"].items():
        if kind not in PRIORITY:
            continue
        forms = set()
        for p in phrases:
            forms |= lexicon.inflect(p) if " " not in p and "-" not in p else {p}
        out[kind] = tuple(sorted(forms))
    return out


@lru_cache(maxsize=None)
def weak_cues() -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in lexicon.lexicon()["kind_weak"].items()}


def party_sector(name: str) -> str:
    """The gazetteer's sector, else one read from the name's last word ("Halden Grid" -> energy)."""
    known = lexicon.sector_of().get(name)
    if known:
        return known
    last = name.split()[-1] if name.split() else ""
    for sector, suffixes in lexicon.lexicon()["sector_suffixes"].items():
        if last in suffixes:
            return sector
    return ""


def words_outside_names(sent: Span) -> list[str]:
    """Lower-cased words, leaving out those inside organisation names ("Meridian Data Centers" is
    no cue for a data-centre deal, "Kestrel Power" none for a power deal)."""
    inside = {i for e in ents_of(sent) if e.label_ == "ORG" for i in range(e.start, e.end)}
    return [t.lower_ for t in sent if not t.is_space and t.i not in inside]


def clouds_own_chips(sent: Span, parties) -> bool:
    """The sentence names a party's own accelerators and that party is a cloud ("Google TPUs")."""
    vendor = {c["name"]: c["vendor"] for c in lexicon.accelerators()}
    return any(e.label_ == "CHIP" and vendor.get(e.kb_id_) in parties and party_sector(vendor[e.kb_id_]) == "cloud"
               for e in ents_of(sent))


def hardware_named(sent: Span) -> bool:
    chip_words = set(lexicon.lexicon()["kind"]["chips_hardware"])
    return any(e.label_ == "CHIP" for e in ents_of(sent)) or any(t.lower_ in chip_words for t in sent)


def party_ents(sent: Span, parties) -> list[Span]:
    return [e for e in ents_of(sent) if e.label_ == "ORG" and e.kb_id_ in parties]


def structure(sent: Span, parties) -> dict[str, float]:
    """Scores from the parse: buying an organisation or a campus is an acquisition; investing in
    an organisation is an investment, investing in building something is a data-centre deal."""
    lex = lexicon.lexicon()["kind"]
    buy = {f for v in lex["acquire_verbs"] for f in lexicon.inflect(v)}
    invest = {f for v in ("invest",) for f in lexicon.inflect(v)}
    sites = set(lex["bought_sites"])
    roles = lexicon.lexicon()["investment_roles"]
    holdings = {"stake", "stakes", "investment", "investments", "holding", "interest"}
    backers = set(roles["investor_nouns"])
    coref = set(lexicon.lexicon()["coref"]["nouns"])
    org_like = lambda g: g.ent_type_ == "ORG" or g.lower_ in coref and any(c.lower_ == "the" for c in g.lefts)
    raising = {f for v in roles["investee_verbs"] for f in lexicon.inflect(v)}
    weak_raising = {f for v in ("secure", "land", "close", "get", "win", "draw") for f in lexicon.inflect(v)}
    money_words = {"funding", "financing", "loan", "loans", "debt", "equity", "investment", "capital", "credit"}
    out = {k: 0.0 for k in PRIORITY}
    for t in sent:
        if t.lower_ in buy and is_verb(t):
            objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass")]
            if any(o.ent_type_ == "ORG" or any(x.ent_type_ == "ORG" for x in o.lefts) for o in objs) or any(
                    o.lower_ in sites for o in objs):
                out["acquisition"] += 8
        if t.lower_ in ("acquisition", "takeover", "purchase", "buyout") and any(
                c.dep_ == "prep" and c.lower_ == "of" and any(g.ent_type_ == "ORG" or g.lower_ in sites for g in c.children)
                for c in t.children):
            out["acquisition"] += 8
        if t.lower_ in holdings | backers and any(c.dep_ == "prep" and c.lower_ == "in" and any(
                g.ent_type_ == "ORG" or t.lower_ in backers and org_like(g) for g in c.children) for c in t.children):
            out["investment"] += 4  # "a $500 million stake in Kestrel Labs", "an investor in the company"
        if t.lower_ in raising and is_verb(t) and any(c.dep_ == "prep" and c.lower_ == "from" and any(
                g.ent_type_ == "ORG" for g in c.children) for c in t.children) and (
                t.lower_ not in weak_raising or any(g.lower_ in money_words for c in t.children if c.dep_ == "dobj"
                                                    for g in c.subtree)):
            out["investment"] += 4  # "Kestrel raised $2 billion from Tolland Partners"
        if t.lower_ in invest:
            targets = [g for c in t.children if c.dep_ == "prep" and c.lower_ == "in" for g in c.children]
            if any(g.ent_type_ == "ORG" for g in targets):
                out["investment"] += 4
            elif targets and not any(org_like(g) for g in targets):  # "in the company" says no more than "invest"
                out["investment"] -= 2
                out["datacenter"] += 2
    return out


def clause_kind(sent: Span, verbs=None) -> str | None:
    """What the sentence's own verb makes the deal: "investment" for an organisation investing in
    another, "compute" for buying, renting or leasing capacity. Deals with different hints stay apart."""
    if structure(sent, set())["investment"] >= 4:
        return "investment"
    lex = lexicon.lexicon()["kind"]
    buy = {f for v in lex["capacity_verbs"] for f in lexicon.inflect(v)}
    things = set(lex["capacity_objects"])
    for t in sent:
        if t.lower_ in buy and is_verb(t):
            objs = [c for c in t.children if c.dep_ == "dobj"]
            objs += [g for o in objs for c in o.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
            if any(o.lower_ in things for o in objs):
                return "compute"
    return None


def main_verbs(sent: Span) -> list:
    """The root verb and the verbs it governs through xcomp ("agreed to build", "plans to lease")."""
    out = []
    for t in sent:
        if t.dep_ == "ROOT":
            stack = [t]
            while stack:
                v = stack.pop()
                out.append(v)
                stack += [c for c in v.children if c.dep_ in ("xcomp", "ccomp") and is_verb(c)]
    return out


def classify_kind(sentences: list[Span], parties: list[str], hint: str | None = None) -> str:
    """Score each kind by its cue words (the sentence that states the deal counts double, weak
    cues such as "campus" little) and by the parties' sectors; buying and ordering only count
    towards `chips` where hardware is named, and hardware only where a chip maker takes part."""
    cues, weak = kind_cues(), weak_cues()
    sectors = {party_sector(p) for p in parties}
    scores = {kind: 0.0 for kind in PRIORITY}
    built = set(lexicon.lexicon()["kind"]["compute_built"])
    for n, sent in enumerate(sentences[:4]):
        w = words_outside_names(sent)
        weight = 2.0 if n == 0 else 1.0
        hardware = hardware_named(sent)
        rented = clouds_own_chips(sent, parties)
        for kind in PRIORITY:
            hits = count(w, list(cues[kind]))
            low = sum(1 for x in w if x in weak.get(kind, ()))
            hits = hits - low + 0.3 * low
            if kind == "chips" and rented:
                kind = "compute"  # a cloud's own chips are rented through its cloud
            elif kind == "chips" and not ("chips" in sectors or "hardware" in sectors and hardware or hardware and n == 0):
                hits = 0
            elif kind == "chips" and not hardware:
                hits = min(hits, 0.5)
            scores[kind] += weight * hits
        if n == 0:
            for kind, v in structure(sent, set(parties)).items():
                scores[kind] += v
            for verb in main_verbs(sent):
                for kind in ("datacenter", "compute", "power", "acquisition"):
                    if verb.lower_ in cues[kind] and verb.lower_ not in weak.get(kind, ()):
                        objects = {c.lower_ for c in verb.children if c.dep_ in ("dobj", "nsubjpass")}
                        # "build a 32,000-GPU cluster for X" provides compute; it builds no campus
                        scores["compute" if kind == "datacenter" and objects & built else kind] += 2
    for sector in sectors:
        kind = SECTOR_PRIOR.get(sector)
        if kind:
            scores[kind] += 1.5
    if hint == "investment":
        scores["investment"] += 3
    scores["compute"] += 1.0
    return max(PRIORITY, key=lambda k: (scores[k], -PRIORITY.index(k)))


def bought_company(sent: Span) -> bool:
    """"CoreWeave is buying Core Scientific": a purchase whose object is an organisation."""
    return structure(sent, set())["acquisition"] >= 8


# --- status ------------------------------------------------------------------------------
def status_words(sent: Span) -> list[str]:
    """Lower-cased words, leaving out "planned" where it only describes a thing that is no deal
    ("its planned stock market listing")."""
    nouns = set(lexicon.lexicon()["deal"]["nouns"])
    return [t.lower_ for t in sent if not t.is_space and not (
        t.lower_ == "planned" and t.dep_ == "amod" and t.head.lower_ not in nouns)]


def announced_by_party(sentences: list[Span], parties) -> bool:
    """A party (or "the company", "the companies") said, announced or disclosed it."""
    said = {"said", "says", "announced", "announces", "disclosed", "confirmed", "confirms", "filed", "unveiled"}
    coref = set(lexicon.lexicon()["coref"]["nouns"]) | {"companies", "two"}
    nouns = set(lexicon.lexicon()["deal"]["nouns"])
    for sent in sentences:
        for t in sent:
            if t.lower_ in said:
                subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
                if any(c.ent_type_ == "ORG" and c.ent_kb_id_ in parties or c.lower_ in coref for c in subj):
                    return True
                if any(c.dep_ == "nsubjpass" and (c.lower_ == "it" or c.lower_ in nouns) for c in subj):
                    return True  # "when it was announced in July", "the deal was disclosed"
    return False


def classify_status(sentences: list[Span], doc, parties=()) -> str:
    cues = lexicon.lexicon()["status"]
    title = next(iter(sents_of(doc)), None)
    if title is not None and not set(parties) <= {e.kb_id_ for e in ents_of(title) if e.label_ == "ORG"}:
        title = None  # a headline about another deal says nothing of this one
    scope = [status_words(s) for s in sentences[:3]] + ([status_words(title)] if title is not None else [])
    if any(count(w, cues["reported"]) for w in scope):
        return "reported"
    if any(count(w, cues["reported_weak"]) for w in scope) and not announced_by_party(sentences[:2], set(parties)):
        return "reported"
    if any(count(w, cues["planned"]) for w in scope[:2]):
        return "planned"
    return "announced"


def is_denied(sentences: list[Span]) -> bool:
    cues = lexicon.lexicon()["status"]["denied"]
    return any(count(words(s), cues) for s in sentences[:2])


# --- roles -------------------------------------------------------------------------------
def _verb_roles(sentences: list[Span], parties) -> dict[str, str]:
    """Roles read from the verbs that govern each party in the deal's first sentences:
    the subject of "rent"/"buy" is a buyer, of "provide"/"supply"/"lease to" a provider; the
    object of "from" a provider, of "to"/"for" under a supplying verb a buyer; the subject of
    "invest"/"fund" an investor, of "build"/"develop" a builder, of "operate" an operator."""
    lex = lexicon.lexicon()["roles"]
    verbs = {role: {f for v in vs for f in lexicon.inflect(v)} for role, vs in lex.items()}
    out: dict[str, str] = {}
    for sent in sentences[:2]:
        for ent in party_ents(sent, parties):
            name, root = ent.kb_id_, ent.root
            if name in out:
                continue
            if root.dep_ in ("nsubj", "nsubjpass"):
                verb = root.head
                chain = [verb] + [c for c in verb.children if c.dep_ in ("xcomp", "conj", "ccomp")]
                own = [r for r, forms in verbs.items() if not r.endswith("_object") and verb.lower_ in forms]
                # the subject's own verb first: "X selected Y to supply GPUs" makes X the buyer
                found = own[:1] or [r for r, forms in verbs.items() if not r.endswith("_object") and any(
                    v.lower_ in forms for v in chain)][:1]
                if found:
                    out[name] = found[0]
            elif root.dep_ == "pobj":
                prep = root.head
                if prep.lower_ == "from":
                    out[name] = "provider"
                elif prep.lower_ == "for":
                    out[name] = "buyer"
                elif prep.lower_ in ("to", "for", "with") and prep.head.lower_ in verbs["provider"]:
                    out[name] = "buyer"
                elif prep.lower_ == "in" and prep.head.lower_ in verbs["investor"]:
                    out[name] = "investee"
            elif root.dep_ in ("dobj", "dative") and root.head.lower_ in verbs["provider"]:
                out[name] = "buyer"
            elif root.dep_ == "dobj" and any(c.dep_ in ("xcomp", "advcl") and c.lower_ in verbs["provider"] and not any(
                    g.dep_ in ("nsubj", "nsubjpass") for g in c.children) for c in root.head.children):
                out[name] = "provider"  # "selected Y to supply 20,000 GPUs"
            elif root.dep_ == "dobj" and root.head.lower_ in verbs["buyer_object"]:
                out[name] = "target"
    return out


def _investment_roles(sentences: list[Span], parties) -> dict[str, str]:
    """Who gives the money and who takes it: the subject of "invest"/"fund" or of buying a stake,
    whoever money comes "from" or a round is "led by", an organisation called a "backer" or
    "lender" gives it; the one invested "in", the subject of "raise"/"secure", the object (or
    the owner of the object) of "finance"/"lend to" takes it."""
    lex = lexicon.lexicon()
    inv = lex["investment_roles"]
    forms = lambda words: {f for w in words for f in lexicon.inflect(w)}
    investor_verbs = forms(lex["roles"]["investor"])
    buying = forms(lex["roles"]["buyer_object"]) | forms(["take"])
    investee_verbs = forms(inv["investee_verbs"])
    investee_after = forms(inv["investee_after"])
    giving = forms(inv["giving_verbs"])
    nouns, holdings = set(inv["investor_nouns"]), set(inv["bought_holdings"])
    out: dict[str, str] = {}
    for sent in sentences[:2]:
        for ent in party_ents(sent, parties):
            name, root = ent.kb_id_, ent.root
            if name in out:
                continue
            if root.dep_ == "poss" and root.head.dep_ in ("dobj", "pobj"):
                root = root.head  # "finance Pellham Builders' campus"
            if root.dep_ in ("nsubj", "nsubjpass"):
                verb = root.head
                chain = [verb] + [c for c in verb.children if c.dep_ in ("xcomp", "conj", "ccomp", "advcl")]
                attrs = {c.lower_ for c in verb.children if c.dep_ in ("attr", "oprd")}
                if root.dep_ == "nsubj" and (any(v.lower_ in investor_verbs for v in chain) or attrs & nouns or any(
                        v.lower_ in buying and any(c.dep_ == "dobj" and c.lower_ in holdings for c in v.children) for v in chain)):
                    out[name] = "investor"
                elif root.dep_ == "nsubj" and any(v.lower_ in investee_verbs for v in chain):
                    out[name] = "investee"
                elif root.dep_ == "nsubjpass" and any(v.lower_ in investor_verbs for v in chain):
                    out[name] = "investee"  # "Kestrel is backed by ..."
            elif root.dep_ == "pobj":
                prep = root.head
                if prep.lower_ in inv["investor_preps"]:
                    out[name] = "investor"
                elif prep.lower_ == "in" and prep.head.lower_ in investee_after:
                    out[name] = "investee"
                elif prep.lower_ == "to" and prep.head.lower_ in giving | forms(["loan", "credit", "financing"]):
                    out[name] = "investee"
            elif root.dep_ in ("dobj", "dative") and root.head.lower_ in giving:
                out[name] = "investee"
    return out


def makers_named(sentences: list[Span]) -> set[str]:
    """Organisations the deal's sentences name as the maker of its hardware ("20,000 Quillon Q7
    accelerators"), not as its owner ("Tidewater's GPUs")."""
    from extract.fields import is_vendor_mention

    out = set()
    for sent in sentences[:3]:
        for e in ents_of(sent):
            after = sent.doc[e.end].text if e.end < len(sent.doc) else ""
            if e.label_ == "ORG" and e.kb_id_ and e.root.dep_ != "poss" and after not in ("'s", "’s") and is_vendor_mention(e):
                out.add(e.kb_id_)
    return out


def assign_roles(sentences: list[Span], parties: list[str], kind: str) -> dict[str, str]:
    """{party: role}: buyer, provider, chip_supplier, investor, investee, builder, operator,
    power_supplier, or target (a company bought)."""
    found = _verb_roles(sentences, set(parties))
    if kind == "investment":
        found = _investment_roles(sentences, set(parties))
    sectors = {p: party_sector(p) for p in parties}
    vendors = {c["vendor"] for c in lexicon.accelerators()} | makers_named(sentences)
    roles: dict[str, str] = {}
    for p in parties:
        role, sector = found.get(p), sectors[p]
        if kind == "investment":
            role = "investor" if role == "investor" or (role is None and sector == "finance") else role
            role = role if role in ("investor", "investee") else None
        elif kind == "acquisition":
            role = role if role in ("buyer", "target", "provider") else None
            role = "seller" if role == "provider" else role
        elif kind == "chips":
            # the subject of "supply"/"deliver" supplies the chips, whatever it makes
            role = "chip_supplier" if role == "provider" or role != "buyer" and (
                sector in ("chips", "hardware") or p in vendors) else "buyer"
        elif kind == "power":
            role = "power_supplier" if sector == "energy" else "buyer"
        elif kind == "datacenter":
            if role not in ("builder", "operator", "buyer", "investor"):
                role = "investor" if sector == "finance" else "buyer" if sector == "ai" else "builder"
        else:
            if role not in ("buyer", "provider"):
                role = "provider" if sector in PROVIDERS else "buyer" if sector == "ai" else None
        roles[p] = role
    counterpart = {"compute": {"provider": "buyer", "buyer": "provider"}, "chips": {"chip_supplier": "buyer", "buyer": "chip_supplier"}}
    said = {p for p in parties if p in found and roles.get(p) in counterpart.get(kind, {})}
    if said and len(set(roles.values())) == 1 and len(roles) > 1:
        # the role a verb gives wins over the one a sector suggests: "a campus it leases from X" makes X
        # the provider and the other party, a neocloud itself, its customer
        role = roles[next(iter(said))]
        roles = {p: r if p in said else counterpart[kind][role] for p, r in roles.items()}
    if kind == "compute" and len(roles) > 1 and all(r == "provider" for r in roles.values()):
        # a hyperscaler signing with a neocloud or data-centre operator is the one buying capacity
        if any(sectors[p] in ("neocloud", "datacenter") for p in parties):
            roles = {p: "buyer" if sectors[p] == "cloud" else r for p, r in roles.items()}
    return _complete(roles, kind)


def _complete(roles: dict[str, str | None], kind: str) -> dict[str, str]:
    """Fill the roles left open with the counterpart of those found."""
    counterpart = {"investment": ("investor", "investee"), "acquisition": ("buyer", "target"),
                   "compute": ("buyer", "provider"), "other": ("buyer", "provider")}
    pair = counterpart.get(kind)
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
