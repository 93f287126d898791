"""Shared fixtures: the example study, the reference data beside the repository."""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1)
def _plain_stemmer():
    """PySastrawi's stemmer exactly as its factory makes it."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def sastrawi_stem(word: str) -> str:
    """PySastrawi's own stem of one lower-case word (no citra_eval shortcut)."""
    from citra_eval.normalise import root_words

    if word in root_words():
        return word
    out = _plain_stemmer().delegatedStemmer.stem_word(word)
    return out if out and out.isalpha() and out.isascii() else word


def real_texts(*, reviews: bool = False) -> list[str]:
    """The EmoT tweets (and, with ``reviews``, the SmSA reviews) and both studies'
    transcripts: real and realistic Indonesian text for checks against PySastrawi."""
    import csv

    texts = []
    if reviews:
        with open(refdata_path("indonesian-text", "smsa-reviews.tsv"), encoding="utf-8") as fh:
            texts += [line.rsplit("\t", 1)[0] for line in fh]
    with open(refdata_path("indonesian-text", "emot-tweets.csv"), encoding="utf-8",
              newline="") as fh:
        texts += [row["tweet"] for row in csv.DictReader(fh)]
    for folder in (ROOT / "interview_transcripts",
                   ROOT / "tests" / "data" / "studies" / "rsud" / "interview_transcripts"):
        texts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    return texts


@pytest.fixture(scope="session")
def guide_study(tmp_path_factory):
    """docs/reproduce.md's walk-through run as written, once per session, on the fictional
    hospital study (tests/data/studies/rsud): ``init``, the data copied in, ``validate``,
    ``reproduce --update-checksums``, ``reproduce --check``, ``verify``. The study folder and
    each block's output; tests/test_docs_commands.py and tests/test_end_to_end.py both read
    it (one build of the whole study serves both)."""
    from _studies import run_guide

    tmp = tmp_path_factory.mktemp("guide")
    outputs = run_guide("docs/reproduce.md", tmp)
    return {"root": tmp / "mystudy", "outputs": outputs}
