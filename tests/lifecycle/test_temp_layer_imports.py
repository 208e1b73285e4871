"""Imports point down the layers, function-level imports included.

Read from the source, not from ``sys.modules``: an import inside a function that
points up would close a circle only when that function runs, which a run-time
check can miss.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tempkit

SOURCE = Path(tempkit.__file__).parent

# Each module of the temp-object layer and what it may import from tempkit: its
# own layer below it and everything under that layer (paths, naming, backends...).
TEMP_LAYER = ["lifecycle", "options", "temp", "spooled"]


def tempkit_imports(module: str) -> set[str]:
    """Every ``tempkit.*`` module ``module`` imports, anywhere in its source."""
    tree = ast.parse((SOURCE / f"{module.replace('.', '/')}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "tempkit":
                found.update(f"tempkit.{alias.name}" for alias in node.names)
            elif node.module.startswith("tempkit."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("tempkit."))
    return found


def test_errors_imports_nothing_from_tempkit() -> None:
    assert tempkit_imports("errors") == set()


@pytest.mark.parametrize("index", range(len(TEMP_LAYER)))
def test_the_temp_layer_imports_only_what_is_below(index: int) -> None:
    above = {f"tempkit.{name}" for name in TEMP_LAYER[index + 1 :]}
    module = TEMP_LAYER[index]
    assert tempkit_imports(module) & above == set(), f"{module} imports from above it"


@pytest.mark.parametrize("module", ["path", "naming", "resolver", "_finalizer", "_flavour"])
def test_lower_layers_never_import_temp_objects(module: str) -> None:
    temp_objects = {f"tempkit.{name}" for name in TEMP_LAYER} | {"tempkit.crashsafe"}
    assert tempkit_imports(module) & temp_objects == set()


def test_the_probe_sees_function_level_imports() -> None:
    # crashsafe imports the lease machinery inside its functions only.
    assert "tempkit._leases" in tempkit_imports("crashsafe")
