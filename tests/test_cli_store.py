"""The store commands as a user runs them: output, exit codes and one-line errors."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli import cli
from store import NewEvent, Store
from store.schema import SCHEMA_VERSION


def deals(*args, env=None):
    """Run the real `deals` entry point in a subprocess, as cron would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def filled_db(db_path):
    with Store(db_path) as s:
        s.append(
            [
                NewEvent("CrawlStarted", "crawl:r1", {"run_id": "r1"}),
                NewEvent(
                    "CrawlFinished",
                    "crawl:r1",
                    {
                        "run_id": "r1",
                        "sources": {
                            "wire": {"reached": True, "articles": 2, "new": 2},
                            "lab": {
                                "reached": False,
                                "articles": 0,
                                "new": 0,
                                "error": "connection refused",
                            },
                        },
                    },
                ),
            ]
        )
    return db_path


def all_commands(group, prefix=()):
    import click

    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_one_line_help():
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0
    for path in all_commands(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.output
    for line in top.output.split("Commands:")[1].strip().splitlines():
        assert not line.rstrip().endswith("..."), f"help line cut short: {line}"


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "deals, version" in result.output


def test_status_json_reports_counts_lag_and_last_crawl(filled_db):
    result = CliRunner().invoke(cli, ["status", "--db", str(filled_db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["db"] == str(filled_db)
    assert report["events_by_type"] == {"CrawlFinished": 1, "CrawlStarted": 1}
    assert report["projections"]["crawl_runs"] == 2
    assert report["last_crawl"] is None  # not projected yet: the lag says so
    assert report["last_run"] is None  # crawled by `deals crawl`, never by `deals run`
    CliRunner().invoke(cli, ["replay", "--db", str(filled_db)])
    report = json.loads(
        CliRunner().invoke(cli, ["status", "--db", str(filled_db), "--json"]).output
    )
    assert report["projections"]["crawl_runs"] == 0
    assert report["last_crawl"]["outcome"] == "partial"
    assert report["sources"]["lab"]["consecutive_failures"] == 1
    text = CliRunner().invoke(cli, ["status", "--db", str(filled_db)]).output
    assert "FAILING x1: connection refused" in text


def test_db_from_environment(filled_db):
    result = CliRunner().invoke(cli, ["status", "--json"], env={"DEALS_DB": str(filled_db)})
    assert json.loads(result.output)["db"] == str(filled_db)


def test_events_tail_type_and_json(filled_db):
    result = CliRunner().invoke(cli, ["events", "--db", str(filled_db), "--tail", "1", "--json"])
    (line,) = result.output.splitlines()
    assert json.loads(line)["type"] == "CrawlFinished"
    result = CliRunner().invoke(cli, ["events", "--db", str(filled_db), "--type", "CrawlStarted"])
    assert "CrawlStarted" in result.output and "CrawlFinished" not in result.output


A, B, C = "CrawlStarted", "CrawlFinished", "RunStarted"


@pytest.mark.parametrize(
    "tail, types", [(1, ()), (3, (B,)), (2, (A, C)), (50, (C,)), (4, ("AliasMerged",))]
)
def test_events_tail_is_the_last_n_of_the_chosen_types(db_path, tail, types):
    kinds = [A, B, C, A, B, B, A, C, B, A]
    with Store(db_path) as s:
        s.append(
            [
                NewEvent(
                    kind,
                    f"s{i}",
                    {"i": i, "run_id": "r", "sources": {}, "started_at": "2025-01-01"},
                )
                for i, kind in enumerate(kinds)
            ]
        )
    args = ["events", "--db", str(db_path), "--tail", str(tail), "--json"]
    for kind in types:
        args += ["--type", kind]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    wanted = [i for i, kind in enumerate(kinds) if not types or kind in types][-tail:]
    assert [json.loads(line)["data"]["i"] for line in result.output.splitlines()] == wanted


def test_replay_rebuilds_identical_tables(filled_db):
    CliRunner().invoke(cli, ["replay", "--db", str(filled_db)])
    conn = sqlite3.connect(filled_db)
    before = conn.execute("SELECT * FROM source_health ORDER BY source").fetchall()
    conn.close()
    result = CliRunner().invoke(
        cli, ["replay", "--db", str(filled_db), "--projection", "crawl_runs"]
    )
    assert result.exit_code == 0
    conn = sqlite3.connect(filled_db)
    assert conn.execute("SELECT * FROM source_health ORDER BY source").fetchall() == before
    result = CliRunner().invoke(cli, ["replay", "--db", str(filled_db), "--projection", "nope"])
    assert result.exit_code == 2 and "unknown projection 'nope'" in result.output


def one_line_error(proc):
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


@pytest.mark.parametrize(
    "command", ["status", "events", "parse", "extract", "query", "export", "watch", "replay"]
)
def test_missing_database_for_a_command_that_reads_it(tmp_path, command):
    proc = deals(command, "--db", str(tmp_path / "none.db"))
    assert "no database at" in one_line_error(proc)
    assert proc.returncode == 2
    assert not (tmp_path / "none.db").exists()


def test_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    assert "not an SQLite file" in one_line_error(deals("status", "--db", str(path)))
    assert path.read_text() == "these are my notes, not a database\n"


def test_corrupt_database(filled_db):
    data = bytearray(filled_db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    filled_db.write_bytes(bytes(data))
    for name in ("deals.db-wal", "deals.db-shm"):
        (filled_db.parent / name).unlink(missing_ok=True)
    assert "not a deals database" in one_line_error(deals("status", "--db", str(filled_db)))


def test_newer_schema_is_refused(filled_db):
    conn = sqlite3.connect(filled_db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    line = one_line_error(deals("status", "--db", str(filled_db)))
    assert "newer than this deals supports" in line


def test_database_locked_past_the_timeout(filled_db):
    holder = sqlite3.connect(filled_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        proc = deals("replay", "--db", str(filled_db), env={"DEALS_BUSY_TIMEOUT": "0.3"})
        assert "is locked" in one_line_error(proc)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(filled_db) as s:
        assert s.last_seq() == 2


def test_status_warns_about_a_source_silent_for_many_runs(db_path):
    with Store(db_path) as s:
        for run in range(4):
            s.append(
                NewEvent(
                    "CrawlFinished",
                    f"crawl:{run}",
                    {
                        "run_id": str(run),
                        "sources": {
                            "quiet": {"reached": True, "articles": 5, "new": 1 if run == 0 else 0},
                            "busy": {"reached": True, "articles": 5, "new": 2},
                        },
                    },
                )
            )
    CliRunner().invoke(cli, ["replay", "--db", str(db_path)])
    report = json.loads(
        CliRunner()
        .invoke(cli, ["status", "--db", str(db_path), "--json", "--silent-after", "3"])
        .output
    )
    assert (
        report["sources"]["quiet"]["silent"] and report["sources"]["quiet"]["runs_without_new"] == 3
    )
    assert not report["sources"]["busy"]["silent"]
    text = CliRunner().invoke(cli, ["status", "--db", str(db_path), "--silent-after", "3"]).output
    assert "WARNING quiet: no new article in 3 runs" in text
    assert "WARNING busy" not in text


def test_an_unexpected_error_is_one_line_and_exit_70_unless_debugging(monkeypatch):
    from cli import DealsGroup

    group = DealsGroup()

    @group.command()
    def broken():
        raise KeyError("no such field")

    done = CliRunner().invoke(group, ["broken"])
    assert done.exit_code == 70
    assert done.output.splitlines() == [
        "error: unexpected KeyError: 'no such field' (run again with DEALS_DEBUG=1 to see where)"
    ]
    monkeypatch.setenv("DEALS_DEBUG", "1")
    done = CliRunner().invoke(group, ["broken"])
    assert isinstance(done.exception, KeyError)


@pytest.mark.parametrize("command", ["status", "query", "replay", "run", "crawl", "demo"])
def test_a_directory_or_a_text_file_as_db_is_a_usage_error(tmp_path, command):
    """Exit 2, as a missing database is: the user named the wrong thing."""
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    for wrong in (tmp_path, notes):
        proc = deals(command, "--db", str(wrong))
        assert proc.returncode == 2, (wrong, proc.stderr)
        assert (
            "is a directory" in one_line_error(proc)
            if wrong == tmp_path
            else "not an SQLite file" in one_line_error(proc)
        )
    assert notes.read_text() == "my notes\n"


def test_db_before_the_command_name(filled_db, tmp_path):
    """`deals --db X status` is `deals status --db X`; the command's own --db wins, and either
    wins over $DEALS_DB."""
    before = deals("--db", str(filled_db), "status")
    assert before.returncode == 0, before.stderr
    assert before.stdout.startswith(f"database   {filled_db} ")
    missing = str(tmp_path / "none.db")
    after = deals("--db", missing, "status", "--db", str(filled_db))
    assert after.returncode == 0 and after.stdout.startswith(f"database   {filled_db} ")
    env = deals("--db", str(filled_db), "status", env={"DEALS_DB": missing})
    assert env.returncode == 0 and env.stdout.startswith(f"database   {filled_db} ")
    wrong = deals("--db", missing, "graph", "top")  # a subgroup's command inherits it too
    assert "no database at " + missing in one_line_error(wrong)


def leaf_commands(group=cli, prefix=()):
    import click

    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("path", list(leaf_commands()), ids=" ".join)
def test_every_usage_error_is_one_line_naming_the_help_and_exit_2(path):
    result = CliRunner().invoke(cli, [*path, "--zzz"], prog_name="deals")
    assert result.exit_code == 2
    assert result.output == (
        f"error: no such option '--zzz' (see `deals {' '.join(path)} --help`)\n"
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (["--bogus", "status"], "error: no such option '--bogus' (see `deals --help`)"),
        (["nope"], "error: no such command 'nope' (see `deals --help`)"),
        (["show"], "error: missing argument 'DEAL_ID' (see `deals show --help`)"),
        (
            ["graph", "top", "--by", "x"],
            "error: invalid value for '--by': 'x' is not one of "
            "'deals', 'gpus', 'mw' (see `deals graph top --help`)",
        ),
        (
            ["extract-text", "--workers", "99999999999999999999"],
            "error: invalid value for '--workers': 99999999999999999999 is not in the range "
            "1<=x<=64 (see `deals extract-text --help`)",
        ),
        (
            ["extract", "--workers", "0"],
            "error: invalid value for '--workers': 0 is not in the "
            "range 1<=x<=64 (see `deals extract --help`)",
        ),
    ],
)
def test_usage_errors_in_a_subprocess(args, message):
    proc = deals(*args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == message + "\n"


def test_events_of_an_unknown_type_name_the_known_types(filled_db):
    proc = deals("events", "--db", str(filled_db), "--type", "CrawlFinish")
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert line.startswith(
        "error: --type 'CrawlFinish': no such event type (did you mean "
        "CrawlFinished? known types: AliasMerged, "
    )
    assert "DealsExtracted" in line and "WatchCheckpointed" in line


def test_replay_prints_one_summary_line(filled_db):
    proc = deals("replay", "--db", str(filled_db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "rebuilt 4 projections from the log (events applied: pages 0, "
        "crawl_runs 2, articles 0, deals 0)\n"
    )


def test_as_of_before_the_log_began_says_so(filled_db):
    proc = deals("query", "--db", str(filled_db), "--as-of", "2001-01-01")
    assert proc.returncode == 0
    note = [line for line in proc.stderr.splitlines() if line.startswith("note:")]
    assert len(note) == 1 and "after --as-of 2001-01-01: nothing was known yet" in note[0]
    later = deals("query", "--db", str(filled_db), "--as-of", "2999-01-01")
    assert "note:" not in later.stderr
