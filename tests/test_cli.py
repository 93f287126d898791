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
    assert "'citra-eval init DIR'" in res.stderr and "ce." not in res.stderr  # s19, advice 1
    # sixteenth session: the line ended with a notebook's advice (papermill, study_root)
    assert "papermill" not in res.stderr and "study_root" not in res.stderr


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


# ------------------------------------------------------- the study lock of writing commands

def _locked_study(base):
    """A small study folder (study.yaml, one transcript, codebook, codings, a key) and the
    files written outside it that its commands read: a coding sheet and a .qdpx project."""
    from test_bad_input import CODEBOOK, CODINGS, KEY, TRANSCRIPT

    from citra_eval.cli import main

    s = base / "study"
    for name, text in {"study.yaml": "title: t\n", "interview_transcripts/a.txt": TRANSCRIPT,
                       "data/raw/codebook.yaml": CODEBOOK, "data/raw/codings_A.csv": CODINGS,
                       "key.csv": KEY}.items():
        (s / name).parent.mkdir(parents=True, exist_ok=True)
        (s / name).write_text(text, encoding="utf-8")
    inputs = ["--transcripts", str(s / "interview_transcripts"), "--codebook",
              str(s / "data/raw/codebook.yaml")]
    assert main(["sheet", "export", "--coder", "C", "--out", str(base / "sheet.csv"),
                 *inputs]) == 0
    assert main(["qdpx", "export", "--out", str(base / "p.qdpx"), *inputs, "--codings",
                 str(s / "data/raw/codings_A.csv")]) == 0
    return s, inputs


#: Commands writing into the study folder (``{s}``), with what they write; ``{b}`` is the
#: folder holding the study, where the sheet and the project lie.
_WRITERS = {
    "reanchor": (["reanchor", "--transcripts", "{s}/interview_transcripts", "--codings",
                  "{s}/data/raw/codings_A.csv", "--record"], "data/raw/codings_A.csv.bak"),
    "code": (["code", "{inputs}", "--out", "{s}/data/raw/codings_auto.csv"],
             "data/raw/codings_auto.csv"),
    "sheet import": (["sheet", "import", "{b}/sheet.csv", "--coder", "C", "{inputs}", "--out",
                      "{s}/data/raw/codings_C.csv"], "data/raw/codings_C.csv"),
    "qdpx import": (["qdpx", "import", "{b}/p.qdpx", "--out", "{s}/imported"], "imported"),
    "pseudonymise": (["pseudonymise", "--transcripts", "{s}/interview_transcripts", "--key",
                      "{s}/key.csv", "--out", "{s}/shared"], "shared"),
}


@pytest.mark.parametrize("command", list(_WRITERS))
def test_a_command_writing_into_a_study_takes_its_lock(tmp_path, capsys, command):
    """While 'reproduce' holds the study's lock, a command writing into the study is refused
    (the lock file and its holder named, nothing written); afterwards it runs, and leaves
    neither the lock file nor a reports/ folder it made."""
    from citra_eval import pipeline
    from citra_eval.cli import main

    s, inputs = _locked_study(tmp_path)
    argv, written = _WRITERS[command]
    argv = [x for a in argv for x in (inputs if a == "{inputs}" else
                                      [a.format(s=s, b=tmp_path)])]
    before = {p: p.read_bytes() for p in s.rglob("*") if p.is_file()}
    capsys.readouterr()
    with pipeline.holding_study(s):
        assert main(argv) == 2
        assert capsys.readouterr().err == (
            f"error: reports/{pipeline.LOCK_NAME}: another 'citra-eval reproduce' "
            f"(process {os.getpid()}) is running on this study and holds this lock; wait for "
            "it to finish, then run again (nothing was changed)\n")
        assert {p: p.read_bytes() for p in s.rglob("*") if p.is_file()
                if p.name != pipeline.LOCK_NAME} == before
    assert main(argv) == 0, capsys.readouterr().err
    assert (s / written).exists() and not (s / "reports").exists()


