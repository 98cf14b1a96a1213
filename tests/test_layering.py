"""The stages import only downwards: checked by walking every module's imports with ast."""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"
RDF_LIBS = {"rdflib", "pyoxigraph", "pyshacl"}
MAY_USE_RDF = {"kg.model", "kg.store", "kg.curation_rdf", "kg.validate", "kg.pipeline", "kg.cli", "kg.query", "kg.server",
               "kg.analyse", "kg.draw"}


def module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(KG.rglob("*.py"))}


@cache
def imports(module: str) -> frozenset[tuple[str, str]]:
    """(kind, name) for each import anywhere in the module (top level or inside
    functions): kind "ext" for a top-level package, "kg" for a kg module."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                # "from . import x" may name a submodule
                names = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            if name == "kg" or name.startswith("kg."):
                while name not in MODULES and "." in name:
                    name = name.rpartition(".")[0]
                found.add(("kg", name))
            else:
                found.add(("ext", name.split(".")[0]))
    return frozenset(found)


def external(module: str) -> set[str]:
    return {name for kind, name in imports(module) if kind == "ext"}


def external_closure(module: str) -> set[str]:
    """Third-party packages the module pulls in, directly or through kg modules."""
    seen, todo, out = set(), [module], set()
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        out |= external(m)
        todo += [name for kind, name in imports(m) if kind == "kg"]
    return out


def test_modules_found():
    assert {"kg.schema", "kg.ingest", "kg.model", "kg.store", "kg.extract.nlp", "kg.extract.base"} <= set(MODULES)


def test_imports_parser_sees_relative_imports():
    assert ("kg", "kg.schema") in imports("kg.ingest")
    assert ("kg", "kg.schema") in imports("kg.extract.base")
    assert ("ext", "rdflib") in imports("kg.model")
    assert "rdflib" in external_closure("kg.evaluate")  # through kg.model


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_graph_modules_import_rdf_libraries(module):
    if module in MAY_USE_RDF:
        return
    assert not external(module) & RDF_LIBS, f"{module} imports {external(module) & RDF_LIBS}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("kg.extract")))
def test_extract_never_reaches_rdflib(module):
    assert not external_closure(module) & RDF_LIBS


def test_schema_is_standard_library_only():
    assert all(kind == "ext" for kind, _ in imports("kg.schema")), "kg.schema imports other kg modules"
    assert external("kg.schema") - {"__future__"} <= set(sys.stdlib_module_names)


def test_ingest_has_no_nlp_or_rdf():
    assert not external_closure("kg.ingest") & ({"spacy"} | RDF_LIBS)


def test_resolve_and_evaluate_need_no_spacy():
    assert "spacy" not in external_closure("kg.resolve")
    assert "spacy" not in external_closure("kg.evaluate")


def spacy_loaders(module: str) -> list[int]:
    """Lines that call spacy.load or spacy.blank (or load/blank imported from spacy)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    direct = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "spacy"
              for a in n.names if a.name in ("load", "blank")}
    aliases = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
               for a in n.names if a.name == "spacy"}
    lines = []
    for n in ast.walk(tree):
        if not isinstance(n, ast.Call):
            continue
        f = n.func
        if isinstance(f, ast.Attribute) and f.attr in ("load", "blank") and isinstance(f.value, ast.Name) \
                and f.value.id in aliases:
            lines.append(n.lineno)
        elif isinstance(f, ast.Name) and f.id in direct:
            lines.append(n.lineno)
    return lines


def test_only_nlp_loads_spacy_models():
    callers = {m: spacy_loaders(m) for m in MODULES if spacy_loaders(m)}
    assert set(callers) == {"kg.extract.nlp"}, callers
