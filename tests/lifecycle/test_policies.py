"""The policy decides only what happens implicitly; an explicit cleanup() always cleans.

Implicit means: leaving a ``with`` block, garbage collection and interpreter exit.
The policy can be changed after creation (``temp.policy = "never"``), which
switches the implicit cleanup off or on again. Every case runs on the real disk
and in memory.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import warnings
from collections.abc import Callable, Iterator

import pytest

from tempkit import (
    Backend,
    MemoryBackend,
    PosixBackend,
    SpooledTempPath,
    TempDirPath,
    TempFilePath,
)


@pytest.fixture(params=["disk", "memory"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    yield PosixBackend() if request.param == "disk" else MemoryBackend()


@contextlib.contextmanager
def dropping() -> Iterator[list[warnings.WarningMessage]]:
    """Collect garbage at the end of the block; the list gets the ResourceWarnings seen."""
    found: list[warnings.WarningMessage] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
        gc.collect()
    found.extend(w for w in caught if issubclass(w.category, ResourceWarning))


# -- explicit cleanup always cleans -----------------------------------------------------------
def test_explicit_cleanup_after_a_raised_block_under_on_success(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tempkit")
    with (
        pytest.raises(RuntimeError),
        TempDirPath.create(backend=backend, cleanup="on_success") as directory,
    ):
        (directory / "evidence.log").write_text("what happened", encoding="utf-8")
        raise RuntimeError("the build failed")
    assert (directory / "evidence.log").read_text(encoding="utf-8") == "what happened"
    assert "kept temp directory" in caplog.text
    assert directory.managed
    directory.cleanup()
    assert not directory.exists()
    assert not directory.managed
    directory.cleanup()  # still idempotent


def test_explicit_cleanup_of_a_file_and_an_open_file_after_a_raised_block(
    backend: Backend,
) -> None:
    with pytest.raises(KeyError), TempFilePath.create(backend=backend, cleanup="on_success") as f:
        f.write_bytes(b"partial")
        raise KeyError("x")
    assert f.read_bytes() == b"partial"
    f.cleanup()
    assert not f.exists()

    with (
        pytest.raises(KeyError),
        TempFilePath.create_open(backend=backend, cleanup="on_success") as opened,
    ):
        opened.write(b"partial")
        raise KeyError("x")
    assert opened.closed and opened.path.read_bytes() == b"partial"
    opened.cleanup()
    assert not opened.path.exists()


def test_explicit_cleanup_of_a_spooled_file_kept_by_its_block(backend: Backend) -> None:
    with (
        pytest.raises(KeyError),
        SpooledTempPath.create(max_size=100, backend=backend, cleanup="on_success") as spooled,
    ):
        spooled.write(b"evidence")
        raise KeyError("x")
    assert spooled.closed and spooled.rolled and spooled.managed
    kept = spooled.path
    assert kept.read_bytes() == b"evidence"
    spooled.cleanup()
    assert not kept.exists()

    with SpooledTempPath.create(max_size=100, backend=backend, cleanup="never") as never:
        never.write(b"kept")
    kept = never.path
    assert kept.read_bytes() == b"kept"
    never.cleanup()
    assert not kept.exists()


def test_explicit_cleanup_under_never(backend: Backend) -> None:
    with TempDirPath.create(backend=backend, cleanup="never") as directory:
        (directory / "x").touch()
    assert (directory / "x").exists()
    directory.cleanup()
    assert not directory.exists()


def test_keep_and_persist_still_end_ownership(backend: Backend) -> None:
    directory = TempDirPath.create(backend=backend)
    plain = directory.keep()
    directory.cleanup()  # owns nothing any more
    assert plain.is_dir()
    plain.rmdir()


# -- the policy can be changed ---------------------------------------------------------------
def test_policy_set_to_never_then_the_block_keeps_it(backend: Backend) -> None:
    with TempDirPath.create(backend=backend) as directory:
        (directory / "result").write_text("keep me", encoding="utf-8")
        directory.policy = "never"
    assert directory.policy == "never"
    assert (directory / "result").read_text(encoding="utf-8") == "keep me"
    path = directory.keep()
    # Collection and exit leave it too, and nothing warns.
    with dropping() as caught:
        del directory
    assert caught == []
    assert path.is_dir()
    backend.rmtree(str(path))


def test_policy_never_means_collection_neither_removes_nor_warns(backend: Backend) -> None:
    directory = TempDirPath.create(backend=backend)
    directory.policy = "never"
    raw = str(directory)
    with dropping() as caught:
        del directory
    assert caught == []
    assert backend.stat(raw) is not None
    backend.rmtree(raw)


def test_policy_set_back_to_always_removes_on_collection(backend: Backend) -> None:
    directory = TempDirPath.create(backend=backend, cleanup="never")
    (directory / "x").touch()
    directory.policy = "always"
    raw = str(directory)
    with dropping() as caught:
        del directory
    assert len(caught) == 1
    assert f"implicitly cleaning up temp directory {raw!r}" in str(caught[0].message)
    with pytest.raises(FileNotFoundError):
        backend.stat(raw)


def test_a_raised_block_switches_the_implicit_cleanup_off_until_a_policy_is_set(
    backend: Backend,
) -> None:
    with pytest.raises(KeyError), TempFilePath.create(backend=backend, cleanup="on_success") as f:
        raise KeyError("x")
    f.policy = "always"  # switched on again: the finalizer answers for it
    raw = str(f)
    with dropping() as caught:
        del f
    assert len(caught) == 1
    with pytest.raises(FileNotFoundError):
        backend.stat(raw)


def test_policy_never_then_on_success_and_a_clean_block_removes_it(backend: Backend) -> None:
    with TempDirPath.create(backend=backend, cleanup="never") as directory:
        directory.policy = "on_success"
    assert not directory.exists()


def test_spooled_policy_change_before_and_after_roll_over(backend: Backend) -> None:
    spooled = SpooledTempPath.create(max_size=4, backend=backend)
    spooled.policy = "never"
    spooled.write(b"beyond the limit")  # rolls over while the implicit cleanup is off
    assert spooled.rolled
    raw = spooled.path.__str__()
    spooled.policy = "always"  # the roll-over's cleanup is the one switched on
    spooled.close()  # a clean end under "always": removed
    with pytest.raises(FileNotFoundError):
        backend.stat(raw)

    spooled = SpooledTempPath.create(max_size=4, backend=backend, cleanup="never")
    spooled.write(b"beyond the limit")
    raw = spooled.path.__str__()
    spooled.policy = "always"
    with dropping() as caught:
        del spooled
    assert len(caught) == 1
    with pytest.raises(FileNotFoundError):
        backend.stat(raw)


@pytest.mark.parametrize("bad", ["sometimes", "", "ALWAYS"])
def test_a_bad_policy_is_refused_and_changes_nothing(backend: Backend, bad: str) -> None:
    directory = TempDirPath.create(backend=backend)
    with pytest.raises(ValueError, match="cleanup must be one of"):
        directory.policy = bad  # type: ignore[assignment]
    assert directory.policy == "always"
    raw = str(directory)
    with dropping() as caught:
        del directory
    assert len(caught) == 1  # still removed implicitly
    with pytest.raises(FileNotFoundError):
        backend.stat(raw)


@pytest.mark.parametrize("bad", [None, 1, True, ["always"]], ids=["None", "int", "bool", "list"])
def test_a_policy_that_is_no_str_is_a_type_error_and_leaves_nothing(
    backend: Backend, bad: object
) -> None:
    root = TempDirPath.create(backend=backend)
    makers: list[Callable[[], object]] = [
        lambda: TempFilePath.create(dir=root, cleanup=bad),  # type: ignore[arg-type]
        lambda: TempFilePath.create_open(dir=root, cleanup=bad),  # type: ignore[call-overload]
        lambda: TempDirPath.create(dir=root, cleanup=bad),  # type: ignore[arg-type]
        lambda: SpooledTempPath.create(dir=root, cleanup=bad),  # type: ignore[call-overload]
    ]
    for make in makers:
        with pytest.raises(TypeError, match="cleanup must be a str"):
            make()
    with pytest.raises(TypeError, match="cleanup must be a str"):
        root.policy = bad  # type: ignore[assignment]
    assert root.policy == "always"
    assert list(root.iterdir()) == []
    root.cleanup()


def test_a_delete_on_close_file_keeps_the_policy_always() -> None:
    backend = MemoryBackend(flavour="windows")
    file = TempFilePath.create(backend=backend, delete_on_close=True)
    with pytest.raises(ValueError, match="delete_on_close"):
        file.policy = "never"
    assert file.policy == "always"
    file.cleanup()


def test_setting_a_policy_after_cleanup_does_nothing(backend: Backend) -> None:
    directory = TempDirPath.create(backend=backend)
    directory.cleanup()
    directory.policy = "always"
    assert not directory.managed
    with dropping() as caught:
        del directory
    assert caught == []
