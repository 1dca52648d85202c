"""The import graph's contract: every app stands on the floors below it, never above.

Floors, from the top: pages and the API (views, urls, api, forms) → services and selectors →
models → ``core``. The graph is read from the source (every ``import`` and ``from … import``,
at module level or inside a function, since a late import is still a dependency), tests and
migrations aside. It fails naming each import that breaks a rule:

- a module of ``chengxin.core`` imports anything of the platform outside ``core`` (the
  configuration's environment reader and WSGI server settings aside);
- a models module imports a services, selectors or page module;
- a services or selectors module imports a page module;
- two modules import each other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "chengxin"
CORE_MAY_USE = ("chengxin.config.env", "chengxin.config.gunicorn")
PAGES = ("views", "urls", "api", "forms")
SERVICES = ("services", "selectors")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if {"tests", "migrations"}.isdisjoint(path.relative_to(PACKAGE).parts):
            yield path


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in _sources()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module)
                imported.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if f"{node.module}.{alias.name}" in modules
                )
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        graph[name] = {target for target in imported if target.startswith("chengxin.")}
    return graph


def _floor(module: str) -> str:
    """``pages``, ``services``, ``models`` or ``other``, by the module's name or the package it
    is in (``views``, ``staff_views``, ``audit_urls`` and ``api_quality`` are pages, too; every
    module of a ``services`` package is a service)."""
    parts = module.split(".")[2:] or module.split(".")[-1:]
    words = {word for part in parts for word in part.split("_")}
    if words & set(PAGES):
        return "pages"
    if words & set(SERVICES):
        return "services"
    if parts[-1] == "models":
        return "models"
    return "other"


def _violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if _in_core(module) and not _in_core(target) and target not in CORE_MAY_USE:
                found.append(f"{module} → {target}: core imports an app above it")
            below, above = _floor(module), _floor(target)
            if below == "models" and above in ("services", "pages"):
                found.append(f"{module} → {target}: a model imports {above}")
            if below == "services" and above == "pages":
                found.append(f"{module} → {target}: a service or selector imports a page")
            if module < target and module in graph.get(target, ()):
                found.append(f"{module} ⇄ {target}: the two modules import each other")
    return found


def _in_core(module: str) -> bool:
    return module == "chengxin.core" or module.startswith("chengxin.core.")


def test_no_app_imports_a_floor_above_it():
    # when
    violations = _violations(_graph())

    # then
    assert violations == []


def test_the_contract_catches_each_kind_of_upward_import():
    # given: a graph with one import of each forbidden kind and two allowed ones
    graph = {
        "chengxin.core.audit.events": {"chengxin.accounts.models", "chengxin.config.env"},
        "chengxin.dueprocess.repairs.models": {"chengxin.collection.services"},
        "chengxin.inquiry.selectors": {"chengxin.inquiry.staff_views"},
        "chengxin.workplan.loading": {"chengxin.workplan.workbook"},
        "chengxin.workplan.workbook": {"chengxin.workplan.loading"},
        "chengxin.portal.views": {"chengxin.collection.selectors"},
        "chengxin.supervision.services.blacklist": {"chengxin.supervision.views"},
    }

    # when
    violations = _violations(graph)

    # then
    assert violations == [
        "chengxin.core.audit.events → chengxin.accounts.models: core imports an app above it",
        "chengxin.dueprocess.repairs.models → chengxin.collection.services: a model imports "
        "services",
        "chengxin.inquiry.selectors → chengxin.inquiry.staff_views: a service or selector "
        "imports a page",
        "chengxin.supervision.services.blacklist → chengxin.supervision.views: a service or "
        "selector imports a page",
        "chengxin.workplan.loading ⇄ chengxin.workplan.workbook: the two modules import each other",
    ]
