"""The `deals` command: thin click commands that parse options and call library functions.

Heavy libraries (Scrapy, spaCy, networkx) are imported inside the commands that need them, so
`deals query` and `deals status` start fast.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
from pathlib import Path

import click

from store import DealsError, Store, __version__, default_db_path
from store.errors import from_sqlite


class CommandError(click.ClickException):
    """A DealsError shown as one line with its own exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class DealsGroup(click.Group):
    """Turns every DealsError and SQLite error into one line and an exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DealsError as exc:
            raise CommandError(str(exc), exc.exit_code) from None
        except sqlite3.Error as exc:
            err = from_sqlite(exc, ctx.meta.get("deals.db", "the database"))
            raise CommandError(str(err), err.exit_code) from None


def db_option(f):
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=True, path_type=Path), envvar="DEALS_DB",
        help="Database file [default: $DEALS_DB, else $XDG_DATA_HOME/deals/deals.db].")(f)


def with_store(create: bool):
    """Add --db and pass an open Store; read commands (create=False) need an existing file."""
    def decorator(f):
        @db_option
        @functools.wraps(f)
        def wrapper(*args, db_path=None, **kwargs):
            path = db_path or default_db_path()
            click.get_current_context().meta["deals.db"] = path
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
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


@click.group(cls=DealsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deals")
def cli():
    """Turn AI compute-deal news into a queryable, exportable knowledge graph."""


# --- store commands ---------------------------------------------------------------------------

@cli.command()
@with_store(create=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status(store, as_json):
    """Show events by type, the last crawl, sources and projection lag."""
    from store.status import collect

    report = collect(store)
    if as_json:
        echo_json(report)
        return
    from store.status import render

    click.echo(render(report))


@cli.command()
@with_store(create=False)
@click.option("--type", "types", multiple=True, help="Only events of this type (repeatable).")
@click.option("--tail", type=click.IntRange(min=1), help="Only the last N events.")
@click.option("--after", type=click.IntRange(min=0), default=0, help="Only events after this seq.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def events(store, types, tail, after, as_json):
    """Read the event log."""
    from store.status import read_events

    for event in read_events(store, types=list(types) or None, tail=tail, after=after):
        if as_json:
            echo_json({"seq": event.seq, "id": event.id, "type": event.type,
                       "stream": event.stream, "version": event.version,
                       "recorded_at": event.recorded_at, "data": event.data,
                       "meta": event.meta})
        else:
            summary = json.dumps(event.data, ensure_ascii=False)
            if len(summary) > 80:
                summary = summary[:77] + "..."
            click.echo(f"{event.seq:>7} {event.recorded_at[:19]} {event.type:<16} "
                       f"{event.stream}  {summary}")


@cli.command()
@with_store(create=False)
@click.option("--projection", "names", multiple=True,
              help="Rebuild only this projection (repeatable); default all.")
def replay(store, names):
    """Drop the projections and rebuild them from the log."""
    from store import replay as replaying
    from store.projections import ALL, by_name

    chosen = [by_name(n) for n in names] if names else ALL
    total = sum(store.counts_by_type().get(t, 0) for p in chosen for t in p.event_types)
    bar, update = progress_callback("replaying", total)
    with bar:
        applied = replaying.replay(store, chosen, progress=update)
    if on_terminal():
        for name, count in applied.items():
            click.echo(f"{name}: {count} events applied", err=True)


# --- crawler commands -------------------------------------------------------------------------


# --- extraction commands ----------------------------------------------------------------------


# --- graph commands ---------------------------------------------------------------------------


# --- operations commands ----------------------------------------------------------------------


def main():
    cli(prog_name="deals")


if __name__ == "__main__":
    main()
