"""The records the deal readers hand on: a deal as the output shows it, and the figures, chip
and place picked for one."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span

from vocab import DEAL_FIELDS


@dataclass
class Fields:
    gpu_count: int | None = None
    power_mw: float | None = None
    value_usd: float | None = None
    chip: str | None = None
    facility: str | None = None
    location: str | None = None


@dataclass
class Deal:
    """One deal read off a document: the fields of `vocab.DEAL_FIELDS`, the sentences that state
    it (its evidence, in order of authority) and, when a fitted decision asks for them, its
    named features."""

    headline: bool
    parties: list[str]
    kind: str
    gpu_count: int | None
    chip: str | None
    power_mw: float | None
    value_usd: float | None
    facility: str | None
    location: str | None
    status: str
    roles: dict[str, str]
    sentences: list[Span] = field(default_factory=list, repr=False)
    features: dict[str, float] | None = None
    kind_cues: dict[str, float] = field(default_factory=dict)  # the parse cues of its kind
    # for each figure field, every amount of its kind in the article with its named features
    figure_options: dict[str, list] | None = None
    sentence_span: list[int] | None = None  # tokens of the sentence that founded it
    proposed_by_pairs: bool = False  # a pair of names in one sentence, not a rule's candidate
    raiser_carried: bool = False  # a round's investors with the raiser named earlier
    # the keep decision's probability that this is a deal; None when no fitted decision ran
    confidence: float | None = None

    def fields(self) -> dict:
        """The deal's `vocab.DEAL_FIELDS`, by name, in that order."""
        return {name: getattr(self, name) for name in DEAL_FIELDS}
