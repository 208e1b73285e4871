"""Issue 6: a temp directory on S3 through tempkit against the same work with s3fs calls.

One round: make a temp directory, write 100 small files into it, read each back,
remove everything. The server is a local moto S3 (a separate process on
127.0.0.1, started for this case and stopped after it); every contestant talks
to the same server through the same s3fs client, in the same run.

- ``tempkit``: ``TempDirPath.create(backend=FsspecBackend(fs, root=...))``, then
  ``write_bytes``/``read_bytes`` on paths inside it and ``cleanup()`` (the
  directory marker, the files, a bulk delete, and a final listing).
- ``s3fs pipe/cat``: the leanest hand-written version: ``pipe_file`` and
  ``cat_file`` under a fresh prefix, then ``rm(prefix, recursive=True)``.
- ``s3fs ranged cat``: as pipe/cat, but reading with ``cat_file(path, start=0)``:
  s3fs asks for the size (a HEAD) before an unranged ``cat_file``, a ranged one
  is a single GET, as tempkit's reads are.
- ``s3fs open()``: the same with ``fs.open(path, "wb"/"rb")`` file objects.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from benchmarks._harness import (
    CaseResult,
    ComparisonCase,
    Config,
    Contestant,
    Skip,
    Target,
)
from tempkit import FsspecBackend, TempDirPath
from tempkit.naming import random_name

try:
    import s3fs

    from tempkit.testing.s3 import DUMMY_CREDENTIALS, local_s3_server
except ImportError as missing:  # pragma: no cover - the test extra installs both
    raise Skip(f"needs tempkit[s3] and moto[server]: {missing}") from missing

BUCKET = "bench"
FILE_SIZE = 1024


def cases(config: Config) -> list[S3Case]:
    """The one S3 case; it starts its own server when it runs."""
    return [S3Case("s3 tempdir files", config.pick(full=100, quick=10))]


@dataclass(frozen=True)
class S3Case:
    """Runs the comparison with a local moto server up for its duration."""

    name: str
    files: int

    def run(self, config: Config) -> CaseResult:
        """Start the server, race the contestants, stop the server."""
        with local_s3_server() as endpoint:
            fs = s3fs.S3FileSystem(
                endpoint_url=endpoint,
                key=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                secret=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                skip_instance_cache=True,
            )
            fs.mkdir(BUCKET)
            return self._comparison(fs).run(config)

    def _comparison(self, fs: s3fs.S3FileSystem) -> ComparisonCase:
        payloads = [(f"f{i:03d}.bin", bytes([i % 256]) * FILE_SIZE) for i in range(self.files)]
        backend = FsspecBackend(fs, root=f"s3://{BUCKET}/tempkit")
        rounds = itertools.count()

        def tempkit_run() -> None:
            with TempDirPath.create(backend=backend) as tmp:
                for name, data in payloads:
                    (tmp / name).write_bytes(data)
                for name, data in payloads:
                    if (tmp / name).read_bytes() != data:
                        raise RuntimeError(f"tempkit read back wrong data for {name}")

        def s3fs_pipe_cat() -> None:
            prefix = f"{BUCKET}/raw/{next(rounds)}-{random_name()}"
            for name, data in payloads:
                fs.pipe_file(f"{prefix}/{name}", data)
            for name, data in payloads:
                if fs.cat_file(f"{prefix}/{name}") != data:
                    raise RuntimeError(f"s3fs read back wrong data for {name}")
            fs.rm(prefix, recursive=True)

        def s3fs_ranged_cat() -> None:
            prefix = f"{BUCKET}/ranged/{next(rounds)}-{random_name()}"
            for name, data in payloads:
                fs.pipe_file(f"{prefix}/{name}", data)
            for name, data in payloads:
                if fs.cat_file(f"{prefix}/{name}", start=0) != data:
                    raise RuntimeError(f"s3fs read back wrong data for {name}")
            fs.rm(prefix, recursive=True)

        def s3fs_open() -> None:
            prefix = f"{BUCKET}/open/{next(rounds)}-{random_name()}"
            for name, data in payloads:
                with fs.open(f"{prefix}/{name}", "wb") as f:
                    f.write(data)
            for name, data in payloads:
                with fs.open(f"{prefix}/{name}", "rb") as f:
                    if f.read() != data:
                        raise RuntimeError(f"s3fs read back wrong data for {name}")
            fs.rm(prefix, recursive=True)

        def expect_empty_bucket() -> None:
            fs.invalidate_cache()
            leftovers = fs.find(BUCKET)
            if leftovers:
                raise RuntimeError(f"{len(leftovers)} objects left behind: {leftovers[:5]}")

        return ComparisonCase(
            name=self.name,
            title=(
                f"S3 (local moto server): temp dir, write+read {self.files} files of "
                f"{FILE_SIZE} B, clean up"
            ),
            ops=self.files,
            unit="file",
            contestants=[
                Contestant("tempkit", tempkit_run, teardown=expect_empty_bucket),
                Contestant("s3fs pipe/cat", s3fs_pipe_cat, teardown=expect_empty_bucket),
                Contestant("s3fs ranged cat", s3fs_ranged_cat, teardown=expect_empty_bucket),
                Contestant("s3fs open()", s3fs_open, teardown=expect_empty_bucket),
            ],
            targets=[Target("s3fs pipe/cat", 1.2)],
            notes=[
                "same s3fs client and server for every contestant; the server runs in its "
                "own process on 127.0.0.1; time per file includes the round's mkdir and cleanup",
            ],
        )
