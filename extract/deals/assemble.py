"""Deal assembly: from an annotated Doc to `Deal` records with parties, kind, status, roles,
figures, chip, place and evidence.

The candidates reader proposes deals and the sentences about each; a deal whose parties deny it
is dropped; the others are read for their kind, fields, status and roles.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from extract.deals.candidates import Candidate, CandidateFinder, plural, sentences
from extract.deals.chip import ChipPicker
from extract.deals.figures import FigurePicker
from extract.deals.kind import KindClassifier
from extract.deals.place import PlacePicker, join_places
from extract.deals.record import Deal, Fields
from extract.deals.roles import RoleAssigner
from extract.deals.sectors import Sectors
from extract.deals.status import StatusClassifier
from extract.deals.syntax import Syntax
from extract.lexicon import Lexicon


class Assembler:
    """The deal readers wired once over a lexicon; `assemble(doc, title_end)` reads a
    document's deals."""

    def __init__(self, lexicon: Lexicon):
        words = lexicon["location"]
        sites = lexicon["sites"]
        self.syntax = Syntax(lexicon)
        sectors = Sectors(lexicon)
        self.kinds = KindClassifier(lexicon, sectors)
        self.candidates = CandidateFinder(lexicon, self.syntax, self.kinds)
        self.figures = FigurePicker(lexicon, self.syntax)
        self.chips = ChipPicker(lexicon, self.syntax, self.figures)
        self.places = PlacePicker(lexicon, self.syntax)
        self.status = StatusClassifier(lexicon)
        self.roles = RoleAssigner(lexicon, self.syntax, sectors)
        self.dateline_kinds = set(words["dateline_kinds"])
        self.site_kinds = set(words["site_kinds"])
        self.site_words = {w for n in sites["nouns"] if " " not in n for w in (n, plural(n))} | set(
            sites["extra_plurals"]
        )

    def assemble(self, doc: Doc, title_end: int) -> list[Deal]:
        """The deals of a document, in the order the text states them.

        :param title_end: characters of the text that are the title (0 when there is none).
        """
        out = []
        for deal in self.candidates.find(doc, sentences(doc)):
            if self.status.is_denied(deal.sentences):
                continue
            out.append(self.read(doc, deal, title_end))
        return out

    def pick_fields(
        self,
        sentences: list[Span],
        parties: set[str] = frozenset(),
        kind: str | None = None,
        doc: Doc | None = None,
    ) -> Fields:
        figures, places = self.figures, self.places
        count = figures.first(sentences, "count", parties, kind)
        facility = places.facility(sentences, parties)
        location = (
            places.location(sentences, parties)
            or places.site_location(facility, doc)
            or places.known_facility_location(facility, doc)
        )
        return Fields(
            gpu_count=int(count) if count else None,
            power_mw=figures.first(sentences, "power", parties, kind),
            value_usd=figures.first(sentences, "money", parties, kind),
            chip=self.chips.pick(sentences, parties, kind),
            facility=facility,
            location=location,
        )

    def site_place(self, deal: Candidate, parties: set[str]) -> str | None:
        """A deal about sites whose sentences name no place: the place of the sites in the next
        sentences that speak of sites and name no other organisation ("the first data centres
        are under construction in Abilene, Texas")."""
        doc = deal.sentences[0].doc
        sents = [s for s in sentences(doc) if s.start >= deal.sentences[0].end][:8]
        for sent in sents:
            first = next((t for t in sent if not t.is_space and not t.is_punct), None)
            if first is not None and first.lower_ in self.candidates.topic_shifts:
                continue  # "Separately, X unveiled a site in West Texas"
            if not set(self.candidates.named(sent)) <= parties or not any(
                t.lower_ in self.site_words for t in sent
            ):
                continue
            found = self.places.places_in(sent, parties)
            if found:
                return join_places([sent], found[:4])
        return None

    def read(self, doc: Doc, deal: Candidate, title_end: int) -> Deal:
        parties = sorted(deal.parties, key=str.lower)
        scope = (
            deal.sentences[:1]
            + [s for s in deal.lead if s not in deal.sentences]
            + deal.sentences[1:]
        )
        kind, kind_cues = self.kinds.classify(deal.sentences, parties, hint=deal.kind_hint)
        fields = self.pick_fields(scope, set(parties), kind, doc)
        if fields.location is None and kind in self.site_kinds:
            fields.location = self.site_place(deal, set(parties))
        if fields.location is None and (kind in self.dateline_kinds or fields.facility):
            fields.location = self.places.dateline_place(doc, title_end)
        first = deal.sentences[0]
        return Deal(
            headline=first.start_char < title_end or deal.born <= 3,
            parties=parties,
            kind=kind,
            gpu_count=fields.gpu_count,
            chip=fields.chip,
            power_mw=fields.power_mw,
            value_usd=fields.value_usd,
            facility=fields.facility,
            location=fields.location,
            status=self.status.classify(deal.sentences, doc, parties),
            roles=self.roles.assign(deal.sentences, parties, kind),
            sentences=scope,
            kind_cues=kind_cues,
        )
