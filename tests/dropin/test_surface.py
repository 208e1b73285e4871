"""tempkit.tempfile has this interpreter's tempfile surface, and is not tempfile underneath."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import tempkit.tempfile

STDLIB_PUBLIC = sorted(name for name in vars(tempfile) if not name.startswith("_"))


def public_names(module: object) -> list[str]:
    return sorted(name for name in vars(module) if not name.startswith("_"))


def without_annotations(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def test_public_names_are_exactly_the_standard_librarys() -> None:
    _ = tempkit.tempfile.SpooledTemporaryFile  # the one name served on first use
    assert public_names(tempkit.tempfile) == STDLIB_PUBLIC
    assert sorted(tempkit.tempfile.__all__) == sorted(tempfile.__all__)
    assert sorted(dir(tempkit.tempfile)) == sorted(set(dir(tempkit.tempfile)))
    assert set(tempfile.__all__) <= set(dir(tempkit.tempfile))


@pytest.mark.parametrize("name", [n for n in tempfile.__all__ if callable(getattr(tempfile, n))])
def test_signature_matches_this_interpreters(name: str) -> None:
    ours = inspect.signature(getattr(tempkit.tempfile, name))
    theirs = inspect.signature(getattr(tempfile, name))
    assert without_annotations(ours) == without_annotations(theirs)


def test_version_dependent_parameters() -> None:
    named = inspect.signature(tempkit.tempfile.NamedTemporaryFile).parameters
    directory = inspect.signature(tempkit.tempfile.TemporaryDirectory).parameters
    assert ("delete_on_close" in named) == (sys.version_info >= (3, 12))
    assert ("delete" in directory) == (sys.version_info >= (3, 12))
    assert "ignore_cleanup_errors" in directory


def test_data_items() -> None:
    assert tempkit.tempfile.TMP_MAX == tempfile.TMP_MAX
    assert tempkit.tempfile.template == "tmp"
    assert tempkit.tempfile.gettempprefix() == "tmp"
    assert tempkit.tempfile.gettempprefixb() == b"tmp"


def run(code: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )


def test_the_standard_library_tempfile_is_never_imported(temp_root: Path) -> None:
    # Built on tempkit, not a layer over the standard library: using every
    # function and class leaves the stdlib module unimported.
    result = run(
        """
        import os, sys
        import tempkit.tempfile as tf
        fd, name = tf.mkstemp(); os.close(fd); os.unlink(name)
        os.rmdir(tf.mkdtemp())
        tf.mktemp()
        tf.NamedTemporaryFile().close()
        tf.TemporaryFile().close()
        with tf.TemporaryDirectory():
            pass
        with tf.SpooledTemporaryFile(max_size=1) as f:
            f.write(b"rolls over")
        print("tempfile" in sys.modules, "random" in sys.modules)
        """,
        temp_root,
    )
    assert result.stdout.split() == ["False", "False"]
    assert os.listdir(temp_root) == []


def test_audit_events_as_the_standard_library(temp_root: Path) -> None:
    result = run(
        """
        import os, sys
        events = []
        sys.addaudithook(lambda e, a: events.append((e, a)) if e.startswith("tempfile.") else None)
        import tempkit.tempfile as tf
        fd, name = tf.mkstemp(); os.close(fd); os.unlink(name)
        fd, bname = tf.mkstemp(suffix=b""); os.close(fd); os.unlink(bname)
        directory = tf.mkdtemp(); os.rmdir(directory)
        with tf.NamedTemporaryFile() as f:
            named = f.name
        with tf.TemporaryDirectory() as d:
            pass
        print(events == [
            ("tempfile.mkstemp", (name,)),
            ("tempfile.mkstemp", (bname,)),
            ("tempfile.mkdtemp", (directory,)),
            ("tempfile.mkstemp", (named,)),
            ("tempfile.mkdtemp", (d,)),
        ], events)
        """,
        temp_root,
    )
    assert result.stdout.startswith("True"), result.stdout


def test_import_stays_cheap(temp_root: Path) -> None:
    # SpooledTemporaryFile's module (and with it dataclasses and inspect) loads on
    # first use; nothing heavier than tempkit itself is imported before.
    result = run(
        """
        import sys
        import tempkit.tempfile
        heavy = ("dataclasses", "inspect", "logging", "hashlib", "random", "shutil")
        print([name for name in heavy if name in sys.modules])
        tempkit.tempfile.SpooledTemporaryFile
        print("tempkit._tempfile_spooled" in sys.modules)
        """,
        temp_root,
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True"]
