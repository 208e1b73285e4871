"""The backend conformance kit: what every tempkit backend must do, as pytest tests.

Subclass :class:`BackendConformance` in a test module and override the ``backend``
fixture; pytest then runs every test below against that backend. Tests that need
a capability the backend declares it lacks are skipped with the reason
"not applicable: backend declares no <capability>", so a report shows exactly
what was not checked and why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
from collections.abc import Iterator, Mapping

import pytest

from tempkit import BackendPath, TempDirPath, TempFilePath, gettempdir
from tempkit._flavour import Flavour
from tempkit.backends.protocol import (
    Backend,
    Capabilities,
    delete_on_close_backend,
    descriptor_backend,
    fsync_backend,
    unnamed_file_backend,
    whole_file_backend,
)
from tempkit.naming import random_name

__all__ = ["BackendConformance", "require"]

_RACERS = 8
# Why a test is skipped when a backend declares a capability false.
_WHY: dict[str, str] = {
    "permissions": "permission bits are not stored",
    "symlinks": "there are no symbolic links",
    "atomic_exclusive_create": "exclusive creation is check-then-create",
    "real_directories": "a missing parent directory is created implicitly",
    "local_paths": "paths are not on this machine's disk",
    "delete_on_close": "files are never removed by their last close",
    "whole_files": "whole files are read and written through open()",
    "unnamed_files": "every file has a name",
    "descriptors": "files have no OS descriptors",
    "atomic_rename": "a rename is copy-then-delete",
    "fsync": "there is no stable storage to force data to",
}


def require(backend: Backend, capability: str) -> None:
    """Skip the running test, saying why, unless ``backend`` declares ``capability``.

    Call it at the start of a test of your own that needs, say, permission bits::

        def test_read_only_reports(backend):
            require(backend, "permissions")
            ...

    Args:
        backend: The backend the test runs on.
        capability: The name of a :class:`~tempkit.backends.Capabilities` field
            (``"permissions"``, ``"symlinks"``, ``"local_paths"``, ...).

    Raises:
        pytest.skip.Exception: The backend declares the capability false; the
            skip reason reads "not applicable: backend declares no CAPABILITY"
            and says what that means.
        AttributeError: ``capability`` is not a capability's name.

    """
    if not getattr(backend.capabilities, capability):
        reason = _WHY.get(capability, "")
        pytest.skip(
            f"not applicable: backend declares no {capability}" + (f" ({reason})" if reason else "")
        )


def _join(backend: Backend, *parts: str) -> str:
    return backend.flavour.join(*parts)


def _names(backend: Backend, path: str) -> set[str]:
    return {entry.name for entry in backend.scandir(path)}


def _check_error(error: OSError, code: int | tuple[int, ...], path: str) -> None:
    codes = code if isinstance(code, tuple) else (code,)
    assert error.errno in codes, f"errno {error.errno}, expected one of {codes}: {error!r}"
    assert error.filename == path, f"filename {error.filename!r}, expected {path!r}"


def _read(backend: Backend, path: str) -> bytes:
    with backend.open(path, "rb") as f:
        data: bytes = f.read()
        return data


def _write(backend: Backend, path: str, data: bytes, mode: str = "wb") -> None:
    with backend.open(path, mode) as f:
        f.write(data)


class BackendConformance:
    """Every test a tempkit backend must pass; subclass it and override ``backend``.

    ::

        import pytest
        from tempkit.testing import BackendConformance

        class TestMyBackend(BackendConformance):
            @pytest.fixture
            def backend(self):
                return MyBackend()

    Each test works in ``scratch``: a fresh directory made with ``backend.mkdir``
    under the backend's resolved temp directory and removed with
    ``backend.rmtree`` afterwards. Override ``scratch`` to put it elsewhere.
    """

    @pytest.fixture
    def backend(self) -> Backend:
        """The backend under test: override this fixture.

        Returns:
            The backend every test of the kit runs against; a fresh one per test
            keeps the tests independent.

        """
        pytest.fail("override the 'backend' fixture to return the backend under test")

    @pytest.fixture
    def scratch(self, backend: Backend) -> Iterator[str]:
        """A fresh empty directory on ``backend`` for one test, removed afterwards.

        Yields:
            The directory's path, a string in the backend's flavour, made with
            ``backend.mkdir`` under the backend's resolved temp directory.

        """
        path = _join(backend, gettempdir(backend), f"conformance-{random_name(10)}")
        backend.mkdir(path)
        yield path
        backend.rmtree(path, ignore_errors=True)

    # -- what the backend declares -------------------------------------------------------
    def test_declares_name_flavour_and_capabilities(self, backend: Backend) -> None:
        assert isinstance(backend, Backend)
        assert isinstance(backend.name, str) and backend.name
        assert isinstance(backend.flavour, Flavour)
        assert isinstance(backend.capabilities, Capabilities)

    def test_in_process_backends_have_no_local_paths(self, backend: Backend) -> None:
        # A real file can always block; an event loop would call it inline.
        caps = backend.capabilities
        assert not (caps.in_process and caps.local_paths)

    def test_is_equal_to_itself_and_hashable(self, backend: Backend) -> None:
        same = backend
        assert backend == same
        assert hash(backend) == hash(same)

    def test_environment_is_consistent(self, backend: Backend) -> None:
        assert isinstance(backend.environ(), Mapping)
        assert all(isinstance(p, str) for p in backend.platform_temp_dirs())
        cwd = backend.getcwd()
        assert BackendPath(cwd, backend=backend).is_absolute()

    def test_fspath_matches_local_paths(self, backend: Backend, scratch: str) -> None:
        if backend.capabilities.local_paths:
            assert backend.fspath(scratch) == scratch
        else:
            with pytest.raises(TypeError):
                backend.fspath(scratch)

    # -- create_file -------------------------------------------------------------------------
    def test_create_file_makes_an_empty_regular_file(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "f")
        backend.create_file(path)
        result = backend.stat(path)
        assert stat.S_ISREG(result.st_mode)
        assert result.st_size == 0
        assert _names(backend, scratch) == {"f"}

    def test_create_file_refuses_an_existing_file(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "f")
        _write(backend, path, b"keep")
        with pytest.raises(FileExistsError) as caught:
            backend.create_file(path)
        _check_error(caught.value, errno.EEXIST, path)
        assert _read(backend, path) == b"keep"

    def test_create_file_refuses_an_existing_directory(
        self, backend: Backend, scratch: str
    ) -> None:
        path = _join(backend, scratch, "d")
        backend.mkdir(path)
        with pytest.raises(FileExistsError) as caught:
            backend.create_file(path)
        _check_error(caught.value, errno.EEXIST, path)
        assert stat.S_ISDIR(backend.stat(path).st_mode)

    def test_create_file_needs_its_parent(self, backend: Backend, scratch: str) -> None:
        require(backend, "real_directories")
        path = _join(backend, scratch, "missing", "f")
        with pytest.raises(FileNotFoundError) as caught:
            backend.create_file(path)
        _check_error(caught.value, errno.ENOENT, path)
        assert _names(backend, scratch) == set()

    def test_create_file_is_private(self, backend: Backend, scratch: str) -> None:
        require(backend, "permissions")
        path = _join(backend, scratch, "f")
        backend.create_file(path, 0o600)
        assert stat.S_IMODE(backend.stat(path).st_mode) == 0o600

    def test_create_file_does_not_follow_a_symlink(self, backend: Backend, scratch: str) -> None:
        require(backend, "symlinks")
        target = _join(backend, scratch, "target")
        link = _join(backend, scratch, "link")
        backend.symlink(target, link)
        with pytest.raises(FileExistsError):
            backend.create_file(link)
        assert "target" not in _names(backend, scratch)

    def test_exclusive_create_has_exactly_one_winner(self, backend: Backend, scratch: str) -> None:
        require(backend, "atomic_exclusive_create")
        path = _join(backend, scratch, "contested")
        start = threading.Barrier(_RACERS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def race() -> None:
            start.wait()
            try:
                backend.create_file(path)
                outcome = "won"
            except FileExistsError:
                outcome = "refused"
            except OSError as exc:  # reported below, with the racer's error
                outcome = f"error: {exc!r}"
            with lock:
                outcomes.append(outcome)

        racers = [threading.Thread(target=race) for _ in range(_RACERS)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        assert sorted(outcomes) == ["refused"] * (_RACERS - 1) + ["won"], outcomes

    # -- mkdir -------------------------------------------------------------------------------
    def test_mkdir_makes_an_empty_directory(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "d")
        backend.mkdir(path)
        assert stat.S_ISDIR(backend.stat(path).st_mode)
        assert _names(backend, path) == set()
        assert _names(backend, scratch) == {"d"}

    def test_mkdir_refuses_an_existing_entry(self, backend: Backend, scratch: str) -> None:
        directory = _join(backend, scratch, "d")
        file = _join(backend, scratch, "f")
        backend.mkdir(directory)
        backend.create_file(file)
        for path in (directory, file):
            with pytest.raises(FileExistsError) as caught:
                backend.mkdir(path)
            _check_error(caught.value, errno.EEXIST, path)
        assert stat.S_ISREG(backend.stat(file).st_mode)

    def test_mkdir_needs_its_parent(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "missing", "d")
        with pytest.raises(FileNotFoundError) as caught:
            backend.mkdir(path)
        _check_error(caught.value, errno.ENOENT, path)
        assert _names(backend, scratch) == set()

    def test_mkdir_is_private(self, backend: Backend, scratch: str) -> None:
        require(backend, "permissions")
        path = _join(backend, scratch, "d")
        backend.mkdir(path, 0o700)
        assert stat.S_IMODE(backend.stat(path).st_mode) == 0o700

    # -- open --------------------------------------------------------------------------------
    def test_bytes_round_trip(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "data.bin")
        payload = bytes(range(256)) * 64
        _write(backend, path, payload)
        assert _read(backend, path) == payload
        assert backend.stat(path).st_size == len(payload)

    def test_text_round_trip(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "text.txt")
        with backend.open(path, "w", encoding="utf-8", newline="") as f:
            f.write("h\u00e9llo\r\nw\u00f6rld\n")
        with backend.open(path, "r", encoding="utf-8", newline="") as f:
            assert f.read() == "h\u00e9llo\r\nw\u00f6rld\n"
        assert _read(backend, path) == "h\u00e9llo\r\nw\u00f6rld\n".encode()

    def test_exclusive_open_creates_or_refuses(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "x")
        _write(backend, path, b"first", "xb")
        assert _read(backend, path) == b"first"
        with pytest.raises(FileExistsError) as caught:
            _write(backend, path, b"second", "xb")
        _check_error(caught.value, errno.EEXIST, path)
        assert _read(backend, path) == b"first"

    def test_reading_a_missing_file_fails(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "missing")
        with pytest.raises(FileNotFoundError) as caught:
            _read(backend, path)
        _check_error(caught.value, errno.ENOENT, path)

    def test_reading_a_directory_fails(self, backend: Backend, scratch: str) -> None:
        with pytest.raises((IsADirectoryError, PermissionError)):
            _read(backend, scratch)

    def test_write_truncates_and_append_appends(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "f")
        _write(backend, path, b"a long first version")
        _write(backend, path, b"short")
        assert _read(backend, path) == b"short"
        _write(backend, path, b"+more", "ab")
        assert _read(backend, path) == b"short+more"

    def test_plus_modes_read_back_what_they_wrote(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "f")
        with backend.open(path, "x+b") as f:
            f.write(b"hello world")
            f.seek(0)
            assert f.read(5) == b"hello"
        with backend.open(path, "r+b") as f:
            f.seek(6)
            f.write(b"there")
        assert _read(backend, path) == b"hello there"

    def test_seek_and_partial_reads(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "f")
        payload = bytes(i % 251 for i in range(20_000))
        _write(backend, path, payload)
        with backend.open(path, "rb") as f:
            assert f.read(10) == payload[:10]
            f.seek(15_000)
            assert f.read(100) == payload[15_000:15_100]
            f.seek(-7, 2)
            assert f.read() == payload[-7:]
            assert f.read() == b""

    def test_invalid_modes_are_refused(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "f")
        for mode in ("", "rw", "z", "rbt", "rr"):
            with pytest.raises(ValueError):
                backend.open(path, mode)
        assert _names(backend, scratch) == set()

    # -- stat and scandir ------------------------------------------------------------------
    def test_stat_of_a_missing_path_fails(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "missing")
        with pytest.raises(FileNotFoundError) as caught:
            backend.stat(path)
        _check_error(caught.value, errno.ENOENT, path)

    def test_scandir_lists_names_and_kinds(self, backend: Backend, scratch: str) -> None:
        backend.mkdir(_join(backend, scratch, "sub"))
        _write(backend, _join(backend, scratch, "file.txt"), b"12345")
        entries = {entry.name: entry for entry in backend.scandir(scratch)}
        assert set(entries) == {"sub", "file.txt"}
        assert entries["sub"].is_dir() and not entries["sub"].is_file()
        assert entries["file.txt"].is_file() and not entries["file.txt"].is_dir()
        assert not entries["file.txt"].is_symlink()
        assert entries["file.txt"].path == _join(backend, scratch, "file.txt")
        assert entries["file.txt"].stat().st_size == 5

    def test_scandir_of_a_missing_path_or_a_file_fails(
        self, backend: Backend, scratch: str
    ) -> None:
        missing = _join(backend, scratch, "missing")
        with pytest.raises(FileNotFoundError) as caught:
            list(backend.scandir(missing))
        _check_error(caught.value, errno.ENOENT, missing)
        file = _join(backend, scratch, "f")
        backend.create_file(file)
        with pytest.raises(NotADirectoryError):
            list(backend.scandir(file))

    def test_lstat_and_readlink_see_a_symlink(self, backend: Backend, scratch: str) -> None:
        require(backend, "symlinks")
        target = _join(backend, scratch, "target")
        link = _join(backend, scratch, "link")
        _write(backend, target, b"x")
        backend.symlink(target, link)
        assert stat.S_ISLNK(backend.stat(link, follow_symlinks=False).st_mode)
        assert stat.S_ISREG(backend.stat(link).st_mode)
        assert backend.readlink(link) == target

    # -- removal -------------------------------------------------------------------------------
    def test_unlink_removes_a_file(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "f")
        backend.create_file(path)
        backend.unlink(path)
        assert _names(backend, scratch) == set()
        with pytest.raises(FileNotFoundError) as caught:
            backend.unlink(path)
        _check_error(caught.value, errno.ENOENT, path)

    def test_unlink_refuses_a_directory(self, backend: Backend, scratch: str) -> None:
        path = _join(backend, scratch, "d")
        backend.mkdir(path)
        with pytest.raises((IsADirectoryError, PermissionError)):
            backend.unlink(path)
        assert stat.S_ISDIR(backend.stat(path).st_mode)

    def test_rmdir_removes_only_an_empty_directory(self, backend: Backend, scratch: str) -> None:
        full = _join(backend, scratch, "full")
        backend.mkdir(full)
        backend.create_file(_join(backend, full, "f"))
        with pytest.raises(OSError) as caught:
            backend.rmdir(full)
        _check_error(caught.value, (errno.ENOTEMPTY, errno.EEXIST), full)
        backend.unlink(_join(backend, full, "f"))
        backend.rmdir(full)
        assert _names(backend, scratch) == set()
        with pytest.raises(FileNotFoundError):
            backend.rmdir(full)
        file = _join(backend, scratch, "f")
        backend.create_file(file)
        with pytest.raises(NotADirectoryError):
            backend.rmdir(file)

    def test_rmtree_removes_a_nested_tree_and_nothing_else(
        self, backend: Backend, scratch: str
    ) -> None:
        tree = _join(backend, scratch, "t")
        backend.mkdir(tree)
        backend.mkdir(_join(backend, tree, "a"))
        backend.mkdir(_join(backend, tree, "a", "b"))
        _write(backend, _join(backend, tree, "a", "b", "deep.txt"), b"deep")
        _write(backend, _join(backend, tree, "top.txt"), b"top")
        # Siblings whose names start with the tree's name must survive.
        backend.mkdir(_join(backend, scratch, "t-sibling"))
        _write(backend, _join(backend, scratch, "t-sibling", "keep"), b"keep")
        _write(backend, _join(backend, scratch, "tx"), b"keep")
        backend.rmtree(tree)
        assert _names(backend, scratch) == {"t-sibling", "tx"}
        assert _read(backend, _join(backend, scratch, "t-sibling", "keep")) == b"keep"
        backend.rmtree(tree)  # a missing tree is not an error

    def test_rmtree_removes_a_symlink_not_its_target(self, backend: Backend, scratch: str) -> None:
        require(backend, "symlinks")
        outside = _join(backend, scratch, "outside")
        backend.mkdir(outside)
        _write(backend, _join(backend, outside, "precious"), b"keep")
        tree = _join(backend, scratch, "t")
        backend.mkdir(tree)
        backend.symlink(outside, _join(backend, tree, "link"), target_is_directory=True)
        backend.rmtree(tree)
        assert _names(backend, scratch) == {"outside"}
        assert _read(backend, _join(backend, outside, "precious")) == b"keep"

    def test_rmtree_of_a_file_removes_it(self, backend: Backend, scratch: str) -> None:
        require(backend, "real_directories")
        path = _join(backend, scratch, "f")
        backend.create_file(path)
        backend.rmtree(path)
        assert _names(backend, scratch) == set()

    # -- renames ---------------------------------------------------------------------------------
    def test_replace_moves_a_file_over_another(self, backend: Backend, scratch: str) -> None:
        src = _join(backend, scratch, "src")
        dst = _join(backend, scratch, "dst")
        _write(backend, src, b"new")
        _write(backend, dst, b"old")
        backend.replace(src, dst)
        assert _names(backend, scratch) == {"dst"}
        assert _read(backend, dst) == b"new"

    def test_rename_noreplace_never_clobbers(self, backend: Backend, scratch: str) -> None:
        src = _join(backend, scratch, "src")
        dst = _join(backend, scratch, "dst")
        _write(backend, src, b"new")
        _write(backend, dst, b"old")
        with pytest.raises(FileExistsError):
            backend.rename_noreplace(src, dst)
        assert _read(backend, src) == b"new"
        assert _read(backend, dst) == b"old"
        fresh = _join(backend, scratch, "fresh")
        backend.rename_noreplace(src, fresh)
        assert _names(backend, scratch) == {"dst", "fresh"}
        assert _read(backend, fresh) == b"new"

    def test_rename_noreplace_moves_a_directory_tree(self, backend: Backend, scratch: str) -> None:
        src = _join(backend, scratch, "src")
        backend.mkdir(src)
        backend.mkdir(_join(backend, src, "sub"))
        _write(backend, _join(backend, src, "sub", "f"), b"data")
        dst = _join(backend, scratch, "dst")
        backend.rename_noreplace(src, dst)
        assert _names(backend, scratch) == {"dst"}
        assert _read(backend, _join(backend, dst, "sub", "f")) == b"data"

    # -- permission bits ------------------------------------------------------------------------
    def test_chmod_changes_the_mode(self, backend: Backend, scratch: str) -> None:
        require(backend, "permissions")
        path = _join(backend, scratch, "f")
        backend.create_file(path)
        backend.chmod(path, 0o400)
        assert stat.S_IMODE(backend.stat(path).st_mode) == 0o400

    def test_chmod_without_following_changes_the_entry_itself(
        self, backend: Backend, scratch: str
    ) -> None:
        # persist(perm=) and atomic_write set modes this way, so that a symlink
        # put at a temp object's name never has its target's mode changed.
        require(backend, "permissions")
        path = _join(backend, scratch, "f")
        backend.create_file(path)
        backend.chmod(path, 0o640, follow_symlinks=False)
        assert stat.S_IMODE(backend.stat(path).st_mode) == 0o640
        if not backend.capabilities.symlinks:
            return
        link = _join(backend, scratch, "link")
        backend.symlink(path, link)
        # Linux cannot change a symlink's own mode: refusing is an answer too.
        with contextlib.suppress(NotImplementedError, OSError):
            backend.chmod(link, 0o600, follow_symlinks=False)
        assert stat.S_IMODE(backend.stat(path).st_mode) == 0o640

    # -- optional capabilities: a declared flag is a promise of the sub-protocol's methods ----
    def test_declared_whole_files_are_what_open_gives(self, backend: Backend, scratch: str) -> None:
        require(backend, "whole_files")
        whole = whole_file_backend(backend)
        assert whole is not None
        path = _join(backend, scratch, "f")
        whole.write_whole_file(path, b"first")
        assert _read(backend, path) == b"first" == whole.read_whole_file(path)
        _write(backend, path, b"second")
        assert whole.read_whole_file(path) == b"second"
        missing = _join(backend, scratch, "missing")
        with pytest.raises(FileNotFoundError) as caught:
            whole.read_whole_file(missing)
        _check_error(caught.value, errno.ENOENT, missing)

    def test_declared_delete_on_close_removes_the_file_at_its_last_close(
        self, backend: Backend, scratch: str
    ) -> None:
        require(backend, "delete_on_close")
        native = delete_on_close_backend(backend)
        assert native is not None
        path = _join(backend, scratch, "doomed")
        holder = native.open_delete_on_close(path, "x+b")
        holder.write(b"data")
        holder.flush()
        with native.open_shared(path, "rb") as again:
            assert again.read() == b"data"
        assert _names(backend, scratch) == {"doomed"}
        holder.close()
        assert _names(backend, scratch) == set()

    def test_declared_unnamed_files_have_no_name_until_linked(
        self, backend: Backend, scratch: str
    ) -> None:
        require(backend, "unnamed_files")
        unnamed = unnamed_file_backend(backend)
        assert unnamed is not None
        file = unnamed.open_unnamed(scratch, linkable=True)
        if file is None:
            pytest.skip("this directory's filesystem makes no unnamed files (None: fall back)")
        target = _join(backend, scratch, "named")
        with file:
            file.write(b"data")
            file.flush()
            assert _names(backend, scratch) == set()
            unnamed.link_unnamed(file, target)
            with pytest.raises(FileExistsError) as caught:
                unnamed.link_unnamed(file, target)
            _check_error(caught.value, errno.EEXIST, target)
        assert _read(backend, target) == b"data"
        unnamed_again = unnamed.open_unnamed(scratch)
        assert unnamed_again is not None
        unnamed_again.close()
        assert _names(backend, scratch) == {"named"}

    def test_declared_fsync_forces_a_file_and_a_directory(
        self, backend: Backend, scratch: str
    ) -> None:
        require(backend, "fsync")
        syncer = fsync_backend(backend)
        assert syncer is not None
        path = _join(backend, scratch, "durable")
        with backend.open(path, "xb") as file:
            file.write(b"data")
            file.flush()
            syncer.fsync_file(file)
        syncer.fsync_directory(scratch)
        assert _read(backend, path) == b"data"

    def test_declared_atomic_rename_replaces_in_one_step(
        self, backend: Backend, scratch: str
    ) -> None:
        require(backend, "atomic_rename")
        old = _join(backend, scratch, "target")
        new = _join(backend, scratch, "new")
        for path, data in ((old, b"old"), (new, b"new")):
            with backend.open(path, "xb") as file:
                file.write(data)
        backend.replace(new, old)
        assert _read(backend, old) == b"new"
        assert _names(backend, scratch) == {"target"}

    def test_declared_descriptors_create_a_file_exclusively(
        self, backend: Backend, scratch: str
    ) -> None:
        require(backend, "descriptors")
        maker = descriptor_backend(backend)
        assert maker is not None
        path = _join(backend, scratch, "f")
        fd = maker.create_descriptor(path)
        try:
            assert os.write(fd, b"data") == 4
        finally:
            os.close(fd)
        assert _read(backend, path) == b"data"
        with pytest.raises(FileExistsError) as caught:
            maker.create_descriptor(path)
        _check_error(caught.value, errno.EEXIST, path)

    # -- temp objects on this backend -------------------------------------------------------------
    def test_temp_directory_lifecycle(self, backend: Backend, scratch: str) -> None:
        parent = BackendPath(scratch, backend=backend)
        tmp = TempDirPath.create(dir=parent, prefix="conf-")
        assert tmp.is_dir() and tmp.parent == parent and tmp.name.startswith("conf-")
        (tmp / "sub").mkdir()
        (tmp / "sub" / "f.txt").write_text("x", encoding="utf-8")
        (tmp / "g.bin").write_bytes(b"y")
        assert sorted(p.name for p in tmp.iterdir()) == ["g.bin", "sub"]
        assert [p.name for p in tmp.glob("**/*.txt")] == ["f.txt"]
        tmp.cleanup()
        assert not tmp.exists()
        tmp.cleanup()  # idempotent
        assert _names(backend, scratch) == set()

    def test_temp_file_lifecycle(self, backend: Backend, scratch: str) -> None:
        parent = BackendPath(scratch, backend=backend)
        with TempFilePath.create(dir=parent, suffix=".dat") as tmp:
            assert tmp.is_file() and tmp.read_bytes() == b"" and tmp.suffix == ".dat"
            tmp.write_bytes(b"payload")
        assert not tmp.exists()
        assert _names(backend, scratch) == set()

    def test_open_temp_file_round_trip(self, backend: Backend, scratch: str) -> None:
        parent = BackendPath(scratch, backend=backend)
        with TempFilePath.create_open("w+b", dir=parent) as f:
            f.write(b"spooled")
            f.seek(0)
            assert f.read() == b"spooled"
            f.flush()
            assert f.path.read_bytes() == b"spooled"
        assert _names(backend, scratch) == set()

    def test_persist_never_clobbers_and_hands_the_object_back(
        self, backend: Backend, scratch: str
    ) -> None:
        parent = BackendPath(scratch, backend=backend)
        taken = parent / "taken"
        taken.write_bytes(b"old")
        tmp = TempFilePath.create(dir=parent)
        tmp.write_bytes(b"new")
        with pytest.raises(FileExistsError) as caught:
            tmp.persist(taken)
        assert getattr(caught.value, "temp", None) is tmp and tmp.managed
        assert taken.read_bytes() == b"old"
        final = tmp.persist(parent / "final")
        assert not tmp.managed and final.read_bytes() == b"new"
        assert _names(backend, scratch) == {"taken", "final"}

    def test_default_placement_is_the_resolved_temp_dir(self, backend: Backend) -> None:
        with TempDirPath.create(backend=backend) as tmp:
            assert str(tmp.parent) == str(BackendPath(gettempdir(backend), backend=backend))
            (tmp / "f").write_bytes(b"x")
        assert not tmp.exists()
