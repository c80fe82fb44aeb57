"""Event types: one registry, a schema version each, and upcasters for older shapes.

An event's id is derived from its type, stream and data, never from when or by whom it was
recorded, so appending the same fact twice is a no-op.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    required: tuple[str, ...] = ()
    # upcasters[v] turns data of version v into version v + 1
    upcasters: dict[int, Callable[[dict], dict]] = field(default_factory=dict)
    doc: str = ""

    def upcast(self, data: dict, version: int) -> dict:
        while version < self.version:
            data = self.upcasters[version](dict(data))
            version += 1
        return data


REGISTRY: dict[str, EventType] = {}


def register(event_type: EventType) -> EventType:
    REGISTRY[event_type.name] = event_type
    return event_type


def _fetched_v1_to_v2(data: dict) -> dict:
    # v1 named the body hash `body_hash` and had no final URL.
    data["sha256"] = data.pop("body_hash", None)
    data.setdefault("final_url", data.get("url"))
    return data


register(
    EventType(
        "DocumentFetched",
        2,
        ("source", "url", "final_url", "status", "sha256"),
        {1: _fetched_v1_to_v2},
        "A page was downloaded; its raw body is a blob named by sha256.",
    )
)
register(
    EventType(
        "ArticleParsed",
        1,
        ("url", "title", "text", "parser_version"),
        doc="Main text and metadata parsed from a fetched page.",
    )
)
register(
    EventType(
        "ParseFailed",
        1,
        ("url", "sha256", "parser_version", "error_type", "message"),
        doc="The parser raised on one fetched body; that parser version skips it from then on.",
    )
)
register(
    EventType(
        "ArchiveImported",
        1,
        ("fingerprint", "file", "offset", "done"),
        doc="`deals import-warc` reached a record boundary of one archive file (byte offset),"
        " everything before it stored; done when the file was read to its end.",
    )
)
register(
    EventType(
        "PageOffTopic",
        1,
        ("url", "sha256"),
        doc="A page of a source with the keyword prefilter named no compute or no deal: not stored,"
        " and not asked for again unless `--refresh`.",
    )
)
register(EventType("CrawlStarted", 1, ("run_id",), doc="A crawl run began."))
register(
    EventType(
        "CrawlFinished",
        1,
        ("run_id", "sources"),
        doc="A crawl run ended, with per-source counts.",
    )
)
register(
    EventType(
        "DealsExtracted",
        1,
        ("doc_id", "extractor_version", "deals"),
        doc="The deals one extractor version found in one article.",
    )
)
register(
    EventType(
        "ExtractionFailed",
        1,
        ("doc_id", "extractor_version", "error"),
        doc="The extractor failed on one article; that version skips it from then on.",
    )
)
register(
    EventType("AliasMerged", 1, ("alias", "canonical"), doc="Curation: two names are one company.")
)
register(
    EventType(
        "AliasUnmerged",
        1,
        ("alias",),
        doc="Curation: a name merged by a person is its own company again.",
    )
)
register(EventType("DealRejected", 1, ("deal_id",), doc="Curation: a false deal."))
register(EventType("DealConfirmed", 1, ("deal_id",), doc="Curation: a deal checked by a person."))
register(
    EventType(
        "DealUnrejected",
        1,
        ("deal_id",),
        doc="Curation: a rejection withdrawn; the deal is back in queries.",
    )
)
register(
    EventType(
        "DealEdited",
        1,
        ("deal_id",),
        doc="Curation: values a person set (`set`, `roles`) or handed back to the"
        " reports (`clear`); a value set wins over every report.",
    )
)
register(
    EventType(
        "DealMerged",
        1,
        ("deal_id", "into"),
        doc="Curation: two deals are one agreement; `into` keeps its id and"
        " `deal_id` resolves to it.",
    )
)
register(
    EventType(
        "DealUnmerged",
        1,
        ("deal_id",),
        doc="Curation: a merged deal is its own agreement again, with its reports.",
    )
)
register(
    EventType(
        "DealSplit",
        1,
        ("deal_id", "articles", "new_id"),
        doc="Curation: the reports of `articles` are another agreement, `new_id`.",
    )
)
register(
    EventType("WatchCheckpointed", 1, ("seq",), doc="`deals watch` reported changes up to seq.")
)
register(EventType("RunStarted", 1, ("run_id",), doc="`deals run` began."))
register(EventType("RunFinished", 1, ("run_id",), doc="`deals run` ended, with its summary."))


@dataclass(frozen=True)
class NewEvent:
    """An event not yet in the log."""

    type: str
    stream: str
    data: dict

    def __post_init__(self):
        event_type = REGISTRY.get(self.type)
        if event_type is None:
            raise ValueError(f"unknown event type {self.type!r}")
        missing = [k for k in event_type.required if k not in self.data]
        if missing:
            raise ValueError(f"{self.type} event lacks {', '.join(missing)}")

    @property
    def schema_version(self) -> int:
        return REGISTRY[self.type].version

    def encoded(self) -> tuple[str, str]:
        """(id, data json): the id hashes type, stream and canonical data."""
        data_json = canonical_json(self.data)
        digest = hashlib.sha256(f"{self.type}\x1f{self.stream}\x1f{data_json}".encode())
        return digest.hexdigest()[:32], data_json


@dataclass(frozen=True)
class RecordedEvent:
    seq: int
    id: str
    type: str
    stream: str
    version: int
    data: dict
    meta: dict
    recorded_at: str

    @classmethod
    def from_row(cls, row) -> "RecordedEvent":
        seq, id_, type_, stream, version, data_json, meta_json, recorded_at, schema = row
        data = json.loads(data_json)
        event_type = REGISTRY.get(type_)
        if event_type is not None and schema < event_type.version:
            data = event_type.upcast(data, schema)
        return cls(seq, id_, type_, stream, version, data, json.loads(meta_json), recorded_at)
