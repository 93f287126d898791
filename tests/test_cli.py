"""The citra-eval command line: validate, exit codes and error lines."""

from __future__ import annotations

import pytest
from _samples import BASIC


@pytest.mark.slow
def test_validate_example_study(cli):
    res = cli("validate", "--transcripts", "interview_transcripts", "--codebook",
              "data/raw/codebook.yaml", "--codings", "data/raw/codings_A.csv",
              "data/raw/codings_B.csv")
    assert res.returncode == 0, res.stderr
    assert "ok: transcripts:" in res.stdout and res.stderr == ""


def test_validate_reports_each_problem_and_exits_2(cli, tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.txt").write_text(BASIC, encoding="utf-8")
    (tmp_path / "t" / "b.txt").write_text("no front matter\n", encoding="utf-8")
    (tmp_path / "cb.yaml").write_text("codebook: x\ncodes:\n  - id: A\n", encoding="utf-8")
    res = cli("validate", "--transcripts", str(tmp_path / "t"), "--codebook",
              str(tmp_path / "cb.yaml"))
    assert res.returncode == 2
    lines = res.stderr.strip().split("\n")
    assert all(line.startswith("error: ") for line in lines), res.stderr
    assert any(f"{tmp_path}/t/b.txt:1: missing YAML front matter" in line for line in lines)
    assert any(f"{tmp_path}/cb.yaml:3:" in line for line in lines)
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_validate_needs_something(cli, tmp_path):
    """Outside a study folder, validate without arguments has nothing to check (inside one it
    checks the whole study: tests/test_cli_validate.py)."""
    res = cli("validate", cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.startswith("error: ")
    assert "not inside a study folder" in res.stderr and "--transcripts" in res.stderr


@pytest.mark.slow
def test_version_and_help(cli):
    assert cli("--version").stdout.startswith("citra-eval ")
    assert "validate" in cli("--help").stdout
