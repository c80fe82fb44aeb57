"""Crawl runs and per-source health, for `deals status` and for spotting a dead source."""

import json

from store.projections.base import Projection, handles


class CrawlRuns(Projection):
    name = "crawl_runs"
    version = 2
    tables = {
        "crawl_runs": """CREATE TABLE IF NOT EXISTS crawl_runs (
            run_id TEXT PRIMARY KEY,
            started_at TEXT,
            finished_at TEXT,
            outcome TEXT,
            sources TEXT
        )""",
        "source_health": """CREATE TABLE IF NOT EXISTS source_health (
            source TEXT PRIMARY KEY,
            runs INTEGER NOT NULL DEFAULT 0,
            last_success TEXT,
            last_failure TEXT,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            runs_without_new INTEGER NOT NULL DEFAULT 0,
            last_new TEXT,
            articles INTEGER NOT NULL DEFAULT 0
        )""",
    }

    @handles("CrawlStarted")
    def started(self, conn, event):
        conn.execute(
            "INSERT OR IGNORE INTO crawl_runs (run_id, started_at, outcome) VALUES (?, ?, ?)",
            (event.data["run_id"], event.data.get("started_at") or event.recorded_at, "running"),
        )

    @handles("CrawlFinished")
    def finished(self, conn, event):
        d = event.data
        finished_at = d.get("finished_at") or event.recorded_at
        sources = d["sources"]
        failed = [name for name, s in sources.items() if not s.get("reached", True)]
        outcome = (
            "failed" if failed and len(failed) == len(sources) else ("partial" if failed else "ok")
        )
        conn.execute(
            """INSERT INTO crawl_runs (run_id, finished_at, outcome, sources) VALUES (?, ?, ?, ?)
               ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at,
                   outcome = excluded.outcome, sources = excluded.sources""",
            (d["run_id"], finished_at, outcome, json.dumps(sources, sort_keys=True)),
        )
        for name, s in sources.items():
            reached = s.get("reached", True)
            new = int(s.get("new", 0))
            conn.execute("INSERT OR IGNORE INTO source_health (source) VALUES (?)", (name,))
            conn.execute(
                """UPDATE source_health SET runs = runs + 1,
                       last_success = CASE WHEN ? THEN ? ELSE last_success END,
                       last_failure = CASE WHEN ? THEN last_failure ELSE ? END,
                       last_error = CASE WHEN ? THEN last_error ELSE ? END,
                       consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures + 1 END,
                       runs_without_new = CASE WHEN ? > 0 THEN 0
                                               ELSE runs_without_new + 1 END,
                       last_new = CASE WHEN ? > 0 THEN ? ELSE last_new END,
                       articles = articles + ?
                   WHERE source = ?""",
                (
                    reached,
                    finished_at,
                    reached,
                    finished_at,
                    reached,
                    s.get("error"),
                    reached,
                    new,
                    new,
                    finished_at,
                    new,
                    name,
                ),
            )
