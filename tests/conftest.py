"""Shared fixtures: the example study, the reference data beside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

# Property tests draw the same examples on every run and machine (CI must not be flaky);
# HYPOTHESIS_PROFILE=explore searches afresh.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
#: Reference data vendored with the tests (see tests/data/reference/PROVENANCE.md).
VENDORED = ROOT / "tests" / "data" / "reference"
REFDATA = Path(os.environ.get("CITRA_EVAL_REFDATA", ROOT.parent / "shared" / "reference-data"))


def refdata_path(*parts: str) -> Path:
    """A reference file: vendored under tests/data/reference, else in the shared folder
    (``../shared/reference-data`` or ``$CITRA_EVAL_REFDATA``); skip with the reason if absent."""
    for base in (VENDORED, REFDATA):
        p = base.joinpath(*parts)
        if p.exists():
            return p
    pytest.skip(f"reference data {'/'.join(parts)} not found in {VENDORED} nor {REFDATA} (the "
                "shared/reference-data folder beside the repository, or $CITRA_EVAL_REFDATA)")


@pytest.fixture
def refdata():
    return refdata_path


@pytest.fixture(scope="session")
def example_corpus():
    import citra_eval as ce

    return ce.read_transcripts(ROOT / "interview_transcripts")


@pytest.fixture(scope="session")
def example_codebook():
    import citra_eval as ce

    return ce.Codebook.load(ROOT / "data" / "raw" / "codebook.yaml")


def run_cli(*args: str, cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m citra_eval ARGS`` and capture its output (text)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "citra_eval", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture
def cli():
    return run_cli