def test_reproduce_names_the_command_holding_the_study(tmp_path):
    """The other way round: 'reproduce' refused while a writing command holds the lock says
    which command it is; a lock file its holder has not written says less, but is named."""
    import fcntl

    from citra_eval import pipeline
    from citra_eval.errors import InputError

    s, _ = _locked_study(tmp_path)
    lock = s / "reports" / pipeline.LOCK_NAME
    with pipeline.holding_study(s, holder="citra-eval reanchor"):
        with pytest.raises(InputError) as exc:
            pipeline.reproduce(s)
    assert exc.value.path == f"reports/{pipeline.LOCK_NAME}"
    assert (f"another 'citra-eval reanchor' (process {os.getpid()}) is running on this "
            "study") in str(exc.value)
    lock.parent.mkdir()
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        with pytest.raises(InputError, match="another citra-eval command is running"):
            pipeline.reproduce(s)


@pytest.mark.parametrize("command, name", [
    (("code",), "auto.csv"),
    (("agree",), "agreement.csv"),
    (("qdpx", "export"), "study.qdpx"),
])
def test_out_naming_a_folder_suggests_a_file_in_it(cli, tmp_path, command, name):
    """The hint for '--out results' (a folder) suggested the folder's own name as the file
    name ('add a file name like results'); it names a file inside it, the command's own."""
    import citra_eval as ce

    root = ce.init_study(tmp_path / "s")
    (root / "results").mkdir()
    (root / "data" / "raw" / "codings_A.csv").write_text(
        "doc_id,segment_id,start,end,code,coder\n", encoding="utf-8")
    res = cli(*command, "--out", "results", cwd=root)
    assert res.returncode == 2, res.stderr
    assert (f"--out must be a file name, but this is a folder; add a file name like "
            f"results/{name}") in res.stderr
    assert not any((root / "results").iterdir())


# ------------------------------------------------- code --cross-validate inside a study

def _micro_row(path, reference: str, coder: str):
    import pandas as pd

    t = pd.read_csv(path)
    return t[(t.reference == reference) & (t.coder == coder) & (t.code == "micro")].iloc[0]


