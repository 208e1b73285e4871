"""The pytest plugin's backends and kept trees, run for real by pytest's own ``pytester``.

Each test writes a small test suite, runs pytest on it (in this process unless
the test needs a separate one) and checks the outcomes; the inner tests assert
what they see from the inside (which backend is current, where temp_dir is),
so a broken fixture shows up as a failed inner test. Kept directories are
looked at on the real disk afterwards and removed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import tempkit
from tempkit import MemoryBackend, PosixBackend
from tempkit.pytest_plugin import make_backend
from tests.support.plugin_suites import (
    PYFAKEFS_NEIGHBOURS,
    runs,
    seen,
    suite,
    user_root,
    without_basetemp,
)

pytest_plugins = ["pytester"]

_seen = seen


def _suite(pytester: pytest.Pytester, body: str, name: str = "test_inner") -> None:
    without_basetemp(pytester)
    suite(pytester, body, name)


# -- fixtures ------------------------------------------------------------------------------------
def test_temp_dir_is_on_the_local_disk_by_default_in_the_runs_base(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    _suite(
        pytester,
        """
def test_first(temp_dir, tempkit_backend, temp_dir_factory):
    assert tempkit_backend is local_backend() is get_backend()
    assert temp_dir.backend is local_backend()
    assert temp_dir.parent == temp_dir_factory.getbasetemp()
    assert temp_dir.name.startswith("test_first-")
    assert oct(temp_dir.stat().st_mode & 0o777) == "0o700"
    (temp_dir / "out.txt").write_text("data", encoding="utf-8")
    note("first", str(temp_dir))

def test_second(temp_dir):
    first = pathlib.Path(json.loads(pathlib.Path("seen.json").read_text())["first"])
    assert first.exists() and first != temp_dir
    assert first.parent == pathlib.Path(temp_dir.parent)
""",
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    first = Path(_seen(pytester)["first"])
    assert first.parent == user_root(temp_root) / "run-0"
    assert (first / "out.txt").read_text(encoding="utf-8") == "data"  # policy "all" keeps it
    assert [entry.name for entry in temp_root.iterdir()] == [user_root(temp_root).name]
    [(run, names)] = runs(temp_root).items()
    assert run == "run-0"
    assert [name.rsplit("-", 1)[0] for name in names] == ["test_first", "test_second"]  # no lock


def test_memory_backend_is_current_for_the_test_only_and_temp_dir_follows_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _suite(
        pytester,
        """
made = {}

def check(name, memory, temp):
    assert isinstance(memory, MemoryBackend)
    assert get_backend() is memory
    assert temp.backend is memory
    with TempDirPath.create(dir=temp) as inner:  # create() without backend=
        assert inner.backend is memory
    (temp / "x").write_text("x", encoding="utf-8")
    assert all(memory is not other for other, _ in made.values())  # fresh for each test
    made[name] = (memory, temp)

def test_temp_dir_first(temp_dir, memory_backend):
    check("temp_dir first", memory_backend, temp_dir)

def test_memory_backend_first(memory_backend, temp_dir):
    check("memory_backend first", memory_backend, temp_dir)

def test_after(tempkit_backend):
    assert get_backend() is local_backend() is tempkit_backend
    for memory, path in made.values():
        assert path.parent.parent == tempkit.BackendPath(
            "/tmp/" + os.environ["ROOT_NAME"], backend=memory
        )
        assert path.exists()  # kept, by policy "all", in its own backend
        assert not pathlib.Path(str(path)).exists()  # never on the disk
""",
    )
    monkeypatch.setenv("ROOT_NAME", user_root(Path("/")).name)
    pytester.runpytest().assert_outcomes(passed=3)


def test_the_chosen_backend_is_current_for_the_tests_own_fixtures_but_not_wider_ones(
    pytester: pytest.Pytester,
) -> None:
    # As an autouse fixture would: fixtures of wider scopes are made before the test's
    # backend is chosen, the test's own fixtures after, whatever order they are listed in.
    _suite(
        pytester,
        """
@pytest.fixture(scope="session")
def shared():
    return get_backend()

@pytest.fixture
def own():
    return get_backend()

def test_memory_listed_last(shared, own, memory_backend):
    assert shared is local_backend()
    assert own is memory_backend

