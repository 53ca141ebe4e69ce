"""No import cycles in the installed ``shuxiang`` package (grimp, import-linter's graph).

import-linter's layers contract keeps layers in order but does not see a cycle inside one
layer (two services, or a service's modules); this does.  Run with the Python of a venv
where the package is installed (scripts/wheel-check.sh), not from the checkout: there the
service packages live outside ``shuxiang/`` and are invisible to a static import graph.
"""

from __future__ import annotations

import sys

import grimp


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def main() -> int:
    # an import under ``if TYPE_CHECKING:`` names a type for annotations and never runs: no cycle
    graph = grimp.build_graph("shuxiang", exclude_type_checking_imports=True, cache_dir=None)
    found = cycles(graph)
    for component in found:
        print("import cycle:", " ↔ ".join(component))
    print(f"import cycles: {len(found)} in {len(graph.modules)} modules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
