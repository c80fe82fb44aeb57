"""The `deals` command: thin click commands that parse options and call library functions.

Heavy libraries (Scrapy, spaCy, networkx) are imported inside the commands that need them, so
`deals query` and `deals status` start fast.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sqlite3
import sys
from pathlib import Path

import click

from store import DealsError, Store, __version__, default_db_path
from store.errors import Interrupted, from_sqlite
from store.log import check_database
from vocab.words import plural


class CommandError(click.ClickException):
    """A DealsError shown as one line with its own exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class UsageLine(click.UsageError):
    """A usage error as one line, `error: ...`, naming the help to read; exit code 2."""

    def __init__(self, error: click.UsageError):
        super().__init__(error.format_message(), error.ctx)

    def show(self, file=None) -> None:
        message = " ".join(self.message.split()).rstrip(".")
        if message[:1].isupper() and message[1:2].islower():
            message = message[0].lower() + message[1:]  # "No such option" -> "no such option"
        where = self.ctx.command_path if self.ctx else "deals"
        click.echo(f"error: {message} (see `{where} --help`)", err=True)


def one_line(error: click.UsageError) -> click.UsageError:
    """`error` as a UsageLine, but for a bare group name, which shows the group's help."""
    bare_group = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 and later
    if isinstance(error, UsageLine) or bare_group and isinstance(error, bare_group):
        return error
    return UsageLine(error)


def _with_context(make):
    """A make_context whose usage errors know the command, for the help they point to."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return make(self, info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            if exc.ctx is None or exc.ctx.command is not self:
                exc.ctx = click.Context(self, info_name=info_name, parent=parent)
            raise

    return make_context


class DealsCommand(click.Command):
    make_context = _with_context(click.Command.make_context)


class DealsSubgroup(click.Group):
    """`deals graph`, `deals sources`, `deals draw`: their commands are DealsCommands."""

    command_class = DealsCommand
    group_class = type
    make_context = _with_context(click.Group.make_context)


class DealsGroup(click.Group):
    """Turns every error into one line and an exit code; DEALS_DEBUG=1 keeps tracebacks."""

    command_class = DealsCommand
    group_class = DealsSubgroup

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # an unknown option before the command name
            raise one_line(exc) from None

    def invoke(self, ctx):
        from ops.interrupt import interruptible, signal_name

        try:
            with interruptible():
                return super().invoke(ctx)
        except Interrupted as stop:
            done = f"; {stop.done}" if stop.done else ""
            click.echo(
                f"interrupted by {signal_name(stop.signum)}{done}; nothing half-written: "
                "the next run (or the same command again) finishes the rest",
                err=True,
            )
            raise SystemExit(stop.exit_code) from None
        except DealsError as exc:
            raise CommandError(str(exc), exc.exit_code) from None
        except sqlite3.Error as exc:
            err = from_sqlite(exc, ctx.meta.get("deals.db", "the database"))
            raise CommandError(str(err), err.exit_code) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # `deals query | head`: the reader left, not an error
                sys.stderr.close()
                raise SystemExit(0) from None
            where = f": {exc.filename}" if exc.filename else ""
            raise CommandError(f"{exc.strerror or exc}{where}", 1) from None
        except click.UsageError as exc:  # click's four lines: usage, "Try ...", "Error: ..."
            raise one_line(exc) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug: still one line for cron, the traceback on request
            if os.environ.get("DEALS_DEBUG"):
                raise
            raise CommandError(
                f"unexpected {type(exc).__name__}: {exc} "
                "(run again with DEALS_DEBUG=1 to see where)",
                70,
            ) from None


def _remember_db(ctx, param, value):
    """The command's --db, else the one given before the command name, else $DEALS_DB."""
    before = ctx.meta.get("deals.group_db")
    if before is not None and (
        ctx.get_parameter_source(param.name) is not click.core.ParameterSource.COMMANDLINE
    ):
        value = before
    ctx.meta["deals.db"] = value or default_db_path()  # named in database error messages
    return value


INT64 = 2**63 - 1  # the largest integer SQLite holds: the cap of every count option


def sqlite_int(minimum: int) -> click.IntRange:
    """An integer option from `minimum` up to what SQLite holds (beyond it: a usage error)."""
    return click.IntRange(min=minimum, max=INT64)


EPILOG = """\b
Database: --db PATH (before or after the command name), else $DEALS_DB, else
$XDG_DATA_HOME/deals/deals.db (~/.local/share/deals/deals.db); `deals status` names it.

\b
Exit codes: 0 ok; 1 some sources failed (the rest was stored); 2 a usage or configuration
error; 3 another run holds the database; 70 a bug (DEALS_DEBUG=1 shows the traceback);
130 interrupted (the next run finishes the rest)."""


def db_option(f):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=True, path_type=Path),
        envvar="DEALS_DB",
        callback=_remember_db,
        help="Database file [default: $DEALS_DB, else $XDG_DATA_HOME/deals/deals.db].",
    )(f)


def with_store(create: bool):
    """Add --db and pass an open Store; read commands (create=False) need an existing file."""

    def decorator(f):
        @db_option
        @functools.wraps(f)
        def wrapper(*args, db_path=None, **kwargs):
            path = db_path or default_db_path()
            with Store(path, create=create) as store:
                return f(store, *args, **kwargs)

        return wrapper

    return decorator


def on_terminal() -> bool:
    return sys.stderr.isatty()


def progress_callback(label: str, length: int | None):
    """A click progress bar on a terminal, nothing otherwise. Returns (context, update)."""
    if not on_terminal():
        import contextlib

        return contextlib.nullcontext(), lambda n: None
    bar = click.progressbar(length=length, label=label, file=sys.stderr)
    return bar, bar.update


