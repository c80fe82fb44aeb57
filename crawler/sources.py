"""The sources file: where to crawl, loaded from TOML and checked before any request is made."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from store.errors import ConfigError

TYPES = ("feed", "sitemap", "index", "gdelt", "edgar")
KEYS = {"name", "url", "type", "follow", "allowed_domains", "enabled", "prefilter"}
# Keys only one type takes: a discovery query (gdelt) or the companies to follow (edgar).
TYPE_KEYS = {"gdelt": {"query", "timespan", "start", "end"}, "edgar": {"ciks", "forms"}}
# Types that can list what was published before a given date (`deals backfill --since`).
LOOK_BACK = ("sitemap", "gdelt", "edgar")
DEFAULT_URLS = {
    "gdelt": "https://api.gdeltproject.org/api/v2/doc/doc",
    "edgar": "https://www.sec.gov/cgi-bin/browse-edgar",
}
DEFAULT_TIMESPAN = "1d"
DEFAULT_SOURCES = "default_sources.toml"
_TIMESPAN = re.compile(r"^([1-9][0-9]{0,4})(min|h|d|w|m)$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Source:
    """One place to crawl. `follow` (a regex) limits which article URLs are fetched."""

    name: str
    url: str
    type: str
    follow: str | None = None
    allowed_domains: tuple[str, ...] = ()
    enabled: bool = True
    # Skip pages the keyword prefilter (crawler.relevance) finds off topic; gdelt's default.
    prefilter: bool = False
    query: str | None = None  # gdelt: the DOC API query
    timespan: str | None = None  # gdelt: how far back a crawl looks (1d, 12h, 2w, 3m, 90min)
    start: str | None = None  # gdelt: a fixed window instead, YYYY-MM-DD (start inclusive)
    end: str | None = None  # gdelt: ... to YYYY-MM-DD inclusive (default: now)
    ciks: tuple[str, ...] = ()  # edgar: the companies' Central Index Keys, 10 digits
    forms: tuple[str, ...] = ()  # edgar: filing types (default 8-K)

    def follows(self, url: str) -> bool:
        return self.follow is None or re.search(self.follow, url) is not None

    @property
    def can_look_back(self) -> bool:
        return self.type in LOOK_BACK


def default_sources_path() -> Path:
    return Path(str(resources.files("crawler") / DEFAULT_SOURCES))


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Every source in the file, enabled or not; ConfigError lists every problem, one a line."""
    sources, problems = check_sources(path)
    if len(problems) == 1:
        raise ConfigError(problems[0])
    if problems:
        raise ConfigError(
            f"{problems[0]} (and {len(problems) - 1} more problems: "
            f"run `deals sources check {path or ''}`)".replace(" )", ")")
        )
    return sources


def check_sources(path: str | Path | None = None) -> tuple[list[Source], list[str]]:
    """(valid sources, one line per problem), for `deals sources check`."""
    path = Path(path) if path else default_sources_path()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], [f"{path}: no such file"]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{path}: invalid TOML: {exc}"]
    tables = document.get("source")
    if not isinstance(tables, list) or not tables:
        return [], [f"{path}: no [[source]] tables"]
    sources, problems, names = [], [], set()
    for number, table in enumerate(tables, 1):
        name = table.get("name") if isinstance(table, dict) else None
        label = f"{path}: source {name if isinstance(name, str) and name else f'#{number}'}"
        errors = _problems(table)
        if isinstance(name, str) and name in names:
            errors.append("duplicate name")
        names.add(name if isinstance(name, str) else None)
        if errors:
            problems.extend(f"{label}: {error}" for error in errors)
        else:
            sources.append(make_source(table))
    return sources, problems


def make_source(table: dict) -> Source:
    kind = table["type"]
    url = table.get("url") or DEFAULT_URLS[kind]
    # A gdelt listing names pages of any publisher: no domain list unless one is given, which
    # then limits the publishers (the API's own host is always allowed).
    domains = table.get("allowed_domains") or ([] if kind == "gdelt" else [default_domain(url)])
    timespan = table.get("timespan")
    if kind == "gdelt" and not timespan and not table.get("start"):
        timespan = DEFAULT_TIMESPAN
    return Source(
        name=table["name"],
        url=url,
        type=kind,
        follow=table.get("follow"),
        allowed_domains=tuple(domains),
        enabled=table.get("enabled", True),
        prefilter=table.get("prefilter", kind == "gdelt"),
        query=table.get("query"),
        timespan=timespan,
        start=_day(table.get("start")),
        end=_day(table.get("end")),
        ciks=tuple(str(c).zfill(10) for c in table.get("ciks", ())),
        forms=tuple(table.get("forms") or (("8-K",) if kind == "edgar" else ())),
    )


def _day(value) -> str | None:
    return None if value is None else str(value)[:10]


def timespan_delta(timespan: str):
    """A gdelt `timespan` (90min, 12h, 1d, 2w, 3m: a month is 30 days) as a timedelta."""
    from datetime import timedelta

    number, unit = _TIMESPAN.match(timespan).groups()
    minutes = {"min": 1, "h": 60, "d": 1440, "w": 10080, "m": 43200}[unit]
    return timedelta(minutes=int(number) * minutes)


