"""Read the documents `deals extract-text` takes on stdin: JSONL records or one plain-text
article."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import BinaryIO

from store.errors import ConfigError

#: Longest input line read; the line is held in memory several times over while it is decoded.
MAX_LINE_BYTES = int(os.environ.get("DEALS_STDIN_MAX_BYTES", str(16 * 1024 * 1024)))


class InputError(ConfigError):
    """Input that is neither JSONL documents nor plain text; the message names the line."""


def read_documents(stream: BinaryIO) -> Iterator[dict]:
    """Yield `{"doc_id", "title", "text", "published"}` dicts from a byte stream (UTF-8).

    Input whose first non-blank character is "{" is JSONL, one document a line, each with a
    string `text`; anything else is one plain-text article with doc_id "stdin".
    """
    lines = _decoded(stream)
    first = ""
    for first in lines:
        if first.strip():
            break
    if not first.strip():
        raise InputError("no input on stdin: give JSONL documents or plain text")
    if not first.lstrip().startswith("{"):
        yield {"doc_id": "stdin", "title": None, "text": first + "".join(lines), "published": None}
        return
    for n, line in enumerate(_chain(first, lines), 1):
        if line.strip():
            yield _record(line, n)


def _decoded(stream: BinaryIO) -> Iterator[str]:
    limit = MAX_LINE_BYTES
    for n, raw in enumerate(iter(lambda: stream.readline(limit + 1), b""), 1):
        if len(raw) > limit:
            raise InputError(
                f"line {n}: longer than {limit:,} bytes; split the document or "
                "raise DEALS_STDIN_MAX_BYTES"
            )
        try:
            yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"line {n}: not UTF-8 (byte 0x{raw[exc.start]:02X} at column {exc.start + 1});"
                " convert it first, e.g. with iconv -f WINDOWS-1252 -t UTF-8"
            ) from None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _record(line: str, n: int) -> dict:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {n}: not valid JSON ({exc.msg})") from None
    if not isinstance(rec, dict):
        raise InputError(f"line {n}: expected a JSON object")
    if not isinstance(rec.get("text"), str):
        raise InputError(f'line {n}: a document needs a string "text"')
    if rec.get("title") is not None and not isinstance(rec["title"], str):
        raise InputError(f'line {n}: "title" must be a string or null')
    return {
        "doc_id": str(rec.get("doc_id") if rec.get("doc_id") is not None else n),
        "title": rec.get("title"),
        "text": rec["text"],
        "published": rec.get("published"),
    }
