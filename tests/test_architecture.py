"""The module map of ARCHITECTURE.md, enforced: layers, no cycles, no hidden imports.

A module may import modules of its own layer or below, never above; imports never form a cycle;
imports of the package's own modules sit at module top (a function-local import hides the
graph); no ``_private`` name is imported from another module; no submodule is shadowed by a
function of the same name at the package top level.

A new module must be given a layer here and a line in ARCHITECTURE.md.
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import pytest

import citra_eval as ce

SRC = Path(ce.__file__).resolve().parent

#: Layer of every module (see ARCHITECTURE.md). Lower layers never import higher ones.
LAYERS: dict[str, int] = {
    # 0 foundation: errors and the version, imported by everything
    "errors": 0, "_version": 0,
    # 1 infrastructure: checks, files, YAML, archives, XML, labels, paths
    "_validation": 1, "_files": 1, "_yaml": 1, "_safezip": 1, "_refi": 1, "_labels": 1,
    "_passages": 1, "_dates": 1, "paths": 1, "_progress": 1,
    # 2 the canonical inputs: transcripts, codebook, codings, survey; text normalisation
    "corpus": 2, "codebook": 2, "codings": 2, "survey": 2, "normalise": 2, "matching": 2,
    "lint": 2, "_memos": 2,
    # 3 methods on those inputs
    "autocoding": 3, "reliability": 3, "intercoder": 3, "themes": 3, "psychometrics": 3,
    "regression": 3, "simulate": 3, "pseudonymisation": 3, "qdpx": 3, "sheets": 3,
    "anchoring": 3, "learning": 3, "vocabulary": 3,
    # 4 integration and presentation
    "mixed_methods": 4, "plots": 4, "outputs": 4,
    # 5 a study folder as a whole, and the notebook runner
    "study": 5, "pipeline": 5,
    # 6 entry points
    "cli": 6, "__init__": 6, "__main__": 6, "conftest": 6,
}


def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted(SRC.rglob("*.py")):
        rel = f.relative_to(SRC).with_suffix("")
        out[".".join(rel.parts)] = f
    return out


def _top(module: str) -> str:
    """The unit a layer is given to: the top-level module or subpackage."""
    return module.split(".")[0]


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if module == "__init__":
        base = []
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    target = ".".join([*base, node.module] if node.module else base)
    return target or "__init__"


def _imports():
    """(module, imported module, node, inside a function?) for every relative import."""
    for module, path in _modules().items():
        is_package = path.name == "__init__.py"
        name = module.removesuffix(".__init__") if is_package else module
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = {id(n) for fn in ast.walk(tree)
                 if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                 for n in ast.walk(fn)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                yield name, _resolve(name, node, is_package), node, id(node) in local


def test_every_module_has_a_layer():
    missing = sorted({_top(m) for m in _modules()} - set(LAYERS))
    assert not missing, (f"module(s) {missing} have no layer: add them to LAYERS in "
                         "tests/test_architecture.py and to the map in ARCHITECTURE.md")


def test_no_import_goes_up_a_layer():
    bad = [f"{src} (layer {LAYERS[_top(src)]}) imports {dst} (layer {LAYERS[_top(dst)]})"
           for src, dst, _, _ in _imports()
           if _top(src) in LAYERS and _top(dst) in LAYERS
           and LAYERS[_top(dst)] > LAYERS[_top(src)]]
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for src, dst, _, _ in _imports():
        if _top(src) != _top(dst):
            graph.setdefault(_top(src), set()).add(_top(dst))
    graph.pop("__init__", None)  # the package namespace imports everything by design
    for g in graph.values():
        g.discard("__init__")
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join([*path, node, nxt]))
            if not state.get(nxt):
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [])


def test_no_function_local_imports_of_the_package():
    bad = [f"{src}:{node.lineno} imports {dst} inside a function"
           for src, dst, node, local in _imports() if local]
    assert not bad, "move these to the top of the module:\n" + "\n".join(bad)


def test_no_private_names_across_modules():
    bad = [f"{src}:{node.lineno} imports {a.name} from {dst}"
           for src, dst, node, _ in _imports() for a in node.names
           if a.name.startswith("_") and a.name != "__version__"]
    assert not bad, ("shared helpers get public names (in a `_`-module if they are not API):\n"
                     + "\n".join(bad))


def test_no_submodule_is_shadowed_at_the_top_level():
    shadowed = [m for m in {_top(m) for m in _modules()} - {"__init__", "__main__"}
                if hasattr(ce, m) and not isinstance(getattr(ce, m), types.ModuleType)]
    assert not shadowed, f"ce.<name> is a function, not the module: {shadowed}"


def test_public_names_are_listed():
    """Everything in ``__all__`` exists, and every public class/function at the top is in it."""
    missing = [n for n in ce.__all__ if not hasattr(ce, n)]
    assert not missing
    unlisted = [n for n, v in vars(ce).items()
                if not n.startswith("_") and not isinstance(v, types.ModuleType)
                and n not in ce.__all__ and n != "annotations"]  # from __future__
    assert not unlisted, f"public names missing from __all__: {unlisted}"


def test_every_parameter_of_the_public_api_is_documented():
    """numpydoc: each parameter of a public function or method with a Parameters section
    is described there (``exemplar_quotes``' ``lang`` was not)."""
    import inspect
    import re

    missing = []
    for name in ce.__all__:
        obj = getattr(ce, name)
        funcs = [(name, obj)] if inspect.isfunction(obj) else []
        if inspect.isclass(obj):
            funcs = [(f"{name}.{m}", f) for m, f in inspect.getmembers(obj, inspect.isfunction)
                     if not m.startswith("_")]
        for fname, f in funcs:
            doc = inspect.getdoc(f) or ""
            if "Parameters\n----------" not in doc:
                continue
            section = re.split(r"\n[A-Z][a-z]+\n-{3,}", doc.split("Parameters\n----------")[1])[0]
            documented = set()
            for line in section.splitlines():
                head = re.match(r"^([\w*]+(?:, [\w*]+)*)(?: :|$)", line)
                if head:
                    documented |= {x.lstrip("*") for x in head.group(1).split(", ")}
            missing += [f"{fname}({p})" for p in inspect.signature(f).parameters
                        if p not in ("self", "cls") and p not in documented]
    assert not missing, f"undocumented parameters: {', '.join(missing)}"


def _names_an_example_leaves_undefined(doc: str) -> set[str]:
    """The names the doctest examples of ``doc`` read without defining or importing them
    (builtins aside): what a reader who copies the example from ``help()`` lacks."""
    import builtins
    import doctest

    defined, used = set(dir(builtins)), set()
    for example in doctest.DocTestParser().get_examples(doc):
        for node in ast.walk(ast.parse(example.source)):
            if isinstance(node, ast.Name):
                if not isinstance(node.ctx, ast.Load):
                    defined.add(node.id)
                elif node.id not in defined:
                    used.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                defined.add(node.name)
    return used - defined


def test_every_public_example_runs_as_copied_from_help():
    """A student copies an Example from ``help(ce.code_frequencies)`` into a notebook: it
    must import what it uses and call the public API as ``ce.<name>`` (49 examples called
    the bare name, or used ``pd`` without importing it, and ran only as module doctests)."""
    import inspect

    lacking = {}
    for name in ce.__all__:
        obj = getattr(ce, name)
        members = [(name, obj)]
        if inspect.isclass(obj):
            members += [(f"{name}.{m}", f) for m, f in inspect.getmembers(obj, inspect.isfunction)
                        if not m.startswith("_")]
        for label, member in members:
            doc = inspect.getdoc(member) or ""
            missing = _names_an_example_leaves_undefined(doc) if ">>>" in doc else set()
            if missing:
                lacking[label] = sorted(missing)
    assert not lacking, f"examples that fail when copied from help(): {lacking}"


def test_the_package_namespace_leaves_plots_and_matplotlib_unloaded():
    """Reviewer s15, finding 12: README.md showed `citra_eval.plots` while `ce.plots` is not
    there after `import citra_eval as ce`; README now says to import it on its own, which
    keeps matplotlib out of scripts that draw nothing (as pinned here)."""
    import subprocess
    import sys

    code = ("import sys, citra_eval as ce\n"
            "print('matplotlib' in sys.modules, hasattr(ce, 'plots'))\n"
            "from citra_eval import plots\n"
            "print(callable(plots.plot_saturation))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300).stdout.split()
    assert out == ["False", "False", "True"]
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "from citra_eval import plots" in readme
