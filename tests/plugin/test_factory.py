"""The session-scoped ``temp_dir_factory`` (pytest's ``tmp_path_factory``), and TempDirFactory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tempkit import MemoryBackend, PosixBackend
from tempkit._pytest_bases import LOCK_NAME, TempDirFactory, root_name
from tests.support.plugin_suites import runs, seen, suite, user_root, without_basetemp

pytest_plugins = ["pytester"]

SHARED_CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def shared_data(temp_dir_factory):
    data = temp_dir_factory.mktemp("data")
    (data / "rows.txt").write_text("first\\n", encoding="utf-8")
    return data
"""


def test_a_session_fixture_built_on_the_factory_is_shared_across_modules(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    without_basetemp(pytester)
    conftest = pytester.path / "conftest.py"
    conftest.write_text(conftest.read_text() + SHARED_CONFTEST, encoding="utf-8")
    suite(
        pytester,
        """
def test_first_module(shared_data, temp_dir, temp_dir_factory):
    with (shared_data / "rows.txt").open("a", encoding="utf-8") as rows:
        rows.write("from module a\\n")
    assert shared_data.parent == temp_dir.parent == temp_dir_factory.getbasetemp()
    assert shared_data.name == "data0"
    assert oct(shared_data.stat().st_mode & 0o777) == "0o700"
    note("data", str(shared_data))
""",
        name="test_a",
    )
    suite(
        pytester,
        """
def test_second_module(shared_data, temp_dir_factory):
    text = (shared_data / "rows.txt").read_text(encoding="utf-8")
    assert text == "first\\nfrom module a\\n"  # the same directory, set up once
    assert temp_dir_factory.mktemp("data").name == "data1"
    assert temp_dir_factory.mktemp("data").name == "data2"
    plain = temp_dir_factory.mktemp("plain", numbered=False)
    assert plain.name == "plain"
    with pytest.raises(FileExistsError):
        temp_dir_factory.mktemp("plain", numbered=False)
""",
        name="test_b",
    )
    pytester.runpytest().assert_outcomes(passed=2)
    data = Path(seen(pytester)["data"])
    assert data == user_root(temp_root) / "run-0" / "data0"
    [(_, names)] = runs(temp_root).items()
    assert [n for n in names if not n.startswith("test_first_module-")] == [
        "data0",
        "data1",
        "data2",
        "plain",
    ]


def test_with_memory_in_the_ini_file_the_factory_has_one_memory_backend_for_the_session(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    without_basetemp(pytester)
    pytester.makeini("[pytest]\ntempkit_backend = memory\n")
    suite(
        pytester,
        """
made = []

def test_one(temp_dir_factory, temp_dir):
    assert isinstance(temp_dir_factory.backend, MemoryBackend)
    assert temp_dir_factory.backend is not get_backend()  # each test has a fresh one
    assert temp_dir.backend is get_backend()
    made.append(temp_dir_factory.mktemp("shared"))

def test_two(temp_dir_factory):
    assert made[0].backend is temp_dir_factory.backend  # the same for the whole session
    assert made[0].exists()
    assert not pathlib.Path(str(made[0])).exists()  # in memory only
    disk = temp_dir_factory.mktemp("on_disk", backend=local_backend())
    note("disk", str(disk))
""",
    )
    pytester.runpytest().assert_outcomes(passed=2)
    disk = Path(seen(pytester)["disk"])
    assert disk == user_root(temp_root) / "run-0" / "on_disk0"
    assert runs(temp_root) == {"run-0": ["on_disk0"]}


@pytest.mark.parametrize(
    ("basename", "error"),
    [("", ValueError), (".", ValueError), ("..", ValueError), ("a/b", ValueError), (3, TypeError)],
)
def test_mktemp_refuses_anything_but_one_name_and_makes_nothing(
    basename: object, error: type[Exception]
) -> None:
    backend = MemoryBackend()
    factory = TempDirFactory(backend)
    with pytest.raises(error, match="basename must be"):
        factory.mktemp(basename)  # type: ignore[arg-type]
    assert list(backend.scandir("/tmp")) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"retention_policy": "some"}, ValueError, "retention policy must be one of all"),
        ({"retention_count": -1}, ValueError, "retention count must be 0 or more"),
        ({"retention_count": "3"}, TypeError, "retention count must be an int"),
        ({"shared_base": "/x"}, ValueError, "give shared_base and worker_id together"),
    ],
)
def test_the_factory_refuses_bad_settings(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        TempDirFactory(**kwargs)  # type: ignore[arg-type]


def test_a_run_on_the_disk_holds_its_lock_until_it_finishes(temp_root: Path) -> None:
    factory = TempDirFactory(PosixBackend())
    base = factory.getbasetemp()
    root = user_root(temp_root)
    assert Path(base) == root / "run-0"
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert (Path(base) / LOCK_NAME).read_text(encoding="ascii") == f"{os.getpid()}\n"
    assert factory.getbasetemp() == base  # made once
    (base / "kept").mkdir()
    factory.finish(failed=False)
    assert runs(temp_root) == {"run-0": ["kept"]}  # policy "all": only the lock goes


def test_a_run_in_memory_needs_no_lock() -> None:
    # No other process can see a MemoryBackend, so no other session can take its run.
    backend = MemoryBackend()
    base = TempDirFactory(backend).getbasetemp()
    assert str(base) == f"/tmp/{root_name()}/run-0"
    assert list(base.iterdir()) == []
    assert stat.S_IMODE(backend.stat(f"/tmp/{root_name()}").st_mode) == 0o700
    assert TempDirFactory(backend).getbasetemp().name == "run-1"  # a second session


def test_an_empty_run_is_not_left_behind() -> None:
    backend = MemoryBackend()
    factory = TempDirFactory(backend)
    base = factory.getbasetemp()
    factory.finish(failed=True)
    assert not base.exists()
    assert list(backend.scandir(f"/tmp/{root_name()}")) == []


def test_retention_options_that_make_no_sense_stop_the_run(pytester: pytest.Pytester) -> None:
    suite(pytester, "def test_never_runs():\n    pass\n")
    result = pytester.runpytest("-o", "tempkit_retention_policy=some")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*the policy one of all, failed, none*"])
    result = pytester.runpytest("-o", "tempkit_retention_count=three")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*tempkit_retention_count = 'three': expected a whole number*"])
