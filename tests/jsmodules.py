"""The import graph of the pages' ES modules (static/js), read from their import lines."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "static" / "js"

# `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`.
IMPORT = re.compile(
    r'^(?:import|export)\b[^;"]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)',
    re.M,
)


def imports(module: Path) -> set[Path]:
    found = set()
    for match in IMPORT.finditer(module.read_text()):
        spec = next(group for group in match.groups() if group)
        found.add(
            (ROOT / spec.lstrip("/") if spec.startswith("/") else module.parent / spec).resolve()
        )
    return found


def module_graph(entry: Path) -> dict[Path, set[Path]]:
    """`entry` and every module it imports, directly or not, with what each imports."""
    graph: dict[Path, set[Path]] = {}
    todo = [entry]
    while todo:
        module = todo.pop()
        if module not in graph:
            graph[module] = imports(module)
            todo.extend(graph[module])
    return graph


def assert_no_cycles(graph: dict[Path, set[Path]]) -> None:
    done: set[Path] = set()

    def visit(module: Path, path: list[Path]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            raise AssertionError(
                "import cycle: " + " → ".join(step.relative_to(JS).as_posix() for step in cycle)
            )
        if module in done:
            return
        for imported in graph[module]:
            visit(imported, [*path, module])
        done.add(module)

    for module in graph:
        visit(module, [])