def echo_json(obj) -> None:
    text = json.dumps(obj, ensure_ascii=False, default=str)
    click.echo(text.encode("utf-8", "replace").decode("utf-8"))  # a lone surrogate prints as ?


@click.group(
    cls=DealsGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Database file for the command (the same as --db after its name).",
)
@click.version_option(__version__, prog_name="deals")
@click.pass_context
def cli(ctx, db_path):
    """Turn AI compute-deal news into a queryable, exportable knowledge graph.

    Start with `deals demo`: it crawls a bundled newsroom (invented, served on 127.0.0.1,
    offline) into ./demo.db and prints the deals it found; then ask it, e.g.
    `deals --db demo.db query --party openai`. Every command has --help with an example.
    """
    ctx.meta["deals.group_db"] = db_path


# --- store commands ---------------------------------------------------------------------------


@cli.command()
@with_store(create=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--silent-after",
    type=sqlite_int(1),
    default=10,
    show_default=True,
    help="Warn about a source with no new article in this many runs.",
)
def status(store, as_json, silent_after):
    """Show the log, the last crawl, sources and lag.

    The database in use and its events by type, the last crawl and run, how many events
    each projection has yet to apply, and each source's health.

    Example: deals status --db demo.db
    """
    from ops.status import collect

    report = collect(store, silent_after)
    if as_json:
        echo_json(report)
        return
    from ops.status import status_text

    click.echo(status_text(report))


@cli.command()
@with_store(create=False)
@click.option("--type", "types", multiple=True, help="Only events of this type (repeatable).")
@click.option("--tail", type=sqlite_int(1), help="Only the last N events.")
@click.option("--after", type=sqlite_int(0), default=0, help="Only events after this seq.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def events(store, types, tail, after, as_json):
    """Read the event log.

    One line per event: its position, time, type, stream and data (cut to 80 characters);
    --json prints each whole.

    Example: deals events --db demo.db --type DealsExtracted --tail 1
    """
    from ops.status import check_event_types, read_events

    check_event_types(store, types)
    for event in read_events(store, types=list(types) or None, tail=tail, after=after):
        if as_json:
            echo_json(
                {
                    "seq": event.seq,
                    "id": event.id,
                    "type": event.type,
                    "stream": event.stream,
                    "version": event.version,
                    "recorded_at": event.recorded_at,
                    "data": event.data,
                    "meta": event.meta,
                }
            )
        else:
            summary = json.dumps(event.data, ensure_ascii=False)
            if len(summary) > 80:
                summary = summary[:77] + "..."
            click.echo(
                f"{event.seq:>7} {event.recorded_at[:19]} {event.type:<16} "
                f"{event.stream}  {summary}"
            )


@cli.command()
@with_store(create=False)
@click.option(
    "--projection",
    "names",
    multiple=True,
    help="Rebuild only this projection (repeatable); default all.",
)
def replay(store, names):
    """Drop the projections and rebuild them from the log.

    Prints one line: the projections rebuilt and the events each applied. The tables come
    out byte for byte as they were.

    Example: deals replay --db demo.db
    """
    from store import replay as replaying
    from store.projections import ALL, by_name

    chosen = [by_name(n) for n in names] if names else ALL
    total = sum(store.counts_by_type().get(t, 0) for p in chosen for t in p.event_types)
    bar, update = progress_callback("replaying", total)
    with bar:
        applied = replaying.replay(store, chosen, progress=update)
    click.echo(
        f"rebuilt {plural(len(applied), 'projection')} from the log (events applied: "
        + ", ".join(f"{name} {count:,}" for name, count in applied.items())
        + ")"
    )


# --- crawler commands -------------------------------------------------------------------------

sources_option = click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sources file (TOML) [default: the bundled default sources].",
)


def warn_without_contact(overrides: dict) -> None:
    """One line on a terminal when the crawler's User-Agent names no contact of the user's."""
    if on_terminal() and not (
        overrides.get("DEALS_CONTACT_URL") or os.environ.get("DEALS_CONTACT_URL")
    ):
        click.echo(
            "warning: DEALS_CONTACT_URL is not set, so the crawler's User-Agent gives "
            "the project's page as its contact, not yours: export "
            "DEALS_CONTACT_URL=https://... (or --set DEALS_CONTACT_URL=...)",
            err=True,
        )


