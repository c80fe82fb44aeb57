"""Datasette metadata: titles, descriptions and units of every table and column people read,
facets, sorting, search, canned queries; the log and the index tables hidden."""

from __future__ import annotations

from graph.web.queries import QUERIES
from vocab import CURATION_MARKS, DEAL_FIELDS, KINDS, STATUSES, UNITS

HIDDEN = (
    "events",
    "blobs",
    "projection_positions",
    "deal_search",
    "deal_search_dirty",
    "deal_search_fts",
    "articles_fts",
    "deal_reports_fts",
    "deal_articles",
    "deal_pins",
    "deal_merges",
)

_FIGURES = {
    "gpu_count": f"Number of {UNITS['gpu_count']} (GPUs, TPUs and the like) in the deal",
    "power_mw": f"Power in megawatts ({UNITS['power_mw']})",
    "value_usd": f"Value in US dollars ({UNITS['value_usd']})",
}
_DEAL_COLUMNS = {
    "id": "The deal's id: stable across new reports, re-extraction and replays",
    "party_key": "The parties' keys, for grouping reports of one agreement",
    "parties": "The companies party to the deal (JSON list; aliases resolved)",
    "kind": "What was agreed: " + ", ".join(KINDS),
    "status": "How firm the reports are: " + ", ".join(STATUSES),
    "headline": "1 when an article's headline deal, 0 when mentioned in passing",
    **_FIGURES,
    "chip": "The accelerator named (H100, GB200, MI450, Trainium, TPU, ...)",
    "facility": "The data centre or campus named",
    "location": "Where the facility or the capacity is",
    "first_reported": "The earliest article date (YYYY-MM-DD)",
    "last_reported": "The latest article date (YYYY-MM-DD)",
    "reports": "Reports merged into this deal (one per article and mention)",
    "sources": "Distinct articles reporting the deal",
    "conflicted": "1 when sources disagree about a figure (see deal_figures)",
    "curation": "A person's mark: " + " or ".join(CURATION_MARKS),
    "curation_reason": "Why a person rejected the deal",
    "edited": "The fields a person set by hand (JSON list; they win over every report)",
    "confidence": "The extractor's probability that the deal is real (0 to 1; its surest"
    " report's): on real news, deals above 0.9 were right about nine times in ten",
}


def _table(description: str, columns: dict[str, str], **extra) -> dict:
    return {"description": description, "columns": columns, **extra}


