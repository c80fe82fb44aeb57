"""Run the README's examples against the demo and check or rewrite what they print.

Every ```console block of README.md holds `$ COMMAND` lines, each followed by exactly what it
prints (stdout and stderr, as a terminal shows them). The blocks run in order, as one session,
in a fresh folder laid out like a checkout (`.venv` and `crawler/` linked in), so the first
example, `.venv/bin/deals demo`, makes the demo.db the others read and change. A block whose
output ends with a line `...` shows only the lines before it.

    .venv/bin/python benchmarks/readme.py           # run them; exit 1 when one differs
    .venv/bin/python benchmarks/readme.py --write   # run them and write what they print

`make readme` is the second. tests/test_readme.py runs the first as tests. What differs from
one run to the next (times of day, today's date, run ids, file sizes, the folder's path) is
compared loosely; everything else, deal ids included, must be the same.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
CHECKOUT = "/home/ana/compute-deals"  # how the README names the folder the examples ran in
ELIDED = "..."
_BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_RUN_ID = re.compile(r"\b[0-9a-f]{16}\b")
_SIZE = re.compile(r"\(\d+(\.\d+)? MB, ")


@dataclass
class Example:
    command: str
    expected: list[str]  # the lines the README shows, without a final `...`
    elided: bool = False  # the README shows only the first lines
    start: int = 0  # offset of the command line in the README
    end: int = 0  # offset just after the last line of its output
    actual: list[str] = field(default_factory=list)


def examples(text: str) -> list[Example]:
    """The examples of every console block, in order."""
    found = []
    for block in _BLOCK.finditer(text):
        offset = block.start(1)
        current = None
        for line in block.group(1).splitlines(keepends=True):
            if line.startswith("$ "):
                current = Example(line[2:].rstrip("\n"), [], start=offset)
                found.append(current)
            elif current is None:
                raise ValueError(
                    f"README.md: a console block starts with {line!r}, not `$ command`"
                )
            elif line.rstrip("\n") == ELIDED:
                current.elided = True
            else:
                current.expected.append(line.rstrip("\n"))
            offset += len(line)
            current.end = offset
    return found


def demo_dates() -> set[str]:
    """Dates of the demo's articles: the dates deals have, compared exactly."""
    data = tomllib.loads((REPO / "crawler" / "demo" / "articles.toml").read_text())
    return {a["date"] for table in ("article", "archived") for a in data.get(table, ())}


def workspace(folder: Path) -> Path:
    """A folder laid out like a checkout: `.venv` (this Python's) and `crawler/` linked in."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in ((".venv", Path(sys.prefix)), ("crawler", REPO / "crawler")):
        if not (folder / name).exists():
            (folder / name).symlink_to(target, target_is_directory=True)
    return folder


def environment() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DEALS_") and k not in ("COLUMNS", "LINES")
    }
    env.update(COLUMNS="80", PYTHONUNBUFFERED="1", DEALS_CONTACT_URL="https://example.org/me")
    return env


def run(example: Example, folder: Path) -> list[str]:
    """What the command prints, stdout and stderr in the order written, the paths of the
    folder and of the checkout written as CHECKOUT."""
    done = subprocess.run(
        ["bash", "-c", example.command],
        cwd=folder,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
    text = done.stdout
    venv = Path(sys.prefix)
    places = {
        str(folder): CHECKOUT,
        str(folder.resolve()): CHECKOUT,
        str(REPO): CHECKOUT,
        str(venv): f"{CHECKOUT}/.venv",
        str(venv.resolve()): f"{CHECKOUT}/.venv",
    }
    for place in sorted(places, key=len, reverse=True):
        text = text.replace(place, places[place])
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def loose(lines: list[str], dates: set[str]) -> list[str]:
    """Lines with what changes from run to run masked: times, dates other than the demo's
    articles', run ids, sizes in MB."""
    out = []
    for line in lines:
        line = _TIME.sub("<time>", line)
        line = _DATE.sub(lambda m: m.group(0) if m.group(0) in dates else "<date>", line)
        line = _RUN_ID.sub("<run id>", line)
        out.append(_SIZE.sub("(<size> MB, ", line))
    return out


def shown(example: Example) -> list[str]:
    """The actual lines as the README shows them: the first ones only when it elides."""
    if example.elided:
        return example.actual[: len(example.expected)]
    return example.actual


def differences(example: Example, dates: set[str]) -> str:
    """A unified diff of the README's lines against what the command printed, or ''."""
    expected = loose(example.expected, dates)
    actual = loose(shown(example), dates)
    if expected == actual:
        return ""
    return "\n".join(difflib.unified_diff(expected, actual, "README.md", "printed", lineterm=""))


def run_all(folder: Path, text: str | None = None) -> list[Example]:
    found = examples(README.read_text() if text is None else text)
    workspace(folder)
    for example in found:
        example.actual = run(example, folder)
    return found


def rewrite(text: str, found: list[Example]) -> str:
    """The README with each example's output replaced by what it printed."""
    pieces, last = [], 0
    for example in found:
        head = text[example.start : example.end].split("\n", 1)[0] + "\n"
        lines = shown(example) + ([ELIDED] if example.elided else [])
        pieces += [text[last : example.start], head, "".join(f"{x}\n" for x in lines)]
        last = example.end
    return "".join(pieces) + text[last:]


def main(argv: list[str]) -> int:
    write = "--write" in argv
    text = README.read_text()
    with tempfile.TemporaryDirectory(prefix="deals-readme-") as tmp:
        found = run_all(Path(tmp) / "compute-deals", text)
    dates = demo_dates()
    if write:
        README.write_text(rewrite(text, found))
        print(f"README.md: wrote the output of {len(found)} examples")
        return 0
    bad = [(e, differences(e, dates)) for e in found if differences(e, dates)]
    for example, diff in bad:
        print(f"$ {example.command}\n{diff}\n")
    print(f"{len(found) - len(bad)} of {len(found)} README examples print what it shows")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