@pytest.mark.tempkit_backend("memory")
def test_marked(own, request):
    assert isinstance(own, MemoryBackend) and own is get_backend()
    assert request.fixturenames.index("tempkit_backend") < request.fixturenames.index("own")

def test_nothing_chosen(own, request):
    assert own is local_backend()
    assert "tempkit_backend" not in request.fixturenames  # no fixture: nothing to pay
""",
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_memory_backend_asked_for_during_the_test_is_fresh_and_current_from_then_on(
    pytester: pytest.Pytester,
) -> None:
    # tempkit_backend chooses memory before the test's fixtures run when the test lists
    # memory_backend; one asked for by request.getfixturevalue comes later, by itself.
    _suite(
        pytester,
        """
def test_late(request, tempkit_backend):
    assert get_backend() is tempkit_backend is local_backend()
    memory = request.getfixturevalue("memory_backend")
    assert isinstance(memory, MemoryBackend)
    assert get_backend() is memory
    assert request.getfixturevalue("memory_backend") is memory

@pytest.mark.tempkit_backend("posix")
def test_late_contradiction(request):
    request.getfixturevalue("memory_backend")

def test_after(tempkit_backend):
    assert get_backend() is local_backend() is tempkit_backend
""",
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_late_contradiction asks for memory_backend but its tempkit_backend marker*"]
    )


def test_memory_backend_under_a_memory_marker_is_the_markers_backend(
    pytester: pytest.Pytester,
) -> None:
    _suite(
        pytester,
        """
@pytest.mark.tempkit_backend("memory", environ={"TMPDIR": "/"})
def test_same(memory_backend, tempkit_backend, temp_dir):
    assert memory_backend is tempkit_backend is get_backend()
    assert memory_backend.environ() == {"TMPDIR": "/"}
    assert str(temp_dir.parent.parent.parent) == "/"

@pytest.mark.tempkit_backend("posix")
def test_contradiction(memory_backend):
    pass
""",
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*test_contradiction asks for memory_backend but its tempkit_backend marker chose*"]
    )


def test_a_tests_own_memory_backend_is_let_go_after_the_test(pytester: pytest.Pytester) -> None:
    # Policy "all" keeps its temp_dir, but nobody can look at it after the test: the
    # backend and all it holds must not live on until the session ends.
    _suite(
        pytester,
        """
import gc, weakref
refs = []

@pytest.mark.tempkit_backend("memory")
def test_writes_a_lot(temp_dir):
    (temp_dir / "big").write_bytes(b"x" * 1_000_000)
    refs.append(weakref.ref(get_backend()))

def test_later():
    gc.collect()
    assert refs[0]() is None
""",
    )
    pytester.runpytest().assert_outcomes(passed=2)


# -- choosing the backend --------------------------------------------------------------------------
MARKED_MODULE = """
pytestmark = pytest.mark.tempkit_backend("memory")
backends = []

def test_module_marker(temp_dir):
    assert isinstance(get_backend(), MemoryBackend)
    assert temp_dir.backend is get_backend()
    backends.append(get_backend())

def test_module_marker_again():
    assert isinstance(get_backend(), MemoryBackend)
    assert get_backend() is not backends[0]  # a fresh one for every test

@pytest.mark.tempkit_backend("local")
def test_function_marker_beats_module_marker(temp_dir):
    assert get_backend() is local_backend() is temp_dir.backend

@pytest.mark.tempkit_backend("posix")
class TestClassMarker:
    def test_class_marker_beats_module_marker(self, temp_dir):
        assert type(get_backend()) is PosixBackend
        assert temp_dir.backend == PosixBackend()

    @pytest.mark.tempkit_backend(lambda **kw: MemoryBackend(cwd="/work", **kw), umask=0o077)
    def test_function_marker_beats_class_marker(self, temp_dir):
        assert get_backend().getcwd() == "/work"
        assert (temp_dir / "f").touch() is None
        assert oct((temp_dir / "f").stat().st_mode & 0o777) == "0o600"  # umask 0o077
"""


def test_marker_on_module_class_and_function_closest_wins(pytester: pytest.Pytester) -> None:
    _suite(pytester, MARKED_MODULE)
    _suite(
        pytester,
        """
def test_unmarked_module_is_untouched():
    assert get_backend() is local_backend()
""",
        name="test_zz_other",
    )
    pytester.runpytest().assert_outcomes(passed=6)


def test_ini_option_applies_to_unmarked_tests_and_the_command_line_overrides_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\ntempkit_backend = memory\n")
    _suite(
        pytester,
        """
