"""The citra-eval command line: validate, exit codes and error lines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from _samples import BASIC
from conftest import ROOT


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


# a command that stops inside its atomic write (the temporary file exists) until killed
_STOPS_WHILE_WRITING = """
import os, sys, time
from pathlib import Path

def stop(src, dst):
    Path(sys.argv[1]).write_text("writing")
    time.sleep(120)

os.replace = stop
from citra_eval.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize(("sig", "code", "said"), [("SIGTERM", 143, "terminated"),
                                                   ("SIGINT", 130, "interrupted")])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path, sig, code, said):
    ready, out = tmp_path / "ready", tmp_path / "int" / "out.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", _STOPS_WHILE_WRITING, str(ready), "code", "--transcripts",
         "interview_transcripts", "--codebook", "data/raw/codebook.yaml", "--out", str(out)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), proc.communicate()
        (tmp,) = out.parent.iterdir()
        assert tmp.name.endswith(".tmp")
        proc.send_signal(getattr(signal, sig))
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert (proc.returncode, err.strip().splitlines()[-1]) == (code, said)
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize(("command", "given_to"), [
    (["validate"], " to --codings (also as data/raw/codings_A.csv); "),
    (["qdpx", "export", "--out", "{tmp}/s.qdpx"],
     " to --codings (also as data/raw/codings_A.csv); "),
    # agree reads the files together: read_codings refuses them
    (["agree", "--out", "{tmp}/a.csv"], " (also as data/raw/codings_A.csv), so its codings "
                                        "would appear in more than one file; ")])
def test_one_codings_file_under_two_spellings_is_refused(tmp_path, monkeypatch, capsys,
                                                         command, given_to):
    from citra_eval.cli import main

    monkeypatch.chdir(ROOT)
    args = [a.format(tmp=tmp_path) for a in command]
    code = main([*args, "--transcripts", "interview_transcripts", "--codings",
                 "data/raw/codings_A.csv", "./data/raw/codings_A.csv"])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: ./data/raw/codings_A.csv: this file is given twice{given_to}give each file "
        "once\n")
    assert list(tmp_path.iterdir()) == []
