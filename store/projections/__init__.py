"""Every projection the log feeds. `deals replay` rebuilds any of them from the log alone."""

from store.projections.articles import Articles
from store.projections.base import Projection, handles
from store.projections.crawl_runs import CrawlRuns
from store.projections.deals import Deals
from store.projections.pages import Pages

ALL: list[Projection] = [Pages(), CrawlRuns(), Articles(), Deals()]


def read_side() -> list[Projection]:
    """The projections queries and exports read (fresh objects: `--as-of` fills its own)."""
    return [Articles(), Deals()]


def by_name(name: str) -> Projection:
    for projection in ALL:
        if projection.name == name:
            return projection
    known = ", ".join(p.name for p in ALL)
    from store.errors import ConfigError

    raise ConfigError(f"unknown projection {name!r} (known: {known})")


__all__ = ["ALL", "Projection", "by_name", "handles", "read_side"]
