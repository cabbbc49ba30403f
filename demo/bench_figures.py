"""The benchmarks' headline figures, kept as each benchmark runs and printed as one table.

`make bench` runs every benchmark, each in its own process (and the import benchmark as
a script), each given `--figures FILE`: each appends its figures to that file, one JSON
object a line, and `manage.py bench_summary FILE` prints them together, each beside its
target and whether it was met. Plain Python (no Django), so the script can write them too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

MET, NOT_MET, NO_TARGET = "met", "NOT met", ""


@dataclass(frozen=True)
class Figure:
    """One measure of one benchmark: what was timed, what it came to, what it should be."""

    bench: str
    measure: str
    figure: str
    target: str = ""
    met: bool | None = None  # None: a figure with no target (a build time, a count)

    @property
    def verdict(self) -> str:
        if self.met is None:
            return NO_TARGET
        return MET if self.met else NOT_MET


def figures_write(path: str | Path | None, figures: Iterable[Figure]) -> None:
    """Append `figures` to the file at `path` (nothing when no file was asked for)."""
    if not path:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as handle:
        for figure in figures:
            handle.write(json.dumps(asdict(figure)) + "\n")


def figures_read(path: str | Path) -> list[Figure]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [Figure(**json.loads(line)) for line in lines if line.strip()]


def figures_table(figures: list[Figure]) -> list[str]:
    """One table: a heading line for each benchmark, its figures beneath, and the verdict
    of the whole (every figure with a target met). A target every figure of a benchmark
    shares is given once, on its heading."""
    shared: dict[str, str] = {}
    for name in dict.fromkeys(f.bench for f in figures):
        targets = {f.target for f in figures if f.bench == name and f.met is not None}
        shared[name] = targets.pop() if len(targets) == 1 else ""
    shown = [(f, "" if shared[f.bench] else f.target) for f in figures]
    widths = [
        max([len(f.measure) + 2 for f in figures] + [len("measure")]),
        max([len(f.figure) for f in figures] + [len("figure")]),
        max([len(target) for _, target in shown] + [len("target")]),
    ]

    def row(measure: str, figure: str, target: str, verdict: str) -> str:
        cells = zip((measure, figure, target), widths, strict=True)
        return " | ".join(cell.ljust(width) for cell, width in cells) + f" | {verdict}"

    lines = [row("measure", "figure", "target", "")]
    lines.append("-" * len(lines[0]))
    bench = None
    for figure, target in shown:
        if figure.bench != bench:
            bench = figure.bench
            lines.append(f"{bench} (target: {shared[bench]})" if shared[bench] else bench)
        lines.append(row(f"  {figure.measure}", figure.figure, target, figure.verdict))
    targeted = [f for f in figures if f.met is not None]
    missed = [f for f in targeted if not f.met]
    lines.append("")
    lines.append(
        f"{len(targeted) - len(missed)} of {len(targeted)} targets met"
        + ("" if not missed else ": not " + "; ".join(f"{f.bench}, {f.measure}" for f in missed))
    )
    return lines
