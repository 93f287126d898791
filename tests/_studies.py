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

#: Words of the example study that must not appear in another study's reports: its city,
#: office and districts, its code, scale and column ids, its document ids.
EXAMPLE_WORDS = (r"(?i:banjarmasin|bamara|district|kecamatan|prokompim|online_service|"
                 r"kerja_sama)|\bCITRA\b|\bKS\b|\bINF0\d\b")

#: Runnable blocks of README.md and docs/reproduce.md (see tests/test_docs_commands.py).
MARK = re.compile(r"<!-- runnable(?::\s*(?P<when>[^>]*?))?\s*-->\s*\n```sh\n(?P<body>.*?)```",
                  re.S)
AFTER_DATA = "after the data are in"
#: The block of docs/reproduce.md that installs a wheel (run by tests/test_packaging.py).
FROM_A_WHEEL = "from a wheel"


def copy_study_files(src: Path, dest: Path, *, skip: tuple[str, ...] = ()) -> None:
    """Copy a study's inputs (study.yaml, transcripts, data/raw) into the study ``dest``."""
    shutil.copy(src / "study.yaml", dest / "study.yaml")
    for folder in ("interview_transcripts", "data/raw"):
        for f in sorted((src / folder).iterdir()):
            if f.is_file() and f.name not in skip:
                shutil.copy(f, dest / folder / f.name)


def one_scale_study(root: Path) -> Path:
    """A study from ``init`` whose survey has a single scale (a pilot of one construct)."""
    import citra_eval as ce

    root = ce.init_study(root)
    raw = root / "data" / "raw"
    (raw / "instrument.yaml").write_text(
        "instrument: t\nscale: {min: 1, max: 7}\nid_column: rid\n"
        "scales:\n  S1: {items: [Q1, Q2, Q3], role: image}\ndemographics:\n  - g\n",
        encoding="utf-8")
    rows = ["r1,4,3,4,a", "r2,2,3,2,b", "r3,5,6,6,a", "r4,6,6,7,b", "r5,1,2,2,a", "r6,3,4,3,b"]
    (raw / "survey_responses.csv").write_text("rid,Q1,Q2,Q3,g\n" + "\n".join(rows) + "\n",
                                              encoding="utf-8")
    with (root / "study.yaml").open("a", encoding="utf-8") as f:
        f.write("compare_by: [g]\n")
    return root


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
    """No file name, table, provenance, executed notebook or figure in ``root/reports`` holds
    a word of the example study (an SVG draws its text as paths but keeps each string in an
    XML comment before it: those comments are read)."""
    reports = root / "reports"
    names = [p.relative_to(reports).as_posix() for p in reports.rglob("*") if p.is_file()]
    assert not [n for n in names if re.search(EXAMPLE_WORDS, n)], names
    for p in reports.rglob("*"):
        if p.suffix in (".csv", ".json"):
            text = p.read_text(encoding="utf-8")
        elif p.suffix == ".ipynb":
            text = notebook_text(p)
        elif p.suffix == ".svg":
            text = "\n".join(re.findall(r"<!-- (.*?) -->", p.read_text(encoding="utf-8")))
            assert text, f"{p.relative_to(root)}: no text found; has the SVG writer changed?"
        else:
            continue  # PNG: the same figure as the SVG
        hit = re.search(EXAMPLE_WORDS, text)
        assert hit is None, f"{p.relative_to(root)}: {hit.group(0)!r} of the example study"


def blocks(doc: str, *, walk: bool = True) -> list[tuple[str, str]]:
    """``(when, script)`` of the runnable blocks of ``doc``, in order: those of the walk from
    ``init`` to reports (``walk=True``), else every one."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = [(m.group("when") or "", m.group("body")) for m in MARK.finditer(text)]
    return [b for b in found if b[0] in ("", AFTER_DATA)] if walk else found


def commands(script: str) -> list[str]:
    """The commands of a shell block, comments left out."""
    return [ln.split("#", 1)[0].strip() for ln in script.splitlines()
            if ln.split("#", 1)[0].strip()]


def run_guide(doc: str, tmp_path: Path, *, upto: int | None = None) -> list[str]:
    """Run the first ``upto`` runnable blocks of ``doc`` (all by default) in ``tmp_path``, each
    in the folder where the previous one ended; before a block marked "after the data are
    in", the fictional hospital study's files are copied into that folder. Each block's
    output (stdout then stderr)."""
    cwd, outputs = tmp_path, []
    for when, script in blocks(doc)[:upto]:
        if when == AFTER_DATA:
            copy_study_files(RSUD, cwd)
        res = shell(f"{script}\npwd > '{tmp_path / '.pwd'}'\n", cwd)
        assert res.returncode == 0, f"{doc} block failed:\n{script}\n{res.stdout}\n{res.stderr}"
        outputs.append(res.stdout + res.stderr)
        cwd = Path((tmp_path / ".pwd").read_text().strip())
    return outputs
