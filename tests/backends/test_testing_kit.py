"""The conformance kit itself: it fails a broken backend and says why it skips.

Each check runs pytest in a separate process on a test module written the way a
third party would write it, outside this repository's conftest.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

BROKEN = textwrap.dedent(
    """
    import pytest
    from tempkit import MemoryBackend
    from tempkit.testing import BackendConformance

    class NotExclusive(MemoryBackend):
        def create_file(self, path, perm=0o600):
            try:
                super().create_file(path, perm)
            except FileExistsError:
                pass  # the bug: an existing file is silently accepted

    class TestBroken(BackendConformance):
        @pytest.fixture
        def backend(self):
            return NotExclusive()
    """
)

DECLARING = textwrap.dedent(
    """
    import pytest
    from fsspec.implementations.memory import MemoryFileSystem
    from tempkit import FsspecBackend
    from tempkit.testing import BackendConformance

    class TestMemoryStore(BackendConformance):
        @pytest.fixture
        def backend(self):
            return FsspecBackend(MemoryFileSystem(), root="/tmp")
    """
)


BROKEN_PROMISE = textwrap.dedent(
    """
    import pytest
    from tempkit import MemoryBackend
    from tempkit.testing import BackendConformance

    class WholeFilesLost(MemoryBackend):
        def write_whole_file(self, path, data):
            self.create_file(path)  # the bug: declares whole_files, keeps no data

    class TestBrokenPromise(BackendConformance):
        @pytest.fixture
        def backend(self):
            return WholeFilesLost()
    """
)


def run_pytest(directory: Path, source: str) -> str:
    (directory / "test_third_party.py").write_text(source, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfs", "-p", "no:cacheprovider", "."],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result.stdout + result.stderr


def test_kit_fails_a_backend_whose_create_is_not_exclusive(tmp_path: Path) -> None:
    output = run_pytest(tmp_path, BROKEN)
    failed = {
        line.split("::")[-1].split()[0]
        for line in output.splitlines()
        if line.startswith("FAILED ")
    }
    assert failed == {
        "test_create_file_refuses_an_existing_file",
        "test_create_file_refuses_an_existing_directory",
        "test_create_file_does_not_follow_a_symlink",
        "test_exclusive_create_has_exactly_one_winner",
    }, output
    # The kit's own count: 51 tests, three of them (delete-on-close, descriptors...) not
    # applicable here.
    assert "4 failed, 44 passed, 3 skipped" in output, output
    # The kit's plain asserts are rewritten by pytest even though it is imported lazily.
    assert "At index 0 diff: 'won' != 'refused'" in output, output


def test_kit_reports_each_capability_it_cannot_check(tmp_path: Path) -> None:
    output = run_pytest(tmp_path, DECLARING)
    assert "not applicable: backend declares no symlinks" in output, output
    assert "not applicable: backend declares no permissions" in output, output
    assert " failed" not in output, output


def test_only_the_kit_imports_pytest() -> None:
    code = (
        "import sys, tempkit, tempkit.testing, tempkit.testing.s3\n"
        "assert 'pytest' not in sys.modules, 'imported before the kit was used'\n"
        "from tempkit.testing import BackendConformance, require\n"
        "assert 'pytest' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_pytest_the_kit_says_what_to_install() -> None:
    """pytest is made unimportable in a child; tests/packaging checks a venv without it."""
    code = (
        "import sys\n"
        "sys.modules['pytest'] = None  # as if pytest were not installed\n"
        "import tempkit.testing\n"
        "from tempkit.testing.s3 import local_s3_server  # needs no pytest\n"
        "try:\n"
        "    from tempkit.testing import BackendConformance\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc.name, exc, sep='|')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "pytest|tempkit.testing needs pytest: pip install 'tempkit[test]'\n"


def test_kit_holds_a_backend_to_the_capabilities_it_declares(tmp_path: Path) -> None:
    output = run_pytest(tmp_path, BROKEN_PROMISE)
    failed = {
        line.split("::")[-1].split()[0]
        for line in output.splitlines()
        if line.startswith("FAILED ")
    }
    # The kit's check of the flag says what is wrong; the temp objects that write
    # through the broken shortcut fail with it.
    assert failed == {
        "test_declared_whole_files_are_what_open_gives",
        "test_temp_file_lifecycle",
        "test_persist_never_clobbers_and_hands_the_object_back",
    }, output
