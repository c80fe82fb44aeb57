"""The sources file: where to crawl, loaded from TOML and checked before any request is made."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from store.errors import ConfigError

TYPES = ("feed", "sitemap", "index")
KEYS = {"name", "url", "type", "follow", "allowed_domains", "enabled"}
DEFAULT_SOURCES = "default_sources.toml"


@dataclass(frozen=True)
class Source:
    """One place to crawl. `follow` (a regex) limits which article URLs are fetched."""

    name: str
    url: str
    type: str
    follow: str | None = None
    allowed_domains: tuple[str, ...] = ()
    enabled: bool = True

    def follows(self, url: str) -> bool:
        return self.follow is None or re.search(self.follow, url) is not None


def default_sources_path() -> Path:
    return Path(str(resources.files("crawler") / DEFAULT_SOURCES))


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Every source in the file, enabled or not; ConfigError lists every problem, one a line."""
    sources, problems = check_sources(path)
    if len(problems) == 1:
        raise ConfigError(problems[0])
    if problems:
        raise ConfigError(f"{problems[0]} (and {len(problems) - 1} more problems: "
                          f"run `deals sources check {path or ''}`)".replace(" )", ")"))
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
    domains = table.get("allowed_domains") or [default_domain(table["url"])]
    return Source(name=table["name"], url=table["url"], type=table["type"],
                  follow=table.get("follow"), allowed_domains=tuple(domains),
                  enabled=table.get("enabled", True))


def default_domain(url: str) -> str:
    """The URL's host without "www.", so both example.com and www.example.com are in scope."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def select(sources: list[Source], names: list[str] | tuple[str, ...] = ()) -> list[Source]:
    """The named sources (enabled or not), else every enabled one; none is a ConfigError."""
    if not names:
        enabled = [s for s in sources if s.enabled]
        if not enabled:
            raise ConfigError(f"no enabled source: all {len(sources)} are disabled (set "
                              "enabled = true on one, or name one with --source NAME)")
        return enabled
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(f"unknown source {', '.join(unknown)} (see `deals sources list`)")
    return [by_name[n] for n in names]


def _problems(table) -> list[str]:
    if not isinstance(table, dict):
        return [f"not a table but {_toml_type(table)} (write each source as a [[source]] table)"]
    errors = [f"unknown key {key!r}" for key in sorted(set(table) - KEYS)]
    for key in ("name", "url", "type"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            errors.append(f"{key} must be a string, not {_toml_type(value)}")
        elif not isinstance(value, str) or not value.strip():
            errors.append(f"missing {key}")
    if isinstance(table.get("type"), str) and table["type"] not in TYPES:
        errors.append(f"unknown type {table['type']!r} (use {', '.join(TYPES)})")
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
    if domains is not None and (not isinstance(domains, list)
                                or not all(isinstance(d, str) and d for d in domains)):
        errors.append("allowed_domains must be a list of host names")
    if "enabled" in table and not isinstance(table["enabled"], bool):
        errors.append("enabled must be true or false")
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
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a float"),
                       (str, "a string"), (list, "an array"), (dict, "a table")):
        if isinstance(value, kind):
            return name
    return "a date or time"