def parse_settings(pairs) -> dict:
    """`--set NAME=VALUE` pairs as Scrapy setting overrides."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            from store.errors import ConfigError

            raise ConfigError(f"--set {pair!r}: expected NAME=VALUE")
        overrides[name.strip()] = value
    from crawler.run import scrapy_settings

    scrapy_settings(overrides)  # a bad value stops here, before the database is touched
    return overrides


@cli.command()
@db_option
@sources_option
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@click.option("--max-pages", type=sqlite_int(1), help="At most N articles per source.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Also fetch listed entries older than what a source already delivered.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run, e.g. DOWNLOAD_TIMEOUT=5.",
)
@click.pass_context
def crawl(ctx, db_path, sources_file, names, max_pages, refresh, settings):
    """Crawl the sources into the log and parse what was fetched.

    Exit code 0 when every source was reached, 1 when some failed, 2 on bad options or sources.

    Example: deals crawl --source nvidia-newsroom --max-pages 20
    """
    from crawler.run import check_sources_ready, summary_lines
    from crawler.run import crawl as run_crawl
    from crawler.sources import load_sources, select
    from ops.lock import RunLock

    overrides = parse_settings(settings)
    chosen = select(load_sources(sources_file), names)
    check_sources_ready(chosen, overrides)
    path = db_path or default_db_path()
    check_database(path)
    warn_without_contact(overrides)
    with RunLock(path):
        report = run_crawl(path, chosen, max_pages=max_pages, refresh=refresh, overrides=overrides)
    for line in summary_lines(report):
        click.echo(line)
    ctx.exit(report.exit_code)


@cli.command("parse-html")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--url", help="The URL the page came from (resolves relative links).")
@click.option(
    "--links",
    is_flag=True,
    help="Print the page's links instead, and what an index source does with each.",
)
@click.option(
    "--follow",
    metavar="REGEX",
    help="With --links: the source's `follow` regex, to see which links it takes.",
)
def parse_html(files, url, links, follow):
    """Parse saved pages as the crawler would, no database.

    Prints one JSON object a line: title, text, date, authors, language, canonical URL.
    With --links, one line per link of the page instead: `follow` when an index source
    would fetch it, `no match` when --follow does not match it, `off site` when it is on
    another host than --url's.

    \b
    Example:
      deals parse-html page.html --url https://example.com/news/1
      deals parse-html news.html --url https://example.com --links --follow /news/
    """
    import re

    from crawler.parsing import check_html_file, file_links, parse_file
    from store.errors import ConfigError

    if follow is not None:
        if not links:
            raise ConfigError("--follow goes with --links (it says which links a source takes)")
        try:
            re.compile(follow)
        except re.error as exc:
            raise ConfigError(f"--follow {follow!r}: not a regex ({exc})") from None
    for path in files:  # every file checked before anything is printed
        check_html_file(path)
    for path in files:
        if not links:
            echo_json(parse_file(path, url))
            continue
        for link in file_links(path, url, follow):
            name = f"{link['file']}  " if len(files) > 1 else ""
            click.echo(
                f"{name}{link['verdict']:<8}  {link['url']}"
                + (f"  {link['text']}" if link["text"] else "")
            )


@cli.command()
@with_store(create=False)
@click.option(
    "--all", "everything", is_flag=True, help="Also re-parse pages an older parser version parsed."
)
def parse(store, everything):
    """Parse stored raw pages again, without crawling.

    Pages fetched but not parsed (an interrupted crawl) are always parsed; with --all, every
    page an older parser version handled is parsed again from its stored body.

    Example: deals parse --all && deals extract
    """
    from crawler.parse_stage import parse_pending, pending_pages
    from store.replay import catch_up

    catch_up(store)
    bar, update = progress_callback("parsing", len(pending_pages(store, reparse=everything)))
    with bar:
        count = parse_pending(store, reparse=everything, progress=update)
    catch_up(store)
    click.echo(f"parsed {count} stored pages")


@cli.group()
def sources():
    """List or check sources files."""


@sources.command("list")
@sources_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def sources_list(sources_file, as_json):
    """Show the sources a crawl would use.

    Example: deals sources list --sources my-sources.toml
    """
    from crawler.sources import load_sources

    for s in load_sources(sources_file):
        if as_json:
            extra = {
                "query": s.query,
                "timespan": s.timespan,
                "start": s.start,
                "end": s.end,
                "ciks": list(s.ciks),
                "forms": list(s.forms),
            }
            echo_json(
                {
                    "name": s.name,
                    "type": s.type,
                    "url": s.url,
                    "follow": s.follow,
                    "allowed_domains": list(s.allowed_domains),
                    "enabled": s.enabled,
                    "prefilter": s.prefilter,
                    **{k: v for k, v in extra.items() if v},
                }
            )
        else:
            from crawler.sources import describe

            flag = "" if s.enabled else "  (disabled)"
            click.echo(f"{s.name:<28} {s.type:<8} {describe(s)}{flag}")


@sources.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def sources_check(file):
    """Validate a sources file: one line per problem, exit 2 if any.

    Example: deals sources check my-sources.toml
    """
    from crawler.sources import check_sources, default_sources_path

    valid, problems = check_sources(file)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(2)
    click.echo(f"{file or default_sources_path()}: {len(valid)} sources ok")


@cli.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),
    callback=_remember_db,
    help="Database file [default: demo.db here; never $DEALS_DB, so the demo stays "
    "out of your database].",
)
@click.option(
    "--backfill",
    "since",
    metavar="DATE",
    help="Backfill since DATE instead (its sitemap and a GDELT-format search).",
)
def demo(db_path, since):
    """Crawl and extract the bundled demo newsroom, offline.

    Serves the invented newsroom http://newsroom.demo from 127.0.0.1, crawls it into
    demo.db (or --db), extracts the deals and prints them. Run it again and nothing is
    stored twice; the deals get the same ids in every database the demo makes.

    Example: deals demo --db demo.db
    """
    import uuid

    from crawler.demo import crawl_demo
    from extract.runner import extract_store
    from graph import render
    from graph.query import Filters, find_deals
    from store.replay import catch_up

    path = db_path or Path("demo.db")
    check_database(path)  # a bad --db fails here, before the newsroom is served
    if since:
        from graph.view import parse_date

        since = parse_date(since, "--backfill")[:10]
    run_id = uuid.uuid4().hex[:16]  # one run: its reports found ids by date, not arrival
    for line in crawl_demo(path, since=since, run_id=run_id):
        click.echo(line)
    with Store(path) as store:
        counts = extract_store(store, run_id=run_id)
        catch_up(store)
        click.echo(
            f"extracted {plural(counts['deals'], 'deal')} from "
            f"{plural(counts['articles'], 'newly parsed article')}; the deals in the "
            "database:"
        )
        found, _ = find_deals(store.conn, Filters.parse(limit=0))
        click.echo(render.deals(found, "table"))
    deals = _deals_command()
    click.echo(
        f'\nnext: {deals} query --db {path} --party "Halcyon Compute"\n'
        f"      {deals} list facilities --db {path}\n"
        f"      {deals} export --db {path} -o demo.graphml\n"
        f"      {deals} draw graph --db {path} -o demo-graph.svg\n"
        f"browse the deals in a web browser (facets, search, deal and company pages):\n"
        f"      {deals} serve --db {path} --open"
    )


def _deals_command() -> str:
    """How to run `deals` from here: the venv's script when it is the one running."""
    script = Path(sys.argv[0])
    if script.name == "deals" and script.parent.name == "bin":
        return os.path.relpath(script) if script.is_relative_to(Path.cwd()) else str(script)
    return "deals"