def test_code_cross_validate_inside_a_study_takes_double_coded(tmp_path, monkeypatch, capsys):
    """Review session 11: the second coder B coded one interview of four (study.yaml says
    so in double_coded); ``code --learn-from A B --cross-validate`` scored B against A over
    all four, counting A's codings in the three B never saw as B's misses. Inside the study
    it now takes study.yaml's coverage (as ``agree`` does); outside it, nothing changes."""
    import shutil

    import pandas as pd

    import citra_eval as ce
    from citra_eval.cli import main

    study = tmp_path / "rsud"
    shutil.copytree(ROOT / "tests" / "data" / "studies" / "rsud", study)
    loaded = ce.load_study(study)
    codings, corpus = loaded.codings, loaded.corpus
    first = corpus.doc_ids[0]
    b = codings[(codings.coder == "B") & (codings.doc_id == first)]
    a = codings[codings.coder == "A"]
    ce.write_codings(b, study / "data/raw/codings_B.csv", corpus=corpus, replace_raw=True)
    yaml = (study / "study.yaml").read_text(encoding="utf-8")
    (study / "study.yaml").write_text(yaml + f"double_coded: {{A: all, B: [{first}]}}\n",
                                      encoding="utf-8")
    learn = ["--learn-from", "data/raw/codings_A.csv", "data/raw/codings_B.csv"]
    monkeypatch.chdir(study)
    assert main(["code", "--out", "out/learned.csv", *learn, "--cross-validate",
                 "out/cv.csv"]) == 0, capsys.readouterr().err
    only_first = ce.evaluate_coder(b, reference=a[a.doc_id == first],
                                   corpus=corpus.subset([first])).set_index("code")
    got = _micro_row(study / "out/cv.csv", "A", "B")
    assert got[["tp", "fp", "fn"]].tolist() == only_first.loc["micro", ["tp", "fp", "fn"]
                                                              ].tolist()
    assert got["support"] < len(a)
    # learning from A alone: study.yaml's B does not get in the way
    assert main(["code", "--out", "out/a.csv", "--learn-from", "data/raw/codings_A.csv",
                 "--cross-validate", "out/cv_a.csv"]) == 0, capsys.readouterr().err
    # a double_coded the codings contradict: an error at its line, nothing written
    (study / "study.yaml").write_text(yaml + "double_coded: {A: all, B: [WWC-02]}\n",
                                      encoding="utf-8")
    capsys.readouterr()
    assert main(["code", "--out", "out/bad.csv", *learn, "--cross-validate",
                 "out/bad_cv.csv"]) == 2
    err = capsys.readouterr().err
    line = len(yaml.splitlines()) + 1
    assert err.startswith(f"error: study.yaml:{line}: coder 'B' has codings in {first!r}"), err
    assert "'double_coded' says they did not rate it" in err
    assert not (study / "out/bad.csv").exists() and not (study / "out/bad_cv.csv").exists()
    # outside the study (its files given from elsewhere): every document of the reference
    monkeypatch.chdir(tmp_path)
    outside = ["code", "--transcripts", "rsud/interview_transcripts", "--codebook",
               "rsud/data/raw/codebook.yaml", "--learn-from", "rsud/data/raw/codings_A.csv",
               "rsud/data/raw/codings_B.csv"]
    capsys.readouterr()
    assert main([*outside, "--out", "learned.csv", "--cross-validate", "cv.csv"]) == 0
    every = ce.evaluate_coder(b, reference=a, corpus=corpus).set_index("code")
    got = _micro_row(tmp_path / "cv.csv", "A", "B")
    assert got[["tp", "fp", "fn"]].tolist() == every.loc["micro", ["tp", "fp", "fn"]].tolist()
    assert pd.notna(got["recall"]) and got["recall"] < 1
    # ... no longer silently: said, with how to declare who read which interview
    err = capsys.readouterr().err
    assert "B has no codings in" in err and "--coverage" in err, err
    # --coverage as agree takes it: a file (coder, doc_id), or 'all' (no note)
    (tmp_path / "read.csv").write_text(f"coder,doc_id\nA,all\nB,{first}\n", encoding="utf-8")
    assert main([*outside, "--out", "l2.csv", "--cross-validate", "cv2.csv", "--coverage",
                 "read.csv"]) == 0
    got = _micro_row(tmp_path / "cv2.csv", "A", "B")
    assert got[["tp", "fp", "fn"]].tolist() == only_first.loc["micro", ["tp", "fp", "fn"]
                                                              ].tolist()
    assert "B has no codings in" not in capsys.readouterr().err
    assert main([*outside, "--out", "l3.csv", "--cross-validate", "cv3.csv", "--coverage",
                 "all"]) == 0
    assert "coverage" not in capsys.readouterr().err
    (tmp_path / "typo.csv").write_text("coder,doc_id\nA,all\nC,all\n", encoding="utf-8")
    assert main([*outside, "--out", "l4.csv", "--coverage", "typo.csv"]) == 2
    assert "error: typo.csv:3: coder 'C' has no codings" in capsys.readouterr().err
    assert not (tmp_path / "l4.csv").exists()


def _seed_options():
    """(command, its parser) of every command with a ``--seed`` option."""
    from citra_eval.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return [(name, p) for name, p in sub.choices.items()
            if any("--seed" in a.option_strings for a in p._actions)]


def test_every_seed_option_is_found():
    assert {name for name, _ in _seed_options()} >= {"agree", "code", "reproduce"}


@pytest.mark.parametrize("bad", ["99999999999999999999999", "4294967296", "-1", "1.5"])
@pytest.mark.parametrize("command", [name for name, _ in _seed_options()])
def test_a_seed_no_random_step_takes_is_refused_before_anything_runs(command, bad, capsys):
    """reproduce --seed 99999999999999999999999 ran six notebooks, then scikit-learn failed
    in notebook 07 (exit 1); agree --seed -1 failed in numpy with a traceback."""
    parser = dict(_seed_options())[command]
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["--seed", bad])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert (f"error: argument --seed: the seed must be a whole number from 0 to 4294967295, "
            f"got {bad if bad.lstrip('-').isdigit() else repr(bad)}") in err, err
    seed = next(a for a in parser._actions if "--seed" in a.option_strings)
    assert seed.type("4294967295") == 4294967295 and seed.type("0") == 0


