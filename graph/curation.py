"""Human corrections as events: merge two names, reject or confirm a deal."""

from __future__ import annotations

from graph import names
from graph.view import open_view
from store import NewEvent, Store
from store.errors import ConfigError
from store.log import utc_now


def _append(store: Store, event: NewEvent, now: str | None) -> None:
    store.append(event, now=now)
    open_view(store)  # bring the projections level with the correction


def merge(store: Store, alias: str, canonical: str, *, force: bool = False,
          now: str | None = None) -> str:
    """Record that `alias` names the company `canonical`; returns the canonical name.

    Both names must be companies seen in deals unless `force` (a name not yet seen).
    """
    conn = open_view(store)
    if names.name_key(alias) == names.name_key(canonical):
        raise ConfigError(f"{alias!r} and {canonical!r} are already the same name")
    if not force:
        for name in (alias, canonical):
            names.company_key(conn, name)
    at = now or utc_now()
    _append(store, NewEvent("AliasMerged", "curation:companies",
                            {"alias": alias, "canonical": canonical, "at": at}), now)
    return canonical


def judge(store: Store, deal: str, action: str, reason: str | None = None, *,
          now: str | None = None) -> str:
    """Reject or confirm a deal (by id or unique id prefix); returns its full id."""
    ident = names.deal_id(open_view(store), deal)
    at = now or utc_now()
    data = {"deal_id": ident, "at": at}
    if action == "reject":
        data["reason"] = reason
    event_type = {"reject": "DealRejected", "confirm": "DealConfirmed"}[action]
    _append(store, NewEvent(event_type, f"deal:{ident}", data), now)
    return ident