def test_unmarked(temp_dir):
    assert type(get_backend()).__name__ == os.environ["EXPECTED_BACKEND"]
    assert temp_dir.backend is get_backend()

@pytest.mark.tempkit_backend("local")
def test_marker_beats_options():
    assert get_backend() is local_backend()
""",
    )
    monkeypatch.setenv("EXPECTED_BACKEND", "MemoryBackend")
    pytester.runpytest().assert_outcomes(passed=2)
    monkeypatch.setenv("EXPECTED_BACKEND", type(tempkit.backends.local_backend()).__name__)
    pytester.runpytest("--tempkit-backend=local").assert_outcomes(passed=2)


def test_a_module_callable_names_a_factory(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        factories="""
from tempkit import MemoryBackend

def scratch_world():
    return MemoryBackend(environ={"TMPDIR": "/scratch"}, cwd="/scratch")
"""
    )
    pytester.syspathinsert()
    pytester.makeini("[pytest]\ntempkit_backend = factories:scratch_world\n")
    _suite(
        pytester,
        """
def test_scratch(temp_dir):
    assert str(temp_dir.parent.parent.parent) == "/scratch"
""",
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_backend_option_that_names_nothing_usable_stops_the_run(
    pytester: pytest.Pytester,
) -> None:
    _suite(pytester, "def test_never_runs():\n    pass\n")
    result = pytester.runpytest("--tempkit-backend=memroy")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*tempkit_backend = 'memroy': unknown tempkit backend 'memroy'*"])
    result.stdout.no_fnmatch_line("*test_never_runs*")


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ("memroy", ValueError, "unknown tempkit backend 'memroy'"),
        ("no_such_module_here:make", ImportError, "No module named 'no_such_module_here'"),
        ("os:no_such_function", AttributeError, "no_such_function"),
        ("os:sep", TypeError, "'os:sep' is a str, not a callable"),
        (":make", ValueError, "expected 'module:callable'"),
        ("os.path:", ValueError, "expected 'module:callable'"),
    ],
)
def test_option_specs_that_name_nothing_usable(
    spec: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        make_backend(spec)


def test_bad_markers_are_errors_of_their_test_only(pytester: pytest.Pytester) -> None:
    _suite(
        pytester,
        """
@pytest.mark.tempkit_backend("memroy")
def test_unknown_name():
    pass

@pytest.mark.tempkit_backend()
def test_no_spec():
    pass

@pytest.mark.tempkit_backend(lambda: "not a backend")
def test_factory_returns_junk():
    pass

@pytest.mark.tempkit_backend("local", cwd="/")
def test_keywords_for_local():
    pass

def test_fine():
    assert get_backend() is local_backend()

# A skipped test's backend is never made, as a skipped test's fixtures are never set up.
@pytest.mark.skip(reason="not here")
@pytest.mark.tempkit_backend("no_such_module:make")
def test_skipped_with_a_backend_that_cannot_be_made():
    pass

@pytest.mark.skipif(True, reason="not here either")
@pytest.mark.tempkit_backend(lambda: 1 / 0)
def test_skipped_if(memory_backend):
    pass
""",
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=4, skipped=2)
    result.stdout.fnmatch_lines_random(
        [
            "*ValueError: unknown tempkit backend 'memroy'*",
            "*TypeError: @pytest.mark.tempkit_backend takes one backend spec*",
            "*TypeError: * made a str, not a tempkit Backend*",
            "*TypeError: backend 'local' takes no keyword arguments: ?'cwd'?*",
        ]
    )


def test_make_backend_reads_every_kind_of_spec() -> None:
    memory = make_backend("memory", {"environ": {"TMPDIR": "/"}})
    assert isinstance(memory, MemoryBackend)
    assert memory.environ() == {"TMPDIR": "/"}
    assert make_backend("memory") is not make_backend("memory")
    assert make_backend("local") is tempkit.backends.local_backend()
    assert make_backend("posix") == PosixBackend()
    assert make_backend(memory) is memory
    assert make_backend(MemoryBackend, {"cwd": "/x"}).getcwd() == "/x"
    with pytest.raises(TypeError, match="takes no keyword arguments"):
        make_backend(memory, {"cwd": "/"})
    with pytest.raises(TypeError, match="not int"):
        make_backend(3)
    with pytest.raises(TypeError, match="made a NoneType"):
        make_backend(lambda: None)
    with pytest.raises(ValueError, match="unknown tempkit backend"):
        make_backend("disk")


# -- keeping the temp dir of a failed test --------------------------------------------------
FAILING = """
def test_passes(temp_dir):
    (temp_dir / "ok.txt").write_text("fine", encoding="utf-8")
    note("passes", str(temp_dir))

