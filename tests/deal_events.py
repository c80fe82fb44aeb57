"""Building DealsExtracted and ArticleParsed events by hand, as the extractor would append them."""

from store import NewEvent


def url_of(doc: str) -> str:
    return f"https://news.test/{doc}"


def deal(*parties, kind="compute", evidence=None, **fields) -> dict:
    return {
        "parties": list(parties),
        "kind": kind,
        "headline": True,
        "status": "announced",
        "evidence": [
            {
                "text": evidence or f"{' and '.join(parties)} signed a {kind} deal.",
                "start": 0,
                "end": 40,
            }
        ],
        **fields,
    }


def extracted(doc: str, *deals, version="1", published=None, entities=()) -> NewEvent:
    data = {
        "doc_id": doc,
        "url": url_of(doc),
        "extractor_version": version,
        "deals": list(deals),
        "entities": list(entities),
        "figures": [],
    }
    if published:
        data["published"] = published
    return NewEvent("DealsExtracted", f"doc:{url_of(doc)}", data)


def article(doc: str, published: str, title="A deal", text="", source="wire") -> NewEvent:
    return NewEvent(
        "ArticleParsed",
        f"doc:{url_of(doc)}",
        {
            "url": url_of(doc),
            "title": title,
            "text": text,
            "published": published,
            "authors": [],
            "language": "en",
            "canonical_url": url_of(doc),
            "parser_version": "1",
            "source": source,
        },
    )


def curation(kind: str, at: str = "2025-06-01T00:00:00+00:00", **data) -> NewEvent:
    stream = "curation:companies" if kind == "AliasMerged" else f"deal:{data['deal_id']}"
    return NewEvent(kind, stream, {**data, "at": at})
