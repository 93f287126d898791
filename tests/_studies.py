"""Helpers for tests that run whole studies through the command line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from conftest import ROOT

RSUD = ROOT / "tests" / "data" / "studies" / "rsud"

#: Words of the example study that must not appear in another study's reports.
EXAMPLE_WORDS = r"(?i:banjarmasin|bamara|district|online_service)|\bCITRA\b|\bINF0\d\b"


def notebooks_fit_any_study() -> bool:
    """True once every notebook takes the study from ``study_root`` (issue 10, part b)."""
    import papermill as pm

    nbs = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    return bool(nbs) and all("study_root" in pm.inspect_notebook(str(nb)) for nb in nbs)


def copy_study_files(src: Path, dest: Path, *, skip: tuple[str, ...] = ()) -> None:
    """Copy a study's inputs (study.yaml, transcripts, data/raw) into the study ``dest``."""
    shutil.copy(src / "study.yaml", dest / "study.yaml")
    for folder in ("interview_transcripts", "data/raw"):
        for f in sorted((src / folder).iterdir()):
            if f.is_file() and f.name not in skip:
                shutil.copy(f, dest / folder / f.name)


def shell(script: str, cwd: Path, *, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Run a shell script the way a user would: ``citra-eval`` on the PATH (this interpreter's
    environment), this checkout's package first on the import path."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("MPLBACKEND", "Agg")
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def notebook_text(path: Path) -> str:
    """Sources and text outputs of an executed notebook."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for o in cell.get("outputs", []):
            parts.append(o.get("text", ""))
            parts.extend(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def no_word_of_the_example(root: Path) -> None:
    """No file name, table, provenance or executed notebook in ``root/reports`` holds a word of
    the example study (figures draw their text as paths and are not read)."""
    reports = root / "reports"
    names = [p.relative_to(reports).as_posix() for p in reports.rglob("*") if p.is_file()]
    assert not [n for n in names if re.search(EXAMPLE_WORDS, n)], names
    for p in reports.rglob("*"):
        if p.suffix in (".csv", ".json"):
            text = p.read_text(encoding="utf-8")
        elif p.suffix == ".ipynb":
            text = notebook_text(p)
        else:
            continue  # figures draw their text as paths
        hit = re.search(EXAMPLE_WORDS, text)
        assert hit is None, f"{p.relative_to(root)}: {hit.group(0)!r} of the example study"
