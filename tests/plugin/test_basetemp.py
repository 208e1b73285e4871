"""``--basetemp`` is honoured, and tempkit removes only what it made there.

pytest itself clears the directory ``--basetemp`` names (pytest-dev/pytest#7119:
``--basetemp=.`` has wiped projects). The inner suites here use only tempkit's
fixtures, so anything that goes missing would be tempkit's doing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.plugin_suites import seen, suite

pytest_plugins = ["pytester"]

SUITE = """
@pytest.fixture(scope="session")
def shared(temp_dir_factory):
    return temp_dir_factory.mktemp("shared")

def test_in_basetemp(temp_dir, temp_dir_factory, shared):
    assert temp_dir.parent == temp_dir_factory.getbasetemp() == shared.parent
    (temp_dir / "out.txt").write_text("output", encoding="utf-8")
    note("dir", str(temp_dir))
    note("shared", str(shared))
"""


def _users_directory(tmp_path: Path) -> Path:
    """A directory full of someone's work, as ``--basetemp=.`` would name."""
    work = tmp_path / "project"
    (work / "src").mkdir(parents=True)
    (work / "src" / "main.py").write_text("print('hello')\n", encoding="utf-8")
    (work / "notes.txt").write_text("do not lose", encoding="utf-8")
    return work


def _contents(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


@pytest.mark.parametrize("policy", ["all", "none"])
def test_a_directory_that_exists_keeps_everything_tempkit_did_not_make(
    pytester: pytest.Pytester, tmp_path: Path, temp_root: Path, policy: str
) -> None:
    work = _users_directory(tmp_path)
    before = _contents(work)
    suite(pytester, SUITE)
    result = pytester.runpytest(f"--basetemp={work}", "-o", f"tempkit_retention_policy={policy}")
    result.assert_outcomes(passed=1)
    noted = seen(pytester)
    made = {Path(noted["dir"]).name, "shared0"}
    assert Path(noted["dir"]).parent == work
    assert (work / "notes.txt").read_text(encoding="utf-8") == "do not lose"
    if policy == "all":
        assert _contents(work) == sorted([*before, *made, f"{Path(noted['dir']).name}/out.txt"])
    else:
        assert _contents(work) == before  # tempkit's own entries went, nothing else
    assert list(temp_root.iterdir()) == []  # no per-user root: --basetemp replaces it


def test_a_directory_tempkit_makes_is_its_own_to_remove(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    basetemp = tmp_path / "fresh"
    suite(pytester, SUITE)
    pytester.runpytest(f"--basetemp={basetemp}").assert_outcomes(passed=1)
    first = Path(seen(pytester)["dir"])
    assert first.parent == basetemp
    assert sorted(p.name for p in basetemp.iterdir()) == sorted([first.name, "shared0"])

    # It exists now: a second run adds to it and leaves the first run's entries alone.
    pytester.runpytest(f"--basetemp={basetemp}").assert_outcomes(passed=1)
    second = Path(seen(pytester)["dir"])
    names = sorted(p.name for p in basetemp.iterdir())
    assert names == sorted([first.name, second.name, "shared0", "shared1"])

    other = tmp_path / "other"
    pytester.runpytest(f"--basetemp={other}", "-o", "tempkit_retention_policy=none")
    assert not other.exists()  # made by this run, removed by this run


def test_a_basetemp_that_is_not_a_directory_is_an_error_of_the_tests_that_need_it(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("mine", encoding="utf-8")
    suite(pytester, "def test_needs_it(temp_dir):\n    pass\n\ndef test_does_not():\n    pass\n")
    result = pytester.runpytest(f"--basetemp={in_the_way}")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [f"*NotADirectoryError: *--basetemp is not a directory: '{in_the_way}'"]
    )
    assert in_the_way.read_text(encoding="utf-8") == "mine"
