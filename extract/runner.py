"""`deals extract`: run the extractor over the parsed articles in the event store.

Reads `ArticleParsed` events, skips articles the current extractor version has already done
(unless re-extracting), and appends one `DealsExtracted` event per article on the article's
stream. Event ids are deterministic, so a re-run or a crash part-way never duplicates a fact.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from extract import EXTRACTOR_VERSION
from store import NewEvent, Store
from store.faults import crash_point

BATCH = 50


def pending_articles(store: Store, reextract: bool = False, version: str = EXTRACTOR_VERSION) -> list[tuple[str, dict]]:
    """(stream, ArticleParsed data) of the newest parse of each article still to extract."""
    done = set()
    if not reextract:
        done = {e.stream for e in store.read(types=["DealsExtracted"])
                if str(e.data.get("extractor_version")) == version}
    latest: dict[str, dict] = {}
    for event in store.read(types=["ArticleParsed"]):
        latest[event.stream] = event.data
    return [(stream, data) for stream, data in latest.items() if stream not in done]


def to_document(data: dict) -> dict:
    return {"doc_id": data["url"], "title": data.get("title"), "text": data.get("text") or "",
            "published": data.get("published")}


def to_event(stream: str, article: dict, result: dict, version: str = EXTRACTOR_VERSION) -> NewEvent:
    return NewEvent("DealsExtracted", stream, {
        "doc_id": result["doc_id"], "url": article["url"], "extractor_version": version,
        "published": article.get("published"), "deals": result["deals"],
        "entities": result["entities"], "figures": result["figures"]})


def extract_store(store: Store, reextract: bool = False, workers: int = 1, nlp=None,
                  progress: Callable[[int], None] | None = None, todo: list | None = None,
                  run_id: str | None = None) -> dict:
    """Extract every pending article and append the results; returns counts for the summary line.

    :param progress: called with the number of articles finished since the last call.
    :param todo: the articles from `pending_articles()`, when the caller already has them.
    :param run_id: the `deals run` the events belong to, kept in their meta.
    """
    from extract.api import extract_documents

    todo = pending_articles(store, reextract) if todo is None else todo
    results = extract_documents((to_document(a) for _, a in todo), workers=workers, nlp=nlp)
    articles = deals = 0
    for batch in _batches(zip(todo, results), BATCH):
        with store.transaction():
            store.append([to_event(stream, article, result)
                          for (stream, article), result in batch],
                         meta={"run_id": run_id} if run_id else None)
            crash_point("extract")
        articles += len(batch)
        deals += sum(len(result["deals"]) for _, result in batch)
        if progress:
            progress(len(batch))
    return {"articles": articles, "deals": deals, "pending": len(todo), "extractor_version": EXTRACTOR_VERSION}


def _batches(items, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
