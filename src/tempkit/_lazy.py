"""Module attributes served on first use (PEP 562), shared by ``tempkit`` and ``tempkit.backends``.

Heavy or optional parts are named in a table and imported only when someone
asks for them, so importing the package stays cheap.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: see tempkit/__init__.py
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, MutableMapping

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, table: Mapping[str, str], namespace: MutableMapping[str, object]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for ``package`` serving ``table``'s names.

    ``table`` maps an attribute name to the module that defines it; the value is
    stored in ``namespace`` (the package's globals) so later lookups are plain.
    """

    def __getattr__(name: str) -> object:
        module_name = table.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib  # noqa: PLC0415 - only paid by the first lazy lookup

        value = getattr(importlib.import_module(module_name), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
