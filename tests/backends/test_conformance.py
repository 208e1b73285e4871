"""The backend conformance kit run against every backend tempkit ships.

Each class is all a third-party backend author writes too: subclass
BackendConformance and say which backend to test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import s3fs
from fsspec.implementations.dirfs import DirFileSystem
from fsspec.implementations.local import LocalFileSystem
from fsspec.implementations.memory import MemoryFileSystem

from tempkit import FsspecBackend, MemoryBackend, PosixBackend
from tempkit.backends.protocol import Backend
from tempkit.testing import BackendConformance
from tests.support.s3 import s3_environment, s3_filesystem

_buckets = itertools.count()


class TestPosixBackend(BackendConformance):
    @pytest.fixture
    def backend(self) -> Backend:
        return PosixBackend()


class TestMemoryBackend(BackendConformance):
    @pytest.fixture
    def backend(self) -> Backend:
        return MemoryBackend()


class TestMemoryBackendWindows(BackendConformance):
    @pytest.fixture
    def backend(self) -> Backend:
        return MemoryBackend(flavour="windows")


class TestFsspecLocal(BackendConformance):
    @pytest.fixture
    def backend(self, temp_root: Path) -> Backend:
        return FsspecBackend(LocalFileSystem(), root=str(temp_root))


class TestFsspecMemory(BackendConformance):
    @pytest.fixture
    def backend(self) -> Backend:
        return FsspecBackend(MemoryFileSystem(), root="/tmp")


class TestFsspecGenericDirectories(BackendConformance):
    """A filesystem the backend knows nothing about: DirFileSystem over a private memory store."""

    @pytest.fixture
    def backend(self) -> Backend:
        inner = MemoryFileSystem(skip_instance_cache=True)
        inner.store = {}
        inner.pseudo_dirs = [""]
        inner.mkdir("/base/tmp")
        return FsspecBackend(DirFileSystem(path="/base", fs=inner), root="/tmp")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_environment() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def s3(s3_endpoint: str) -> s3fs.S3FileSystem:
    return s3_filesystem(s3_endpoint)  # one client: making one costs most of a second


@pytest.fixture(scope="module")
def s3_bucket(s3: s3fs.S3FileSystem) -> str:
    bucket = f"conformance-{next(_buckets)}"
    s3.mkdir(bucket)
    return bucket


class TestFsspecS3(BackendConformance):
    @pytest.fixture
    def backend(self, s3: s3fs.S3FileSystem, s3_bucket: str) -> Backend:
        return FsspecBackend(s3, root=f"s3://{s3_bucket}/scratch")

    def test_scratch_space_is_empty_afterwards(
        self, backend: Backend, s3: s3fs.S3FileSystem, s3_bucket: str
    ) -> None:
        # Runs last in the class: every test before it cleaned up after itself.
        s3.invalidate_cache()
        assert s3.find(s3_bucket) == []
