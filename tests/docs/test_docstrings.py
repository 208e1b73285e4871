"""Every public callable and attribute has a docstring that says what it takes and gives.

The API reference (docs/reference/, built by mkdocstrings with warnings as errors)
renders docstrings as they are: the build fails on a documented parameter that does
not exist, but not on one that is missing. This test reads the package as the site
does (griffe, the library mkdocstrings uses, with the Google style the site is
configured for) and fails, naming each gap, when:

- a public function, method, class, property or attribute has no docstring (an
  attribute may instead be listed in its class's ``Attributes:`` section);
- a callable with parameters has no ``Args:`` section, or leaves one of its
  parameters out of it, or documents one it does not have (a class documents its
  constructor's, in its own docstring or in ``__init__``'s);
- a callable that returns a value has no ``Returns:`` section (``Yields:`` for a
  generator); a property is an attribute and needs none;
- a public docstring names a private module (``_memory_windows``, ``tempkit._glob``):
  the reader of the reference cannot look it up.

The conformance kit's tests are named as the sentence they check and pytest passes
their arguments, so they need no docstring; its fixtures need one, without sections.

The main entry points also need an ``Examples:`` section (tests/docs/
test_docstring_examples.py runs every example).

The public names are those of ``tempkit.__all__``, ``tempkit.backends.__all__``,
``tempkit.aio.__all__``, ``tempkit.testing.__all__``, ``tempkit.crashsafe``,
``tempkit.signals`` and ``tempkit.tempfile`` (and their module-level names), every
object a reference page documents, and every public member of those classes,
including what they inherit from private classes (``MemoryBackend`` from its engine).
Each gap is reported under the module that defines the object, so a failure says
which file to edit.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import griffe
import pytest
import yaml  # type: ignore[import-untyped]

from tests.docs.test_reference import documented

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tempkit", "tempkit.backends", "tempkit.testing", "tempkit.aio")
# Public modules whose every module-level name is public, not only those in __all__.
MODULES = ("tempkit.crashsafe", "tempkit.signals", "tempkit.tempfile")
_RETURNS_NOTHING = frozenset(("None", "NoReturn", "Never"))
_GENERATORS = re.compile(r"^(Iterator|Generator|Iterable|AsyncIterator|AsyncGenerator)\b")
# Parameters a caller never passes.
_IMPLICIT = frozenset(("self", "cls"))
Member = griffe.Object | griffe.Alias
# The entry points a new user starts from: each shows itself at work.
MAIN_ENTRY_POINTS = (
    "tempkit.temp.TempDirPath.create",
    "tempkit.temp.TempFilePath.create",
    "tempkit.temp.TempFilePath.create_open",
    "tempkit.spooled.SpooledTempPath.create",
    "tempkit.path.BackendPath",
    "tempkit.path.BackendPath.open",
    "tempkit.path.BackendPath.read_text",
    "tempkit.path.BackendPath.write_text",
    "tempkit.path.BackendPath.glob",
    "tempkit.backends.memory.MemoryBackend",
    "tempkit.backends._current.use_backend",
    "tempkit.resolver.gettempdir",
    "tempkit.resolver.resolver_for",
    "tempkit.crashsafe.sweep",
    "tempkit.signals.cleanup_on_signals",
)


@functools.cache
def site_options() -> dict[str, object]:
    """The docstring style and parser options the site is built with (mkdocs.yml)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            options: dict[str, object] = plugin["mkdocstrings"]["handlers"]["python"]["options"]
            return options
    raise LookupError("mkdocs.yml has no mkdocstrings plugin")


@functools.cache
def package() -> griffe.Module:
    options = site_options()
    loaded = griffe.load(
        "tempkit",
        search_paths=[str(ROOT / "src")],
        docstring_parser=options["docstring_style"],  # type: ignore[arg-type]
        docstring_options=options.get("docstring_options"),  # type: ignore[arg-type]
    )
    assert isinstance(loaded, griffe.Module)
    return loaded


def lookup(path: str) -> griffe.Object | None:
    """The griffe object at the dotted ``path`` ("tempkit.temp.TempDirPath"), aliases followed."""
    try:
        found = package()[path.removeprefix("tempkit.")]
    except KeyError:
        return None
    return target_of(found)


def target_of(member: Member) -> griffe.Object | None:
    if isinstance(member, griffe.Alias):
        try:
            target = member.final_target
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
        return target if isinstance(target, griffe.Object) else None
    return member


