"""`deals run` bookkeeping: its start and finish events and the one-line summary cron mails."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from store.events import NewEvent
from store.log import Store
from vocab.words import plural


@dataclass
class RunSummary:
    run_id: str
    crawl_run_id: str = ""
    new_articles: int = 0
    articles_extracted: int = 0
    new_deals: int = 0
    failing_sources: dict[str, str] = field(default_factory=dict)  # name -> the error
    failing_kinds: dict[str, str] = field(default_factory=dict)  # name -> dns, http_404, ...
    sources: int = 0  # sources crawled
    exit_code: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # crawl, extract, project
    interrupted: int | None = None  # the signal that stopped the run, if one did

    NAMED = 3  # failing sources the line names; the rest are counted (all are in --json)

    def line(self) -> str:
        """The one line cron mails: bounded whatever fails (failures counted by kind, a few
        sources named); each source's error is in `--json`, the log and `deals status`."""
        from crawler.run import error_kinds, offline

        text = (
            f"deals run {self.run_id}: {plural(self.new_articles, 'new article')}, "
            f"{plural(self.new_deals, 'new deal')}"
        )
        if self.interrupted:
            text += " (interrupted; the next run finishes the rest)"
        if self.failing_sources:
            kinds = {name: self.failing_kinds.get(name) for name in self.failing_sources}
            names = sorted(self.failing_sources)
            named = ", ".join(names[: self.NAMED]) + (
                f" and {len(names) - self.NAMED} more" if len(names) > self.NAMED else ""
            )
            text += (
                f", {plural(len(names), 'failing source')} ({error_kinds(kinds)}: "
                f"{named}; see deals status)"
            )
            if offline(kinds, self.sources):
                text += " -- no source could be reached: are you offline?"
        return text

    def as_dict(self) -> dict:
        return asdict(self)


def run_started(run_id: str, started_at: str, options: dict) -> NewEvent:
    return NewEvent(
        "RunStarted",
        f"run:{run_id}",
        {"run_id": run_id, "started_at": started_at, "options": options},
    )


def run_finished(summary: RunSummary, finished_at: str) -> NewEvent:
    return NewEvent(
        "RunFinished", f"run:{summary.run_id}", {**summary.as_dict(), "finished_at": finished_at}
    )


def deal_count(store: Store) -> int:
    """Deals in the projection (0 before it exists), to count what a run added."""
    exists = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deals'"
    ).fetchone()
    if not exists:
        return 0
    return store.conn.execute("SELECT COUNT(*) FROM deals").fetchone()[0]