def test_an_option_without_learn_from_is_named_once_and_not_as_input(tmp_path, capsys):
    """Docs finding (session 18): 'code --out x.csv --seed 3' printed 'error: <input>:
    --seed needs --learn-from' (no file: a literal <input>) and '--coverage all' printed
    'error: --coverage: --coverage needs ...' (the option twice). The option is the place,
    named once, as other option errors do."""
    from citra_eval.cli import main

    tdir = tmp_path / "t"
    tdir.mkdir()
    (tdir / "D1.txt").write_text("---\nid: D1\nspeakers: {X: informant}\n---\nX: enak\n",
                                 encoding="utf-8")
    (tmp_path / "cb.yaml").write_text("codes:\n  - {id: rasa, label: Rasa, patterns: [enak]}\n",
                                      encoding="utf-8")
    base = ["code", "--transcripts", str(tdir), "--codebook", str(tmp_path / "cb.yaml"),
            "--out", str(tmp_path / "x.csv")]
    for option, value in (("--seed", "3"), ("--coverage", "all")):
        assert main([*base, option, value]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {option}: needs --learn-from ("), err
        assert "<input>" not in err and err.count(option) >= 1
        assert f"{option}: {option}" not in err
    assert not (tmp_path / "x.csv").exists()


def test_a_coverage_file_problem_is_placed_at_the_coverage_file(tmp_path, monkeypatch, capsys):
    """Docs finding (session 18): with --coverage FILE, 'coder B has codings in ... but
    coverage says they did not rate it' was placed at 'codings_A.csv codings_B.csv' (two
    files joined by a space, no line); it belongs to the coverage file, at B's row."""
    import citra_eval as ce
    from citra_eval.cli import main

    monkeypatch.chdir(ce.init_study(tmp_path / "ex", example=True))
    (tmp_path / "cov.csv").write_text("coder,doc_id\nA,all\nB,INF01\nB,INF04\n",
                                      encoding="utf-8")
    assert main(["agree", "--out", str(tmp_path / "a.csv"), "--coverage",
                 str(tmp_path / "cov.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'cov.csv'}:3: coder 'B' has codings in "), err
    assert not (tmp_path / "a.csv").exists()


def _rsud_study(tmp_path, monkeypatch, seed: int | None = None):
    import shutil

    study = tmp_path / "rsud"
    shutil.copytree(ROOT / "tests" / "data" / "studies" / "rsud", study)
    if seed is not None:
        yaml = (study / "study.yaml").read_text(encoding="utf-8")
        (study / "study.yaml").write_text(yaml.replace("seed: 0\n", f"seed: {seed}\n"),
                                          encoding="utf-8")
    monkeypatch.chdir(study)
    return study


def test_code_learn_from_refuses_include_interviewer(tmp_path, monkeypatch, capsys):
    """Session 19: ``--learn-from --include-interviewer`` coded no interviewer turn and took
    the interviewer's turns as negatives; refused like ``--unit sentence``."""
    from citra_eval.cli import main

    study = _rsud_study(tmp_path, monkeypatch)
    assert main(["code", "--out", "out/l.csv", "--learn-from", "data/raw/codings_A.csv",
                 "--include-interviewer"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--include-interviewer" in err, err
    assert not (study / "out/l.csv").exists()


def test_code_learn_from_inside_a_study_takes_its_seed(tmp_path, monkeypatch, capsys):
    """Session 19: inside a study, the learned coder's seed is study.yaml's (as notebook 07
    takes it); --seed overrides it."""
    from citra_eval.cli import main

    _rsud_study(tmp_path, monkeypatch, seed=7)
    learn = ["--learn-from", "data/raw/codings_A.csv"]
    assert main(["code", "--out", "out/l.csv", *learn]) == 0
    assert "seed 7)" in capsys.readouterr().err
    assert main(["code", "--out", "out/l3.csv", *learn, "--seed", "3"]) == 0
    assert "seed 3)" in capsys.readouterr().err
