"""Funding rounds whose investors are listed apart from the company that raised the money.

News about a round names the company that raised in the title or the lede ("Kestrel raises
$1.2 billion") and lists the investors in a later sentence that does not name it again ("The
round was led by A and B, with C and D joining"). Such a sentence ties no organisation to the
raiser, so the candidate rules see investors dealing with each other. Here the raiser is
carried over: each sentence that speaks of a round and names investors but not the raiser
becomes a candidate deal of the raiser with every investor it names, marked as such; the
fitted weights decide whether it is a deal. A sentence whose raiser is only described ("the
company has raised $100 million from A, B and C") takes the article's most named organisation
it does not name.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span

from extract.deals.assemble import Assembler
from extract.deals.candidates import Candidate, sentences
from extract.deals.record import Deal
from extract.deals.syntax import org_of_tokens
from extract.lexicon import Lexicon

MAX_INVESTORS = 15  # a longer list is a table of holdings, not a round


class RoundReader:
    """Holds the words of raising money; `candidates()` gives a document's round deals."""

    def __init__(self, lexicon: Lexicon):
        roles = lexicon["investment_roles"]
        self.raise_verbs = lexicon.forms(roles["investee_verbs"])
        self.round_nouns = frozenset(lexicon["rounds"]["nouns"])
        self.relatives = frozenset(lexicon["rounds"]["relatives"])
        self.pronouns = frozenset(lexicon["rounds"]["pronouns"])
        self.descriptions = frozenset(lexicon["coref"]["nouns"])

    def speaks_of_round(self, sent: Span) -> bool:
        return any(t.lower_ in self.round_nouns for t in sent)

    def raiser(self, sent: Span) -> str | None:
        """The organisation a sentence says raised money: the subject of a raising verb
        with an amount or a round ("Kestrel raises $1.2 billion", "Kestrel, which closed its
        Series C", "Kestrel said it had secured $1.2 billion"), or the owner of a round
        ("Kestrel's round")."""
        org_of = org_of_tokens(sent)
        for t in sent:
            if t.dep_ == "poss" and t.i in org_of and t.head.lower_ in self.round_nouns:
                return org_of[t.i]
            if not (
                t.dep_ == "nsubj"
                and t.head.lower_ in self.raise_verbs
                and any(
                    x.ent_type_ == "MONEY" or x.lower_ in self.round_nouns for x in t.head.subtree
                )
            ):
                continue
            verb = t.head
            if t.i in org_of:
                return org_of[t.i]
            if t.lower_ in self.relatives and verb.dep_ == "relcl" and verb.head.i in org_of:
                return org_of[verb.head.i]  # "Kestrel, which secured ..."
            if t.lower_ in self.pronouns:
                said = [x for x in sent if x.i < t.i and x.dep_ == "nsubj" and x.i in org_of]
                if said:
                    return org_of[said[-1].i]  # "Kestrel said on Monday it raised ..."
        return None

    def raised_by_description(self, sent: Span) -> bool:
        """The sentence says "the company" or "it" raised money without naming it ("the
        company has raised $100 million from investors like A, B and C")."""
        org_of = org_of_tokens(sent)
        for t in sent:
            if (
                t.dep_ == "nsubj"
                and t.i not in org_of
                and t.head.lower_ in self.raise_verbs
                and (
                    t.lower_ in self.descriptions
                    and any(c.lower_ == "the" for c in t.lefts)
                    or t.lower_ in self.pronouns
                    and not any(x.i in org_of for x in sent if x.i < t.i)
                )
                and any(x.ent_type_ == "MONEY" for x in t.head.subtree)
            ):
                return True
        return False

    def candidates(
        self, assembler: Assembler, doc: Doc, title_end: int, proposed: list[Deal]
    ) -> list[Deal]:
        """A deal of the raiser last named with every investor of each later sentence about
        its round, unless a proposed deal already covers them."""
        finder = assembler.candidates
        taken = [set(d.parties) for d in proposed]
        raiser = None
        out = []
        named: Counter[str] = Counter()  # the organisations named before, how often
        for i, sent in enumerate(sentences(doc)):
            here = self.raiser(sent)
            in_sentence = set(finder.named(sent))
            named.update(in_sentence)
            if here is not None:
                raiser = here
                continue  # the rules read a sentence that names the raiser itself
            if self.raised_by_description(sent):
                # "the company" is the article's most named organisation this sentence
                # does not name
                before = [n for n, _ in named.most_common() if n not in in_sentence]
                raiser = before[0] if before else raiser
            if raiser is None or not self.speaks_of_round(sent):
                continue
            investors = sorted(in_sentence - {raiser})
            if not 1 <= len(investors) <= MAX_INVESTORS:
                continue
            parties = [raiser, *investors]
            if any(set(parties) <= t for t in taken):
                continue
            candidate = Candidate(parties=parties, sentences=[sent], born=i, kind_hint="investment")
            deal = assembler.read(doc, candidate, title_end)
            deal.kind = "investment"  # a round, whatever chips its investors make
            deal.raiser_carried = True
            out.append(deal)
            taken.append(set(parties))
        return out
