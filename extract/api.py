"""Library entry points: extract deals from documents, one result dict per document."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from extract import EXTRACTOR_VERSION
from extract.deal_features import Article, Cues, article_features, deal_features
from extract.deals.assemble import Assembler
from extract.deals.pairs import pair_candidates
from extract.deals.record import Deal
from extract.deals.rounds import RoundReader
from extract.decisions import NONE, shipped
from extract.figure_features import figure_options
from extract.gate import Gate
from extract.lexicon import Lexicon, load_lexicon
from extract.output import prepare, result
from extract.pipeline import build_nlp
from vocab import FIGURES

__all__ = ["EXTRACTOR_VERSION", "Extractor", "extract_documents"]


class Extractor:
    """A loaded pipeline with its gate and assembler; reuse one for many documents."""

    def __init__(
        self,
        nlp: Language | None = None,
        batch_size: int = 64,
        decisions=None,
        with_features: bool = False,
        lexicon: Lexicon | None = None,
    ):
        """:param decisions: fitted decisions to apply (default: the shipped weights;
            `extract.decisions.NONE` keeps every candidate the rules propose)
        :param with_features: keep each deal's named features in the result (for fitting)
        :param lexicon: the word lists (default: the package's own, as the pipeline reads them)
        """
        self.lexicon = lexicon or load_lexicon()
        self.nlp = nlp or build_nlp()
        self.gate = Gate(self.nlp, self.lexicon)
        self.assembler = Assembler(self.lexicon)
        self.cues = Cues.from_lexicon(self.lexicon)
        self.rounds = RoundReader(self.lexicon)
        self.figure_context = frozenset(self.lexicon.cues["figure"]["context"])
        self.deal_subjects = frozenset(self.lexicon.cues["figure"]["deal_subjects"])
        self.batch_size = batch_size
        self.decisions = shipped() if decisions is None else decisions
        self.with_features = with_features

    def run(self, docs: Iterable[dict]) -> Iterator[dict]:
        """One result per document, in order. A document the extractor fails on gives
        `{"doc_id", "error"}` instead of stopping the others (a poison page costs itself
        only)."""
        docs = iter(docs)
        while batch := list(islice(docs, self.batch_size)):
            try:
                results = self._batch(batch)
            except Exception:  # find the one that fails; the rest still count
                results = [self._one(d) for d in batch]
            yield from results

    def _batch(self, batch: list[dict]) -> list[dict]:
        prepared = [prepare(d, self.lexicon) for d in batch]
        todo = [p for p in prepared if self.gate.passes(p.text)]
        parsed = dict(zip((id(p) for p in todo), self.nlp.pipe(p.text for p in todo)))
        out = []
        for p in prepared:
            doc = parsed.get(id(p))
            deals = self.assembler.assemble(doc, p.title_end) if doc is not None else []
            out.append(result(p, doc, self._decide(doc, deals, p.title_end)))
        return out

    def _decide(self, doc: Doc | None, deals: list[Deal], title_end: int) -> list[Deal]:
        """The deals the fitted decisions keep, with the kind and figures they decide.

        With fitted weights (or when fitting), each pair of organisations a deal sentence
        names is a candidate too; the weights decide which candidates are deals."""
        if doc is None or self.decisions == NONE and not self.with_features:
            return deals
        if self.decisions.keep is not None or self.with_features:
            deals = deals + self.rounds.candidates(self.assembler, doc, title_end, deals)
            deals = deals + pair_candidates(self.assembler, doc, title_end, deals)
        rows = []
        article = Article.read(doc, title_end)
        for deal in deals:
            row = deal.fields()
            row["proposed_by_pairs"] = deal.proposed_by_pairs
            row["raiser_carried"] = deal.raiser_carried
            first = deal.sentences[0] if deal.sentences else None
            row["sentence"] = [first.start, first.end] if first is not None else None
            row["features"] = deal_features(doc, row, deal.sentences, title_end, self.cues, article)
            row["features"] |= deal.kind_cues
            row["figure_options"] = figure_options(
                doc,
                row,
                deal.sentences,
                title_end,
                self.figure_context,
                self.deal_subjects,
                article.named,
            )
            rows.append(row)
        article_features([row["features"] for row in rows])
        decided = {id(row): row for row in self.decisions.apply(rows)}
        out = []
        for deal, row in zip(deals, rows):
            if id(row) not in decided:
                continue
            for name in ("parties", "kind", "status", *FIGURES):
                setattr(deal, name, row[name])
            deal.confidence = row.get("confidence")
            if self.with_features:
                deal.features, deal.figure_options = row["features"], row["figure_options"]
                deal.sentence_span = row["sentence"]
            out.append(deal)
        return out

    def _one(self, doc: dict) -> dict:
        try:
            return self._batch([doc])[0]
        except Exception as exc:
            return {
                "doc_id": str(doc.get("doc_id") or ""),
                "error": f"{type(exc).__name__}: {str(exc)[:300]}",
            }


def _work(chunk: list[dict]) -> list[dict]:
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor()
    return list(_EXTRACTOR.run(chunk))


_EXTRACTOR = None  # one per worker process


def extract_documents(
    docs: Iterable[dict],
    workers: int = 1,
    nlp: Language | None = None,
    chunk_size: int = 64,
    decisions=None,
    with_features: bool = False,
) -> Iterator[dict]:
    """Extract deals from dicts with `doc_id`, `title`, `text`, `published`, in input order.

    :param workers: processes to use; each loads its own pipeline.
    :param nlp: a pipeline from `extract.pipeline.build_nlp()` to reuse (single process only).
    :returns: `{"doc_id", "deals", "entities", "figures"}` per document.
    """
    if workers <= 1 or decisions is not None or with_features:
        yield from Extractor(nlp, decisions=decisions, with_features=with_features).run(docs)
        return

    def chunks():
        it = iter(docs)
        while chunk := list(islice(it, chunk_size)):
            yield chunk

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        for results in pool.imap(_work, chunks()):
            yield from results
