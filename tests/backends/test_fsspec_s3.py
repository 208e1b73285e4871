"""FsspecBackend on a real S3 server (moto over HTTP on 127.0.0.1, through s3fs).

Conformance is in test_conformance.py; these are the S3-specific promises:
a temp directory shared by separate processes, cleanup that leaves no object,
exclusive creation refused by the server, markers, and normalised errors.
"""

from __future__ import annotations

import errno
import itertools
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest
import s3fs

from tempkit import BackendPath, CleanupError, FsspecBackend, TempDirPath, TempFilePath
from tests.support.s3 import s3_environment, s3_filesystem

_buckets = itertools.count()
WORKERS = 2
FILES_PER_WORKER = 5

# A worker process: its own s3fs client and backend, writing into a temp directory
# it was handed by path only.
WORKER = textwrap.dedent(
    """
    import sys
    import s3fs
    from tempkit import BackendPath, FsspecBackend

    endpoint, root, directory, worker, count = sys.argv[1:6]
    fs = s3fs.S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True)
    backend = FsspecBackend(fs, root=root)
    shared = BackendPath(directory, backend=backend)
    if not shared.is_dir():
        sys.exit(f"worker {worker}: {directory} is not a directory here")
    for i in range(int(count)):
        (shared / f"worker{worker}-{i}.txt").write_text(f"{worker}:{i}", encoding="utf-8")
    """
)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with s3_environment() as url:
        yield url


@pytest.fixture(scope="module")
def s3(endpoint: str) -> s3fs.S3FileSystem:
    return s3_filesystem(endpoint)


@pytest.fixture
def bucket(s3: s3fs.S3FileSystem) -> str:
    name = f"tempkit-{next(_buckets)}"
    s3.mkdir(name)
    return name


@pytest.fixture
def backend(s3: s3fs.S3FileSystem, bucket: str) -> FsspecBackend:
    return FsspecBackend(s3, root=f"s3://{bucket}/scratch")


def keys(s3: s3fs.S3FileSystem, bucket: str) -> list[str]:
    s3.invalidate_cache()
    return sorted(s3.find(bucket))


def test_two_processes_share_a_temp_directory_and_cleanup_leaves_nothing(
    backend: FsspecBackend, s3: s3fs.S3FileSystem, bucket: str, endpoint: str
) -> None:
    tmp = TempDirPath.create(backend=backend, prefix="shared-")
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                endpoint,
                backend.root,
                str(tmp),
                str(n),
                str(FILES_PER_WORKER),
            ],
            env={**os.environ},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode(errors="replace")
    expected = {f"worker{w}-{i}.txt" for w in range(WORKERS) for i in range(FILES_PER_WORKER)}
    assert {p.name for p in tmp.iterdir()} == expected
    assert (tmp / "worker1-3.txt").read_text(encoding="utf-8") == "1:3"
    prefix = f"{bucket}/scratch/{tmp.name}/"
    assert {k for k in keys(s3, bucket) if k.startswith(prefix)} == {
        prefix,  # the directory's marker object
        *(prefix + name for name in expected),
    }
    tmp.cleanup()
    assert keys(s3, bucket) == []


def test_exclusive_create_refuses_an_existing_key(
    backend: FsspecBackend, s3: s3fs.S3FileSystem, bucket: str
) -> None:
    key = f"{bucket}/scratch/taken.txt"
    s3.pipe_file(key, b"someone else's")
    path = f"/{key}"
    with pytest.raises(FileExistsError) as caught:
        backend.create_file(path)
    assert caught.value.errno == errno.EEXIST and caught.value.filename == path
    with pytest.raises(FileExistsError):
        BackendPath(path, backend=backend).open("xb").close()
    assert s3.cat_file(key) == b"someone else's"


