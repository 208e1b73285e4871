"""The shared benchmark harness: rounds, medians, spreads and ratios measured in one run.

How to add a benchmark
----------------------
Create ``benchmarks/bench_<area>.py`` with a function ``cases(config: Config) -> list[Case]``.
``python -m benchmarks`` (or ``scripts/bench``) imports every ``bench_*.py`` module it
finds and runs the cases in file order; nothing needs registering.

Two kinds of case exist:

``ComparisonCase``
    Times tempkit against alternatives doing the same work. The FIRST contestant is the
    subject (tempkit); every other one is an alternative, and the report quotes
    ``subject / alternative`` as the median of the per-round ratios (each round times
    every contestant back to back, so load from elsewhere hits both). Each round runs every
    contestant once, in a rotating order: ``setup()`` (untimed), ``run()`` (timed),
    ``teardown()`` (untimed). ``run()`` does the work ``ops`` times, so the table shows
    the time per operation::

        def cases(config: Config) -> list[Case]:
            ops = config.pick(full=2000, quick=20)
            directory = config.scratch("files")
            def tempkit_run() -> None:
                for _ in range(ops):
                    TempFilePath.create(dir=directory).cleanup()
            ...
            return [
                ComparisonCase(
                    name="file create+cleanup",
                    ops=ops,
                    contestants=[Contestant("tempkit", tempkit_run), Contestant("raw", raw_run)],
                    targets=[Target("raw", 1.15)],
                )
            ]

``MeasuredCase``
    Anything that is not a race, e.g. peak memory: ``measure()`` returns
    :class:`Measurement` values, each with an optional limit.

Clocks: ``--clock wall`` (the default) times with ``time.perf_counter``; ``--clock cpu``
times the CPU this process spends (user + system, so system calls count), which stays
meaningful on a loaded machine. A case can fix its own ``timer`` (throughput needs the
wall clock; a case that runs subprocesses uses :func:`children_cpu` on the CPU clock).

Rules of the house: targets and limits are judged only in a full run (``--quick`` runs
a few small rounds so the suite never rots, and fails only when a benchmark crashes).
A benchmark that finds a correctness problem (a collision, a leftover file) raises,
in every mode. Put scratch files under ``config.scratch(...)``; the runner removes the
scratch root at the end. ``config.tempdir`` is where TMPDIR points during the run, so
``TempFilePath.create()`` without ``dir=`` lands there. A module whose optional
dependencies are missing raises :class:`Skip` from ``cases()``; the runner reports it
and moves on.
"""

from __future__ import annotations

import gc
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

__all__ = [
    "Case",
    "CaseResult",
    "ComparisonCase",
    "Config",
    "Contestant",
    "MeasuredCase",
    "Measurement",
    "Row",
    "Skip",
    "Target",
    "children_cpu",
]


class Skip(Exception):
    """Raised by ``cases()`` when a benchmark module cannot run here (missing extra)."""


@dataclass(frozen=True)
class Config:
    """How this run is set up; handed to every ``cases()`` function."""

    quick: bool
    rounds: int
    scratch_root: Path
    tempdir: Path
    clock: str = "wall"  # "wall" or "cpu"

    @property
    def timer(self) -> Callable[[], float]:
        """The default clock of this run."""
        return time.process_time if self.clock == "cpu" else time.perf_counter

    def pick(self, full: int, quick: int) -> int:
        """The workload size for this mode."""
        return quick if self.quick else full

    def scratch(self, name: str) -> Path:
        """A fresh, empty directory for one case under the run's scratch root."""
        path = self.scratch_root / name
        path.mkdir(mode=0o700)
        return path


def _nothing() -> None:
    return None


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Contestant:
    """One way of doing a case's work. ``run`` is timed; ``setup``/``teardown`` are not."""

    name: str
    run: Callable[[], object]
    setup: Callable[[], object] = _nothing
    teardown: Callable[[], object] = _nothing


