"""Every Python example in README.md and docs/ runs as written.

Each ```` ```python ```` block is one test. It runs in a fresh interpreter under
``-W error::ResourceWarning``, in a fresh empty directory with ``TMPDIR``
pointing at another fresh directory, and passes when it exits with 0, writes
nothing to stderr (a forgotten temp object's warning is printed there by its
finalizer) and leaves nothing in ``TMPDIR`` (but an empty lease directory of crash
safety, which stays by design). A block that is only a signature or
output belongs in a ``text`` fence, where it is not run.

Placeholder directories that a reader's machine would have (``/srv/out``) are
real directories under the example's own directory: the text is rewritten to
point there before the run.

An HTML comment on the line before a fence (invisible on GitHub and on the
site) says how to run the block:

``<!-- example: pytest -->``
    The block is a test module: pytest runs it (the tempkit plugin included) and
    it must pass, with at least one test.
``<!-- example: s3 -->``
    The block talks to S3: it runs against a local moto server, with the
    server's address in ``AWS_ENDPOINT_URL`` and dummy credentials, and the
    bucket ``my-bucket`` made beforehand. The bucket must be empty afterwards.
``<!-- example: windows -->``
    The block uses what only Windows has: tests/windows runs it on the real
    Windows interpreter (under wine on Linux: ``scripts/windows-python test``),
    and it is skipped here with that reason.
``<!-- example: skip REASON -->``
    Not run; the test is skipped with REASON.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.doc_examples import KINDS, PAGES, Example, examples
from tests.support.s3 import s3_environment, s3_filesystem

PLACEHOLDER_DIRS = ("/srv/out", "/srv/reports")
S3_BUCKET = "my-bucket"

ALL_EXAMPLES = [example for page in PAGES for example in examples(page)]


def test_every_example_is_found_and_has_a_known_kind() -> None:
    # Guards the collector: a fence it did not see would never run.
    fences = sum(p.read_text(encoding="utf-8").count("\n```python\n") for p in PAGES)
    assert len(ALL_EXAMPLES) == fences
    unknown = [f"{e}: {e.kind}" for e in ALL_EXAMPLES if e.kind not in KINDS]
    assert unknown == []
    assert all(e.reason for e in ALL_EXAMPLES if e.kind == "skip"), "a skip needs a reason"


def leftovers(tmpdir: Path) -> list[Path]:
    """What an example left in its TMPDIR, but crash safety's per-user lease directory.

    That directory is shared by every process of the user and stays by design; the
    lease each process wrote in it must be gone, so it must be empty.
    """
    return [
        path
        for path in tmpdir.iterdir()
        if not (path.name.startswith(".tempkit-leases-") and not any(path.iterdir()))
    ]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """One local S3 server for every example that talks to S3."""
    with s3_environment() as endpoint:
        yield endpoint


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=str)
def test_example_runs(example: Example, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if example.kind == "skip":
        pytest.skip(example.reason)
    if example.kind == "windows":
        pytest.skip("Windows only: tests/windows runs it on a Windows interpreter")
    work, tmpdir = tmp_path / "work", tmp_path / "tmpdir"
    work.mkdir()
    tmpdir.mkdir()
    code = example.code
    for placeholder in PLACEHOLDER_DIRS:
        if placeholder in code:
            real = tmp_path / placeholder.lstrip("/")
            real.mkdir(parents=True)
            code = code.replace(placeholder, str(real))
    bucket = None
    if example.kind == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")  # puts dummy credentials in os.environ
        bucket = s3_filesystem(endpoint)
        bucket.mkdir(S3_BUCKET)
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    if bucket is not None:
        env["AWS_ENDPOINT_URL"] = endpoint
    warnings_are_errors = ["-W", "error::ResourceWarning"]
    if example.kind == "pytest":
        (work / "test_example.py").write_text(code, encoding="utf-8")
        command = [
            *(sys.executable, *warnings_are_errors, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *(f"--basetemp={tmp_path / 'pytest'}", "-W", "error::ResourceWarning"),
            "test_example.py",
        ]
    else:
        (work / "example.py").write_text(code, encoding="utf-8")
        command = [sys.executable, *warnings_are_errors, "example.py"]
    try:
        proc = subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        output = f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        assert proc.returncode == 0, f"{example} failed\n{output}"
        assert proc.stderr == "", f"{example} wrote to stderr\n{output}"
        if example.kind == "pytest":
            assert re.search(r"\b\d+ passed\b", proc.stdout), output
        assert leftovers(tmpdir) == [], f"{example} left temp files behind"
        if bucket is not None:
            assert bucket.find(S3_BUCKET) == [], f"{example} left objects in {S3_BUCKET}"
    finally:
        if bucket is not None:
            bucket.rm(S3_BUCKET, recursive=True)