def runtime_path(obj: object) -> str | None:
    """Where ``obj`` is defined, as a dotted path, for a class, function or module."""
    if isinstance(obj, type(importlib)):
        return obj.__name__
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        return None
    return f"{module}.{qualname}"


def is_public(name: str) -> bool:
    return not name.startswith("_")


def roots() -> Iterator[griffe.Object]:
    """The public names' objects: the packages' and modules' names, the reference's entries."""
    for name in PACKAGES:
        module = importlib.import_module(name)
        for attribute in module.__all__:
            if not is_public(attribute):
                continue
            path = runtime_path(getattr(module, attribute))
            # A value (not a class, function or module) is named where it is defined:
            # the module the package's lazy table serves it from, or the package.
            home = getattr(module, "_LAZY", {}).get(attribute, name)
            found = (lookup(path) if path else None) or lookup(f"{home}.{attribute}")
            assert found is not None, f"{name}.{attribute} not found"
            yield found
    for name in MODULES:
        module_object = lookup(name)
        assert isinstance(module_object, griffe.Module)
        exported = importlib.import_module(name).__all__
        for attribute, member in module_object.members.items():
            # Its own public names, and those it exports from elsewhere.
            if is_public(attribute) and (not member.is_alias or attribute in exported):
                target = target_of(member)
                assert target is not None, f"{name}.{attribute} not found"
                yield target
    for identifier, obj in documented().items():
        path = runtime_path(obj)
        found = (lookup(path) if path else None) or lookup(identifier)
        assert found is not None, f"reference entry {identifier} not found"
        yield found


def in_package(obj: griffe.Object) -> bool:
    return obj.path.split(".")[0] == "tempkit"


@functools.cache
def public_objects() -> dict[str, griffe.Object]:
    """Every object to check, by path: the roots, their public members, recursively."""
    found: dict[str, griffe.Object] = {}
    pending = list(roots())
    while pending:
        obj = pending.pop()
        if obj.path in found or not in_package(obj):
            continue
        found[obj.path] = obj
        if isinstance(obj, griffe.Module):
            exported = getattr(importlib.import_module(obj.path), "__all__", None)
            for name, member in obj.members.items():
                wanted = name in exported if exported is not None else is_public(name)
                target = target_of(member) if wanted and not member.is_alias else None
                if target is not None and is_public(name):
                    pending.append(target)
        elif isinstance(obj, griffe.Class):
            for name, member in obj.all_members.items():
                target = target_of(member)
                if is_public(name) and target is not None:
                    pending.append(target)
    return found


# -- what one docstring lacks ----------------------------------------------------------------


def sections(obj: griffe.Object) -> list[griffe.DocstringSection]:
    return obj.docstring.parsed if obj.docstring is not None else []


def section_names(obj: griffe.Object, kind: str) -> set[str] | None:
    """The names an ``Args:``/``Attributes:`` section lists, or None when there is none.

    ``kind`` is griffe's name for the section: "parameters", "attributes"...
    """
    names: set[str] | None = None
    for section in sections(obj):
        if section.kind.value == kind:
            names = (names or set()) | {item.name.lstrip("*") for item in section.value}
    return names


def has_section(obj: griffe.Object, *kinds: str) -> bool:
    return any(section.kind.value in kinds for section in sections(obj))


def parameters_of(function: griffe.Function) -> list[str]:
    names = [p.name for p in function.parameters]
    if names and names[0] in _IMPLICIT and "staticmethod" not in function.labels:
        names = names[1:]
    return names


def returns_value(function: griffe.Function) -> bool:
    annotation = function.returns
    return annotation is not None and str(annotation) not in _RETURNS_NOTHING


def is_generator(function: griffe.Function) -> bool:
    return _GENERATORS.match(str(function.returns)) is not None


def argument_gaps(where: str, function: griffe.Function, documented: set[str] | None) -> list[str]:
    wanted = parameters_of(function)
    if not wanted:
        return []
    if documented is None:
        return [f"{where}: no Args section (for {', '.join(wanted)})"]
    gaps = []
    missing = [name for name in wanted if name not in documented]
    if missing:
        gaps.append(f"{where}: Args leaves out {', '.join(missing)}")
    unknown = sorted(documented - set(wanted))
    if unknown:
        gaps.append(f"{where}: Args names {', '.join(unknown)}, which it does not take")
    return gaps


def constructor(cls: griffe.Class) -> griffe.Function | None:
    for name in ("__init__", "__new__"):
        member = cls.all_members.get(name)
        target = target_of(member) if member is not None else None
        if isinstance(target, griffe.Function) and in_package(target):
            return target
    return None