# --- extraction commands ----------------------------------------------------------------------

MAX_WORKERS = 64  # each worker is a process holding its own spaCy model (about 0.3 GB)
workers_option = click.option(
    "--workers",
    type=click.IntRange(1, MAX_WORKERS),
    default=1,
    show_default=True,
    help="Processes to extract with; each loads its own model.",
)


@cli.command("extract-text")
@workers_option
def extract_text(workers):
    """Extract deals from JSONL or plain text on stdin.

    Prints one JSONL line per document.

    Each input line is {"doc_id", "title", "text", "published"}; each output line is
    {"doc_id", "deals", "entities", "figures"}. No database needed.

    \b
    Example:
      echo 'Acme AI signed a $4bn deal with Lattice Compute.' | deals extract-text
    """
    from extract.api import extract_documents
    from extract.textio import read_documents

    for result in extract_documents(read_documents(sys.stdin.buffer), workers=workers):
        echo_json(result)


@cli.command()
@with_store(create=False)
@click.option(
    "--reextract", is_flag=True, help="Run the current extractor over every article again."
)
@workers_option
def extract(store, reextract, workers):
    """Extract deals from articles this extractor has not done.

    Appends one DealsExtracted event per article; nothing is re-crawled.

    Example: deals extract --workers 2
    """
    from extract.runner import extract_store, pending_articles

    todo = pending_articles(store, reextract)
    bar, update = progress_callback("extracting", len(todo))
    with bar:
        summary = extract_store(
            store, reextract=reextract, workers=workers, progress=update, todo=todo
        )
    click.echo(
        f"{plural(summary['articles'], 'article')} extracted, "
        f"{plural(summary['deals'], 'deal')} (extractor {summary['extractor_version']})",
        err=True,
    )


@cli.command("eval")
@click.option(
    "--gold",
    "gold_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Gold JSONL file: one article a line with its deals (docs/EVAL.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@workers_option
def eval_command(gold_path, as_json, workers):
    """Score extraction against a gold JSONL file.

    Prints precision, recall, F1 with its 95% interval over the articles drawn again,
    per-field accuracy (roles too, where the gold file has them), misses and false deals.
    The gold format and the scoring rules: docs/EVAL.md.

    Example: deals eval --gold gold.jsonl --json
    """
    from extract.evaluate import evaluate, format_report

    result = evaluate(gold_path, workers=workers)
    result.pop("predictions")
    click.echo(json.dumps(result) if as_json else format_report(result))


# --- graph commands ---------------------------------------------------------------------------


def open_view_noting(store, as_of):
    """graph.view.open_view, with a line on stderr when --as-of is before the log began."""
    from graph.view import as_of_note, open_view

    view = open_view(store, as_of)
    note = as_of_note(store, as_of)
    if note:
        click.echo(note, err=True)
    return view


def as_of_option(f):
    return click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        help="Use the log as it was at the end of DATE (YYYY-MM-DD or YYYYMMDD,"
        " UTC) or at an ISO timestamp with a time zone.",
    )(f)


@cli.command()
@with_store(create=False)
@click.argument("text", required=False)
@click.option(
    "--party",
    "parties",
    multiple=True,
    metavar="NAME",
    help="A party to the deal, through aliases, any case (repeatable: all must match).",
)
@click.option(
    "--facility",
    metavar="NAME",
    help="Deals at this named site (`deals list facilities` lists them).",
)
@click.option(
    "--location",
    metavar="PLACE",
    help='Deals at this place: a whole location ("Abilene, Texas") or a part of one (Texas).',
)
@click.option("--chip", metavar="NAME", help="Deals for this accelerator.")
@click.option("--kind", metavar="K", help="compute, chips, investment, datacenter, power, ...")
@click.option(
    "--status",
    metavar="S",
    help="announced, planned, reported; confirmed or rejected for curated deals.",
)
@click.option("--min-gpus", metavar="N", help="At least N accelerators (50000, 50k).")
@click.option("--min-mw", metavar="N", help="At least N megawatts.")
@click.option("--min-usd", metavar="N", help="At least N US dollars (2bn, 500M).")
@click.option(
    "--min-confidence",
    metavar="P",
    help="The extractor at least this sure it is a deal (0 to 1), or a person confirmed it.",
)
@click.option(
    "--since", metavar="DATE", help="First reported on or after DATE (YYYY-MM-DD or YYYYMMDD)."
)
@click.option(
    "--until", metavar="DATE", help="First reported on or before DATE (YYYY-MM-DD or YYYYMMDD)."
)
@as_of_option
@click.option(
    "--limit",
    type=sqlite_int(0),
    default=100,
    show_default=True,
    help="At most N deals; 0 for all.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
def query(
    store,
    text,
    parties,
    facility,
    location,
    chip,
    kind,
    status,
    min_gpus,
    min_mw,
    min_usd,
    min_confidence,
    since,
    until,
    as_of,
    limit,
    fmt,
):
    """Find deals matching every filter.

    TEXT is searched in evidence sentences and article text.

    Example: deals query --party nvidia --min-gpus 100k --since 2025-01-01
    """
    from graph import query as querying
    from graph import render

    filters = querying.Filters.parse(
        text=text,
        parties=parties,
        facility=facility,
        chip=chip,
        location=location,
        kind=kind,
        status=status,
        min_gpus=min_gpus,
        min_mw=min_mw,
        min_usd=min_usd,
        min_confidence=min_confidence,
        since=since,
        until=until,
        limit=limit,
    )
    found, more = querying.find_deals(open_view_noting(store, as_of), filters)
    if not found and fmt == "table":
        click.echo("no deals match", err=True)
        return
    click.echo(render.deals(found, fmt))
    if more:
        click.echo(f"(first {limit} shown; --limit 0 for all)", err=True)


@cli.command()
@with_store(create=False)
@click.argument("deal_id")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def show(store, deal_id, as_of, as_json):
    """Show one deal: figures and their history, every source.

    Example: deals show 34451ab54e --db demo.db
    """
    from graph.show import deal_details, deal_text

    deal = deal_details(open_view_noting(store, as_of), deal_id)
    if as_json:
        echo_json(deal)
    else:
        click.echo(deal_text(deal))


@cli.command()
@with_store(create=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "json"]),
    help="[default: from the extension of -o (.graphml, .gexf, .json); graphml on stdout]",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    default="-",
    help="Regular file to write (whole or not at all; a symlink is written through,"
    " the mode kept); default stdout.",
)
@as_of_option
@click.option("--companies-only", is_flag=True, help="Only companies and partner edges.")
@click.option("--with-articles", is_flag=True, help="Add article nodes and reported_by edges.")
def export(store, fmt, output, as_of, companies_only, with_articles):
    """Export the knowledge graph as GraphML, GEXF or JSON.

    The files open in Gephi, igraph, Cytoscape and networkx.

    Example: deals export --format graphml -o deals.graphml --as-of 2025-06-30
    """
    from graph.export import export as exporting

    nodes, edges = exporting(
        open_view_noting(store, as_of),
        output,
        fmt,
        companies_only=companies_only,
        with_articles=with_articles,
    )
    if output != "-":
        click.echo(f"wrote {output}: {nodes} nodes, {edges} edges", err=True)


