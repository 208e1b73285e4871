"""The memory tree's remembered routes: how directory paths resolve, and what undoes that.

Most operations name a path whose directory was named before (``/tmp/tmpab12/a.txt``
after ``/tmp/tmpab12`` was made). Walking that directory path again, component by
component, costs more than the rest of the operation; the table remembers where
it led instead. A route in the table is always true: whatever could make it
untrue takes it out, and every such event is a method here, so the table owns
all of its invalidation:

- :meth:`RouteTable.walked`: a path was walked; the directories searched on the
  way are marked, since their leaving or a change of their mode could change
  where the path leads;
- :meth:`RouteTable.made`: mkdir of a directory under a remembered route (its
  route is its parent's, one step longer);
- :meth:`RouteTable.left`: a node left its place in a directory (unlink, rmdir,
  rename, tree removal);
- :meth:`RouteTable.mode_changed`: a node's permission bits changed.

New entries never change a route (a route holds directories, not absences).
The bookkeeping lives on the directories themselves (``DirNode.searched`` and
``DirNode.route_key``), so checking an event costs an attribute read.
"""

from __future__ import annotations

from typing import Final

from tempkit.backends._memory_nodes import DirNode, LinkNode, Node

__all__ = ["ROUTE_LIMIT", "Route", "RouteTable"]

# Routes kept at most; a benchmark or a test suite makes one per temp directory.
ROUTE_LIMIT: Final = 4096

# How an absolute directory path resolves: the directory, and the symlinks followed
# on the way (they count towards the lookup's limit of 40).
Route = tuple[DirNode, int]


class RouteTable(dict[str, Route]):
    """Routes by the exact text of the directory path (a dict: lookups are ``get``)."""

    def remember(self, key: str, route: Route) -> Route:
        """Keep ``route`` under ``key``; its directory learns the key to take it out."""
        if len(self) >= ROUTE_LIMIT:
            self.clear()
        directory = route[0]
        if directory.route_key is None or directory.route_key == key:
            directory.route_key = key
        else:
            # Two spellings lead here; only the last is known, so the directory
            # counts as searched: its leaving empties the whole table.
            directory.searched = True
        self[key] = route
        return route

    def walked(self, key: str, route: Route, searched: list[DirNode]) -> Route:
        """A walk of ``key`` found ``route``, searching the directories in ``searched``."""
        for through in searched:
            through.searched = True
        return self.remember(key, route)

    def made(self, parent: DirNode, key: str, route: Route) -> None:
        """``key`` was made as a directory in ``parent``, which a remembered route reaches."""
        parent.searched = True
        self.remember(key, route)

    def left(self, node: Node) -> None:
        """``node`` has left the place it had in a directory: retire the routes it carried.

        A directory some route searched takes every route with it (they may run
        through it, to anywhere below); one that only ends routes takes out the
        route kept under its key. A symlink some route may have followed empties
        the table too (rare). A file ends no route and runs through none.
        """
        if isinstance(node, DirNode):
            if node.searched:
                self.clear()
            elif node.route_key is not None:
                self.pop(node.route_key, None)
        elif isinstance(node, LinkNode):
            self.clear()

    def mode_changed(self, node: Node) -> None:
        """``node``'s permission bits changed: search permission on a route may have too."""
        if isinstance(node, DirNode) and node.searched:
            self.clear()
