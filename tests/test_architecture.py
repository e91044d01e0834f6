"""The layers hold: the import contracts in pyproject.toml, a core that loads no UI at run time,
and no two modules of gdtui that import each other, directly or in a longer circle."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import gdtui

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# The core (STYLE.md: "the core never imports Textual"), as packages and modules.
CORE_PACKAGES = ("course", "nn", "training")
CORE_MODULES = ("numbers", "store", "storefile", "areas", "guessing", "stepper", "landscape",
                "confidence", "serve.classroom", "serve.presence", "serve.folders")
UI_PACKAGES = ("textual", "rich", "plotext", "textual_plotext")


def core_modules() -> list[str]:
    """Every module of the core, found on disk so that a new one is checked too."""
    found = [f"gdtui.{name}" for name in CORE_MODULES]
    for package in CORE_PACKAGES:
        found.append(f"gdtui.{package}")
        path = Path(gdtui.__file__).parent / package
        found += [f"gdtui.{package}.{info.name}" for info in pkgutil.iter_modules([str(path)])]
    return sorted(found)


def test_lint_imports_keeps_every_contract():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout, result.stdout


@pytest.mark.parametrize("module", core_modules())
def test_a_core_module_loads_no_ui_at_run_time(module):
    # lint-imports reads the static graph: it cannot tell a module-level import from one
    # deferred into a function. Importing in a fresh interpreter sees both.
    code = (f"import sys, {module}; "
            f"print(sorted({{name.split('.')[0] for name in sys.modules}} & {set(UI_PACKAGES)}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"importing {module} loads {result.stdout.strip()}"


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that reach each other through imports (Tarjan's strongly connected
    components), each sorted; only groups of two or more modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(groups)


def describe_cycle(graph: grimp.ImportGraph, runtime: grimp.ImportGraph, group: list[str]) -> str:
    """Each import inside one cycle, with its line, and whether it is there for type hints only."""
    lines = [" <-> ".join(group)]
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported not in group:
                continue
            hints = "" if runtime.direct_import_exists(importer=importer, imported=imported) \
                else "  (under TYPE_CHECKING)"
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"    {importer} -> {imported}, line {detail['line_number']}: "
                             f"{detail['line_contents']}{hints}")
    return "\n".join(lines)


def test_no_two_modules_import_each_other_not_even_for_type_hints():
    graph = grimp.build_graph("gdtui", cache_dir=None)
    runtime = grimp.build_graph("gdtui", exclude_type_checking_imports=True, cache_dir=None)
    cycles = import_cycles(graph)
    report = "\n\n".join(describe_cycle(graph, runtime, group) for group in cycles)
    assert not cycles, f"{len(cycles)} import cycle(s) in gdtui:\n\n{report}"


def test_the_cycle_finder_finds_a_circle_of_three_and_nothing_else():
    # (the test above would also pass with a finder that never finds anything)
    graph = grimp.ImportGraph()
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d"),
                               ("p.d", "p.e"), ("p.f", "p.f")):
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"]]
