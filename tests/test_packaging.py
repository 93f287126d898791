"""pyproject.toml is the single source of dependencies; the lock and conda file agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _lock() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"lock line not pinned with ==: {line}"
            out[name.lower().replace("_", "-")] = version
    return out


def test_lock_pins_every_dependency_and_extra():
    project = _pyproject()
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    lock = _lock()
    missing = [_name(r) for r in wanted if _name(r) not in lock]
    assert not missing, f"add to requirements/lock.txt (make lock): {missing}"


def test_conda_environment_installs_the_same_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    minimum = _pyproject()["requires-python"].removeprefix(">=")
    assert tuple(map(int, python.split("=")[1].split("."))) >= tuple(map(int, minimum.split(".")))
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert "-r requirements/lock.txt" in pip and "-e ." in pip


def test_licence_and_console_script():
    project = _pyproject()
    assert project["license"] == "GPL-3.0-or-later"
    assert project["scripts"]["citra-eval"] == "citra_eval.cli:main"
    assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]


def test_import_leaves_heavy_libraries_for_later():
    """``import citra_eval`` (and ``import *``) loads numpy/pandas but not the statistics,
    plotting or XML stacks, which only the functions that need them import."""
    import subprocess
    import sys

    heavy = ["scipy.stats", "statsmodels", "pingouin", "matplotlib", "seaborn", "nltk", "lxml"]
    code = ("import sys\nfrom citra_eval import *\n"
            f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.strip() == "", f"imported at package import: {out.stdout.strip()}"


def _imported_distributions() -> set[str]:
    """Distributions whose modules the library imports (anywhere in src/citra_eval)."""
    import ast
    import importlib.metadata
    import sys

    modules: set[str] = set()
    for f in (ROOT / "src" / "citra_eval").rglob("*.py"):
        if f.name == "conftest.py":  # doctest set-up, not the library
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"citra_eval"}
    dists = importlib.metadata.packages_distributions()
    return {d.lower().replace("_", "-") for m in modules for d in dists.get(m, [m])}


def test_runtime_dependencies_are_what_the_library_imports():
    """Runtime dependencies are exactly the distributions src/ imports; test oracles such as
    krippendorff belong to the ``dev`` extra, notebook tooling to ``notebooks``."""
    declared = {_name(r) for r in _pyproject()["dependencies"]}
    imported = _imported_distributions()
    optional = {_name(r) for extra in _pyproject()["optional-dependencies"].values()
                for r in extra}
    undeclared = imported - declared - optional
    assert not undeclared, f"imported but not declared in pyproject dependencies: {undeclared}"
    # used by name, not by import: pandas' Excel engine (DataFrame.to_excel(engine="openpyxl"))
    unused = declared - imported - {"openpyxl"}
    assert not unused, f"declared as runtime dependencies but never imported: {unused}"
