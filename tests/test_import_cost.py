"""``import tempkit`` stays cheap: optional and heavy modules load only when used.

Timing lives in ``benchmarks/`` (case 4); this checks the behaviour behind it in
a fresh interpreter, where nothing else has imported those modules yet.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# Never imported by ``import tempkit`` (issue 8): optional dependencies and test tools.
NEVER = ("fsspec", "s3fs", "hypothesis", "pytest", "anyio", "trio", "sniffio")
# Standard modules tempkit avoids on purpose, each worth milliseconds at start-up:
# dataclasses pulls in inspect (and ast, dis, tokenize); secrets pulls in hmac and
# hashlib; logging is loaded when a message is first logged.
AVOIDED = ("dataclasses", "inspect", "secrets", "hashlib", "logging")
# The package serves its names lazily: the checks import what code using tempkit imports.
IMPORTS = ("import tempkit", "from tempkit import TempDirPath, TempFilePath, BackendPath")


def loaded_after(code: str) -> set[str]:
    """Every module loaded in a fresh interpreter after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def modules_after(code: str) -> set[str]:
    """Top-level packages of every module loaded after ``code``."""
    return {name.partition(".")[0] for name in loaded_after(code)}


@pytest.mark.parametrize("code", IMPORTS)
@pytest.mark.parametrize("name", NEVER)
def test_import_tempkit_never_imports_optional_or_test_modules(name: str, code: str) -> None:
    assert name not in modules_after(code)


@pytest.mark.parametrize("code", IMPORTS)
@pytest.mark.parametrize("name", AVOIDED)
def test_import_tempkit_avoids_costly_standard_modules(name: str, code: str) -> None:
    # tempfile and pathlib are the baseline the benchmark compares against.
    assert name not in modules_after("import tempfile, pathlib")
    assert name not in modules_after(code)


def test_the_probe_sees_modules_that_are_imported() -> None:
    # Guards the guard: a probe that never saw anything would pass every test above.
    assert {"fsspec", "logging"} <= modules_after("import fsspec, logging")


def test_lazy_names_still_resolve_and_then_load_their_module() -> None:
    assert "tempkit.backends.memory" not in loaded_after("import tempkit")
    assert "tempkit.backends.memory" in loaded_after("import tempkit\ntempkit.MemoryBackend")


def test_import_tempkit_loads_no_module_of_its_own_until_a_name_is_used() -> None:
    ours = {name for name in loaded_after("import tempkit") if name.startswith("tempkit")}
    assert ours == {"tempkit", "tempkit._lazy"}
    code = "import tempkit\nfor name in tempkit.__all__: getattr(tempkit, name)"
    assert {"tempkit.temp", "tempkit.path", "tempkit.resolver"} <= loaded_after(code)


def test_the_tempfile_drop_in_loads_tempkit_layers_on_first_call_only() -> None:
    # import tempkit.tempfile costs about what import tempfile does: programs import it
    # at start-up and may never call it. The first call loads the layers it is built on.
    ours = {name for name in loaded_after("import tempkit.tempfile") if name.startswith("tempkit")}
    assert ours == {"tempkit", "tempkit._lazy", "tempkit.tempfile"}
    first_call = "import tempkit.tempfile as tempfile\ntempfile.TemporaryFile().close()"
    assert {"tempkit.temp", "tempkit.backends.protocol"} <= loaded_after(first_call)


@pytest.mark.parametrize(
    "code",
    [
        "t.mkstemp()",
        "t.mkdtemp()",
        "t.mktemp()",
        "t.gettempdir()",
        "t.gettempdirb()",
        "t.NamedTemporaryFile().close()",
        "t.TemporaryFile().close()",
        "t.SpooledTemporaryFile(prefix='x').close()",
        "t.TemporaryDirectory().cleanup()",
        "t._TemporaryFileWrapper",
    ],
)
def test_every_entry_point_of_the_drop_in_works_as_the_first_call(code: str) -> None:
    # Each entry point must load the layers itself: run alone, in a fresh interpreter.
    script = (
        "import os, tempfile as std\nd = std.mkdtemp()\n"
        "import tempkit.tempfile as t\nt.tempdir = d\n"
        f"result = {code}\n"
        "if isinstance(result, tuple): os.close(result[0])\n"
        "import shutil\nshutil.rmtree(d)\nprint('ok')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