reason_option = click.option("--reason", help="Why (kept in the deal's history).")


@cli.command()
@with_store(create=False)
@click.argument("first")
@click.argument("second")
@click.option(
    "--force",
    is_flag=True,
    help="Allow names not seen in any deal yet, or two parties of one deal.",
)
@reason_option
def merge(store, first, second, force, reason):
    """Record that two deals, or two names, are one.

    Two deal ids: SECOND keeps its id and FIRST leads to it from then on (`deals show FIRST`
    shows SECOND). Two company names: FIRST is an alias of SECOND. Merging two parties of
    one deal needs --force. Undo either with `deals unmerge FIRST`. The merge is an event:
    it survives new reports, re-extraction and replays.

    Example: deals merge 85da807a8a f6f2d74fd7 --reason "one agreement"

    Example: deals merge "Open AI" OpenAI
    """
    from ops import curation_appends as curation

    if curation.names_deals(store, first, second):
        merged, into = curation.merge_deals(store, first, second, reason)
        click.echo(f"merged deal {merged} into {into}")
        return
    shared = curation.merge_companies(store, first, second, force=force, reason=reason)
    if shared:
        click.echo(
            f"warning: {first} and {second} were both parties to "
            f"{', '.join(shared[:3])}{' ...' if len(shared) > 3 else ''}",
            err=True,
        )
    click.echo(f"{first} -> {second}")


@cli.command()
@with_store(create=False)
@click.argument("target")
@reason_option
def unmerge(store, target, reason):
    """Undo a merge of two deals or two names.

    TARGET is the deal id that was merged into another (it gets its reports and its id
    back), or a company name merged by `deals merge` (it is its own company again).

    Example: deals unmerge 85da807a8a --reason "two orders after all"
    """
    from ops.curation_appends import unmerge as unmerging

    what, name, source = unmerging(store, target, reason)
    click.echo(f"unmerged {'deal ' if what == 'deal' else ''}{name} from {source}")


@cli.command()
@with_store(create=False)
@click.argument("deal_id")
@click.option(
    "--article",
    "articles",
    multiple=True,
    required=True,
    metavar="URL",
    help="A source of the deal whose report is the other agreement (repeatable).",
)
@reason_option
def split(store, deal_id, articles, reason):
    """Split reports off a deal as another deal.

    The reports of the given articles become a deal of their own with a new id; the deal
    keeps its id and its other reports. Both ids stay valid.

    Example: deals split 1ff0deb56f --article https://example.com/second.html
    """
    from ops.curation_appends import split as splitting

    ident, new = splitting(store, deal_id, list(articles), reason)
    click.echo(f"split {new} off {ident}")


@cli.command()
@with_store(create=False)
@click.argument("deal_id")
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="FIELD=VALUE",
    help="kind, status, gpu_count, power_mw, value_usd, chip, facility or location"
    " (repeatable; numbers take 50k, 1.5M, 2bn).",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    metavar="NAME=ROLE",
    help="The role of a party: buyer, provider, chip_supplier, ... (repeatable).",
)
@click.option(
    "--clear",
    "clear",
    multiple=True,
    metavar="FIELD",
    help="Hand a field (or a party's role, by name) back to the reports.",
)
@reason_option
def edit(store, deal_id, values, roles, clear, reason):
    """Set a deal's values and roles by hand.

    A value a person sets wins over every report, now and later; `deals show` marks it and
    lists the edit in its history.

    Example: deals edit 1ff0deb56f --set gpu_count=220k --role OpenAI=buyer
    """
    from graph.query import parse_number
    from ops.curation_appends import edit as editing
    from store.errors import ConfigError
    from vocab import FIGURES

    def pairs(items, option, form):
        out = {}
        for item in items:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise ConfigError(f"{option} {item!r}: expected {form}")
            out[name.strip()] = value.strip()
        return out

    fields = {name.lower(): value for name, value in pairs(values, "--set", "FIELD=VALUE").items()}
    fields = {
        name: parse_number(value, f"--set {name}") if name in FIGURES else value
        for name, value in fields.items()
    }
    ident, change = editing(
        store, deal_id, fields, pairs(roles, "--role", "NAME=ROLE"), list(clear), reason
    )
    done = [
        *sorted(change.get("set", {})),
        *(f"role of {n}" for n in change.get("roles", {})),
        *(f"{c} cleared" for c in change.get("clear", [])),
    ]
    click.echo(f"edited {ident}: {', '.join(done)}")