TABLES = {
    "deals": _table(
        "One row per agreement, merged from every report of it. Search finds a deal by a"
        " word of its evidence or a party's name.",
        _DEAL_COLUMNS,
        facets=["kind", "status", "chip", {"array": "parties"}],
        sortable_columns=[
            "gpu_count",
            "power_mw",
            "value_usd",
            "first_reported",
            "last_reported",
            "reports",
            "sources",
            "confidence",
        ],
        sort_desc="first_reported",
        fts_table="deal_search_fts",
        fts_pk="rowid",
        units={"power_mw": "MW"},
        label_column="parties",
    ),
    "deal_parties": _table(
        "Who is party to each deal, and in which role.",
        {
            "deal_id": "The deal",
            "company_key": "The company's key (see companies)",
            "role": "buyer, provider, chip_supplier, power_supplier, investor, investee, target,"
            " seller, builder or operator",
        },
        facets=["role"],
    ),
    "deal_figures": _table(
        "Every figure every source stated for a deal: its history.",
        {
            "deal_id": "The deal",
            "field": "gpu_count, power_mw or value_usd",
            "value": "The figure, in the field's unit (accelerators, MW, USD)",
            "reported": "The article's date",
            "doc_id": "The extracted document",
            "url": "The article",
            "conflicting": "1 when it disagrees with another source",
        },
        facets=["field"],
    ),
    "deal_reports": _table(
        "Each deal as one article stated it, with its evidence.",
        {
            "rid": "Report number",
            "doc_id": "The extracted document",
            "idx": "Position among the article's deals",
            "parties": "Parties as written",
            **{
                k: v
                for k, v in _DEAL_COLUMNS.items()
                if k in {"party_key", *DEAL_FIELDS} - {"parties", "roles"}
            },
            "roles": "Role of each party (JSON)",
            "evidence": "The sentences the deal was read from, with character offsets (JSON)",
            "deal_id": "The deal this report was merged into",
            "uid": "The report's lineage (extraction event.index), kept through re-extraction",
            "home": "The first deal this report belonged to",
            "cohort": "The `deals run` that first stated it",
            "confidence": "The extractor's probability that this report is a deal (0 to 1)",
        },
        units={"power_mw": "MW"},
    ),
    "deal_ids": _table(
        "Every deal id ever shown and what it names now.",
        {
            "id": "The id",
            "state": "live, merged (into another deal), legacy (an id of the"
            " earlier content-hash scheme) or gone (no report left)",
            "into_id": "The deal a merged or legacy id leads to",
            "how": "reports, person, split, run or legacy: what gave it its state",
            "founded_seq": "The extraction event of the report that founded it",
            "founded_idx": "That report's position in the event",
            "split_from": "Split off this deal",
            "changed_seq": "The event that last changed it",
        },
        facets=["state", "how"],
    ),
    "deal_history": _table(
        "What people did to deals, and what reports did to their ids.",
        {
            "seq": "The event",
            "at": "When (UTC)",
            "deal_id": "The deal",
            "other": "The other deal (merged into, split off)",
            "action": "confirmed, rejected, unrejected, edited, merged, unmerged, split, gone,"
            " revived or renamed",
            "by": "person or reports",
            "reason": "Why, as the person said",
            "detail": "What changed (JSON)",
        },
        facets=["action", "by"],
    ),
    "deal_overrides": _table(
        "Values a person set on a deal; they win over every report.",
        {
            "deal_id": "The deal",
            "field": "The field (role:KEY for a party's role)",
            "value": "The value (JSON)",
            "seq": "The edit event",
        },
    ),
    "deal_docs": _table(
        "Documents the extractor has read.",
        {
            "doc_id": "The document",
            "url": "The article",
            "first_seq": "First event",
            "seq": "Latest event",
            "extractor_version": "Extractor that read it last",
            "extracted_on": "First extracted (YYYY-MM-DD)",
            "published": "Article date",
        },
    ),
    "deal_curation": _table(
        "People's marks on deals (events: they survive replays).",
        {
            "deal_id": "The deal",
            "action": "confirmed or rejected",
            "reason": "Why",
            "seq": "The curation event",
        },
    ),
    "companies": _table(
        "Companies with deals or named by the extractor.",
        {
            "key": "Case- and suffix-insensitive key",
            "name": "The name shown",
            "parent": "The parent company's key",
        },
        label_column="name",
    ),
    "company_aliases": _table(
        "Other names of companies: spelled out by articles or merged by a person.",
        {
            "alias_key": "Key of the other name",
            "alias": "The other name",
            "canonical_key": "The company it stands for",
            "how": "seen (in articles) or merged",
        },
        facets=["how"],
    ),
    "facilities": _table(
        "Data centres and campuses named in deals.",
        {"key": "Key", "name": "Name", "location": "Where", "operator": "Who runs it"},
    ),
    "chips": _table(
        "Accelerators named in deals.", {"key": "Key", "name": "Name", "vendor": "Who makes it"}
    ),
    "articles": _table(
        "Articles as parsed. Search covers title and text.",
        {
            "id": "Article number",
            "url": "Where it was fetched",
            "title": "Headline",
            "published": "Publication date",
            "source": "The source (see sources.toml)",
            "language": "Detected language",
            "parser_version": "Parser that read it",
        },
        fts_table="articles_fts",
        fts_pk="id",
        facets=["source"],
        sort_desc="published",
    ),
    "pages": _table(
        "Pages the crawler stored (for conditional and incremental crawls).",
        {
            "url": "Requested URL",
            "source": "The source",
            "final_url": "After redirects",
            "status": "HTTP status",
            "content_type": "Content-Type",
            "etag": "ETag",
            "last_modified": "Last-Modified",
            "sha256": "Body hash (the blob)",
            "fetched_at": "When fetched (UTC)",
            "title": "Parsed title",
            "published": "Parsed date",
            "language": "Detected language",
            "parser_version": "Parser",
            "fetch_seq": "Fetch event",
            "parse_seq": "Parse event",
        },
        facets=["source"],
    ),
    "crawl_runs": _table(
        "Crawl runs and how each source did.",
        {
            "run_id": "Run",
            "started_at": "Started (UTC)",
            "finished_at": "Finished (UTC)",
            "outcome": "ok, partial or failed",
            "sources": "Per-source results (JSON)",
        },
    ),
    "source_health": _table(
        "Each source's record over the crawls.",
        {
            "source": "The source",
            "runs": "Crawls that tried it",
            "last_success": "Last reached (UTC)",
            "last_failure": "Last failed (UTC)",
            "last_error": "Its error",
            "consecutive_failures": "Failures in a row",
            "runs_without_new": "Crawls in a row with no new article",
            "last_new": "Last new article (UTC)",
            "articles": "New articles in all",
        },
    ),
}


def metadata(database: str) -> dict:
    """The metadata for a database that Datasette names `database`."""
    tables = {name: dict(table) for name, table in TABLES.items()}
    tables.update({name: {"hidden": True} for name in HIDDEN})
    return {
        "title": "AI compute deals",
        "description_html": (
            "Who buys how many accelerators from whom, how many megawatts, for how much and"
            " where, read from the news with every fact's source sentence. Start with"
            f' <a href="/{database}/deals">the deals</a> (facets, search, sorting) or a'
            f' <a href="/{database}#queries">canned query</a>; every deal and company has'
            " its own page."
        ),
        "source": "the deals event log (read-only)",
        "databases": {
            database: {
                "description": "Read tables projected from the event log; `deals replay` rebuilds"
                " them. The log itself is hidden.",
                "tables": tables,
                "queries": QUERIES,
            }
        },
    }