def test_fails(temp_dir):
    (temp_dir / "sub").mkdir()
    (temp_dir / "sub" / "result.txt").write_text("wrong answer", encoding="utf-8")
    note("fails", str(temp_dir))
    assert False, "the answer is wrong"

@pytest.mark.xfail(reason="known", strict=True)
def test_expected_failure(temp_dir):
    note("xfail", str(temp_dir))
    assert False

@pytest.fixture
def broken(temp_dir):
    note("setup", str(temp_dir))
    raise RuntimeError("setup broke")

def test_setup_error(broken):
    pass

@pytest.fixture
def broken_teardown(temp_dir):
    yield
    note("teardown", str(temp_dir))
    raise RuntimeError("teardown broke")

def test_teardown_error(broken_teardown):
    pass
"""
OUTCOMES = {"passed": 2, "failed": 1, "xfailed": 1, "errors": 2}


def test_keep_failed_keeps_the_tree_on_disk_and_says_where(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    _suite(pytester, FAILING)
    # A separate process, loading the plugin through its entry point as users get it.
    # Policy "none" would remove every directory; --tempkit-keep-failed keeps the failed ones.
    result = pytester.runpytest_subprocess(
        "--tempkit-keep-failed", "--junitxml=report.xml", "-o", "tempkit_retention_policy=none"
    )
    result.assert_outcomes(**OUTCOMES)
    seen = {key: Path(value) for key, value in _seen(pytester).items()}
    assert not seen["passes"].exists()
    assert not seen["xfail"].exists()  # an expected failure is not a failure
    assert (seen["fails"] / "sub" / "result.txt").read_text(encoding="utf-8") == "wrong answer"
    result.stdout.fnmatch_lines(
        [
            "*Captured tempkit teardown*",
            f"kept the temp_dir of this failed test on disk: {seen['fails']}",
            "*result.txt  (12 bytes, *)",
            "*tempkit: temp dirs kept for failed tests*",
            f"test_inner.py::test_fails: {seen['fails']}",
            f"test_inner.py::test_setup_error: {seen['setup']}",
            f"test_inner.py::test_teardown_error: {seen['teardown']}",
        ]
    )
    junit = (pytester.path / "report.xml").read_text(encoding="utf-8")
    assert f'name="tempkit_kept_temp_dir" value="{seen["fails"]}"' in junit
    assert runs(temp_root) == {
        "run-0": sorted(seen[key].name for key in ("fails", "setup", "teardown"))
    }


@pytest.mark.parametrize(
    ("policy", "kept"),
    [
        ("all", ["fails", "passes", "setup", "teardown", "xfail"]),
        ("failed", ["fails", "setup", "teardown"]),  # setup and teardown errors are failures
        ("none", None),
    ],
)
def test_the_retention_policy_decides_which_trees_stay_after_the_run(
    pytester: pytest.Pytester, temp_root: Path, policy: str, kept: list[str] | None
) -> None:
    _suite(pytester, FAILING)
    result = pytester.runpytest("-o", f"tempkit_retention_policy={policy}")
    result.assert_outcomes(**OUTCOMES)
    assert "kept the temp_dir" not in result.stdout.str()  # only --tempkit-keep-failed reports
    seen = {key: Path(value) for key, value in _seen(pytester).items()}
    if kept is None:
        assert runs(temp_root) == {}  # the run is gone: nothing but the empty per-user root
    else:
        assert runs(temp_root) == {"run-0": sorted(seen[key].name for key in kept)}
    if "fails" in (kept or []):
        assert (seen["fails"] / "sub" / "result.txt").read_text(encoding="utf-8") == "wrong answer"


def test_keep_failed_from_the_ini_file_and_memory_trees_are_listed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntempkit_keep_failed = true\n")
    _suite(
        pytester,
        """