def describe(source: Source) -> str:
    """What `deals sources list` shows of a source: its URL, or what a discovery source asks."""
    if source.type == "gdelt":
        window = (
            f"{source.start} to {source.end or 'now'}"
            if source.start
            else f"last {source.timespan}"
        )
        return f"GDELT: {source.query}  ({window})"
    if source.type == "edgar":
        ciks = ", ".join(c.lstrip("0") for c in source.ciks[:4])
        more = f" and {len(source.ciks) - 4} more" if len(source.ciks) > 4 else ""
        return f"EDGAR {'/'.join(source.forms)} of CIK {ciks}{more}"
    return source.url


def default_domain(url: str) -> str:
    """The URL's host without "www.", so both example.com and www.example.com are in scope."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def select(sources: list[Source], names: list[str] | tuple[str, ...] = ()) -> list[Source]:
    """The named sources (enabled or not), else every enabled one; none is a ConfigError."""
    if not names:
        enabled = [s for s in sources if s.enabled]
        if not enabled:
            raise ConfigError(
                f"no enabled source: all {len(sources)} are disabled (set "
                "enabled = true on one, or name one with --source NAME)"
            )
        return enabled
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(f"unknown source {', '.join(unknown)} (see `deals sources list`)")
    return [by_name[n] for n in names]


def _problems(table) -> list[str]:
    if not isinstance(table, dict):
        return [f"not a table but {_toml_type(table)} (write each source as a [[source]] table)"]
    kind = table.get("type")
    own = TYPE_KEYS.get(kind, set()) if isinstance(kind, str) else set()
    others = set().union(*TYPE_KEYS.values()) - own
    errors = [f"unknown key {key!r}" for key in sorted(set(table) - KEYS - own - others)]
    for key in sorted(set(table) & others):
        owner = next(t for t, keys in TYPE_KEYS.items() if key in keys)
        errors.append(f'{key} only applies to type = "{owner}"')
    for key in ("name", "url", "type"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            errors.append(f"{key} must be a string, not {_toml_type(value)}")
        elif key == "url" and value is None and kind in DEFAULT_URLS:
            continue  # gdelt and edgar default to the public endpoints
        elif not isinstance(value, str) or not value.strip():
            errors.append(f"missing {key}")
    if isinstance(kind, str) and kind not in TYPES:
        errors.append(f"unknown type {kind!r} (use {', '.join(TYPES)})")
    errors += _type_problems(table, kind)
    if isinstance(table.get("url"), str):
        problem = _url_problem(table["url"])
        if problem:
            errors.append(f"bad URL {table['url']!r} ({problem})")
    follow = table.get("follow")
    if follow is not None and not isinstance(follow, str):
        errors.append(f"follow must be a string (a regex), not {_toml_type(follow)}")
    elif follow is not None:
        try:
            re.compile(follow)
        except re.error as exc:
            errors.append(f"bad follow regex {follow!r}: {exc}")
    domains = table.get("allowed_domains")
    if domains is not None and (
        not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains)
    ):
        errors.append("allowed_domains must be a list of host names")
    for key in ("enabled", "prefilter"):
        if key in table and not isinstance(table[key], bool):
            errors.append(f"{key} must be true or false")
    return errors


def _type_problems(table: dict, kind) -> list[str]:
    """What is wrong with a gdelt source's query and window or an edgar source's CIKs."""
    errors = []
    if kind == "gdelt":
        query = table.get("query")
        if not isinstance(query, str) or not query.strip():
            errors.append(
                "missing query (the GDELT DOC API query, e.g. '\"GPU\" AND (deal OR agreement)')"
            )
        timespan = table.get("timespan")
        if timespan is not None and (
            not isinstance(timespan, str) or not _TIMESPAN.match(timespan)
        ):
            errors.append(f"bad timespan {timespan!r} (a number and min, h, d, w or m: 1d, 12h)")
        for key in ("start", "end"):
            value = table.get(key)
            text = str(value) if isinstance(value, (str, date)) else ""
            if value is not None and not (_DAY.match(text[:10]) and len(text) in (10, 19)):
                errors.append(f"{key} must be a date, YYYY-MM-DD")
        if timespan is not None and (table.get("start") or table.get("end")):
            errors.append("give timespan or start/end, not both")
        if table.get("end") is not None and table.get("start") is None:
            errors.append("end needs a start")
        elif (
            table.get("start") is not None
            and table.get("end") is not None
            and str(table["end"]) < str(table["start"])
        ):
            errors.append("end is before start")
    if kind == "edgar":
        ciks = table.get("ciks")
        if not isinstance(ciks, list) or not ciks:
            errors.append(
                "missing ciks (the companies' SEC Central Index Keys, e.g. ciks = [1045810])"
            )
        elif not all(
            (isinstance(c, int) and not isinstance(c, bool) and 0 < c < 10**10)
            or (isinstance(c, str) and c.isdigit() and 0 < len(c) <= 10)
            for c in ciks
        ):
            errors.append("ciks must be numbers of at most 10 digits")
        forms = table.get("forms")
        if forms is not None and (
            not isinstance(forms, list)
            or not forms
            or not all(isinstance(f, str) and f.strip() for f in forms)
        ):
            errors.append('forms must be a list of filing types, e.g. ["8-K"]')
    return errors


def _url_problem(url: str) -> str | None:
    """Why `url` cannot be crawled, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # raises on a port past 65535 or one that is not a number
    except ValueError as exc:
        return f"{str(exc).lower()}"
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        return "need http:// or https:// and a host"
    return None


def _toml_type(value) -> str:
    """The TOML name of a parsed value's type, for messages."""
    for kind, name in (
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
    ):
        if isinstance(value, kind):
            return name
    return "a date or time"
