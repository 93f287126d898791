"""A second, different study end to end through the command line, with no notebook edited:
``citra-eval init``, copy the fictional hospital study (tests/data/studies/rsud) in,
``validate``, ``reproduce``, ``reproduce --check``, with one coder and without a survey (the
whole study, two coders and a survey, is run by tests/test_docs_commands.py, which follows the
walk-through of docs/reproduce.md). Its reports hold no word of the example study. And a copy
of the example study made by ``init --example`` rebuilds byte for byte outside the clone."""

from __future__ import annotations

from pathlib import Path

import pytest
from _studies import (
    RSUD,
    copy_study_files,
    no_word_of_the_example,
    notebooks_fit_any_study,
    shell,
)

pytestmark = pytest.mark.slow

needs_notebooks = pytest.mark.skipif(
    not notebooks_fit_any_study(),
    reason="the notebooks do not take study_root yet (issue 10, part b)")


def _new_study(tmp_path: Path, *, skip: tuple[str, ...] = ()) -> Path:
    res = shell("citra-eval init hospital", tmp_path)
    assert res.returncode == 0, res.stderr
    root = tmp_path / "hospital"
    copy_study_files(RSUD, root, skip=skip)
    return root


def _build_and_check(root: Path) -> tuple[str, str]:
    res = shell("citra-eval validate", root)
    assert res.returncode == 0, res.stderr
    warnings = res.stderr
    res = shell("citra-eval reproduce --update-checksums", root)
    assert res.returncode == 0, res.stdout + res.stderr
    built = res.stderr
    res = shell("citra-eval reproduce --check", root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("ok: ") and "rebuilt identical" in res.stdout
    return warnings, built


@needs_notebooks
def test_one_coder(tmp_path):
    root = _new_study(tmp_path, skip=("codings_B.csv",))
    warnings, built = _build_and_check(root)
    assert "only one coder (A)" in warnings
    notes = [ln for ln in built.splitlines() if ln.startswith("note: notebooks/")]
    assert notes, built  # what was skipped is said, naming the notebook
    no_word_of_the_example(root)


@needs_notebooks
def test_no_survey(tmp_path):
    root = _new_study(tmp_path, skip=("instrument.yaml", "survey_responses.csv"))
    warnings, built = _build_and_check(root)
    assert "no survey instrument" in warnings
    notes = [ln for ln in built.splitlines() if ln.startswith("note: notebooks/")]
    assert notes, built
    no_word_of_the_example(root)


def test_the_example_copied_by_init_rebuilds_byte_for_byte(tmp_path):
    res = shell("citra-eval init copy --example && cd copy && citra-eval validate "
                "&& citra-eval reproduce --check", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "files rebuilt identical to reports/MANIFEST.sha256" in res.stdout