def test_exclusive_create_of_an_empty_file_is_conditional(
    backend: FsspecBackend, s3: s3fs.S3FileSystem, bucket: str
) -> None:
    # s3fs writes an empty file with an unconditional PUT even in mode "xb"; the
    # backend claims the name with a conditional write first, so empty content
    # cannot slip past an existing key.
    key = f"{bucket}/scratch/empty.txt"
    s3.pipe_file(key, b"precious")
    with pytest.raises(FileExistsError), backend.open(f"/{key}", "xb"):
        pass
    assert s3.cat_file(key) == b"precious"


def test_directories_are_marker_objects(
    backend: FsspecBackend, s3: s3fs.S3FileSystem, bucket: str
) -> None:
    directory = BackendPath(f"/{bucket}/scratch/d", backend=backend)
    directory.mkdir()
    assert keys(s3, bucket) == [f"{bucket}/scratch/d/"]
    assert directory.is_dir() and list(directory.iterdir()) == []
    with pytest.raises(FileExistsError):
        directory.mkdir()
    directory.rmdir()
    assert keys(s3, bucket) == []


def test_mkdir_refuses_a_prefix_that_already_holds_objects(
    backend: FsspecBackend, s3: s3fs.S3FileSystem, bucket: str
) -> None:
    s3.pipe_file(f"{bucket}/scratch/implicit/file", b"x")
    with pytest.raises(FileExistsError):
        backend.mkdir(f"/{bucket}/scratch/implicit")
    assert keys(s3, bucket) == [f"{bucket}/scratch/implicit/file"]


def test_cleanup_removes_foreign_objects_but_not_a_same_named_file(
    backend: FsspecBackend, s3: s3fs.S3FileSystem, bucket: str
) -> None:
    tmp = TempDirPath.create(backend=backend)
    inside = f"{bucket}/scratch/{tmp.name}"
    s3.pipe_file(f"{inside}/glob[1]*?.txt", b"written by another tool")
    s3.pipe_file(f"{inside}/deep/er/file", b"no markers on the way")
    s3.pipe_file(inside, b"a plain object named like the directory")
    tmp.cleanup()
    assert keys(s3, bucket) == [inside]


def test_temp_file_on_s3_round_trip(backend: FsspecBackend, s3: s3fs.S3FileSystem) -> None:
    with TempFilePath.create(backend=backend, suffix=".json") as tmp:
        tmp.write_text('{"ok": true}', encoding="utf-8")
        assert s3.cat_file(backend.url(str(tmp))) == b'{"ok": true}'
    assert not tmp.exists()


def test_s3_paths_are_not_os_paths(backend: FsspecBackend, bucket: str) -> None:
    path = BackendPath(f"/{bucket}/scratch/x", backend=backend)
    with pytest.raises(TypeError, match="url"):
        os.fspath(path)
    assert backend.url(str(path)) == f"s3://{bucket}/scratch/x"


def test_missing_bucket_is_file_not_found(s3: s3fs.S3FileSystem) -> None:
    backend = FsspecBackend(s3, root="s3://no-such-bucket/scratch")
    with pytest.raises(FileNotFoundError) as caught:
        backend.create_file("/no-such-bucket/scratch/f")
    assert caught.value.errno == errno.ENOENT
    assert caught.value.filename == "/no-such-bucket/scratch/f"
    with pytest.raises(FileNotFoundError):
        TempDirPath.create(backend=backend)


def test_unreachable_server_is_an_oserror_not_a_hidden_false() -> None:
    # A port nothing listens on: botocore raises its own EndpointConnectionError;
    # the backend reports a builtin OSError with errno and filename instead.
    fs = s3fs.S3FileSystem(
        endpoint_url="http://127.0.0.1:9",
        key="testing",
        secret="testing",
        skip_instance_cache=True,
        config_kwargs={"retries": {"max_attempts": 1}, "connect_timeout": 2},
    )
    backend = FsspecBackend(fs, root="s3://bucket")
    with pytest.raises(OSError) as caught:
        backend.stat("/bucket/key")
    assert type(caught.value).__module__ == "builtins"
    assert caught.value.errno is not None and caught.value.filename == "/bucket/key"
    with pytest.raises(CleanupError):
        backend.rmtree("/bucket/dir")
