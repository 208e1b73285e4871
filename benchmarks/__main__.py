"""Run the tempkit benchmark suite: ``python -m benchmarks [--quick] [-k NAME] [--markdown FILE]``.

Every ``benchmarks/bench_*.py`` module is discovered and its ``cases(config)`` run in
file order. Exit status: 0 when every case ran (and, in a full run, every target held),
1 when a case crashed or a target was missed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks._harness import Case, CaseResult, Config, Skip, render_markdown, render_text

HERE = Path(__file__).resolve().parent
FULL_ROUNDS = 15
QUICK_ROUNDS = 3


def discover() -> list[str]:
    """Module names of every ``bench_*.py`` next to this file, sorted."""
    return [f"benchmarks.{p.stem}" for p in sorted(HERE.glob("bench_*.py"))]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _filesystem_of(path: Path) -> str:
    """The filesystem type ``path`` lives on, from /proc/mounts (longest mount prefix)."""
    best, kind = "", "unknown"
    target = str(path.resolve())
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            for line in f:
                fields = line.split()
                if len(fields) < 3:
                    continue
                mount = fields[1]
                inside = target == mount or target.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) > len(best):
                    best, kind = mount, fields[2]
    except OSError:
        pass
    return kind


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def machine_description(tempdir: Path) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    import tempkit

    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} logical cores"),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("temp dir filesystem", _filesystem_of(tempdir)),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("tempkit", f"{tempkit.__version__} (commit {_git_commit()})"),
    ]


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Run the tempkit benchmark suite."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: a few small rounds, targets not judged (CI uses this)",
    )
    parser.add_argument("--rounds", type=int, help="timed rounds per case")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: elapsed time (default); cpu: CPU time of the work, steadier on a busy machine",
    )
    parser.add_argument(
        "-k",
        dest="select",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only cases whose module or case name contains TEXT (repeatable)",
    )
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument(
        "--markdown", type=Path, metavar="FILE", help="also write the tables as Markdown"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        help="where to put the scratch directory (default: the system temp dir)",
    )
    args = parser.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def _selected(select: list[str], module: str, name: str) -> bool:
    return not select or any(s in module or s in name for s in select)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; see the module docstring for the exit status."""
    args = _parse(argv)
    rounds = args.rounds or (QUICK_ROUNDS if args.quick else FULL_ROUNDS)
    scratch_root = Path(tempfile.mkdtemp(prefix="tempkit-bench-", dir=args.dir))
    tempdir = scratch_root / "tmpdir"
    tempdir.mkdir(mode=0o700)
    saved_tmpdir = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(tempdir)
    try:
        import tempkit

        tempkit.reset_tempdir_cache()
        config = Config(
            quick=args.quick,
            rounds=rounds,
            scratch_root=scratch_root,
            tempdir=tempdir,
            clock=args.clock,
        )
        return _run_all(args, config)
    finally:
        if saved_tmpdir is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_tmpdir
        shutil.rmtree(scratch_root, ignore_errors=True)


def _run_all(args: argparse.Namespace, config: Config) -> int:
    out: Callable[[str], None] = print
    machine = machine_description(config.tempdir)
    mode = "quick smoke run (targets not judged)" if config.quick else "full run"
    out(f"tempkit benchmarks: {mode}, {config.rounds} rounds per case, {config.clock} clock")
    for key, value in machine:
        out(f"  {key}: {value}")
    results: list[CaseResult] = []
    failures: list[str] = []
    for module_name in discover():
        try:
            module = importlib.import_module(module_name)
            cases: list[Case] = list(module.cases(config))
        except Skip as why:
            out(f"\n== {module_name}: skipped ({why})")
            continue
        except Exception:
            failures.append(f"{module_name}: crashed while building its cases")
            traceback.print_exc()
            continue
        for case in cases:
            if not _selected(args.select, module_name, case.name):
                continue
            if args.list:
                out(f"  {module_name}: {case.name}")
                continue
            out("")
            try:
                result = case.run(config)
            except Exception:
                failures.append(f"{case.name}: crashed")
                traceback.print_exc()
                continue
            results.append(result)
            out(render_text(result))
            failures.extend(f"target missed: {m}" for m in result.missed)
    if args.markdown is not None and not args.list:
        _write_markdown(args.markdown, machine, config, results)
    out("")
    if failures:
        for failure in failures:
            out(f"FAILED {failure}")
        return 1
    out("tempkit benchmarks: all cases ran" + ("" if config.quick else "; every target held"))
    return 0


def _write_markdown(
    path: Path, machine: list[tuple[str, str]], config: Config, results: list[CaseResult]
) -> None:
    command = "python -m benchmarks" + (" --quick" if config.quick else "")
    if config.clock != "wall":
        command += f" --clock {config.clock}"
    parts = [f"Measured with `{command}` ({config.rounds} rounds per case).", ""]
    parts.extend(f"- {key}: {value}" for key, value in machine)
    parts.append("")
    parts.extend(render_markdown(r) for r in results)
    path.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
