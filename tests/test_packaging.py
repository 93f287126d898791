"""pyproject.toml is the single source of dependencies; the lock and conda file agree; the
wheel carries the example study, the templates and the notebooks, and works outside the clone."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from test_cli_init import only_scale_warnings

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


# --------------------------------------------------------------------------- the wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``make dist`` (sdist, then the wheel built from it), the wheel installed into a fresh
    folder with ``pip install --no-deps --target`` (the dependencies are this environment's)."""
    import shutil
    import subprocess
    import sys

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    res = subprocess.run(["make", "--no-print-directory", "dist", f"DIST={dist}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout + res.stderr
    wheels = sorted(dist.glob("citra_eval-*-py3-none-any.whl"))
    sdists = sorted(dist.glob("citra_eval-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in dist.iterdir())
    site = tmp / "site"
    res = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                          "--disable-pip-version-check", "--no-index", "--target", str(site),
                          str(wheels[0])], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    return {"wheel": wheels[0], "sdist": sdists[0], "site": site, "tmp": tmp}


def _run_installed(installed, *args: str, cwd=None):
    """Run this interpreter with only the installed wheel on the import path (the checkout's
    ``src`` is not on it: an editable install's .pth comes after PYTHONPATH)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(installed["site"]), MPLBACKEND="Agg",
               PYTHONHASHSEED="0")
    return subprocess.run([sys.executable, *args], cwd=cwd or installed["tmp"], env=env,
                          capture_output=True, text=True, timeout=1200)


@pytest.mark.slow
def test_wheel_and_sdist_carry_the_example_study_templates_and_notebooks(installed):
    import tarfile
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    example = "citra_eval/example_study/"
    for rel in ("study.yaml", "data/raw/CHECKSUMS.sha256", "data/raw/codebook.yaml",
                "interview_transcripts/INF01.txt", "notebooks/01-corpus-codebook.ipynb",
                "reports/MANIFEST.sha256"):
        assert example + rel in names, rel
    assert "citra_eval/study_template/study.yaml" in names
    assert not [n for n in names if n.startswith("tests/") or "/." in n]
    # the example study in the wheel is the repository's, file for file
    in_repo = sorted(p.relative_to(ROOT).as_posix()
                     for name in ("study.yaml", "interview_transcripts", "data/raw",
                                  "notebooks", "reports")
                     for p in ([ROOT / name] if (ROOT / name).is_file()
                               else (ROOT / name).rglob("*"))
                     if p.is_file() and not any(part.startswith(".") for part in
                                                p.relative_to(ROOT).parts))
    assert sorted(n.removeprefix(example) for n in names if n.startswith(example)) == in_repo
    with tarfile.open(installed["sdist"]) as sdist:
        members = {m.split("/", 1)[1] for m in sdist.getnames() if "/" in m}
    assert {"setup.py", "MANIFEST.in", "study.yaml", "data/raw/codebook.yaml",
            "notebooks/06-joint-display.ipynb"} <= members


@pytest.mark.slow
def test_installed_wheel_works_outside_the_clone(installed):
    res = _run_installed(installed, "-c", "import citra_eval as ce; print(ce.__file__); "
                         "print(ce.example_path()); print(ce.example_study())")
    assert res.returncode == 0, res.stderr
    where, example, study = res.stdout.splitlines()
    site = str(installed["site"])
    assert where.startswith(site) and example.startswith(site)
    assert "11 documents, 2 coder(s), 400 respondents" in study
    tmp = installed["tmp"]
    res = _run_installed(installed, "-m", "citra_eval", "init", "mine")
    assert res.returncode == 0, res.stderr
    assert (tmp / "mine" / "notebooks" / "01-corpus-codebook.ipynb").is_file()
    assert (tmp / "mine" / "data" / "raw" / "codebook.template.yaml").is_file()
    res = _run_installed(installed, "-m", "citra_eval", "validate", cwd=tmp / "mine")
    assert res.returncode == 0 and "no transcripts yet" in res.stderr, res.stderr
    res = _run_installed(installed, "-m", "citra_eval", "init", "ex", "--example")
    assert res.returncode == 0, res.stderr
    res = _run_installed(installed, "-m", "citra_eval", "validate", cwd=tmp / "ex")
    assert res.returncode == 0 and only_scale_warnings(res.stderr), res.stderr
    res = _run_installed(installed, "-m", "citra_eval", "verify", cwd=tmp / "ex")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    # outside a study, reproduce refuses: never the package's own files
    res = _run_installed(installed, "-m", "citra_eval", "reproduce", cwd=tmp)
    assert res.returncode == 2 and "not inside a study folder" in res.stderr


@pytest.mark.slow
def test_docstring_examples_run_on_the_installed_package(installed):
    site = installed["site"]
    res = _run_installed(
        installed, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules",
        str(site / "citra_eval"), "--rootdir", str(installed["tmp"]), "-c", "/dev/null",
        "-o", "doctest_optionflags=NORMALIZE_WHITESPACE ELLIPSIS NUMBER")
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert " passed" in res.stdout


@pytest.mark.slow
def test_the_wheel_route_of_the_guide_runs_as_written(installed):
    """docs/reproduce.md's "Installing from a wheel" block, command by command: ``make dist``
    (run by the fixture, into its own folder), a fresh virtual environment in ``~``, the wheel
    installed with its notebook extra, ``citra-eval`` from that environment's ``bin/``
    (not the clone's) making and validating a study. Offline, pip finds the dependencies in
    this environment (a path file in the new one) instead of the registry."""
    import os
    import subprocess
    import sys

    from _studies import FROM_A_WHEEL, blocks, commands

    (script,) = [s for w, s in blocks("docs/reproduce.md", walk=False) if w == FROM_A_WHEEL]
    cmds = commands(script)
    assert cmds[0] == "make dist"  # what the fixture ran (make dist DIST=<its folder>)
    tmp = installed["tmp"]
    assert (tmp / "dist" / installed["wheel"].name).is_file()
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(home), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
               MPLBACKEND="Agg", PYTHONHASHSEED="0")
    here = [p for p in sys.path if p.endswith("site-packages")]
    cwd, said = tmp, {}
    for cmd in cmds[1:]:
        if cmd.startswith("cd "):
            cwd = Path(os.path.expanduser(cmd[3:].replace("~", str(home), 1)))
            continue
        res = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True,
                             text=True, timeout=900)
        assert res.returncode == 0, (cmd, res.stdout[-2000:], res.stderr[-2000:])
        said[cmd] = res.stdout + res.stderr
        if "-m venv" in cmd:  # offline: the dependencies come from this environment
            (site,) = (home / "citra-env" / "lib").glob("python3*/site-packages")
            (site / "_offline_dependencies.pth").write_text("\n".join(here) + "\n")
    # the command came from the new environment, with the wheel's package and notebooks
    res = subprocess.run([str(home / "citra-env" / "bin" / "python"), "-c",
                          "import citra_eval; print(citra_eval.__file__)"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.stdout.startswith(str(home / "citra-env")), res.stdout + res.stderr
    assert (home / "mystudy" / "notebooks" / "01-corpus-codebook.ipynb").is_file()
    assert "made a new study in" in said["~/citra-env/bin/citra-eval init ~/mystudy"]
    assert "warning: interview_transcripts: no transcripts yet" in said[
        "~/citra-env/bin/citra-eval validate"]


@pytest.mark.slow
def test_doctests_show_every_digit_they_print():
    """The doctests run with NUMBER (a shown 0.8 accepts a printed 0.781), which hid an
    example whose value was wrong: run them once without it, so every shown value is what
    the example prints."""
    root = ROOT
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--doctest-modules", "-o",
                          "doctest_optionflags=NORMALIZE_WHITESPACE ELLIPSIS",
                          str(root / "src" / "citra_eval")],
                         capture_output=True, text=True, cwd=root, check=False)
    assert res.returncode == 0, res.stdout[-3000:]
