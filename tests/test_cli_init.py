"""``citra-eval init``: a new study folder from the packaged templates and notebooks, or a copy
of the example study; never over a non-empty folder without --force."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

import citra_eval as ce
from citra_eval.study import EXAMPLE_CONTENT, STUDY_KEYS


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_init_makes_a_new_empty_study(cli, tmp_path):
    res = cli("init", "mystudy", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    root = tmp_path / "mystudy"
    assert res.stdout.splitlines()[0] == "made a new study in mystudy"
    assert "next: cd mystudy && citra-eval validate" in res.stdout
    files = _files(root)
    assert sorted(f for f in files if not f.startswith("notebooks/")) == [
        ".gitattributes", "README.md", "data/raw/codebook.template.yaml",
        "data/raw/codings.template.csv",
        "data/raw/instrument.template.yaml", "data/raw/survey_responses.template.csv",
        "interview_transcripts/INF01.template.txt", "study.yaml"]
    # the notebooks are the package's, byte for byte
    nbs = ce.example_path("notebooks")
    assert {f: b for f, b in files.items() if f.startswith("notebooks/")} == {
        f"notebooks/{k}": v for k, v in _files(nbs).items()}
    assert re.search(r"^title: \"mystudy\"$", files["study.yaml"].decode(), re.M)
    assert files["README.md"].decode().startswith("# mystudy\n")
    # nothing the readers would take for data: the study loads, with warnings only
    study = ce.load_study(root)
    assert study.corpus is None and study.codebook is None and not study.has_survey
    assert study.n_coders == 0 and study.settings.title == "mystudy"
    res = cli("validate", cwd=root)
    assert res.returncode == 0, res.stderr
    assert "warning: interview_transcripts: no transcripts yet" in res.stderr
    assert "warning: data/raw/instrument.yaml: no survey instrument" in res.stderr


def test_study_yaml_template_names_every_key(tmp_path):
    root = ce.init_study(tmp_path / "s")
    text = (root / "study.yaml").read_text(encoding="utf-8")
    keys = set(re.findall(r"^#? ?(\w+):", text, re.M))
    assert keys == set(STUDY_KEYS)
    # every commented key, uncommented, is valid study.yaml (the paths exist once the
    # templates are copied)
    _fill_with_templates(root)
    uncommented = re.sub(r"^# (\w+:)", r"\1", text, flags=re.M)
    (root / "study.yaml").write_text(uncommented.replace("[humas]", "[keluhan]"),
                                     encoding="utf-8")
    study = ce.load_study(root)
    assert (study.settings.outcome, study.settings.compare_by) == ("PERSEPSI", ("kelompok",))
    assert study.coverage == {"A": "all"}  # double_coded


def _fill_with_templates(root: Path) -> None:
    for t in list(root.rglob("*.template.*")):  # codings.template.csv: a coder's file
        name = t.name.replace(".template", "").replace("codings.", "codings_A.")
        shutil.copy(t, t.with_name(name))


def test_templates_copied_to_their_names_are_a_valid_study(tmp_path):
    root = ce.init_study(tmp_path / "s")
    _fill_with_templates(root)
    study = ce.load_study(root)
    assert study.corpus.doc_ids == ["INF01"] and study.coders == ["A"]
    assert study.codebook.codable_ids == ["layanan_informasi", "tanggapan_keluhan"]
    assert set(study.codebook.constructs.values()) <= set(study.instrument.scales)
    assert len(study.responses) == 4
    # the template codings slice exactly the informant turns they code
    segs = study.corpus.segments.set_index(["doc_id", "segment_id"])
    for row in study.codings.itertuples():
        seg = segs.loc[(row.doc_id, row.segment_id)]
        assert seg.role == "informant"
        assert study.corpus.text(row.doc_id)[row.start:row.end] == seg.text
    assert [w.split(": ", 2)[2][:15] for w in study.warnings] == [
        "only one coder ", "no 'outcome': t", "no 'compare_by'", "no 'kwic': no k"]


@pytest.mark.slow
def test_init_refuses_a_non_empty_folder_without_force(cli, tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    res = cli("init", str(target))
    assert res.returncode == 2
    assert res.stderr.startswith(f"error: {target}: the folder is not empty")
    assert "--force" in res.stderr
    assert _files(target) == {"notes.txt": b"mine\n"}  # nothing written
    (target / "study.yaml").write_text("title: old\n")
    res = cli("init", str(target), "--force", "--title", "Studi baru")
    assert res.returncode == 0, res.stderr
    assert (target / "notes.txt").read_text() == "mine\n"  # other files are kept
    assert 'title: "Studi baru"' in (target / "study.yaml").read_text(encoding="utf-8")
    (tmp_path / "afile").write_text("x")
    res = cli("init", str(tmp_path / "afile"))
    assert res.returncode == 2 and "is a file" in res.stderr
    assert not list(tmp_path.glob(".init-*"))  # no staging left behind


@pytest.mark.slow
def only_scale_warnings(stderr: str) -> bool:
    """The example study validates with no warning but the survey's own (its simulated
    answers leave a few respondents with fewer than half of a scale's items, as
    04-scale-reliability.csv says too)."""
    lines = stderr.splitlines()
    return all(line.startswith("warning: data/raw/survey_responses.csv: scale ")
               or re.fullmatch(r"\d+ warning\(s\)", line) for line in lines)


def test_init_example_copies_the_example_study(cli, tmp_path):
    res = cli("init", "ex", "--example", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    root = tmp_path / "ex"
    example = ce.example_path()
    for name in EXAMPLE_CONTENT:
        src = example / name
        if src.is_file():
            assert (root / name).read_bytes() == src.read_bytes()
        else:
            assert _files(root / name) == {k: v for k, v in _files(src).items()
                                           if not k.startswith(".")}
    assert "illustrative" in (root / "README.md").read_text(encoding="utf-8")
    res = cli("validate", cwd=root)
    assert res.returncode == 0 and only_scale_warnings(res.stderr), res.stderr
    res = cli("verify", cwd=root)  # the copied reports match the copied manifest
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("example", [False, True], ids=["new", "example"])
def test_the_study_readme_names_only_commands_that_exist(tmp_path, example):
    """The README a study gets says where citra_eval comes from (not a public registry: no
    link to one) and every ``citra-eval ...`` command it names parses as written."""
    from citra_eval.cli import build_parser

    root = ce.init_study(tmp_path / "s", example=example)
    text = (root / "README.md").read_text(encoding="utf-8")
    assert "pypi" not in text.lower() and "pip install citra_eval" not in text
    shown = re.findall(r"`citra-eval ([^`]+)`", text)
    assert len(shown) >= 3, shown
    parser = build_parser()
    for command in shown:
        argv = command.replace("DIR", "d").split()
        if argv == ["--help"]:
            continue
        if argv[0] == "init" and "d" not in argv:  # the command named, its folder implied
            argv.append("d")
        parser.parse_args(argv)  # SystemExit (a failed test) for an unknown command or flag


def test_setup_py_copies_what_the_package_calls_the_example():
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    value = next(n.value for n in ast.walk(tree) if isinstance(n, ast.Assign | ast.AnnAssign)
                 and getattr(n.targets[0] if isinstance(n, ast.Assign) else n.target, "id",
                             None) == "EXAMPLE_CONTENT")
    assert ast.literal_eval(value) == EXAMPLE_CONTENT


def test_init_study_arguments(tmp_path):
    with pytest.raises(TypeError, match="example"):
        ce.init_study(tmp_path / "x", example="yes")


def test_init_refuses_unwritable_paths_with_an_error_line(tmp_path, monkeypatch):
    """A name longer than the file system allows, a symbolic link or named pipe where the
    folder should be, or a place where no folder can be made (as in ``/proc``): an
    InputError (exit 2 on the command line), nothing written."""
    import errno
    import os
    import tempfile

    from citra_eval.cli import main

    with pytest.raises(ce.InputError, match="more than this file system allows"):
        ce.init_study(tmp_path / ("s" * 300))
    dangling = tmp_path / "link"
    dangling.symlink_to("nowhere")
    with pytest.raises(ce.InputError, match="symbolic link"):
        ce.init_study(dangling)
    assert main(["init", str(tmp_path / ("s" * 300))]) == 2

    def no_folder_here(*a, **k):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(tempfile, "mkdtemp", no_folder_here)
    with pytest.raises(ce.InputError, match="cannot make the study folder here"):
        ce.init_study(tmp_path / "new")
    assert sorted(os.listdir(tmp_path)) == ["link"]


@pytest.mark.parametrize("example", [False, True], ids=["new", "example"])
def test_a_study_keeps_its_line_ends_in_git(tmp_path, example):
    """A clone made with core.autocrlf=true had CRLF inputs and reports: every checksum
    failed and the message said to record the inputs again."""
    root = ce.init_study(tmp_path / "s", example=example)
    attributes = (root / ".gitattributes").read_text(encoding="utf-8")
    assert "* -text" in attributes.splitlines()


@pytest.mark.parametrize("example", [False, True], ids=["new", "example"])
def test_the_study_readme_tells_a_reviewer_what_to_run(tmp_path, example):
    text = (ce.init_study(tmp_path / "s", example=example) / "README.md").read_text(
        encoding="utf-8")
    reviewer = text.split("## For reviewers", 1)[1]
    assert "citra-eval reproduce --check" in reviewer and "provenance.json" in reviewer


def test_the_next_step_can_be_pasted_into_a_shell(cli, tmp_path):
    res = cli("init", "my study ü", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "next: cd 'my study ü' && citra-eval validate" in res.stdout


@pytest.mark.slow
def test_init_example_force_refuses_a_folder_holding_a_study(cli, tmp_path):
    # it replaced the user's study.yaml, transcripts, codebook and codings without naming them
    target = tmp_path / "st"
    (target / "interview_transcripts").mkdir(parents=True)
    (target / "study.yaml").write_text('title: "My thesis"\n')
    (target / "interview_transcripts" / "INF01.txt").write_text("MY OWN INTERVIEW\n")
    before = _files(target)
    res = cli("init", str(target), "--example", "--force")
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith(f"error: {target}: ") and "holds a study" in res.stderr
    assert "empty folder" in res.stderr
    assert _files(target) == before
    (target / "study.yaml").unlink()  # data of a study without study.yaml: refused too
    res = cli("init", str(target), "--example", "--force")
    assert res.returncode == 2 and "interview_transcripts/INF01.txt" in res.stderr
    assert (target / "interview_transcripts" / "INF01.txt").read_text() == "MY OWN INTERVIEW\n"


def test_init_study_example_force_refuses_a_folder_holding_a_study(tmp_path):
    """The Python function copied the example into a user's study with ``force=True``
    (the command line refused): its study.yaml, transcripts, codebook and codings were
    replaced by the example's. One rule for both, the same error, nothing written."""
    target = tmp_path / "st"
    (target / "data" / "raw").mkdir(parents=True)
    (target / "study.yaml").write_text('title: "My thesis"\n')
    (target / "data" / "raw" / "codings.csv").write_text("mine\n")
    before = _files(target)
    for force in (True, False):
        with pytest.raises(ce.InputError, match="holds a study") as err:
            ce.init_study(target, example=True, force=force)
        assert err.value.path == str(target)
        assert "study.yaml, data/raw/codings.csv" in str(err.value)
        assert "choose an empty folder for the example" in str(err.value)
        assert _files(target) == before
    assert not list(tmp_path.glob(".init-*"))
    (target / "study.yaml").unlink()  # data without study.yaml is a study too
    with pytest.raises(ce.InputError, match=r"holds a study \(data/raw/codings.csv\)"):
        ce.init_study(target, example=True, force=True)
    # templates are not a study: a new study's folder can still take the example
    template = ce.init_study(tmp_path / "tpl")
    (template / "study.yaml").unlink()
    assert (ce.init_study(template, example=True, force=True) / "study.yaml").is_file()
