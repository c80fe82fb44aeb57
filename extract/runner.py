"""`deals extract`: run the extractor over the parsed articles in the event store.

Reads `ArticleParsed` events, skips articles the current extractor version has already done
(unless re-extracting), and appends one `DealsExtracted` event per article on the article's
stream. Event ids are deterministic, so a re-run or a crash part-way never duplicates a fact.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from extract import EXTRACTOR_VERSION
from store import NewEvent, Store
from store.faults import crash_point

BATCH = 50


class Pending:
    """The articles still to extract: counted up front, their texts read from the log one at a
    time when iterated, so a large backlog never sits in memory."""

    def __init__(self, store: Store, reextract: bool = False, version: str = EXTRACTOR_VERSION):
        done = set()
        if not reextract:  # a page this version failed on waits for the next version
            done = {
                e.stream
                for e in store.read(types=["DealsExtracted", "ExtractionFailed"])
                if str(e.data.get("extractor_version")) == version
            }
        self._store = store
        self._latest = {
            stream: seq  # stream -> position of its newest parse
            for stream, seq in store.latest_positions("ArticleParsed").items()
            if stream not in done
        }

    def __len__(self) -> int:
        return len(self._latest)

    def __iter__(self) -> Iterator[tuple[str, dict]]:
        """(stream, ArticleParsed data), in log order."""
        for event in self._store.read(types=["ArticleParsed"]):
            if self._latest.get(event.stream) == event.seq:
                yield event.stream, event.data


def pending_articles(
    store: Store, reextract: bool = False, version: str = EXTRACTOR_VERSION
) -> Pending:
    """The newest parse of each article the extractor `version` has not done yet."""
    return Pending(store, reextract, version)


def to_document(data: dict) -> dict:
    return {
        "doc_id": data["url"],
        "title": data.get("title"),
        "text": data.get("text") or "",
        "published": data.get("published"),
    }


def to_event(
    stream: str, article: dict, result: dict, version: str = EXTRACTOR_VERSION
) -> NewEvent:
    if "error" in result:
        return NewEvent(
            "ExtractionFailed",
            stream,
            {
                "doc_id": result["doc_id"],
                "url": article["url"],
                "extractor_version": version,
                "error": result["error"],
            },
        )
    return NewEvent(
        "DealsExtracted",
        stream,
        {
            "doc_id": result["doc_id"],
            "url": article["url"],
            "extractor_version": version,
            "published": article.get("published"),
            "deals": result["deals"],
            "entities": result["entities"],
            "figures": result["figures"],
        },
    )


def extract_store(
    store: Store,
    reextract: bool = False,
    workers: int = 1,
    nlp=None,
    progress: Callable[[int], None] | None = None,
    todo: Pending | None = None,
    run_id: str | None = None,
) -> dict:
    """Extract every pending article and append the results; returns counts for the summary line.

    :param progress: called with the number of articles finished since the last call.
    :param todo: the articles from `pending_articles()`, when the caller already has them.
    :param run_id: the `deals run` the events belong to, kept in their meta.
    """
    # here, not at the top: counting what is pending (the cron job's plan) loads no model
    from extract.api import extract_documents

    todo = pending_articles(store, reextract) if todo is None else todo
    waiting: deque[tuple[str, dict]] = deque()  # read but not yet extracted (the read-ahead)

    def documents():
        for stream, article in todo:
            waiting.append((stream, article))
            yield to_document(article)

    results = extract_documents(documents(), workers=workers, nlp=nlp)
    articles = deals = failed = 0
    for batch in _batches(((waiting.popleft(), result) for result in results), BATCH):
        with store.transaction():
            store.append(
                [to_event(stream, article, result) for (stream, article), result in batch],
                meta={"run_id": run_id} if run_id else None,
            )
            crash_point("extract")
        articles += len(batch)
        failed += sum("error" in result for _, result in batch)
        deals += sum(len(result.get("deals", ())) for _, result in batch)
        if progress:
            progress(len(batch))
    return {
        "articles": articles,
        "deals": deals,
        "failed": failed,
        "pending": len(todo),
        "extractor_version": EXTRACTOR_VERSION,
    }


def _batches(items, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
