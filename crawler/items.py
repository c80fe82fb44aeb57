"""What a spider hands to the pipelines: one downloaded article page, not yet stored."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleItem:
    source: str
    url: str  # as the feed, sitemap or index listed it: the article's identity
    final_url: str  # after redirects
    status: int
    body: bytes = field(repr=False)  # logs name the item; they must not print megabytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    listed_published: str | None = None  # the date the listing gave, a fallback for parsing
    listed_title: str | None = None
