"""Core cases of issue 8: files, directories, tree cleanup, import, concurrency, memory.

Every alternative works in the same directory on the same filesystem as tempkit, in the
same run, so the ratios compare like with like. The raw baselines are what a careful
hand-written version costs: the same system calls tempkit promises, and nothing else.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.process
import multiprocessing.synchronize
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

from benchmarks._harness import (
    Case,
    ComparisonCase,
    Config,
    Contestant,
    MeasuredCase,
    Measurement,
    Target,
    children_cpu,
)
from tempkit import TempDirPath, TempFilePath

RAW_FILE_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
FORBIDDEN_ON_IMPORT = ("fsspec", "hypothesis", "pytest")
IMPORT_TEMP_OBJECTS = "from tempkit import TempDirPath, TempFilePath"
MIB = 1024 * 1024


def cases(config: Config) -> list[Case]:
    """The six core cases, in the order the issue lists them."""
    return [
        _file_case(config),
        _dir_case(config),
        _tree_case(config),
        _import_case(config),
        _threads_case(config),
        _processes_case(config),
        _memory_case(config),
    ]


def _expect_empty(directory: Path, who: str) -> None:
    leftovers = os.listdir(directory)
    if leftovers:
        raise RuntimeError(f"{who} left {len(leftovers)} entries behind: {sorted(leftovers)[:5]}")


def _raw_name(directory: str) -> str:
    return os.path.join(directory, "tmp" + os.urandom(6).hex())


# -- 1. named temp file ------------------------------------------------------------------------


def _file_case(config: Config) -> Case:
    ops = config.pick(full=1500, quick=50)
    tempdir = str(config.tempdir)

    def tempkit_run() -> None:
        create = TempFilePath.create
        for _ in range(ops):
            create().cleanup()

    def raw_run() -> None:
        for _ in range(ops):
            path = _raw_name(tempdir)
            os.close(os.open(path, RAW_FILE_FLAGS, 0o600))
            os.unlink(path)

    def mkstemp_run() -> None:
        for _ in range(ops):
            fd, path = tempfile.mkstemp(dir=tempdir)
            os.close(fd)
            os.unlink(path)

    def named_run() -> None:
        for _ in range(ops):
            tempfile.NamedTemporaryFile(dir=tempdir).close()

    def check() -> None:
        _expect_empty(config.tempdir, "the file case")

    contestants = [
        Contestant("tempkit TempFilePath.create() + cleanup()", tempkit_run, teardown=check),
        Contestant("raw os.open(O_EXCL|O_NOFOLLOW) + close + unlink", raw_run, teardown=check),
        Contestant("tempfile.mkstemp + close + unlink", mkstemp_run, teardown=check),
        Contestant("tempfile.NamedTemporaryFile().close()", named_run, teardown=check),
    ]
    return ComparisonCase(
        name="file",
        title="1. named temp file, create + cleanup",
        ops=ops,
        contestants=contestants,
        targets=[
            Target(contestants[1].name, 1.15),
            Target(contestants[2].name, 1.0, strict=True),
            Target(contestants[3].name, 1.0, strict=True),
        ],
    )


# -- 2. temp directory -------------------------------------------------------------------------


def _dir_case(config: Config) -> Case:
    ops = config.pick(full=1500, quick=50)
    tempdir = str(config.tempdir)

    def tempkit_run() -> None:
        create = TempDirPath.create
        for _ in range(ops):
            create().cleanup()

    def raw_run() -> None:
        for _ in range(ops):
            path = _raw_name(tempdir)
            os.mkdir(path, 0o700)
            os.rmdir(path)

    def temporary_directory_run() -> None:
        for _ in range(ops):
            tempfile.TemporaryDirectory(dir=tempdir).cleanup()

    def mkdtemp_run() -> None:
        for _ in range(ops):
            shutil.rmtree(tempfile.mkdtemp(dir=tempdir))

    def check() -> None:
        _expect_empty(config.tempdir, "the directory case")

    contestants = [
        Contestant("tempkit TempDirPath.create() + cleanup()", tempkit_run, teardown=check),
        Contestant("raw os.mkdir(0o700) + os.rmdir", raw_run, teardown=check),
        Contestant(
            "tempfile.TemporaryDirectory().cleanup()", temporary_directory_run, teardown=check
        ),
        Contestant("tempfile.mkdtemp + shutil.rmtree", mkdtemp_run, teardown=check),
    ]
    return ComparisonCase(
        name="dir",
        title="2. temp directory, create + cleanup",
        ops=ops,
        contestants=contestants,
        targets=[
            Target(contestants[1].name, 1.2),
            Target(contestants[2].name, 1.0, strict=True),
        ],
    )


# -- 3. tree cleanup ---------------------------------------------------------------------------


def populate(root: Path, dirs: int, files_per_dir: int) -> None:
    """Fill ``root`` with ``dirs`` directories of ``files_per_dir`` small files each."""
    payload = b"x" * 64
    for d in range(dirs):
        sub = root / f"d{d:03}"
        sub.mkdir()
        for f in range(files_per_dir):
            fd = os.open(sub / f"f{f:03}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, payload)
            finally:
                os.close(fd)


def _tree_case(config: Config) -> Case:
    dirs = config.pick(full=100, quick=5)
    files_per_dir = config.pick(full=100, quick=10)
    area = config.scratch("tree")
    holder: dict[str, object] = {}

    def tempkit_setup() -> None:
        tree = TempDirPath.create(dir=area)
        populate(Path(tree), dirs, files_per_dir)
        holder["tempkit"] = tree

    def tempkit_run() -> None:
        tree = holder.pop("tempkit")
        assert isinstance(tree, TempDirPath)
        tree.cleanup()

    def shutil_setup() -> None:
        tree = Path(tempfile.mkdtemp(dir=area))
        populate(tree, dirs, files_per_dir)
        holder["shutil"] = tree

    def shutil_run() -> None:
        tree = holder.pop("shutil")
        assert isinstance(tree, Path)
        shutil.rmtree(tree)

    def check() -> None:
        _expect_empty(area, "the tree case")

    files = dirs * files_per_dir
    shutil_name = "shutil.rmtree (same tree)"
    return ComparisonCase(
        name="tree",
        title=f"3. cleanup of {files:,} small files in {dirs} directories",
        ops=1,
        unit="tree",
        contestants=[
            Contestant("tempkit TempDirPath.cleanup()", tempkit_run, tempkit_setup, check),
            Contestant(shutil_name, shutil_run, shutil_setup, check),
        ],
        targets=[Target(shutil_name, 1.1)],
    )


# -- 4. import cost ----------------------------------------------------------------------------


def _import_case(config: Config) -> Case:
    ops = config.pick(full=10, quick=2)
    python = sys.executable
    # Every interpreter reads bytecode from one private cache, filled in the warm-up
    # round, as after any install. Without it PYTHONDONTWRITEBYTECODE (set in some
    # shells) would have tempkit compiled from source on every run while the
    # standard library loads from its caches; the source tree is not written to.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(config.scratch("pycache"))
    _check_never_imported(python, env)

    def importer(code: str) -> Callable[[], None]:
        def run() -> None:
            for _ in range(ops):
                subprocess.run([python, "-c", code], check=True, env=env)

        return run

    baseline = "python -c 'import tempfile, pathlib'"
    # The package serves its names lazily, so a bare `import tempkit` loads almost
    # nothing: the case imports the temp objects, as code that uses tempkit does.
    return ComparisonCase(
        name="import",
        title="4. importing tempkit's temp objects in a fresh interpreter",
        ops=ops,
        unit="interpreter",
        contestants=[
            Contestant(f"python -c '{IMPORT_TEMP_OBJECTS}'", importer(IMPORT_TEMP_OBJECTS)),
            Contestant(baseline, importer("import tempfile, pathlib")),
            Contestant("python -c 'pass' (startup only)", importer("pass")),
        ],
        targets=[Target(baseline, 1.5)],
        timer=children_cpu if config.clock == "cpu" else None,
        clock_name="CPU time" if config.clock == "cpu" else None,
        notes=[
            f"checked: the import loads none of {', '.join(FORBIDDEN_ON_IMPORT)}",
        ],
    )


def _check_never_imported(python: str, env: dict[str, str]) -> None:
    code = (
        f"import sys\n{IMPORT_TEMP_OBJECTS}\n"
        f"print(' '.join(m for m in {FORBIDDEN_ON_IMPORT!r} "
        "if any(k == m or k.startswith(m + '.') for k in sys.modules)))"
    )
    out = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True, env=env)
    if out.stdout.strip():
        raise RuntimeError(f"`import tempkit` imported {out.stdout.strip()}")


# -- 5. concurrency ----------------------------------------------------------------------------

# (name, created_ns, cleaned_ns) for every temp file one worker made.
Lifetimes = list[tuple[str, int, int]]


def tempkit_worker(directory: str, count: int) -> Lifetimes:
    """Create and clean ``count`` TempFilePaths in ``directory``, recording each lifetime."""
    clock = time.monotonic_ns
    create = TempFilePath.create
    out: Lifetimes = []
    for _ in range(count):
        path = create(dir=directory)
        born = clock()
        path.cleanup()
        out.append((path.name, born, clock()))
    return out


def mkstemp_worker(directory: str, count: int) -> Lifetimes:
    """The same work with ``tempfile.mkstemp`` + close + unlink."""
    clock = time.monotonic_ns
    out: Lifetimes = []
    for _ in range(count):
        fd, path = tempfile.mkstemp(dir=directory)
        born = clock()
        os.close(fd)
        os.unlink(path)
        out.append((os.path.basename(path), born, clock()))
    return out


def count_collisions(lifetimes: list[Lifetimes]) -> int:
    """Names handed out to two creators while both were alive.

    A name may legitimately come back after its file was cleaned; only overlapping
    lifetimes of one name are collisions.
    """
    by_name: dict[str, list[tuple[int, int]]] = {}
    for worker in lifetimes:
        for name, born, cleaned in worker:
            by_name.setdefault(name, []).append((born, cleaned))
    collisions = 0
    for spans in by_name.values():
        if len(spans) < 2:
            continue
        spans.sort()
        latest_end = spans[0][1]
        for born, cleaned in spans[1:]:
            if born <= latest_end:
                collisions += 1
            latest_end = max(latest_end, cleaned)
    return collisions


WORKERS = 4


class _Contest:
    """The shared bookkeeping of a concurrency contestant: results, then the checks."""

    def __init__(self, directory: Path, who: str, per_worker: int) -> None:
        self.directory = directory
        self.who = who
        self.per_worker = per_worker
        self.results: list[Lifetimes] = []

    def check(self) -> None:
        made = sum(len(r) for r in self.results)
        expected = WORKERS * self.per_worker
        if made != expected:
            raise RuntimeError(f"{self.who}: {made} files made, expected {expected}")
        collisions = count_collisions(self.results)
        if collisions:
            raise RuntimeError(f"{self.who}: {collisions} name collisions")
        _expect_empty(self.directory, self.who)
        self.results = []


def _thread_contestant(
    name: str, worker: Callable[[str, int], Lifetimes], directory: Path, per_worker: int
) -> Contestant:
    contest = _Contest(directory, name, per_worker)
    pool: list[ThreadPoolExecutor] = []

    def setup() -> None:
        executor = ThreadPoolExecutor(WORKERS)
        # Start every thread before the clock does.
        barrier = threading.Barrier(WORKERS + 1)
        for _ in range(WORKERS):
            executor.submit(barrier.wait)
        barrier.wait()
        pool.append(executor)

    def run() -> None:
        executor = pool[0]
        futures = [executor.submit(worker, str(directory), per_worker) for _ in range(WORKERS)]
        contest.results = [f.result() for f in futures]

    def teardown() -> None:
        pool.pop().shutdown()
        contest.check()

    return Contestant(name, run, setup, teardown)


def _threads_case(config: Config) -> Case:
    return _concurrency_case(config, "threads", _thread_contestant)


def _process_main(
    worker: Callable[[str, int], Lifetimes],
    directory: str,
    count: int,
    go: multiprocessing.synchronize.Event,
    results: Connection,
) -> None:
    go.wait()
    results.send(worker(directory, count))
    results.close()


class _ProcessRound:
    """Four forked workers, started and waiting on ``go`` before the clock starts."""

    def __init__(self, worker: Callable[[str, int], Lifetimes], directory: Path, count: int):
        # Fork: the children start with tempkit already imported, so the clock measures
        # the work, not interpreter start-up.
        context = multiprocessing.get_context("fork")
        self.go = context.Event()
        self.procs: list[multiprocessing.process.BaseProcess] = []
        self.pipes: list[Connection] = []
        for _ in range(WORKERS):
            receiver, sender = context.Pipe(duplex=False)
            proc = context.Process(
                target=_process_main, args=(worker, str(directory), count, self.go, sender)
            )
            proc.start()
            sender.close()
            self.procs.append(proc)
            self.pipes.append(receiver)

    def run(self) -> list[Lifetimes]:
        self.go.set()
        return [pipe.recv() for pipe in self.pipes]

    def join(self, who: str) -> None:
        for proc, pipe in zip(self.procs, self.pipes, strict=True):
            proc.join()
            pipe.close()
            if proc.exitcode != 0:
                raise RuntimeError(f"{who}: worker exited with {proc.exitcode}")


def _process_contestant(
    name: str, worker: Callable[[str, int], Lifetimes], directory: Path, per_worker: int
) -> Contestant:
    contest = _Contest(directory, name, per_worker)
    rounds: list[_ProcessRound] = []

    def setup() -> None:
        rounds.append(_ProcessRound(worker, directory, per_worker))

    def run() -> None:
        contest.results = rounds[0].run()

    def teardown() -> None:
        rounds.pop().join(name)
        contest.check()

    return Contestant(name, run, setup, teardown)


def _processes_case(config: Config) -> Case:
    return _concurrency_case(config, "processes", _process_contestant)


def _concurrency_case(
    config: Config,
    kind: str,
    contestant: Callable[[str, Callable[[str, int], Lifetimes], Path, int], Contestant],
) -> Case:
    """Case 5a/5b: WORKERS threads or processes creating files in one shared directory."""
    per_worker = config.pick(full=5000, quick=100)
    directory = config.scratch(kind)
    number = "5a" if kind == "threads" else "5b"
    return ComparisonCase(
        name=kind,
        title=f"{number}. {WORKERS} {kind} x {per_worker:,} temp files in one directory",
        ops=WORKERS * per_worker,
        unit="file",
        show_rate=True,
        timer=time.perf_counter,  # throughput across workers is elapsed time
        clock_name="wall time",
        contestants=[
            contestant("tempkit TempFilePath", tempkit_worker, directory, per_worker),
            contestant("tempfile.mkstemp + close + unlink", mkstemp_worker, directory, per_worker),
        ],
        notes=[
            "checked every round: zero collisions, zero leftovers",
            "throughput is reported, not judged: the issue sets no ratio for this case",
        ],
    )


# -- 6. memory ---------------------------------------------------------------------------------

_MEMORY_PROBE = textwrap.dedent(
    """
    import gc, json, resource, sys, tracemalloc, weakref
    from tempkit import TempFilePath, _finalizer

    count, directory = int(sys.argv[1]), sys.argv[2]

    def finalizers_attached():
        return len(_finalizer._attached) + len(getattr(weakref.finalize, "_registry", {}))

    def churn(n):
        create = TempFilePath.create
        for _ in range(n):
            create(dir=directory).cleanup()

    churn(1000)  # warm every cache first: only growth from then on counts
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    churn(count)
    gc.collect()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finalizers_left = finalizers_attached()

    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    churn(count)
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({
        "rss_growth_kib": rss_after - rss_before,
        "traced_net": current - start,
        "traced_peak": peak - start,
        "finalizers_left": finalizers_left,
    }))
    """
)


def _memory_case(config: Config) -> Case:
    count = config.pick(full=100_000, quick=5_000)
    directory = config.scratch("memory")

    def measure(config: Config) -> list[Measurement]:
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(count), str(directory)],
            check=True,
            capture_output=True,
            text=True,
        )
        _expect_empty(directory, "the memory case")
        data = json.loads(out.stdout)
        if data["finalizers_left"]:
            raise RuntimeError(f"{data['finalizers_left']} finalizers still registered")
        return [
            Measurement(
                "peak RSS growth (getrusage ru_maxrss)",
                data["rss_growth_kib"] / 1024,
                "MiB",
                limit=5.0,
                note="fresh interpreter, after a warm-up of 1,000",
            ),
            Measurement(
                "memory still allocated after the loop (tracemalloc)",
                data["traced_net"] / 1024,
                "KiB",
            ),
            Measurement("tracemalloc peak during the loop", data["traced_peak"] / 1024, "KiB"),
        ]

    return MeasuredCase(
        name="memory",
        title=f"6. memory: {count:,} TempFilePath create + cleanup in a loop",
        measure=measure,
        notes=["checked: no finalizer left attached after the loop"],
    )
