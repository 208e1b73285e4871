"""Imports point down the layers only, with no circle, even through function-level imports.

The layers (docs/architecture.md), top to bottom::

    integrations -> temp objects -> paths -> naming/resolver -> backends -> foundations

Every module of the package is read with ``ast``; every import that runs (at module
level or inside a function; ``if TYPE_CHECKING:`` blocks only serve type checkers
and are left out) must name a module of the same layer or a lower one, and the
graph of those imports must have no cycle. A new module gets a layer in LAYERS.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import tempkit

# Top to bottom; a module is in the first layer one of whose patterns names it
# (a pattern ending in "*" names the module and everything below it).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "integrations",
        (
            "tempkit",
            "tempkit.__main__",
            "tempkit.cli*",
            "tempkit.pytest_plugin",
            "tempkit._pytest_bases",
            "tempkit._pytest_kept",
            "tempkit._pytest_retention",
            "tempkit.testing*",
            "tempkit.tempfile",
            "tempkit._tempfile_wrapper",
            "tempkit._tempfile_spooled",
            "tempkit.aio*",
        ),
    ),
    (
        "temp objects",
        (
            "tempkit.temp",
            "tempkit.spooled",
            "tempkit._finalizer",
            "tempkit.lifecycle",
            "tempkit.options",
            # The unnamed file, and the lifecycle internals it and the tempfile drop-in use.
            "tempkit.unnamed",
            "tempkit._temp_internals",
            # Atomic writes: a temp file next to the target, renamed or linked in.
            "tempkit.atomic",
            # Crash-safe mode: the public face, the lease engine and its report types.
            "tempkit.crashsafe",
            "tempkit._leases",
            "tempkit._sweep_report",
            "tempkit.signals",
        ),
    ),
    ("paths", ("tempkit.path", "tempkit._glob", "tempkit._whole_files")),
    ("naming/resolver", ("tempkit.naming", "tempkit.resolver")),
    ("backends", ("tempkit.backends*",)),
    # What every layer may use: exceptions, path syntax, the lazy-import helper, who a
    # process is.
    ("foundations", ("tempkit.errors", "tempkit._flavour", "tempkit._lazy", "tempkit._process")),
]


def layer_of(module: str) -> int | None:
    """The index in LAYERS of ``module``'s layer, None if no layer names it."""
    for index, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            if pattern.endswith("*"):
                stem = pattern[:-1]
                if module == stem or module.startswith(stem + "."):
                    return index
            elif module == pattern:
                return index
    return None


def modules_under(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package at ``root``, by dotted name."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that runs, leaving out the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def runtime_imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``module`` imports when it runs (any nesting level)."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                targets.add(candidate if candidate in known else base)
    return {target for target in targets if target in known and target != module}


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    modules = modules_under(root, package)
    known = set(modules)
    return {name: runtime_imports(name, path, known) for name, path in modules.items()}


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import that points up a layer, and each module no layer names."""
    problems: list[str] = []
    for module, targets in sorted(graph.items()):
        own = layer_of(module)
        if own is None:
            problems.append(f"{module} is in no layer: add it to LAYERS")
            continue
        for target in sorted(targets):
            theirs = layer_of(target)
            if theirs is not None and theirs < own:
                problems.append(
                    f"{module} ({LAYERS[own][0]}) imports {target} ({LAYERS[theirs][0]})"
                )
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


SRC = Path(tempkit.__file__).parent


def test_every_import_points_down_the_layers() -> None:
    assert upward_imports(import_graph(SRC, "tempkit")) == []


def test_no_module_imports_itself_back_through_others() -> None:
    assert cycles(import_graph(SRC, "tempkit")) == []


def test_the_graph_sees_function_level_imports_and_skips_type_checking_ones() -> None:
    graph = import_graph(SRC, "tempkit")
    # backends._current imports the Windows backend inside local_backend() only.
    assert "tempkit.backends.windows" in graph["tempkit.backends._current"]
    # The conformance kit names the protocol at module level.
    assert "tempkit.backends.protocol" in graph["tempkit.testing._conformance"]
    # _rmtree names the protocol for type checkers only.
    assert "tempkit.backends.protocol" not in graph["tempkit.backends._rmtree"]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


@pytest.fixture
def fake_package(tmp_path: Path) -> Path:
    """A package laid out like tempkit, with an upward import and a circle in it."""
    root = tmp_path / "tempkit"
    _write(
        root,
        {
            "__init__.py": "",
            "errors.py": "",
            "naming.py": "from tempkit import errors\n",
            # A backend reaching up to the naming layer, inside a function.
            "backends/__init__.py": "",
            "backends/a.py": "def f():\n    from tempkit.naming import x\n",
            # A circle inside the backends layer, closed by a relative import.
            "backends/b.py": "from tempkit.backends import c\n",
            "backends/c.py": "def g():\n    from . import b\n",
            # Type-only imports are not followed.
            "backends/d.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from tempkit.naming import y\n",
        },
    )
    return root


def test_the_checks_find_an_upward_import_and_a_circle(fake_package: Path) -> None:
    graph = import_graph(fake_package, "tempkit")
    assert upward_imports(graph) == [
        "tempkit.backends.a (backends) imports tempkit.naming (naming/resolver)"
    ]
    assert cycles(graph) == [["tempkit.backends.b", "tempkit.backends.c"]]
    assert graph["tempkit.backends.d"] == set()
