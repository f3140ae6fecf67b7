"""The import rules of docs/architecture.md, checked on the source (every import, also inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "kfl_lod"

# Layers, lowest first: a module imports only from its own layer or from layers below it.
# A module is placed by its longest matching prefix ("web" covers web.pages, web.sparql, ...).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "base",
        (
            "errors",
            "names",
            "namespaces",
            "settings",
            "vocab",
            "records",
            "districts",
            "rdfio",
            "triples",
            "jsonld",
            "publishers",
            "publication_log",
            "words",
            "otherprocess",
        ),
    ),
    ("source", ("source",)),
    ("mapping", ("mapping",)),
    ("validation", ("validation",)),
    # Reads a published release (the build prepares the store; the web and queries read it).
    ("store", ("store", "release_record", "pages_index", "pages_columns", "remote", "load")),
    (
        "publish",
        (
            "dumps",
            "xlsx",
            "csvw",
            "void",
            "catalog",
            "changes",
            "ntscan",
            "sidework",
            "graphwork",
            "publish",
            "build",
            "preview",
            "rollback",
            "generate",
            "template",
            "template_ods",
            "template_xlsx",
        ),
    ),
    ("query", ("query",)),
    ("web", ("web",)),
    # The static export drives the web app (its test client) and writes files; only the CLI uses it.
    ("export", ("export",)),
    ("cli", ("cli", "__main__", "limited")),
)
# Modules that import nothing of ours, so every layer can use them.
STANDALONE = {"names", "namespaces", "errors"}
# What the web may take from the layers that make the publication: the clerk's workbook
# (served by the check page). Everything else it reads from the published release, through store.
WEB_FROM_PIPELINE = {"template"}
PIPELINE = {"source", "mapping", "validation", "publish"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path, name: str | None = None) -> set[str]:
    """Our modules a file imports (relative to kfl_lod), wherever the import statement is."""
    name = module_name(path) if name is None else name
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - node.level + 1]
            if node.module:
                found.add(".".join([*base, node.module]))
            else:  # from . import x, y: each is a module (or a name of the package)
                found.update(".".join([*base, a.name]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kfl_lod"):
            found.add(node.module.removeprefix("kfl_lod").lstrip("."))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("kfl_lod").lstrip(".") for a in node.names if a.name.startswith("kfl_lod"))
    return {f for f in found if f and f != name}


def layer_of(module: str) -> tuple[int, str]:
    """The layer of a module (index, name) by its longest matching prefix."""
    best: tuple[int, int, str] | None = None
    for index, (layer, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index, layer)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and to docs/architecture.md"
    return best[1], best[2]


def all_imports() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(SRC.rglob("*.py"))}


def test_every_module_has_a_layer():
    layers = {module: layer_of(module) for module in all_imports() if module}
    assert layers and all(isinstance(index, int) for index, _ in layers.values())


def test_imports_go_down_the_layers_only():
    wrong = []
    for module, targets in all_imports().items():
        if not module:
            continue
        here, name = layer_of(module)
        for target in targets:
            there, target_layer = layer_of(target)
            if there > here:
                wrong.append(f"{module} ({name}) imports {target} ({target_layer})")
    assert not wrong, "imports against the layers (docs/architecture.md):\n" + "\n".join(sorted(wrong))


def test_the_web_does_not_reach_into_the_pipeline():
    wrong = []
    for module, targets in all_imports().items():
        if layer_of(module)[1] != "web" if module else True:
            continue
        for target in targets:
            if layer_of(target)[1] in PIPELINE and target.split(".")[0] not in WEB_FROM_PIPELINE:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "the web reads the release through store, not the pipeline:\n" + "\n".join(sorted(wrong))


def test_standalone_modules_import_nothing_of_ours():
    found = all_imports()
    for module in STANDALONE:
        assert not found[module], f"{module} imports {sorted(found[module])}"


def test_the_checker_sees_imports_inside_functions(tmp_path):
    """The rules would be toothless if a late import slipped past them."""
    fake = tmp_path / "fake.py"
    fake.write_text("def f():\n    from ..dumps import to_csv\n    import kfl_lod.mapping\n", encoding="utf-8")
    found = imports(fake, "web.fake")
    assert found == {"dumps", "mapping"}
    assert all(layer_of(t)[1] in PIPELINE for t in found)  # so the web rule above would name both