@pytest.mark.tempkit_backend("memory")
def test_fails_in_memory(temp_dir):
    (temp_dir / "data").mkdir()
    (temp_dir / "data" / "rows.csv").write_text("a,b\\n1,2\\n", encoding="utf-8")
    (temp_dir / "latest").symlink_to("data")
    (temp_dir / "locked").mkdir(mode=0o000)
    note("fails", str(temp_dir))
    assert False
""",
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    path = _seen(pytester)["fails"]
    assert path.startswith(f"/tmp/{user_root(Path('/')).name}/run-0/test_fails_in_memory-")
    result.stdout.fnmatch_lines(
        [
            f"kept the temp_dir of this failed test in memory (MemoryBackend(*)): {path}",
            "it has no path on disk and is gone when pytest exits; it held:",
            f"{path}/",
            "    data/  (0755)",
            "        rows.csv  (8 bytes, 0644)  b'a,b\\n1,2\\n'",
            "    latest -> data",
            "    locked/  (0000)",
            "        (cannot list: PermissionError: Permission denied)",
            f"test_inner.py::test_fails_in_memory: memory:{path}",
        ]
    )
    assert not Path(path).exists()  # never on the real disk


# -- the plugin stays out of the way ---------------------------------------------------------------
@pytest.mark.parametrize("policy", ["all", "none"])
def test_temp_dir_next_to_pyfakefs_whatever_runs_first(
    pytester: pytest.Pytester, temp_root: Path, policy: str
) -> None:
    # A test with fs gets its temp_dir on the fake disk (in either fixture order), and
    # the run's base on the real disk is not mistaken for one made on the fake disk.
    pytest.importorskip("pyfakefs")
    _suite(pytester, PYFAKEFS_NEIGHBOURS)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-o", f"tempkit_retention_policy={policy}"
    )
    result.assert_outcomes(passed=4)
    if policy == "none":
        assert runs(temp_root) == {}
        return
    [(run, names)] = runs(temp_root).items()  # the fake disk's runs never reach the real one
    assert [name.rsplit("-", 1)[0] for name in names] == ["test_2_real", "test_4_real_again"]
    assert (user_root(temp_root) / run / names[0] / "a.txt").read_text() == "real"


def test_disabled_with_p_no_tempkit(pytester: pytest.Pytester) -> None:
    _suite(
        pytester,
        """
def test_library_still_works():
    with TempDirPath.create() as temp:
        (temp / "f").write_text("x", encoding="utf-8")
    assert get_backend() is local_backend()

def test_fixture_is_gone(temp_dir):
    pass
""",
    )
    result = pytester.runpytest("-p", "no:tempkit")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*fixture 'temp_dir' not found*"])
    assert "tempkit_backend" not in result.stdout.str()  # no autouse fixture either

    marked = pytester.makepyfile(
        test_marked="""
import pytest

@pytest.mark.tempkit_backend("memory")
def test_marked():
    pass
"""
    )
    # In a process of its own: pytest remembers known markers for the whole process.
    result = pytester.runpytest_subprocess("-p", "no:tempkit", "--strict-markers", marked)
    result.stdout.fnmatch_lines(["*'tempkit_backend' not found in `markers` configuration*"])


def test_import_tempkit_does_not_load_the_plugin_or_pytest() -> None:
    loaded = "sorted({'tempkit.pytest_plugin', 'pytest'} & set(sys.modules))"
    code = f"import sys, tempkit; print({loaded})"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_run_whose_tests_do_not_use_tempkit_does_not_load_it(pytester: pytest.Pytester) -> None:
    # pytest loads the plugin in every run where tempkit is installed: the plugin
    # loads tempkit's layers only when a test or option needs them.
    pytester.makepyfile(
        test_plain="""
import sys

LAYERS = ("tempkit.temp", "tempkit.path", "tempkit.backends", "tempkit._pytest_bases")

def test_a_plain_test():
    assert "tempkit.pytest_plugin" in sys.modules
    assert [name for name in LAYERS if name in sys.modules] == []

def test_then_one_that_uses_temp_dir(temp_dir):
    (temp_dir / "f.txt").write_text("x", encoding="utf-8")
    assert "tempkit.temp" in sys.modules
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_plugin_is_registered_under_its_entry_point_name(
    pytestconfig: pytest.Config,
) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("tempkit")
    assert plugin is not None
    assert re.fullmatch(r"tempkit\.pytest_plugin", plugin.__name__)
