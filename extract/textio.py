"""Read the documents `deals extract-text` takes on stdin: JSONL records or one plain-text article."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from store.errors import ConfigError


class InputError(ConfigError):
    """Input that is neither JSONL documents nor plain text; the message names the line."""


def read_documents(stream: TextIO) -> Iterator[dict]:
    """Yield `{"doc_id", "title", "text", "published"}` dicts.

    Input whose first non-blank character is "{" is JSONL, one document a line, each with a
    string `text`; anything else is one plain-text article with doc_id "stdin".
    """
    first = ""
    for first in stream:
        if first.strip():
            break
    if not first.strip():
        raise InputError("no input on stdin: give JSONL documents or plain text")
    if not first.lstrip().startswith("{"):
        yield {"doc_id": "stdin", "title": None, "text": first + stream.read(), "published": None}
        return
    for n, line in enumerate(_chain(first, stream), 1):
        if line.strip():
            yield _record(line, n)


def _chain(first: str, stream: TextIO) -> Iterator[str]:
    yield first
    yield from stream


def _record(line: str, n: int) -> dict:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {n}: not valid JSON ({exc.msg})") from None
    if not isinstance(rec, dict):
        raise InputError(f"line {n}: expected a JSON object")
    if not isinstance(rec.get("text"), str):
        raise InputError(f"line {n}: a document needs a string \"text\"")
    if rec.get("title") is not None and not isinstance(rec["title"], str):
        raise InputError(f"line {n}: \"title\" must be a string or null")
    return {"doc_id": str(rec.get("doc_id") if rec.get("doc_id") is not None else n), "title": rec.get("title"),
            "text": rec["text"], "published": rec.get("published")}
