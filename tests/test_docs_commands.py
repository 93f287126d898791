"""Every command of the walk-through in README.md and docs/reproduce.md works as shown.

Blocks marked ``<!-- runnable -->`` run in order in one temporary folder, each continuing in
the folder where the previous one ended (a ``cd`` carries over); before a block marked
``<!-- runnable: after the data are in -->`` the fictional test study's files
(tests/data/studies/rsud) are copied into the study folder, as the reader is told to do.
README.md's blocks are a subset of the guide's, so running the guide runs them too.
"""

from __future__ import annotations

import pytest
from _studies import (
    AFTER_DATA,
    FROM_A_WHEEL,
    blocks,
    commands,
    no_word_of_the_example,
    run_guide,
)


def test_both_documents_walk_from_init_to_reports():
    for doc in ("README.md", "docs/reproduce.md"):
        found = blocks(doc)
        assert [w for w, _ in found] == ["", AFTER_DATA], doc
        assert commands(found[0][1])[0] == "citra-eval init mystudy"
        assert "citra-eval reproduce --check" in commands(found[1][1])


def test_every_runnable_block_is_run_by_a_test():
    """The walk (run here) and the wheel route (run by tests/test_packaging.py); no block
    marked runnable is left to no test."""
    assert [w for w, _ in blocks("README.md", walk=False)] == ["", AFTER_DATA]
    assert [w for w, _ in blocks("docs/reproduce.md", walk=False)] == [
        "", AFTER_DATA, FROM_A_WHEEL]


def test_readme_runs_only_what_the_guide_runs():
    """README.md's blocks are the guide's commands (run below), so running the guide runs
    them too."""
    guide = blocks("docs/reproduce.md")
    for (when, script), (gwhen, gscript) in zip(blocks("README.md"), guide, strict=True):
        assert when == gwhen
        assert set(commands(script)) <= set(commands(gscript))


@pytest.mark.slow
def test_the_first_steps_run_as_written(tmp_path):
    (out,) = run_guide("docs/reproduce.md", tmp_path, upto=1)
    assert "made a new study in mystudy" in out
    assert "warning: interview_transcripts: no transcripts yet" in out
    assert (tmp_path / "mystudy" / "study.yaml").is_file()


@pytest.mark.slow
def test_the_guide_runs_as_written(guide_study):
    out, study = guide_study["outputs"], guide_study["root"]
    assert (study / "reports" / "MANIFEST.sha256").is_file()
    assert "files rebuilt identical to reports/MANIFEST.sha256" in out[1]
    assert "ok: every file in reports/ matches" in out[1]
    # a different study (the fictional hospital), with no notebook edited, and its reports
    # hold no word of the example study
    assert not [ln for ln in out[1].splitlines() if ln.startswith("warning: ")]
    no_word_of_the_example(study)
