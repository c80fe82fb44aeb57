"""Name each way a request can fail, so a crawl report counts failures by kind."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError

_KINDS = [
    (DownloadTimeoutError, "timeout"),
    (CannotResolveHostError, "dns"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (ResponseDataLossError, "data_loss"),
    (DownloadCancelledError, "too_large"),
    (DownloadFailedError, "connection"),
]
_IGNORED = [
    ("robots.txt", "robots_disallowed"),
    ("max redirections", "redirect_loop"),
    ("DOWNLOAD_MAXSIZE", "too_large"),
    ("offsite", "offsite"),
]


def classify(failure) -> tuple[str, str]:
    """(kind, one-line message) for a Twisted Failure from an errback."""
    exc = failure.value
    message = " ".join(str(exc).split())[:200] or type(exc).__name__
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}", f"HTTP {exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        for needle, kind in _IGNORED:
            if needle in str(exc):
                return kind, message
        return "ignored", message
    for cls, kind in _KINDS:
        if isinstance(exc, cls):
            return kind, f"{kind}: {message}"
    return type(exc).__name__.lower(), message


def kind_of_class(name: str) -> str:
    """The kind of failure an exception class's name stands for (Scrapy's robots.txt stats
    name the class only): CannotResolveHostError -> dns."""
    for cls, kind in _KINDS:
        if cls.__name__ == name:
            return kind
    return name.lower()
