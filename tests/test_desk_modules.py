"""The editor desk's modules (static/js/desk.js, the entry point, and what it imports from
static/js/desk/): they import one another without cycles, and every module under desk/ is
one the desk uses."""

from __future__ import annotations

from tests.jsmodules import JS, assert_no_cycles, module_graph


def test_the_desk_modules_import_one_another_without_cycles() -> None:
    graph = module_graph(JS / "desk.js")
    assert JS / "desk" / "state.js" in graph  # the parser follows the imports
    assert_no_cycles(graph)


def test_every_module_under_desk_is_imported_by_the_desk() -> None:
    unused = sorted(
        module.name
        for module in (JS / "desk").glob("*.js")
        if module not in module_graph(JS / "desk.js")
    )
    assert not unused, f"in static/js/desk/, imported by nothing the desk loads: {unused}"