@dataclass(frozen=True)
class Target:
    """A promise: ``subject / alternative`` stays at or below ``max_ratio``.

    ``strict`` turns "at most" into "below" (``Target(alt, 1.0, strict=True)`` is
    "faster than").
    """

    alternative: str
    max_ratio: float
    strict: bool = False

    def describe(self) -> str:
        """The target as the table shows it."""
        if self.strict and self.max_ratio == 1.0:
            return "faster"
        return f"{'<' if self.strict else '<='} {self.max_ratio:.2f}x"

    def met(self, ratio: float) -> bool:
        """True when ``ratio`` keeps the promise."""
        return ratio < self.max_ratio if self.strict else ratio <= self.max_ratio


@dataclass(frozen=True)
class Measurement:
    """A single measured value, optionally with a limit it must stay below."""

    label: str
    value: float
    unit: str
    limit: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a case's table."""

    label: str
    value: str
    spread: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


COMPARISON_COLUMNS: tuple[str, ...] = (
    "",
    "median",
    "spread (min .. max)",
    "ratio: median of paired [min..max]",
    "target",
    "",
)
MEASURED_COLUMNS: tuple[str, ...] = ("", "value", "how", "", "limit", "")


@dataclass
class CaseResult:
    """What a case reports: a title line, table rows and any missed promise."""

    name: str
    title: str
    columns: tuple[str, ...] = COMPARISON_COLUMNS
    rows: list[Row] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Case(Protocol):
    """Anything the runner can run: a name (for ``-k``) and ``run(config)``."""

    @property
    def name(self) -> str:
        """Short unique name, used to select cases on the command line."""

    def run(self, config: Config) -> CaseResult:
        """Do the measurement and report it."""


# -- comparison cases --------------------------------------------------------------------------


def _format_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _format_range(low: float, high: float, unit: Callable[[float], str]) -> str:
    return f"{unit(low)} .. {unit(high)}"


@dataclass(frozen=True)
class ComparisonCase:
    """Time the subject (first contestant) against each alternative in the same run."""

    name: str
    title: str
    ops: int
    contestants: Sequence[Contestant]
    targets: Sequence[Target] = ()
    unit: str = "op"
    notes: Sequence[str] = ()
    show_rate: bool = False  # also show throughput (units per second) next to the median
    timer: Callable[[], float] | None = None  # None: the run's clock (Config.timer)
    clock_name: str | None = None  # how the title names ``timer``

    def __post_init__(self) -> None:
        names = [c.name for c in self.contestants]
        if len(names) < 2 or len(set(names)) != len(names):
            raise ValueError(f"{self.name}: need at least two uniquely named contestants")
        unknown = {t.alternative for t in self.targets} - set(names[1:])
        if unknown:
            raise ValueError(f"{self.name}: targets name unknown alternatives {sorted(unknown)}")
        if self.ops < 1:
            raise ValueError(f"{self.name}: ops must be positive")

    def run(self, config: Config) -> CaseResult:
        """Warm up once, then time ``config.rounds`` rounds of every contestant."""
        contestants = list(self.contestants)
        timer = self.timer or config.timer
        for contestant in contestants:
            _time_round(contestant, timer)
        per_op: dict[str, list[float]] = {c.name: [] for c in contestants}
        for round_index in range(config.rounds):
            # Rotate the order so no contestant always runs right after another's teardown.
            shift = round_index % len(contestants)
            for contestant in contestants[shift:] + contestants[:shift]:
                per_op[contestant.name].append(_time_round(contestant, timer) / self.ops)
        return self._report(config, per_op)

    def _clock_name(self, config: Config) -> str:
        if self.clock_name is not None:
            return self.clock_name
        if self.timer is None:
            return "CPU time" if config.clock == "cpu" else "wall time"
        return "time"

    def _report(self, config: Config, per_op: dict[str, list[float]]) -> CaseResult:
        subject = self.contestants[0].name
        subject_times = per_op[subject]
        result = CaseResult(
            self.name,
            f"{self.title} ({self.ops} {self.unit}s/round, {config.rounds} rounds, "
            f"median {self._clock_name(config)} per {self.unit})",
            notes=list(self.notes),
        )
        targets = {t.alternative: t for t in self.targets}
        for contestant in self.contestants:
            times = per_op[contestant.name]
            median = statistics.median(times)
            shown = _format_time(median)
            if self.show_rate:
                shown += f" ({1 / median:,.0f} {self.unit}s/s)"
            row = Row(
                contestant.name,
                shown,
                _format_range(min(times), max(times), _format_time),
            )
            if contestant.name != subject:
                # Each round times subject and alternative back to back, so a burst of
                # load from elsewhere hits both: the median of these paired ratios is
                # the quoted ratio, and their range shows how stable it is.
                paired = [s / a for s, a in zip(subject_times, times, strict=True)]
                ratio = statistics.median(paired)
                target = targets.get(contestant.name)
                verdict = ""
                if target is not None:
                    if config.quick:
                        verdict = "(quick)"
                    elif target.met(ratio):
                        verdict = "ok"
                    else:
                        verdict = "MISSED"
                        result.missed.append(
                            f"{self.name}: {subject} / {contestant.name} = {_format_ratio(ratio)}, "
                            f"target {target.describe()}"
                        )
                row = Row(
                    row.label,
                    row.value,
                    row.spread,
                    f"{_format_ratio(ratio)} [{_format_ratio(min(paired), unit='')}.."
                    f"{_format_ratio(max(paired), unit='')}]",
                    target.describe() if target is not None else "",
                    verdict,
                )
            result.rows.append(row)
        return result