@cli.command()
@with_store(create=False)
@click.argument("deal_id")
@click.option("--reason", help="Why the deal is false.")
def reject(store, deal_id, reason):
    """Mark a deal as false; it leaves queries and exports.

    Undo with `deals unreject`.

    Example: deals reject 40339d3035 --reason "rumour, denied by both"
    """
    from ops.curation_appends import judge

    click.echo(f"rejected {judge(store, deal_id, 'reject', reason)}")


@cli.command()
@with_store(create=False)
@click.argument("deal_id")
@reason_option
def unreject(store, deal_id, reason):
    """Withdraw a rejection: the deal is back.

    Example: deals unreject 40339d3035 --reason "the buyer confirmed it"
    """
    from ops.curation_appends import unreject as unrejecting

    click.echo(f"unrejected {unrejecting(store, deal_id, reason)}")


@cli.command()
@with_store(create=False)
@click.argument("deal_id")
@reason_option
def confirm(store, deal_id, reason):
    """Mark a deal as checked by a person.

    Example: deals confirm 40339d3035
    """
    from ops.curation_appends import judge

    click.echo(f"confirmed {judge(store, deal_id, 'confirm', reason)}")


@cli.command()
@with_store(create=False)
@click.argument("deal_id")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def history(store, deal_id, as_of, as_json):
    """Every change people made to a deal.

    Confirmations, rejections, edits, merges, splits, with time and reason, and what later
    reports did to its id (merged with another deal, split off).

    Example: deals history 40339d3035
    """
    from graph.show import deal_details, render_history
    from graph.view import open_view

    deal = deal_details(open_view(store, as_of), deal_id)
    if as_json:
        echo_json({k: deal[k] for k in ("id", "named", "note", "former_ids", "actions")})
    else:
        click.echo(render_history(deal))


