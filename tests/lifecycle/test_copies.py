"""What copying and pickling a temp object means: a plain path, never a second owner.

Two owners of one entry would remove it twice, and the original's finalizer
would pull the tree from under a copy that claimed to manage it. So a copy (a
shallow or a deep one) and an unpickled temp object are plain ``BackendPath``
values naming the same entry; the original keeps sole ownership. A copy, like
every path derived from a temp object, keeps the original alive; an unpickled
one (perhaps in another process) does not. A spooled
file, which is an open file, refuses to be copied or pickled, as file objects do.
"""

from __future__ import annotations

import copy
import gc
import pickle
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from tempkit import BackendPath, MemoryBackend, SpooledTempPath, TempDirPath, TempFilePath
from tempkit.backends.protocol import Backend

COPIES: dict[str, Callable[[BackendPath], object]] = {
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("how", sorted(COPIES))
@pytest.mark.parametrize("kind", [TempDirPath, TempFilePath])
def test_a_copy_is_a_plain_path_that_owns_nothing(
    temp_root: Path, how: str, kind: type[TempDirPath] | type[TempFilePath]
) -> None:
    original = kind.create()
    duplicate = COPIES[how](original)
    assert type(duplicate) is BackendPath
    assert duplicate == original
    assert not hasattr(duplicate, "managed")
    assert original.managed
    original.cleanup()
    assert not duplicate.exists()  # the original owned it, and removed it


def test_a_copy_keeps_the_original_alive_and_it_cleans_up_once(temp_root: Path) -> None:
    original = TempDirPath.create()
    (original / "data.txt").write_text("x")
    duplicate = copy.copy(original)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del original
        gc.collect()
        # The copy is a path derived from the temp object: the tree stays while it lives.
        assert caught == []
        assert (duplicate / "data.txt").read_text() == "x"
        del duplicate
        gc.collect()
    assert [w.category for w in caught] == [ResourceWarning]
    assert list(temp_root.iterdir()) == []


def test_a_pickled_temp_object_comes_back_as_a_plain_path(temp_root: Path) -> None:
    with TempDirPath.create() as original:
        restored = pickle.loads(pickle.dumps(original))
        assert type(restored) is BackendPath
        assert restored == original
        assert restored.is_dir()
    assert not restored.exists()


def test_paths_are_values_shared_with_their_backend() -> None:
    backend: Backend = MemoryBackend()
    path = BackendPath("/x", backend=backend)
    assert copy.copy(path) is path
    assert copy.deepcopy(path) is path  # a deep copy must not copy the filesystem
    assert copy.deepcopy([path])[0].backend is backend


def test_a_spooled_file_refuses_copies_and_pickles(temp_root: Path) -> None:
    with SpooledTempPath.create() as spooled:
        spooled.write(b"data")
        for action in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError, match="open file"):
                action(spooled)
        assert not spooled.rolled
