"""Library entry points: extract deals from documents, one result dict per document."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from extract import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION", "Extractor", "extract_documents"]


class Extractor:
    """A loaded pipeline with its gate and assembler; reuse one for many documents."""

    def __init__(self, nlp=None, batch_size: int = 64, decisions=None,
                 with_features: bool = False):
        """:param decisions: fitted decisions to apply (default: the shipped weights;
            `extract.decisions.NONE` keeps every candidate the rules propose)
        :param with_features: keep each deal's named features in the result (for fitting)
        """
        from extract.assemble import Assembler
        from extract.decisions import shipped
        from extract.gate import Gate
        from extract.pipeline import build_nlp

        self.nlp = nlp or build_nlp()
        self.gate = Gate(self.nlp)
        self.assembler = Assembler()
        self.batch_size = batch_size
        self.decisions = shipped() if decisions is None else decisions
        self.with_features = with_features

    def run(self, docs: Iterable[dict]) -> Iterator[dict]:
        """One result per document, in order. A document the extractor fails on gives
        `{"doc_id", "error"}` instead of stopping the others (a poison page costs itself only)."""
        docs = iter(docs)
        while batch := list(islice(docs, self.batch_size)):
            try:
                results = self._batch(batch)
            except Exception:  # find the one that fails; the rest still count
                results = [self._one(d) for d in batch]
            yield from results

    def _batch(self, batch: list[dict]) -> list[dict]:
        from extract.output import prepare, result

        prepared = [prepare(d) for d in batch]
        todo = [p for p in prepared if self.gate.passes(p.text)]
        parsed = dict(zip((id(p) for p in todo), self.nlp.pipe(p.text for p in todo)))
        out = []
        for p in prepared:
            doc = parsed.get(id(p))
            deals = self.assembler.assemble(doc, p.title_end) if doc is not None else []
            out.append(result(p, doc, self._decide(doc, deals, p.title_end)))
        return out

    def _decide(self, doc, deals: list[dict], title_end: int) -> list[dict]:
        from extract.deal_features import deal_features
        from extract.decisions import NONE

        if not deals or (self.decisions == NONE and not self.with_features):
            return deals
        for deal in deals:
            deal["features"] = deal_features(doc, deal, deal.get("_sentences", []), title_end)
        kept = self.decisions.apply(deals)
        if not self.with_features:
            for deal in kept:
                del deal["features"]
        return kept

    def _one(self, doc: dict) -> dict:
        try:
            return self._batch([doc])[0]
        except Exception as exc:
            return {"doc_id": str(doc.get("doc_id") or ""),
                    "error": f"{type(exc).__name__}: {str(exc)[:300]}"}


def _work(chunk: list[dict]) -> list[dict]:
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor()
    return list(_EXTRACTOR.run(chunk))


_EXTRACTOR = None


def extract_documents(docs: Iterable[dict], workers: int = 1, nlp=None, chunk_size: int = 64,
                      decisions=None, with_features: bool = False) -> Iterator[dict]:
    """Extract deals from dicts with `doc_id`, `title`, `text`, `published`, in input order.

    :param workers: processes to use; each loads its own pipeline.
    :param nlp: a pipeline from `extract.pipeline.build_nlp()` to reuse (single process only).
    :returns: `{"doc_id", "deals", "entities", "figures"}` per document.
    """
    if workers <= 1 or decisions is not None or with_features:
        yield from Extractor(nlp, decisions=decisions, with_features=with_features).run(docs)
        return
    import multiprocessing

    def chunks():
        it = iter(docs)
        while chunk := list(islice(it, chunk_size)):
            yield chunk

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        for results in pool.imap(_work, chunks()):
            yield from results
