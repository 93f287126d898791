"""Build hook: put the example study into the wheel as package data.

The repository root holds the example study in the contract's layout (``study.yaml``,
``interview_transcripts/``, ``data/raw/``, ``notebooks/``, ``reports/``) and stays its one
source of truth. A wheel gets a copy under ``citra_eval/example_study/``, so that
``ce.example_path()``, the doctests and ``citra-eval init`` work after ``pip install`` of the
wheel; the sdist carries the same files (``MANIFEST.in``), so a wheel built from it does too.
Editable installs read the example from the checkout itself and get no copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: What the example study is made of (also ``citra_eval.study.EXAMPLE_CONTENT``; a test
#: checks they agree).
EXAMPLE_CONTENT = ("study.yaml", "interview_transcripts", "data/raw", "notebooks", "reports")
TARGET = ("citra_eval", "example_study")


def _wanted(rel: Path) -> bool:
    return not any(part.startswith(".") or part == "__pycache__" for part in rel.parts)


class BuildPyWithExample(build_py):
    """``build_py`` that also copies the example study into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib).joinpath(*TARGET)
        if target.exists():
            shutil.rmtree(target)
        for name in EXAMPLE_CONTENT:
            src = HERE / name
            if not src.exists():
                raise SystemExit(f"cannot build: the example study's {name} is missing")
            files = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
            for f in files:
                rel = f.relative_to(HERE)
                if _wanted(rel):
                    (target / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(f, target / rel)


setup(cmdclass={"build_py": BuildPyWithExample})
