"""Doctests run from the repository root so ``example_path`` finds the example study."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _doctest_root(doctest_namespace, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