@cli.command("list", short_help="List companies, chips, facilities, locations or kinds.")
@with_store(create=False)
@click.argument(
    "what", type=click.Choice(["companies", "chips", "facilities", "locations", "kinds"])
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
def list_command(store, what, as_json):
    """List the companies, chips, facilities, locations or kinds of deal.

    Each with how many deals name it: the names --party, --chip, --facility, --location and
    --kind of `deals query` take.

    Example: deals list facilities --db demo.db
    """
    from graph.lists import listing, render
    from graph.view import open_view

    rows = listing(open_view(store), what)
    if not rows and not as_json:
        click.echo(f"no {what} yet: no deal names one", err=True)
        return
    click.echo(render(rows, what, "json" if as_json else "table"))


@cli.group("graph")
def graph_group():
    """Ask the partnership graph: neighbours, paths, top companies."""


@graph_group.command()
@with_store(create=False)
@click.argument("name")
@click.option("--depth", type=sqlite_int(1), default=1, show_default=True)
@as_of_option
def neighbors(store, name, depth, as_of):
    """Companies within DEPTH deals of NAME.

    Example: deals graph neighbors OpenAI --depth 2
    """
    from graph.analysis import neighbors as finding

    found = finding(open_view_noting(store, as_of), name, depth)
    if not found:
        click.echo(f"{name} has no partners", err=True)
        return
    click.echo(f"{'DEPTH':<5}  {'COMPANY':<30} {'DEALS':>5}  SHARED DEALS")
    for n in found:
        shared = " ".join(n["deal_ids"][:3]) + (" ..." if len(n["deal_ids"]) > 3 else "")
        click.echo(f"{n['depth']:<5}  {n['name']:<30} {n['deals'] or '-':>5}  {shared}".rstrip())


@graph_group.command()
@with_store(create=False)
@click.argument("a")
@click.argument("b")
@as_of_option
def path(store, a, b, as_of):
    """The shortest chain of deals linking companies A and B.

    Example: deals graph path Microsoft NVIDIA
    """
    from graph.analysis import path as finding

    for hop in finding(open_view_noting(store, as_of), a, b):
        click.echo(f"{hop['from']} -> {hop['to']}  via {' '.join(hop['deal_ids'][:3])}")


@graph_group.command()
@with_store(create=False)
@click.option(
    "--by", type=click.Choice(["deals", "gpus", "mw"]), default="deals", show_default=True
)
@click.option("--limit", type=sqlite_int(1), default=10, show_default=True)
@as_of_option
def top(store, by, limit, as_of):
    """Companies ranked by deals, accelerators or megawatts.

    Example: deals graph top --by gpus
    """
    from graph.analysis import top as ranking

    rows = ranking(open_view_noting(store, as_of), by, limit)
    if not rows:
        click.echo("no deals yet", err=True)
        return
    click.echo(f"{'COMPANY':<30} {'DEALS':>5} {'GPUS':>12} {'MW':>9}")
    for r in rows:
        gpus = "-" if r["gpus"] is None else f"{r['gpus']:,.0f}"
        mw = "-" if r["mw"] is None else f"{r['mw']:,.0f}"
        click.echo(f"{r['name']:<30} {r['deals']:>5} {gpus:>12} {mw:>9}")


# --- operations commands ----------------------------------------------------------------------


@cli.command()
@db_option
@sources_option
@click.option("--max-pages", type=sqlite_int(1), help="At most N articles per source.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run, e.g. DOWNLOAD_TIMEOUT=5.",
)
@workers_option
@click.option(
    "--log",
    "log_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a plain log of the run to FILE.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.pass_context
def run(ctx, db_path, sources_file, max_pages, settings, workers, log_file, as_json):
    """Crawl, extract and update projections: the cron job.

    Exit 0 when every source was reached, 1 when some failed, 2 on a configuration error,
    3 when another run holds the database.

    Example: deals run --db ~/deals.db --log ~/deals-run.log
    """
    from crawler.run import check_sources_ready
    from crawler.sources import load_sources, select
    from ops.cron_job import run_job

    path = db_path or default_db_path()
    chosen = select(load_sources(sources_file))
    overrides = parse_settings(settings)
    check_sources_ready(chosen, overrides)
    warn_without_contact(overrides)
    if log_file:
        overrides.setdefault("LOG_FILE", str(log_file))
        overrides.setdefault("LOG_LEVEL", "INFO")
    elif not on_terminal():
        overrides.setdefault("LOG_ENABLED", False)  # cron mails only the summary line
    summary = run_job(
        path,
        chosen,
        max_pages=max_pages,
        overrides=overrides,
        workers=workers,
        log_file=log_file,
        progress=progress_callback,
        echo=(lambda line: click.echo(line, err=True)) if on_terminal() else None,
    )
    echo_json(summary.as_dict()) if as_json else click.echo(summary.line())
    ctx.exit(summary.exit_code)


@cli.command()
@with_store(create=False)
@click.option("--min-mw", metavar="N", help="New deals of at least N megawatts.")
@click.option("--min-gpus", metavar="N", help="New deals of at least N accelerators (50k).")
@click.option("--min-usd", metavar="N", help="New deals of at least N US dollars (2bn).")
@click.option(
    "--min-confidence",
    metavar="P",
    help="New deals the extractor is at least this sure of (0 to 1).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--name",
    default="default",
    show_default=True,
    help="Checkpoint name, so several watchers can keep their own.",
)
def watch(store, min_mw, min_gpus, min_usd, min_confidence, fmt, name):
    """Print what changed materially since the previous watch.

    Nothing new prints nothing, so cron mails only real news.

    New deals above any given threshold, figures revised by more than 20 %, status changes,
    new parties at a known facility and new conflicts between sources.

    \b
    Example:
      deals watch --min-mw 100 | mail -E -s "compute deals" me@example.com
    """
    from graph.query import parse_number, parse_probability
    from graph.watch import Thresholds, describe
    from graph.watch import watch as watch_changes

    thresholds = Thresholds(
        parse_number(min_gpus, "--min-gpus"),
        parse_number(min_mw, "--min-mw"),
        parse_number(min_usd, "--min-usd"),
        parse_probability(min_confidence, "--min-confidence"),
    )
    found = watch_changes(store, thresholds, name)
    if found and fmt == "json":
        echo_json(found)
    for change in found if fmt == "text" else ():
        click.echo(describe(change))


@cli.command()
@db_option
@click.option(
    "--every", default="1h", show_default=True, help="How often: 15m, 30m, 1h, 2h, 6h, 12h or 1d."
)
@click.option(
    "--log",
    "log_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Log file [default: deals-run.log beside the database].",
)
@sources_option
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="A Scrapy setting for every run, e.g. DEALS_CONTACT_URL=https://... .",
)
def cron(db_path, every, log_file, sources_file, settings):
    """Print a crontab line that runs `deals run` on a schedule.

    The sources file and settings are checked now, so cron never mails a typo.

    Example: (crontab -l; deals cron --every 1h) | crontab -
    """
    from crawler.run import check_sources_ready
    from crawler.sources import load_sources, select
    from ops.crontab import crontab_line

    overrides = parse_settings(settings)
    if sources_file is not None:
        check_sources_ready(select(load_sources(sources_file)), overrides)
    path = Path(db_path or default_db_path()).resolve()
    click.echo(crontab_line(every, path, log_file, sources_file, settings))


# --- pictures and the web pages ---------------------------------------------------------------


@cli.group("draw")
def draw_group():
    """Draw the partnership graph or the timeline.

    SVG, PNG or HTML (a page holding the SVG), the format from the extension of -o.
    """


picture_output = click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="File to write (.svg, .png or .html; replaced whole, a symlink written through).",
)
picture_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["svg", "png", "html"]),
    help="[default: from the extension of -o]",
)


@draw_group.command("graph", short_help="Companies joined by the deals they share.")
@with_store(create=False)
@picture_output
@picture_format
@click.option("--party", metavar="NAME", help="Only companies within --depth deals of NAME.")
@click.option("--depth", type=sqlite_int(1), default=2, show_default=True)
@click.option("--min-mw", metavar="N", help="Only deals of at least N megawatts.")
@click.option(
    "--min-confidence", metavar="P", help="Only deals the extractor is at least this sure of."
)
@as_of_option
def draw_graph(store, output, fmt, party, depth, min_mw, min_confidence, as_of):
    """Companies sized by capacity, coloured by sector, joined by the deals they share.

    Example: deals draw graph -o graph.svg --party OpenAI --depth 2
    """
    from graph.pictures.commands import draw_graph as drawing
    from graph.query import parse_number, parse_probability

    written, nodes, edges = drawing(
        open_view_noting(store, as_of),
        output,
        fmt,
        party=party,
        depth=depth,
        min_mw=parse_number(min_mw, "--min-mw"),
        min_confidence=parse_probability(min_confidence, "--min-confidence"),
    )
    click.echo(f"wrote {output} ({written}): {nodes} companies, {edges} partnerships", err=True)