def is_test(function: griffe.Function) -> bool:
    """A test of the conformance kit: pytest calls it, its name says what it checks."""
    return function.name.startswith("test_") and isinstance(function.parent, griffe.Class)


def is_fixture(function: griffe.Function) -> bool:
    return any("pytest.fixture" in str(d.value) for d in function.decorators)


@functools.cache
def private_modules() -> re.Pattern[str]:
    """Matches the name of any private module of the package, as a word."""
    names: set[str] = set()
    pending: list[griffe.Module] = [package()]
    while pending:
        module = pending.pop()
        if module.name.startswith("_") and module.name != "__init__":
            names.add(module.name)
        pending.extend(m for m in module.modules.values() if isinstance(m, griffe.Module))
    alternatives = "|".join(sorted(names))
    return re.compile(rf"(?<![\w.])(?:tempkit\.(?:backends\.|testing\.)?)?({alternatives})\b")


def gaps_of(obj: griffe.Object) -> list[str]:
    """What ``obj``'s docstring lacks, one line per gap."""
    where = obj.path
    if isinstance(obj, griffe.Function) and is_test(obj):
        return []
    if obj.docstring is None and not listed_by_parent(obj):
        return [f"{where}: no docstring"]
    gaps = []
    if obj.docstring is not None:
        for private in sorted(set(private_modules().findall(obj.docstring.value))):
            gaps.append(f"{where}: names the private module {private}")
    return gaps + section_gaps(obj)


def section_gaps(obj: griffe.Object) -> list[str]:
    """The sections ``obj``'s docstring lacks for what it takes and gives."""
    where = obj.path
    if isinstance(obj, griffe.Function):
        if "property" in obj.labels or is_fixture(obj):
            return []
        gaps = argument_gaps(where, obj, section_names(obj, "parameters"))
        if returns_value(obj):
            kinds = ["returns"]
            if is_generator(obj):
                kinds.append("yields")
            if not has_section(obj, *kinds):
                gaps.append(f"{where}: returns {obj.returns} but has no Returns section")
        return gaps
    if isinstance(obj, griffe.Class):
        init = constructor(obj)
        if init is None or "overload" in init.labels:
            return []
        own = section_names(obj, "parameters")
        merged = section_names(init, "parameters")
        documented = None if own is None and merged is None else (own or set()) | (merged or set())
        return argument_gaps(f"{where} (constructor)", init, documented)
    return []


def listed_by_parent(obj: griffe.Object) -> bool:
    """An attribute named in its class's (or module's) ``Attributes:`` section."""
    if not isinstance(obj, griffe.Attribute) or obj.parent is None:
        return False
    listed = section_names(obj.parent, "attributes")
    return listed is not None and obj.name in listed


@functools.cache
def gaps_by_module() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for obj in public_objects().values():
        gaps = gaps_of(obj)
        if gaps:
            found.setdefault(obj.module.path, []).extend(gaps)
    return {module: sorted(gaps) for module, gaps in sorted(found.items())}


def checked_modules() -> list[str]:
    return sorted({obj.module.path for obj in public_objects().values()})


@pytest.mark.parametrize("module", checked_modules())
def test_public_docstrings_have_their_sections(module: str) -> None:
    gaps = gaps_by_module().get(module, [])
    assert gaps == [], f"{len(gaps)} gaps in {module}:\n" + "\n".join(gaps)


@pytest.mark.parametrize("path", MAIN_ENTRY_POINTS)
def test_the_main_entry_points_have_examples(path: str) -> None:
    obj = lookup(path)
    assert obj is not None, path
    assert has_section(obj, "examples"), f"{path} has no Examples section"


def test_the_walk_reaches_the_main_names() -> None:
    # Guards the walk itself: a name it missed would never be checked.
    objects = public_objects()
    for path in (
        "tempkit.temp.TempDirPath.create",
        "tempkit.temp.TempFilePath.create_open",
        "tempkit.spooled.SpooledTempPath.create",
        "tempkit.path.BackendPath.read_text",
        "tempkit.resolver.gettempdir",
        "tempkit.backends._current.use_backend",
        "tempkit.backends._memory_core.MemoryCore.stat",  # MemoryBackend's, inherited
        "tempkit.crashsafe.sweep",
        "tempkit.signals.cleanup_on_signals",
        "tempkit.testing._conformance.require",
        "tempkit.errors.CleanupError.errors",
    ):
        assert path in objects, path