def _format_ratio(ratio: float, unit: str = "x") -> str:
    """A ratio with two decimals; three below 0.1, where a 1/100 target is read."""
    return f"{ratio:.3f}{unit}" if abs(ratio) < 0.1 else f"{ratio:.2f}{unit}"


def _time_round(contestant: Contestant, timer: Callable[[], float]) -> float:
    contestant.setup()
    gc.collect()
    try:
        start = timer()
        contestant.run()
        return timer() - start
    finally:
        contestant.teardown()


# -- measured cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasuredCase:
    """A case that reports values (memory, counts) rather than racing alternatives."""

    name: str
    title: str
    measure: Callable[[Config], Sequence[Measurement]]
    notes: Sequence[str] = ()

    def run(self, config: Config) -> CaseResult:
        """Call ``measure`` and judge each value against its limit (full runs only)."""
        result = CaseResult(self.name, self.title, columns=MEASURED_COLUMNS, notes=list(self.notes))
        for m in self.measure(config):
            verdict = ""
            target = ""
            if m.limit is not None:
                target = f"< {m.limit:g} {m.unit}"
                if config.quick:
                    verdict = "(quick)"
                elif m.value < m.limit:
                    verdict = "ok"
                else:
                    verdict = "MISSED"
                    result.missed.append(
                        f"{self.name}: {m.label} = {m.value:.3g} {m.unit}, {target}"
                    )
            result.rows.append(
                Row(m.label, f"{m.value:.3g} {m.unit}", m.note, target=target, verdict=verdict)
            )
        return result


# -- output --------------------------------------------------------------------------------------


def _cells(row: Row) -> tuple[str, ...]:
    return (row.label, row.value, row.spread, row.ratio, row.target, row.verdict)


def _used_columns(result: CaseResult) -> list[int]:
    """Indexes of the columns that have a header or any content (label always shown)."""
    cells = [_cells(r) for r in result.rows]
    return [
        i for i, header in enumerate(result.columns) if i == 0 or header or any(c[i] for c in cells)
    ]


def render_text(result: CaseResult) -> str:
    """A plain-text table for the terminal."""
    used = _used_columns(result)
    table = [
        tuple(line[i] for i in used) for line in [result.columns, *(_cells(r) for r in result.rows)]
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(used))]
    lines = [f"== {result.name}: {result.title}"]
    for line in table:
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
    lines.extend(f"  note: {n}" for n in result.notes)
    return "\n".join(line.rstrip() for line in lines)


def render_markdown(result: CaseResult) -> str:
    """A Markdown table, as docs/performance.md shows it."""
    used = _used_columns(result)
    header = ["case", *(result.columns[i] for i in used[1:])]
    lines = [
        f"**{result.name}**: {result.title}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in result.rows:
        cells = _cells(row)
        lines.append("| " + " | ".join(cells[i].replace("|", "\\|") for i in used) + " |")
    lines.extend(f"\n{n}" for n in result.notes)
    return "\n".join(lines) + "\n"