@draw_group.command("timeline", short_help="Announced capacity per quarter.")
@with_store(create=False)
@picture_output
@picture_format
@click.option("--by", type=click.Choice(["kind", "party"]), default="kind", show_default=True)
@click.option(
    "--measure", type=click.Choice(["mw", "gpus", "usd"]), default="mw", show_default=True
)
@as_of_option
def draw_timeline(store, output, fmt, by, measure, as_of):
    """Announced capacity per quarter, stacked by kind or one line per party.

    Example: deals draw timeline -o timeline.png --by party --measure gpus
    """
    from graph.pictures.commands import draw_timeline as drawing

    written, quarters = drawing(open_view_noting(store, as_of), output, fmt, by=by, measure=measure)
    click.echo(f"wrote {output} ({written}): {quarters} quarters", err=True)


@cli.command()
@with_store(create=False)
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 shows the pages to the whole network).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the deals table in a browser.")
def serve(store, port, host, open_browser):
    """Browse the deals in Datasette, read-only.

    Facets, full-text search, canned queries, a page per deal and per company. The database
    is opened read-only: `deals run` from cron keeps writing meanwhile.

    Example: deals serve --db ~/deals.db --open
    """
    from graph.web.serve import serve as serving

    serving(
        store,
        host=host,
        port=port,
        open_browser=open_browser,
        echo=lambda line: click.echo(line, err=True),
    )


# --- history: web archives and backfills --------------------------------------------------------


@cli.command("import-warc")
@with_store(create=True)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--source", default="warc", show_default=True, help="The source name the stored pages carry."
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Records read between two checkpoints (or 5 seconds).",
)
def import_warc(store, files, source, batch):
    """Store the on-topic pages of WARC files, as a crawl would.

    Reads Common Crawl News or any crawler's archive (gzip per record or not), keeps HTML
    responses with status 200 that name compute and a deal, and appends the events a crawl
    appends for the same pages, dated by their capture. A killed import goes on where it
    stopped; a file imported before appends nothing.

    Example: deals import-warc CC-NEWS-20240501*.warc.gz && deals extract
    """
    import uuid

    from crawler.archive import import_warc as importing
    from store.errors import Interrupted
    from store.replay import catch_up

    run_id = uuid.uuid4().hex[:16]
    bar, update = progress_callback("importing", sum(f.stat().st_size for f in files))
    lines = []
    try:
        with bar:
            for path in files:
                lines.append(
                    importing(
                        store,
                        path,
                        source=source,
                        progress=update,
                        run_id=run_id,
                        batch_records=batch,
                    ).line()
                )
    except Interrupted as stop:
        stop.done = f"{len(lines)} of {len(files)} files imported, the rest up to a checkpoint"
        raise
    finally:
        for line in lines:
            click.echo(line)
    catch_up(store)


def growing_progress(label: str):
    """A click progress bar whose total grows as a crawl finds more to fetch (listings and
    pages queued, then answered), on a terminal; nothing otherwise. (context, callback)."""
    if not on_terminal():
        import contextlib

        return contextlib.nullcontext(), None
    bar = click.progressbar(length=0, label=label, file=sys.stderr, show_pos=True)

    def note(what: str, n: int) -> None:
        if what.endswith("_queued"):
            bar.length += n
            bar.render_progress()
        else:
            bar.update(n)

    return bar, note


@cli.command(short_help="Crawl what was published since DATE.")
@db_option
@sources_option
@click.option(
    "--since",
    required=True,
    metavar="DATE",
    help="The first day to look back to (YYYY-MM-DD or YYYYMMDD).",
)
@click.option("--until", metavar="DATE", help="The last day [default: today].")
@click.option(
    "--source", "names", multiple=True, help="Only this source (repeatable; a disabled one too)."
)
@click.option("--max-pages", type=sqlite_int(1), help="At most N articles per source.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run, e.g. DEALS_GDELT_INTERVAL=10.",
)
@click.pass_context
def backfill(ctx, db_path, sources_file, since, until, names, max_pages, settings):
    """Crawl what was published since DATE, from the sources that can look back.

    Sitemaps by their dates, GDELT by time windows, EDGAR by filing date; feeds and index
    pages hold only their latest items and are left out. Pages already stored are not asked
    for again, so a backfill a budget or a kill stopped goes on when run again.

    Example: deals backfill --since 2023-01-01 --source gdelt-gpu-deals
    """
    from crawler.run import check_sources_ready, summary_lines
    from crawler.run import crawl as run_crawl
    from crawler.sources import LOOK_BACK, load_sources, select
    from graph.view import parse_date
    from ops.lock import RunLock
    from store.errors import ConfigError

    first = parse_date(since, "--since")[:10]
    last = parse_date(until, "--until")[:10] if until else None
    if last is not None and last < first:
        raise ConfigError(f"--until {until} is before --since {since}")
    overrides = parse_settings(settings)
    everything = load_sources(sources_file)
    chosen = (
        select(everything, names) if names else [s for s in select(everything) if s.can_look_back]
    )
    cannot = [s for s in chosen if not s.can_look_back]
    if cannot:
        raise ConfigError(
            f"source {cannot[0].name} is a {cannot[0].type}, which lists only its "
            f"latest items: a backfill reads {', '.join(LOOK_BACK)} sources"
        )
    if not chosen:
        raise ConfigError(
            f"no enabled source can look back (types {', '.join(LOOK_BACK)}): "
            "name one with --source NAME"
        )
    check_sources_ready(chosen, overrides)
    path = db_path or default_db_path()
    check_database(path)
    warn_without_contact(overrides)
    bar, note = growing_progress("backfilling")
    with RunLock(path), bar:
        report = run_crawl(
            path,
            chosen,
            max_pages=max_pages,
            overrides=overrides,
            since=first,
            until=last,
            progress=note,
        )
    for line in summary_lines(report):
        click.echo(line)
    ctx.exit(report.exit_code)


def main():
    cli(prog_name="deals")


if __name__ == "__main__":
    main()
