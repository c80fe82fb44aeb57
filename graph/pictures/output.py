"""Writing a picture: the format follows the file's extension, the file appears whole."""

from __future__ import annotations

import html
import io
import os
from pathlib import Path

from graph.export import output_file, replace_file
from store.errors import ConfigError

FORMATS = ("svg", "png", "html")
_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "deals"}  # text stays text; stable ids


def choose_format(path: str | os.PathLike, fmt: str | None) -> str:
    """`fmt`, else the format `path`'s extension names; a contradiction is a ConfigError."""
    suffix = Path(path).suffix.lower().lstrip(".")
    named = "html" if suffix == "htm" else suffix if suffix in FORMATS else None
    if fmt is None and named is None:
        raise ConfigError(
            f"cannot tell the format of {path} from its extension: name it"
            " .svg, .png or .html, or give --format"
        )
    if fmt is not None and named is not None and fmt != named:
        raise ConfigError(
            f"--format {fmt} contradicts the extension of {path} ({named}):"
            " drop --format or rename the file"
        )
    return fmt or named


def svg_text(figure) -> str:
    """The figure as an <svg> element, ready to be put inline in a page."""
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg") :]


def _render(figure, fmt: str, title: str) -> bytes:
    import matplotlib

    if fmt == "html":
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{html.escape(title)}</title></head>\n<body style="margin:0">\n'
            f"{svg_text(figure)}</body></html>\n"
        ).encode()
    out = io.BytesIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(
            out,
            format=fmt,
            dpi=150 if fmt == "png" else None,
            metadata={"Software": None} if fmt == "png" else {"Date": None},
        )
    return out.getvalue()


def save(figure, path: str | os.PathLike, fmt: str | None = None, title: str = "deals") -> str:
    """Write `figure` to `path` (replaced whole, never a folder, pipe or device); returns the
    format written."""
    output_file(path)
    fmt = choose_format(path, fmt)
    data = _render(figure, fmt, title)
    replace_file(path, lambda tmp: Path(tmp).write_bytes(data))
    return fmt
