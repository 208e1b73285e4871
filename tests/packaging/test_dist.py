"""The sdist and the wheel as users get them: contents, metadata, and a venv without pytest.

The distributions are built once per module with ``python -m build`` (the sdist,
then the wheel from the unpacked sdist, so a file missing from the sdist breaks
the wheel), without build isolation: hatchling comes from the dev group. The
build reads a copy of the project's files, as a fresh clone has them.
"""

from __future__ import annotations

import email.message
import email.parser
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import tempkit

ROOT = Path(__file__).resolve().parents[2]
VERSION = tempkit.__version__
DIST_INFO = f"tempkit-{VERSION}.dist-info"
SDIST_ROOT = f"tempkit-{VERSION}"

EXTRAS = {
    "fsspec": {"fsspec"},
    "s3": {"fsspec", "s3fs"},
    "test": {"pytest"},
    "test-s3": {"pytest", "fsspec", "s3fs", "moto"},
    "async": {"anyio"},
}
# The project's own tools: never in what users install.
DEV_ONLY = {
    *("mypy", "ruff", "hypothesis", "pyfakefs", "build", "hatchling", "mkdocs"),
    *("pyright", "trio", "aiofiles"),
}


@dataclass(frozen=True)
class Dists:
    sdist: Path
    wheel: Path


def project_copy(target: Path) -> Path:
    """The project's files (tracked, or new and not ignored) copied to ``target``.

    The build reads this copy, so nothing another test or tool writes into the
    checkout while the suite runs can get into, or break, the distributions.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet staged is listed too
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    out = tmp_path_factory.mktemp("dist")
    project = project_copy(tmp_path_factory.mktemp("project"))
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(project)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, f"build failed:\n{built.stdout}\n{built.stderr}"
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Dists(sdist, wheel)


def metadata(text: str) -> email.message.Message:
    """Core metadata (METADATA or PKG-INFO), parsed as the email format it is."""
    return email.parser.Parser().parsestr(text)


def requirement_name(requirement: str) -> str:
    """The project name a ``Requires-Dist`` value names."""
    name = requirement.partition(";")[0].strip()
    for stop in "[<>=!~ (":
        name = name.split(stop)[0]
    return name.lower()


def test_wheel_holds_the_package_and_nothing_else(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        names = set(wheel.namelist())
    assert {name.split("/")[0] for name in names} == {"tempkit", DIST_INFO}
    package = {
        str(path.relative_to(ROOT / "src"))
        for path in (ROOT / "src" / "tempkit").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {name for name in names if name.startswith("tempkit/")} == package
    assert "tempkit/py.typed" in names
    assert f"{DIST_INFO}/licenses/LICENSE" in names


def test_wheel_license_is_the_repository_license(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        shipped = wheel.read(f"{DIST_INFO}/licenses/LICENSE").decode()
    assert shipped == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert shipped.startswith("MIT License")
    assert "tempkit developers" in shipped


def test_wheel_metadata(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        meta = metadata(wheel.read(f"{DIST_INFO}/METADATA").decode())
        entry_points = wheel.read(f"{DIST_INFO}/entry_points.txt").decode()
    assert meta["Name"] == "tempkit"
    assert meta["Version"] == VERSION
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.10"
    classifiers = set(meta.get_all("Classifier") or [])
    assert {
        "Framework :: Pytest",
        "Development Status :: 3 - Alpha",
        "Operating System :: POSIX :: Linux",
        "Operating System :: Microsoft :: Windows",
        "Typing :: Typed",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.13",
    } <= classifiers
    urls = dict(url.split(", ", 1) for url in meta.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Repository", "Issues"}
    assert all(url.startswith("https://") for url in urls.values())
    assert meta["Description-Content-Type"] == "text/markdown"
    assert str(meta.get_payload()).startswith("# tempkit")  # the README
    assert "tempkit = tempkit.cli:main" in entry_points
    assert "tempkit = tempkit.pytest_plugin" in entry_points


def test_extras_are_what_users_need(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        meta = metadata(wheel.read(f"{DIST_INFO}/METADATA").decode())
    assert set(meta.get_all("Provides-Extra") or []) == set(EXTRAS)
    required: dict[str, set[str]] = {extra: set() for extra in [*EXTRAS, ""]}
    for requirement in meta.get_all("Requires-Dist") or []:
        marker = requirement.partition(";")[2]
        extra = marker.split("extra ==")[-1].strip().strip("'\"") if "extra ==" in marker else ""
        required[extra].add(requirement_name(requirement))
    assert required.pop("") == {"typing-extensions"}  # on Python 3.10 only
    assert required == EXTRAS
    assert not DEV_ONLY & set().union(*required.values())


def test_sdist_holds_license_sources_and_metadata(dists: Dists) -> None:
    with tarfile.open(dists.sdist) as sdist:
        names = set(sdist.getnames())
        pkg_info = sdist.extractfile(f"{SDIST_ROOT}/PKG-INFO")
        assert pkg_info is not None
        meta = metadata(pkg_info.read().decode())
        license_file = sdist.extractfile(f"{SDIST_ROOT}/LICENSE")
        assert license_file is not None
        license_text = license_file.read().decode()
    for name in ("LICENSE", "README.md", "pyproject.toml", "src/tempkit/py.typed"):
        assert f"{SDIST_ROOT}/{name}" in names
    assert license_text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert (meta["Name"], meta["Version"], meta["License-Expression"]) == (
        "tempkit",
        VERSION,
        "MIT",
    )
    assert not any("/.venv" in name or "__pycache__" in name for name in names)


# -- installed as a user installs it, into a venv without pytest ------------------------------


@pytest.fixture(scope="module")
def user_venv(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with only the wheel: no pytest, nothing of the dev tools."""
    root = tmp_path_factory.mktemp("user-venv")
    venv.create(root, with_pip=False)
    python = root / "bin" / "python"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "-q"),
            *("--no-index", "--no-deps", str(dists.wheel)),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    if sys.version_info < (3, 11):
        # tempkit's one dependency on 3.10 is a single module: copied rather than
        # fetched, so the test needs no index.
        import typing_extensions

        site = next((root / "lib").glob("python3.*/site-packages"))
        shutil.copy(typing_extensions.__file__, site)
    yield python


def run_in(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        [str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_installed_wheel_works_without_pytest(user_venv: Path, tmp_path: Path) -> None:
    code = (
        "import importlib.util, tempkit\n"
        "assert importlib.util.find_spec('pytest') is None, 'this venv must not have pytest'\n"
        "print(tempkit.__file__)\n"
        "with tempkit.TempDirPath.create() as tmp:\n"
        "    (tmp / 'x').write_text('x', encoding='utf-8')\n"
        "from tempkit.testing.s3 import local_s3_server  # no pytest needed\n"
        "try:\n"
        "    from tempkit.testing import BackendConformance\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    proc = run_in(user_venv, code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    where, hint = proc.stdout.splitlines()
    assert Path(where).is_relative_to(user_venv.parent.parent), "tempkit from the wheel"
    assert hint == "tempkit.testing needs pytest: pip install 'tempkit[test]'"


def test_installed_console_script(user_venv: Path, tmp_path: Path) -> None:
    script = user_venv.with_name("tempkit")
    version = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout == f"tempkit {VERSION}\n"
    made = subprocess.run(
        [script, "mktemp", "-p", str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert Path(made.stdout.strip()).parent == tmp_path
    assert Path(made.stdout.strip()).is_file()
