"""reproduce: raw-input checksums, notebook runs, manifest, --check and verify.

Most tests build a tiny project (one transcript, a two-code codebook, small notebooks) in a
temporary folder so they run in seconds; the last one checks the real example study against
the committed reports/ (what ``make test`` relies on).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, run_cli

from citra_eval import pipeline as rp
from citra_eval.errors import InputError

TRANSCRIPT = """---
id: INF01
speakers: {PWW: interviewer, INF01: informant}
---
PWW: Bagaimana kerja sama dengan media?
INF01: Kami bermitra dengan media lokal.
"""

CODEBOOK = """codebook: toy
version: 3
language: id
codes:
  - id: kerja_sama
    label: {id: Kerja sama, en: Cooperation}
"""

META = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}}


def _notebook(path: Path, cells: list[str], params: str) -> None:
    nb = nbformat.v4.new_notebook(metadata=META)
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# toy"), p]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


PARAMS = 'root = ".."\ntranscripts = "interview_transcripts"\nout_dir = "reports"\nseed = 0'

NB_TABLE = [
    "import os, sys\nfrom pathlib import Path\nimport pandas as pd\nimport citra_eval as ce\n"
    "from citra_eval import outputs as report",
    "corpus = ce.read_transcripts(Path(root) / transcripts)\n"
    "env = pd.DataFrame({'key': ['hashseed', 'backend', 'python', 'seed'],\n"
    "    'value': [os.environ.get('PYTHONHASHSEED'), os.environ.get('MPLBACKEND'),\n"
    "              sys.executable, str(seed)]})\n"
    "report.save_table(env, 'env', out_dir=Path(out_dir) / 'tables')\n"
    "report.save_table(corpus.segments[['doc_id', 'segment_id', 'role']], 'segments',\n"
    "                  out_dir=Path(out_dir) / 'tables')",
]
NB_FIGURE = [
    "from pathlib import Path\nimport matplotlib.pyplot as plt\n"
    "from citra_eval import outputs as report\n"
    "report.set_reproducible_style()",
    "fig, ax = plt.subplots()\nax.bar(['a', 'b'], [1, 2])\n"
    "report.save_figure(fig, 'bars', out_dir=Path(out_dir) / 'figures')",
]


def _project(base: Path) -> Path:
    root = base / "proj"
    (root / "interview_transcripts").mkdir(parents=True)
    (root / "interview_transcripts" / "INF01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (root / "study.yaml").write_text("title: toy\nkwic: [media]\n", encoding="utf-8")
    _notebook(root / "notebooks" / "01-table.ipynb", NB_TABLE, PARAMS)
    _notebook(root / "notebooks" / "02-figure.ipynb", NB_FIGURE, PARAMS)
    (root / "notebooks" / "scratch.ipynb").write_text("not run: no NN- prefix")
    (root / "interview_transcripts" / "README.md").write_text("notes, not an input\n")
    rp.write_raw_checksums(root)
    return root


def _not_warnings(stderr: str) -> list[str]:
    """stderr lines except the study's warnings (the toy study has no codings or survey)."""
    return [ln for ln in stderr.splitlines() if not ln.startswith("warning: ")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A toy project reproduced once (shared by the read-only tests)."""
    root = _project(tmp_path_factory.mktemp("built"))
    res = rp.reproduce(root)
    return root, res


def test_raw_checksums_cover_inputs(tmp_path):
    root = _project(tmp_path)
    lines = (root / rp.CHECKSUMS).read_text().splitlines()
    assert [ln.split("  ")[1] for ln in lines] == ["data/raw/codebook.yaml",
                                                   "interview_transcripts/INF01.txt",
                                                   "study.yaml"]
    assert rp.check_raw_inputs(root) == rp.raw_checksums(root)
    (root / "interview_transcripts" / "README.md").write_text("edited notes\n")
    assert rp.check_raw_inputs(root)  # documentation is not an input


def test_changed_new_and_missing_raw_inputs_exit_2(tmp_path):
    root = _project(tmp_path)
    (root / "data" / "raw" / "codebook.yaml").write_text(CODEBOOK.replace("3", "4"))
    (root / "interview_transcripts" / "INF02.txt").write_text(TRANSCRIPT.replace("01", "02"))
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    assert [p.path for p in e.value.problems] == ["data/raw/codebook.yaml",
                                                  "interview_transcripts/INF02.txt"]
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 2, r.stderr
    err = r.stderr.strip().splitlines()
    assert err[0].startswith("error: data/raw/codebook.yaml: raw input changed")
    assert err[1].startswith("error: interview_transcripts/INF02.txt: raw input not listed")
    assert "--update-checksums" in err[0]
    assert "Traceback" not in r.stderr
    assert not (root / "reports").exists()  # nothing written
    (root / "interview_transcripts" / "INF01.txt").unlink()
    with pytest.raises(InputError, match="is missing"):
        rp.check_raw_inputs(root)


def test_a_raw_input_that_became_a_broken_link_is_named_as_one(tmp_path):
    """A transcript moved to a drive that is not mounted is no 'missing' input: reproduce
    says where its link leads (and writes nothing)."""
    root = _project(tmp_path)
    link = root / "interview_transcripts" / "INF01.txt"
    link.unlink()
    link.symlink_to("/media/usb/INF01.txt")
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    assert [(p.path, p.message) for p in e.value.problems] == [
        ("interview_transcripts/INF01.txt", "cannot be read: it is a link to "
         "/media/usb/INF01.txt, which does not exist (moved or deleted, or on a drive that is "
         "not connected); put the file back there, or replace the link with the file")]


def test_missing_checksum_file_is_input_error(tmp_path):
    root = _project(tmp_path)
    (root / rp.CHECKSUMS).unlink()
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {rp.CHECKSUMS}: no checksums")


def test_invalid_raw_input_stops_before_running(tmp_path):
    root = _project(tmp_path)
    (root / "data" / "raw" / "codebook.yaml").write_text("codebook: toy\ncodes: []\n")
    rp.write_raw_checksums(root)  # deliberately accepted, but still invalid
    with pytest.raises(InputError) as e:
        rp.reproduce(root)
    assert e.value.path.endswith("codebook.yaml")
    assert not (root / "reports").exists()


@pytest.mark.slow
def test_reproduce_writes_reports_and_manifest(built):
    root, res = built
    rep = root / "reports"
    assert list(res.timings) == ["01-table.ipynb", "02-figure.ipynb"]
    assert all(t > 0 for t in res.timings.values())
    assert sorted(p.relative_to(rep).as_posix() for p in rep.rglob("*") if p.is_file()) == [
        "MANIFEST.sha256", "figures/bars.png", "figures/bars.svg", "notebooks/01-table.ipynb",
        "notebooks/02-figure.ipynb", "provenance.json", "tables/env.csv", "tables/segments.csv"]
    manifest = (rep / "MANIFEST.sha256").read_text().splitlines()
    assert [ln.split("  ")[1] for ln in manifest] == [
        "reports/figures/bars.png", "reports/figures/bars.svg", "reports/provenance.json",
        "reports/tables/env.csv", "reports/tables/segments.csv"]
    assert res.files == [ln.split("  ")[1] for ln in manifest]


@pytest.mark.slow
def test_kernel_is_this_interpreter_with_fixed_hash_seed(built):
    root, _ = built
    env = (root / "reports" / "tables" / "env.csv").read_text().splitlines()
    assert env[1:] == ["hashseed,0", "backend,Agg", f"python,{sys.executable}", "seed,0"]


def test_provenance_has_no_time(built):
    root, _ = built
    prov = json.loads((root / "reports" / "provenance.json").read_text())
    assert prov["inputs"] == rp.raw_checksums(root)
    assert prov["codebook"] == {"name": "toy", "version": "3"}
    assert set(prov["notebooks"]) == {"notebooks/01-table.ipynb", "notebooks/02-figure.ipynb"}
    assert prov["packages"]["matplotlib"]
    text = json.dumps(prov)
    # no timestamp or date (hex checksums may contain any digits, so match a date's shape)
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}", text)
    assert "time" not in text and str(root) not in text


def test_executed_notebooks_have_no_timestamps_or_staging_paths(built):
    root, _ = built
    text = (root / "reports" / "notebooks" / "01-table.ipynb").read_text()
    nb = nbformat.reads(text, as_version=4)
    assert "start_time" not in text and "iopub" not in text and "duration" not in text
    assert ".staging" not in text and str(root) not in text
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "out_dir = 'reports'" in injected[0].source
    assert nb.cells[-1].outputs == [] or nb.cells[-1].execution_count is not None


@pytest.mark.slow
def test_verify_and_coreutils(built, tmp_path):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert rp.verify(copy) == []
    if shutil.which("sha256sum"):
        ok = subprocess.run(["sha256sum", "--quiet", "-c", "reports/MANIFEST.sha256"], cwd=copy)
        assert ok.returncode == 0
    (copy / "reports" / "tables" / "env.csv").write_text("tampered\n")
    r = run_cli("verify", "--root", str(copy))
    assert r.returncode == 1
    assert "reports/tables/env.csv: differs from the manifest" in r.stderr
    (copy / "reports" / "MANIFEST.sha256").unlink()
    r = run_cli("verify", "--root", str(copy))
    assert r.returncode == 2 and r.stderr.startswith("error: ")


@pytest.mark.slow
def test_second_run_is_byte_identical(built, tmp_path):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    before = {p.relative_to(copy).as_posix(): p.read_bytes()
              for p in (copy / "reports").rglob("*") if p.is_file()}
    r = run_cli("reproduce", "--root", str(copy))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("reproduced 2 notebooks, 5 files")
    after = {p.relative_to(copy).as_posix(): p.read_bytes()
             for p in (copy / "reports").rglob("*") if p.is_file()}
    assert after == before  # executed notebooks included, once volatile metadata is stripped
    assert not list((copy / "reports").glob(".*"))  # no staging left behind


@pytest.mark.slow
def test_check_lists_every_differing_file_and_only_those(built, tmp_path):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    m = copy / "reports" / "MANIFEST.sha256"
    lines = m.read_text().splitlines()
    lines = [("0" * 64 + ln[64:]) if ln.endswith(("bars.svg", "env.csv")) else ln
             for ln in lines]
    lines.append("1" * 64 + "  reports/tables/gone.csv")
    m.write_text("\n".join(sorted(lines, key=lambda s: s[66:])) + "\n")
    before = m.read_bytes()
    kept = tmp_path / "kept"
    r = run_cli("reproduce", "--check", "--root", str(copy), "--keep", str(kept))
    assert r.returncode == 1
    assert _not_warnings(r.stderr) == [
        "reports/figures/bars.svg: differs from the manifest, line 2",
        "reports/tables/env.csv: differs from the manifest, line 4",
        "reports/tables/gone.csv: listed in the manifest but missing",
        "3 file(s) differ from reports/MANIFEST.sha256",
        # the committed files differ from the edited manifest in the same three places
        "note: reports/: 3 of these are files now in reports/ ('citra-eval verify' lists "
        "them); restore them from version control or run 'citra-eval reproduce'"]
    assert m.read_bytes() == before  # --check never writes reports/
    # --keep leaves the rebuilt copy, with its own manifest, for inspection
    assert (kept / "tables" / "env.csv").read_bytes() == (
        copy / "reports" / "tables" / "env.csv").read_bytes()
    assert (kept / "MANIFEST.sha256").read_text().splitlines()[0].endswith(
        "  reports/figures/bars.png")
    r = run_cli("reproduce", "--root", str(copy), "--keep", str(tmp_path / "k2"))
    assert r.returncode == 2 and "--keep only works with --check" in r.stderr


@pytest.mark.slow
def test_failing_notebook_names_its_cell(tmp_path):
    root = _project(tmp_path)
    _notebook(root / "notebooks" / "02-figure.ipynb",
              ["x = 1", "y = {'a': 1}\ny['missing']", "z = 3"], PARAMS)
    rp.write_raw_checksums(root)
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 1
    # markdown, parameters, x = 1, then the failing cell: cell 4 of the committed notebook
    assert "error: notebooks/02-figure.ipynb: cell 4 failed" in r.stderr
    assert "y['missing']" in r.stderr
    assert "KeyError: 'missing'" in r.stderr
    assert not (root / "reports").exists()  # the first notebook's output is not kept


def test_failure_maps_to_committed_cell():
    import nbformat as nbf

    nb = nbf.v4.new_notebook()
    nb.cells = [nbf.v4.new_markdown_cell("# x"), nbf.v4.new_code_cell("a = 1"),
                nbf.v4.new_code_cell("1 / 0")]

    class Exc:  # what papermill's PapermillExecutionError carries
        cell_index, exec_count, source = 3, 2, "1 / 0"
        ename, evalue = "ZeroDivisionError", "division by zero"
        traceback = ("\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",)

    err = rp._failure(Exc(), nb, "notebooks/09-x.ipynb")
    assert (err.notebook, err.cell, err.ename) == ("notebooks/09-x.ipynb", 3,
                                                   "ZeroDivisionError")
    assert str(err).startswith("notebooks/09-x.ipynb: cell 3 failed (execution count 2):")
    assert "\x1b" not in str(err)


@pytest.mark.slow
def test_input_error_inside_notebook_exits_2(tmp_path):
    root = _project(tmp_path)
    _notebook(root / "notebooks" / "01-table.ipynb",
              ["import citra_eval as ce\nce.read_transcripts('no/such/folder')"], PARAMS)
    rp.write_raw_checksums(root)
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 2, r.stderr
    # the study's data is wrong: exit 2, the notebook, the cell (markdown, parameters, imports,
    # then this one: cell 3), and the InputError's own message
    assert _not_warnings(r.stderr) == [
        "error: notebooks/01-table.ipynb: cell 3: no/such/folder: no such file or folder; "
        "check the path"]
    assert "Traceback" not in r.stderr


@pytest.mark.slow
def test_update_checksums_accepts_changed_inputs(tmp_path):
    root = _project(tmp_path)
    _notebook(root / "notebooks" / "02-figure.ipynb", ["pass"], PARAMS)
    (root / "interview_transcripts" / "INF01.txt").write_text(TRANSCRIPT + "PWW: Terima kasih.\n")
    with pytest.raises(InputError):
        rp.check_raw_inputs(root)
    before = (root / rp.CHECKSUMS).read_bytes()
    res = rp.reproduce(root, update_checksums=True)
    assert rp.check_raw_inputs(root)
    assert "reports/tables/segments.csv" in res.files
    # updated in place (issue 16.1): the previous version is kept beside it, the new one differs
    backup = root / (rp.CHECKSUMS + ".bak")
    assert backup.read_bytes() == before != (root / rp.CHECKSUMS).read_bytes()
    assert not list((root / rp.CHECKSUMS).parent.glob("*.tmp"))


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="lang"):
        rp.reproduce(tmp_path, lang="fr")
    with pytest.raises(TypeError, match="seed"):
        rp.reproduce(tmp_path, seed="1")
    # the notebook runner counts whole seconds (a fraction failed deep inside it, exit 1)
    for bad in (0, 0.5, 2.5, float("inf"), True, "10"):
        with pytest.raises(ValueError, match="cell_timeout must be a positive whole number"):
            rp.reproduce(tmp_path, cell_timeout=bad)
    with pytest.raises(InputError, match="no notebooks"):
        rp.find_notebooks(tmp_path)


@pytest.mark.skipif(not (ROOT / "reports" / "MANIFEST.sha256").is_file(),
                    reason="no committed reports/MANIFEST.sha256 yet")
@pytest.mark.slow
def test_committed_reports_reproduce_byte_for_byte():
    """The committed reports/ match what a fresh clone rebuilds (`citra-eval reproduce
    --check`), and verify passes on them."""
    r = run_cli("verify")
    assert r.returncode == 0, r.stderr
    r = run_cli("reproduce", "--check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok: ")


@pytest.mark.slow
def test_failed_run_leaves_previous_reports_untouched(built, tmp_path):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    before = {p.relative_to(copy).as_posix(): p.read_bytes()
              for p in (copy / "reports").rglob("*") if p.is_file()}
    _notebook(copy / "notebooks" / "02-figure.ipynb", ["raise RuntimeError('late failure')"],
              PARAMS)
    with pytest.raises(rp.NotebookError, match="late failure"):
        rp.reproduce(copy)
    after = {p.relative_to(copy).as_posix(): p.read_bytes()
             for p in (copy / "reports").rglob("*") if p.is_file()}
    assert after == before
    assert not list((copy / "reports").glob(".*"))


@pytest.mark.slow
def test_failed_update_checksums_run_records_nothing(tmp_path):
    """'reproduce --update-checksums' recorded the new inputs before the build: after a
    failed (or killed) build CHECKSUMS.sha256 listed them beside the old reports, and
    'verify' said ok. The checksums are now written with a successful build only."""
    root = _project(tmp_path)
    rp.reproduce(root)
    before = (root / rp.CHECKSUMS).read_bytes()
    (root / "interview_transcripts" / "INF01.txt").write_text(TRANSCRIPT + "PWW: Terima kasih.\n")
    _notebook(root / "notebooks" / "02-figure.ipynb", ["raise RuntimeError('late failure')"],
              PARAMS)
    with pytest.raises(rp.NotebookError, match="late failure"):
        rp.reproduce(root, update_checksums=True)
    assert (root / rp.CHECKSUMS).read_bytes() == before
    assert not (root / (rp.CHECKSUMS + ".bak")).exists()
    with pytest.raises(InputError, match="changed since its checksum was recorded"):
        rp.check_raw_inputs(root)
    # a rebuild into a temporary folder writes no reports, so it records no checksums
    with pytest.raises(ValueError, match="update_checksums"):
        rp.reproduce(root, check=True, update_checksums=True)
    r = run_cli("reproduce", "--check", "--update-checksums", "--root", str(root))
    assert r.returncode == 2 and "--update-checksums" in r.stderr
    assert (root / rp.CHECKSUMS).read_bytes() == before


def test_notebook_parameters_list_every_coder(tmp_path):
    root = _project(tmp_path)
    for c in ("B", "A", "C"):
        (root / "data" / "raw" / f"codings_{c}.csv").write_text("x\n")
    p = rp.notebook_parameters(root, "reports", lang="en", seed=3)
    assert p["codings"] == ["data/raw/codings_A.csv", "data/raw/codings_B.csv",
                            "data/raw/codings_C.csv"]
    assert (p["lang"], p["seed"], p["out_dir"], p["root"]) == ("en", 3, "reports", ".")
    assert p["study_root"] == "."


def test_missing_notebook_runner_is_reported(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "papermill" else real(name, *a))
    with pytest.raises(InputError, match=r"needs papermill \(the 'notebooks' extra\): in a clone "
                                         r"run 'make install'; with a wheel, pip install "):
        rp.reproduce(_project(tmp_path))


@pytest.mark.slow
def test_notes_reach_stderr_naming_the_notebook(tmp_path):
    root = _project(tmp_path)
    _notebook(root / "notebooks" / "02-figure.ipynb",
              ["import citra_eval as ce\nce.note('one coder (A): reliability is skipped')\n"
               "print('note: stdout is not a note')"], PARAMS)
    rp.write_raw_checksums(root)
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 0, r.stderr
    assert "note: notebooks/02-figure.ipynb: one coder (A): reliability is skipped" in \
        r.stderr.splitlines()
    assert "stdout is not a note" not in r.stderr
    nb = root / "reports" / "notebooks" / "02-figure.ipynb"
    assert rp.notebook_notes(nb) == ["one coder (A): reliability is skipped"]


@pytest.mark.slow
def test_outside_a_study_reproduce_and_verify_exit_2(tmp_path):
    """Never the package's own checkout: outside a study folder both refuse (issue 16.4)."""
    (tmp_path / "empty").mkdir()
    for args in (("reproduce",), ("reproduce", "--check"), ("verify",)):
        r = run_cli(*args, cwd=tmp_path / "empty")
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.startswith("error: ") and "not inside a study folder" in r.stderr
        assert "citra-eval init" in r.stderr
    root = _project(tmp_path)
    (root / "study.yaml").unlink()
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 2 and "not inside a study folder" in r.stderr
    r = run_cli("reproduce", "--root", str(tmp_path / "nope"))
    assert r.returncode == 2 and "no such folder" in r.stderr
    assert not (root / "reports").exists() and not (tmp_path / "empty" / "reports").exists()


def test_study_yaml_is_a_raw_input_and_templates_are_not(tmp_path):
    root = _project(tmp_path)
    (root / "interview_transcripts" / "INF09.template.txt").write_text("a template\n")
    (root / "data" / "raw" / "codebook.template.yaml").write_text("a template\n")
    assert "study.yaml" in rp.check_raw_inputs(root)
    (root / "study.yaml").write_text("title: toy\nkwic: [media]\nseed: 1\n")
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    assert [p.path for p in e.value.problems] == ["study.yaml"]
    assert "raw input changed" in e.value.message


def test_inputs_named_elsewhere_in_study_yaml_are_checksummed(tmp_path):
    root = _project(tmp_path)
    (root / "interview_transcripts").rename(root / "wawancara")
    (root / "study.yaml").write_text("title: toy\ntranscripts: wawancara\n")
    rp.write_raw_checksums(root)
    assert list(rp.raw_checksums(root)) == ["data/raw/codebook.yaml", "study.yaml",
                                            "wawancara/INF01.txt"]


def test_update_checksums_waits_for_valid_inputs(tmp_path):
    root = _project(tmp_path)
    before = (root / rp.CHECKSUMS).read_bytes()
    (root / "study.yaml").write_text("title: toy\nlang: fr\n")
    r = run_cli("reproduce", "--update-checksums", "--root", str(root))
    assert r.returncode == 2 and "'lang' must be id or en" in r.stderr
    assert (root / rp.CHECKSUMS).read_bytes() == before


@pytest.mark.slow
def test_lang_and_seed_come_from_study_yaml_and_check_uses_the_recorded_ones(built, tmp_path):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    (copy / "study.yaml").write_text("title: toy\nkwic: [media]\nseed: 5\n")
    r = run_cli("reproduce", "--update-checksums", "--root", str(copy))
    assert r.returncode == 0, r.stderr
    assert "seed,5" in (copy / "reports" / "tables" / "env.csv").read_text()
    prov = json.loads((copy / "reports" / "provenance.json").read_text())
    assert prov["parameters"] == {"lang": "id", "seed": 5}
    r = run_cli("reproduce", "--seed", "3", "--root", str(copy))  # the flag wins
    assert r.returncode == 0, r.stderr
    assert "seed,3" in (copy / "reports" / "tables" / "env.csv").read_text()
    # --check rebuilds with what the committed reports record (seed 3), not study.yaml's 5
    r = run_cli("reproduce", "--check", "--root", str(copy))
    assert r.returncode == 0, r.stderr
    r = run_cli("reproduce", "--check", "--seed", "5", "--root", str(copy))
    assert r.returncode == 1
    assert _not_warnings(r.stderr)[:2] == [
        "reports/provenance.json: differs from the manifest, line 3",
        "reports/tables/env.csv: differs from the manifest, line 4"]


@pytest.mark.slow
def test_reproduce_prints_the_study_warnings_first(built, tmp_path):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    r = run_cli("reproduce", "--check", "--root", str(copy))
    assert r.returncode == 0, r.stderr
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning: ")]
    assert any("no codings files" in w for w in warnings)
    assert any("no survey instrument" in w for w in warnings)


def test_warning_locations_are_stripped_from_executed_notebooks():
    """A warning printed in a notebook starts with the kernel's temporary file
    (``/tmp/ipykernel_<pid>/<hash>.py:1:``), which changes on every run: it is removed so
    that the executed notebooks in reports/ do not change when nothing else does."""
    from citra_eval.pipeline import _strip_volatile

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("rel = ce.scale_reliability(resp, inst)")
    cell.outputs = [nbformat.v4.new_output(
        "stream", name="stderr",
        text="/tmp/ipykernel_12608/3280141996.py:1: ScaleWarning: scale CR: ...\n"
             "  rel = ce.scale_reliability(resp, inst)\nnote: kept as it is\n")]
    nb.cells = [cell]
    _strip_volatile(nb, rel_input="notebooks/x.ipynb", rel_output="reports/x.ipynb",
                    shown_params={})
    assert nb.cells[0].outputs[0]["text"] == ("ScaleWarning: scale CR: ...\n"
                                              "  rel = ce.scale_reliability(resp, inst)\n"
                                              "note: kept as it is\n")


def test_checksum_hints_name_the_command_not_make(tmp_path):
    """A study made by 'citra-eval init' has no Makefile: '(make checksums)' misled."""
    root = _project(tmp_path)
    (root / "data" / "raw" / "codebook.yaml").write_text(CODEBOOK.replace("3", "4"))
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    (root / rp.CHECKSUMS).unlink()
    with pytest.raises(InputError) as missing:
        rp.check_raw_inputs(root)
    for err in (e.value, missing.value):
        assert "'citra-eval reproduce --update-checksums'" in str(err)
        assert "make" not in str(err)


def test_missing_manifest_is_named_relative_to_the_study(tmp_path, monkeypatch):
    """verify and reproduce --check named the manifest by its absolute path; --check found
    it missing only after the whole build."""
    root = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    for call in (lambda: rp.verify(root), lambda: rp.reproduce(root, check=True)):
        with pytest.raises(InputError) as e:
            call()
        assert e.value.path == "reports/MANIFEST.sha256"
        assert "manifest not found" in str(e.value)


@pytest.mark.parametrize("text", [b"not a checksum line\n", b"\xff\xfe\n"],
                         ids=["malformed", "not-utf8"])
def test_an_unreadable_manifest_is_named_relative_to_the_study(tmp_path, monkeypatch, text):
    """A malformed (or not UTF-8) manifest was named by its absolute path by verify and
    reproduce --check, while every other line names files relative to the study; --check
    finds it before the build."""
    root = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    (root / "reports").mkdir()
    (root / "reports" / "MANIFEST.sha256").write_bytes(text)
    for call in (lambda: rp.verify(root), lambda: rp.reproduce(root, check=True)):
        with pytest.raises(InputError) as e:
            call()
        assert [p.path for p in e.value.problems] == ["reports/MANIFEST.sha256"]
        assert str(tmp_path) not in e.value.format()
    assert not (root / "reports" / "provenance.json").exists()  # nothing was built


def test_the_lock_holder_line_names_the_lock_relative_to_the_study(tmp_path, monkeypatch):
    """The line refusing a run while another holds the study's lock gave the lock file's
    absolute path."""
    root = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    with rp.holding_study(root, holder="citra-eval reanchor"):
        with pytest.raises(InputError) as e:
            rp.reproduce(root)
    assert e.value.path == f"reports/{rp.LOCK_NAME}"
    assert e.value.format().startswith(f"error: reports/{rp.LOCK_NAME}: another 'citra-eval "
                                       "reanchor' (process ")
    assert str(tmp_path) not in e.value.format()


def test_a_study_without_notebooks_is_told_relative_to_the_study(tmp_path, monkeypatch):
    """'no notebooks named NN-slug.ipynb' named the notebooks/ folder by its absolute path."""
    root = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(root / "notebooks")
    with pytest.raises(InputError, match="no notebooks named") as e:
        rp.reproduce(root)
    assert e.value.path == "notebooks"


def test_reproduce_refuses_a_saturation_base_no_run_can_follow_before_running(tmp_path):
    """Session 13: study.yaml's saturation_base leaving no run after the base stopped
    notebook 03 (after the notebooks before it); reproduce now says so at the line of
    study.yaml, exit 2, nothing written."""
    root = tmp_path / "s"
    shutil.copytree(ROOT / "tests" / "data" / "studies" / "rsud", root)
    yaml = root / "study.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "saturation_base: 3\n",
                    encoding="utf-8")
    line = len(yaml.read_text(encoding="utf-8").splitlines())
    rp.write_raw_checksums(root)
    r = run_cli("reproduce", cwd=root)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert _not_warnings(r.stderr) == [
        f"error: study.yaml:{line}: 'saturation_base' must be at most 2 (a run of "
        "run_length=2 interviews must follow the base, in the 4 interviews counted), got 3; "
        "saturation (notebook 03) counts the coded interviews with an informant's turn; "
        "lower it, or remove it for the default (4, fewer in a small study)"]
    assert not (root / "reports").exists()


def test_a_note_given_twice_in_a_notebook_is_repeated_once(tmp_path):
    """Notebook 02 notes the inferred coverage for the agreement and again for the
    disagreements: reproduce printed it twice."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    twice = "note: coverage inferred\nnote: another\n"
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=twice),
                    nbformat.v4.new_output("stream", name="stderr", text="note: coverage "
                                                                          "inferred\n")]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert rp.notebook_notes(tmp_path / "x.ipynb") == ["coverage inferred", "another"]


def test_inputs_with_converted_line_ends_are_named_as_such(tmp_path):
    """A clone with core.autocrlf=true: the message said the inputs changed and to record
    them again, when only git's line-end conversion differed."""
    root = _project(tmp_path)
    t = root / "interview_transcripts" / "INF01.txt"
    t.write_bytes(t.read_bytes().replace(b"\n", b"\r\n"))
    (root / "study.yaml").write_text("title: toy\nkwic: [media, x]\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    by_path = {p.path: p.message for p in e.value.problems}
    assert "only its line ends differ (CRLF instead of LF)" in by_path[
        "interview_transcripts/INF01.txt"]
    assert "raw input changed" in by_path["study.yaml"]  # a real change stays one


def test_reports_with_converted_line_ends_are_named_as_such(built, tmp_path):
    from citra_eval.outputs import CRLF_HINT

    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    table = copy / "reports" / "tables" / "env.csv"
    table.write_bytes(table.read_bytes().replace(b"\n", b"\r\n"))
    (diff,) = rp.verify(copy)
    assert diff.line_ends and str(diff).startswith(
        "reports/tables/env.csv: differs from the manifest; only its line ends differ")
    # reviewer s17, finding 2: an input so converted was 'a different version of this
    # input', with advice to record it (--update-checksums)
    f = copy / "data" / "raw" / "codebook.yaml"
    f.write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
    (line,) = rp.input_changes(copy)
    assert line.startswith("data/raw/codebook.yaml: ") and CRLF_HINT in line
    assert "different version" not in line and "--update-checksums" not in line


def test_environment_changes_name_the_versions(built, tmp_path):
    root, _ = built
    reports = tmp_path / "reports"
    shutil.copytree(root / "reports", reports)
    assert rp.environment_changes(reports) == []
    prov = json.loads((reports / "provenance.json").read_text(encoding="utf-8"))
    installed = prov["packages"]["matplotlib"]
    prov["packages"]["matplotlib"] = "0.1"
    prov["environment"]["python"] = "2.7"
    (reports / "provenance.json").write_text(json.dumps(prov), encoding="utf-8")
    assert rp.environment_changes(reports) == [
        f"python 2.7 (here {sys.version_info.major}.{sys.version_info.minor})",
        f"matplotlib 0.1 (here {installed})"]
    (reports / "provenance.json").write_text("[1, 2]", encoding="utf-8")
    assert rp.environment_changes(reports) == []  # nothing readable recorded: nothing said


def test_a_failed_check_names_the_versions_that_differ(tmp_path, monkeypatch, capsys):
    from citra_eval.cli import reproduce as cli_reproduce
    from citra_eval.outputs import Difference

    def fake(*args, **kwargs):
        return rp.ReproduceResult(tmp_path, differences=[Difference("reports/x.csv", "changed")],
                                  environment=["matplotlib 0.1 (here 3.9)"])

    monkeypatch.setattr(cli_reproduce, "reproduce", fake)
    from citra_eval.cli import main
    code = main(["reproduce", "--check", "--root", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == ["reports/x.csv: differs from the manifest",
                       "1 file(s) differ from reports/MANIFEST.sha256"]
    assert err[2].startswith("note: reports/provenance.json: the reports were built with "
                             "matplotlib 0.1 (here 3.9); figures and tables are byte-identical")


@pytest.mark.parametrize("check", [False, True])
def test_a_raw_input_changed_during_the_run_is_refused(built, tmp_path, check):
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    before = {p.relative_to(copy).as_posix(): p.read_bytes()
              for p in (copy / "reports").rglob("*") if p.is_file()}
    # notebook 01 has read the codebook; a coder saves a new version while 02 runs
    _notebook(copy / "notebooks" / "02-figure.ipynb",
              ["from pathlib import Path\n"
               "with open(Path(root) / 'data/raw/codebook.yaml', 'a') as fh:\n"
               "    fh.write('# saved meanwhile\\n')"], PARAMS)
    rp.write_raw_checksums(copy)
    (copy / "data/raw/CHECKSUMS.sha256.bak").unlink()
    with pytest.raises(InputError) as info:
        rp.reproduce(copy, check=check)
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("data/raw/codebook.yaml", "raw input changed during the run; nothing was written to "
                                   "reports/; run again")]
    assert {p.relative_to(copy).as_posix(): p.read_bytes()
            for p in (copy / "reports").rglob("*") if p.is_file()} == before


def test_reproduce_prints_the_scale_warnings_validate_prints(tmp_path, capsys):
    """Exploratory test 3: docs/reproduce.md says the study's warning: lines are printed
    before the notebooks run, but reproduce dropped the survey's scale warnings (an item
    without variance) that validate prints. The lines are now the same, in the same order."""
    import csv

    from _studies import RSUD

    from citra_eval.cli.validate import _validate_study

    root = tmp_path / "rsud"
    shutil.copytree(RSUD, root)
    path = root / "data" / "raw" / "survey_responses.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    item = next(c for c in rows[0] if c[:3].isupper() and c[-1].isdigit())
    j = rows[0].index(item)
    for row in rows[1:]:
        row[j] = "3"  # every respondent gave the same answer
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    _notebook(root / "notebooks" / "01-table.ipynb", NB_TABLE, PARAMS)
    rp.write_raw_checksums(root)
    assert _validate_study(root) == 0
    expected = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("warning: ")]
    assert any(f"item {item}: no variance" in ln for ln in expected)
    lines: list[str] = []
    rp._prepare(root, lang=None, seed=None, update_checksums=False, warn=lines.append)
    assert lines == expected


def _reports_with(root: Path, files: dict[str, str]) -> Path:
    """A reports/ folder holding ``files`` ({relative path: text}), the visible ones in
    figures/ and tables/ listed in its manifest."""
    from citra_eval.outputs import write_manifest

    rep = root / "reports"
    for rel, text in files.items():
        (rep / rel).parent.mkdir(parents=True, exist_ok=True)
        (rep / rel).write_text(text, encoding="utf-8")
    write_manifest(rep)
    return rep


def test_own_files_in_the_replaced_folders_are_refused_before_anything_runs(tmp_path):
    """Tester t4, finding 1: a hand-made figure and a reviewer's table put into
    reports/figures/ and reports/tables/ were deleted without a word by the next reproduce
    (the folders are replaced as a whole). Such files are now named, exit 2, nothing
    changed; reproduce's own files (in the manifest, executed notebooks) and hidden ones
    are not."""
    root = _project(tmp_path)
    rep = _reports_with(root, {"figures/bars.png": "old", "tables/env.csv": "old",
                               "notebooks/01-table.ipynb": "{}", "figures/.gitkeep": "",
                               "tables/.ipynb_checkpoints/env-checkpoint.csv": "x"})
    assert rp.foreign_reports_files(rep) == []
    (rep / "figures" / "model-diagram.png").write_text("my own diagram")
    (rep / "tables" / "reviewer-recalc.csv").write_text("reviewer,recalc\n")
    (rep / "notebooks" / "my-notes.md").write_text("notes\n")
    expected = ["reports/figures/model-diagram.png", "reports/notebooks/my-notes.md",
                "reports/tables/reviewer-recalc.csv"]
    assert rp.foreign_reports_files(rep) == expected
    before = {p: p.read_bytes() for p in rep.rglob("*") if p.is_file()}
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 2, r.stderr
    err = _not_warnings(r.stderr)
    assert [ln.split(": ")[1] for ln in err] == expected
    assert all("not made by 'citra-eval reproduce'" in ln and "move the file" in ln
               for ln in err)
    assert {p: p.read_bytes() for p in rep.rglob("*") if p.is_file()} == before


def test_install_keeps_hidden_entries_and_refuses_files_added_during_the_run(tmp_path):
    rep = _reports_with(tmp_path, {"figures/bars.png": "old", "figures/gone.png": "old",
                                   "figures/.gitkeep": "",
                                   "tables/.ipynb_checkpoints/env-checkpoint.csv": "x"})
    staging = tmp_path / "staging"
    (staging / "figures").mkdir(parents=True)
    (staging / "figures" / "bars.png").write_text("new")
    (staging / "MANIFEST.sha256").write_text("")
    (rep / "tables" / "added-meanwhile.csv").write_text("mine\n")
    with pytest.raises(InputError) as e:
        rp._install(staging, rep)
    assert [p.path for p in e.value.problems] == ["reports/tables/added-meanwhile.csv"]
    assert (rep / "figures" / "gone.png").read_text() == "old"  # nothing moved
    (rep / "tables" / "added-meanwhile.csv").unlink()
    rp._install(staging, rep)
    assert (rep / "figures" / "bars.png").read_text() == "new"
    assert not (rep / "figures" / "gone.png").exists()  # reproduce's own, no longer made
    assert (rep / "figures" / ".gitkeep").exists()
    assert (rep / "tables" / ".ipynb_checkpoints" / "env-checkpoint.csv").read_text() == "x"


def test_a_changed_transcript_is_named_before_the_codings_that_no_longer_fit_it(tmp_path):
    """Tester t4, finding 5: one space removed from a transcript gave only errors blaming
    the coders' files (spans no longer inside their segments, 'run reanchor'), never the
    transcript; the checksum check now comes before the validation."""
    from _studies import RSUD

    root = tmp_path / "rsud"
    shutil.copytree(RSUD, root)
    rp.write_raw_checksums(root)
    doc = sorted((root / "interview_transcripts").glob("*.txt"))[0]
    text = doc.read_text(encoding="utf-8")
    cut = text.index(" ", text.index("\n---\n") + 5)  # a space early in the body
    doc.write_text(text[:cut] + text[cut + 1:], encoding="utf-8")
    with pytest.raises(InputError) as e:
        rp._prepare(root, lang=None, seed=None, update_checksums=False, warn=None)
    rel = f"interview_transcripts/{doc.name}"
    assert [p.path for p in e.value.problems] == [rel]
    assert "raw input changed since its checksum was recorded" in e.value.problems[0].message
    # recording the change deliberately still validates first: the codings are named then
    with pytest.raises(InputError) as e:
        rp._prepare(root, lang=None, seed=None, update_checksums=True, warn=None)
    assert any("codings_" in str(p.path) for p in e.value.problems)
    with pytest.raises(InputError):  # the checksums were not recorded over invalid inputs
        rp.check_raw_inputs(root)


@pytest.mark.parametrize("where", [
    "/home/Siti Nurhaliza/Ulasan Studi é/src/citra_eval/mixed_methods.py:245: ",
    "C:\\Users\\Siti Nurhaliza\\citra\\src\\citra_eval\\mixed_methods.py:245: ",
    "/tmp/ipykernel_1/2.py:1: ",
])
def test_warning_locations_with_spaces_are_stripped_too(where):
    """Tester t4, finding 4: in a clone whose path holds a space, the package's path was
    left in the executed notebooks (git status not clean after 'make reproduce')."""
    from citra_eval.pipeline import _WARNING_WHERE

    text = f"first line\n{where}ScaleWarning: scale CR: ...\n  code\nnote: a.py:1: x\n"
    assert _WARNING_WHERE.sub("", text) == ("first line\nScaleWarning: scale CR: ...\n  code\n"
                                            "note: a.py:1: x\n")


@pytest.mark.slow
def test_a_deep_temporary_folder_runs_the_kernel_over_loopback(tmp_path):
    """Tester t4, finding 3: a TMPDIR longer than about 80 characters crashed reproduce with
    'ZMQError: File name too long' (the kernel's sockets live in the work folder)."""
    work = tmp_path / ("w" * 120)
    work.mkdir()
    assert not rp._ipc_fits(work / "ipc") and rp._ipc_fits(Path("/tmp/citra-eval-x/ipc"))
    nb = tmp_path / "01-x.ipynb"
    _notebook(nb, ["print(6 * 7)"], "out_dir = 'x'")
    rp.run_notebook(nb, tmp_path / "out.ipynb", parameters={}, cwd=tmp_path, workdir=work)
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert out.cells[-1].outputs[0]["text"] == "42\n"


def test_a_changed_notebook_is_named(built, tmp_path, monkeypatch, capsys):
    """Tester t4, finding 6: an edited notebook showed in 'reproduce --check' only as
    'reports/provenance.json: differs from the manifest'; the notebooks' checksums that
    provenance.json records now name it."""
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert rp.notebook_changes(copy) == []
    _notebook(copy / "notebooks" / "02-figure.ipynb", NB_FIGURE[:1], PARAMS)
    _notebook(copy / "notebooks" / "03-more.ipynb", NB_FIGURE[:1], PARAMS)
    (copy / "notebooks" / "01-table.ipynb").unlink()
    changes = rp.notebook_changes(copy)
    assert [c.split(": ")[0] for c in changes] == ["notebooks/01-table.ipynb",
                                                   "notebooks/02-figure.ipynb",
                                                   "notebooks/03-more.ipynb"]
    assert "removed" in changes[0] and "added" in changes[2]
    assert changes[1].startswith("notebooks/02-figure.ipynb: changed since the committed "
                                 "reports were built")

    from citra_eval.cli import main
    from citra_eval.cli import reproduce as cli_reproduce
    from citra_eval.outputs import Difference

    def fake(*args, **kwargs):
        return rp.ReproduceResult(tmp_path, differences=[
            Difference("reports/provenance.json", "changed")], notebooks=changes[1:2])

    monkeypatch.setattr(cli_reproduce, "reproduce", fake)
    assert main(["reproduce", "--check", "--root", str(copy)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[2] == f"note: {changes[1]}"


def test_a_raw_input_name_stored_decomposed_is_the_same_name(tmp_path):
    """Tester t4, finding 7: a transcript named with an accent, unpacked where names are
    stored decomposed (NFD), gave 'not listed' and 'listed ... is missing' for one visible
    name; names are compared in one Unicode form."""
    import unicodedata

    root = _project(tmp_path)
    name = unicodedata.normalize("NFC", "Wawancara-é.txt")
    (root / "interview_transcripts" / name).write_text(TRANSCRIPT.replace("01", "02"))
    rp.write_raw_checksums(root)
    nfd = root / "interview_transcripts" / unicodedata.normalize("NFD", name)
    (root / "interview_transcripts" / name).rename(nfd)
    if not nfd.exists() or nfd.name == name:  # pragma: no cover - a normalising file system
        pytest.skip("the file system keeps one form of names")
    assert rp.check_raw_inputs(root)
    nfd.write_text(TRANSCRIPT.replace("01", "03"))
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    assert [p.path for p in e.value.problems] == [f"interview_transcripts/{nfd.name}"]
    assert "raw input changed since" in e.value.problems[0].message


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("failing", ["figures", "notebooks", "MANIFEST.sha256"])
def test_a_failed_install_rolls_back_and_leaves_the_old_reports(tmp_path, monkeypatch, failing):
    """Session 12, install finding 2: when a move failed partway (say reports/notebooks
    could not be renamed), reports/ was left half-replaced (new figures, old notebooks and
    manifest), with a traceback, and the old reports were deleted with the trash. The moves
    done are now undone: the old reports are byte-identical, one error line, nothing left."""
    rep = _reports_with(tmp_path, {"figures/bars.png": "old", "figures/.gitkeep": "",
                                   "tables/env.csv": "old", "notebooks/01-table.ipynb": "{}",
                                   "provenance.json": "{}"})
    _notebook(tmp_path / "notebooks" / "01-table.ipynb", [], PARAMS)  # its source
    before = _tree(rep)
    staging = tmp_path / "staging"
    for rel in ("figures/bars.png", "tables/env.csv", "notebooks/01-table.ipynb",
                "provenance.json", "MANIFEST.sha256"):
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / rel).write_text("new")
    real = rp.os.replace

    def replace(src, dst):
        if Path(src) == rep / failing:
            raise PermissionError(1, "Operation not permitted", str(src))
        return real(src, dst)

    monkeypatch.setattr(rp.os, "replace", replace)
    with pytest.raises(InputError) as e:
        rp._install(staging, rep)
    assert e.value.path == f"reports/{failing}"
    assert "Operation not permitted" in e.value.message
    assert "previous reports are as they were" in e.value.message
    assert _tree(rep) == before
    assert sorted(p.name for p in rep.iterdir()) == sorted(
        ["figures", "tables", "notebooks", "provenance.json", "MANIFEST.sha256"])
    monkeypatch.setattr(rp.os, "replace", real)
    rp._install(staging, rep)  # the same staging installs once the move works
    assert (rep / "notebooks" / "01-table.ipynb").read_text() == "new"
    assert (rep / "figures" / ".gitkeep").exists()


@pytest.mark.parametrize("name", ["figures", "tables", "notebooks"])
def test_a_file_in_place_of_a_replaced_folder_is_refused(tmp_path, name):
    """Session 12, install finding 3: a user's regular file named reports/figures was
    deleted without a word (exit 0); it is refused as a file inside figures/ is."""
    root = _project(tmp_path)
    rep = _reports_with(root, {"tables/env.csv": "old"})
    shutil.rmtree(rep / name, ignore_errors=True)
    (rep / name).write_text("my own notes\n")
    assert rp.foreign_reports_files(rep) == [f"reports/{name}"]
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 2, r.stderr
    err = _not_warnings(r.stderr)
    assert len(err) == 1 and err[0].startswith(f"error: reports/{name}: ")
    assert "move the file" in err[0]
    assert (rep / name).read_text() == "my own notes\n"


def test_reports_as_a_file_is_named_as_one(tmp_path):
    """Session 12, install finding 4: with reports a regular file the error said 'make
    reports/ writable' (the wrong fix) and gave an absolute path."""
    root = _project(tmp_path)
    (root / "reports").write_text("notes\n")
    r = run_cli("reproduce", "--update-checksums", cwd=root)
    assert r.returncode == 2
    err = _not_warnings(r.stderr)
    assert len(err) == 1 and err[0].startswith("error: reports: a file, not a folder")
    assert "rename" in err[0] and "writable" not in err[0]
    assert (root / "reports").read_text() == "notes\n"


def test_checksum_file_errors_name_it_relative_to_the_study(tmp_path):
    """Session 12, install finding 4: a malformed data/raw/CHECKSUMS.sha256 was named by its
    absolute path, every other error line by the study-relative one."""
    root = _project(tmp_path)
    (root / rp.CHECKSUMS).write_text("garbage\n")
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    assert [(p.path, p.line) for p in e.value.problems] == [(rp.CHECKSUMS, 1)]
    (root / rp.CHECKSUMS).unlink()
    (root / rp.CHECKSUMS).mkdir()
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    assert e.value.path == rp.CHECKSUMS and "folder" in e.value.message


@pytest.mark.slow
def test_check_compares_the_committed_files_too(built, tmp_path):
    """Session 12, install finding 1: 'reproduce --check' compared the rebuild with the
    manifest only: a tampered table, a planted one and a deleted figure in reports/ gave
    'ok', exit 0. The files in reports/ are now checked as 'verify' does."""
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    rep = copy / "reports"
    (rep / "tables" / "env.csv").write_text("key,value\ntampered,1\n")
    (rep / "tables" / "planted.csv").write_text("fake,table\n")
    (rep / "figures" / "bars.svg").unlink()
    expected = [str(d) for d in rp.verify(copy)]
    assert len(expected) == 3
    r = run_cli("reproduce", "--check", "--root", str(copy))
    assert r.returncode == 1, r.stdout
    err = [ln for ln in _not_warnings(r.stderr) if not ln.startswith("note: ")]
    assert err == [*expected, "3 file(s) differ from reports/MANIFEST.sha256"]
    assert "note: reports/: 3 of these are files now in reports/" in r.stderr
    res = rp.reproduce(copy, check=True)
    assert [str(d) for d in res.committed] == expected and res.differences == res.committed


def test_copies_of_notebooks_are_skipped_and_one_number_twice_refused(tmp_path):
    """JupyterLab's *File > Duplicate* makes ``01-x-Copy1.ipynb``: reproduce ran it (before
    the original) and one overwrote the other's outputs; it is now skipped with a warning
    naming it. Two different notebooks with one number are refused: their order and their
    outputs would be a matter of chance."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    for name in ("01-corpus.ipynb", "01-corpus-Copy1.ipynb", "02-themes.ipynb",
                 "02-themes-Copy12.ipynb"):
        (nbdir / name).write_text("{}")
    assert [p.name for p in rp.find_notebooks(tmp_path)] == ["01-corpus.ipynb",
                                                             "02-themes.ipynb"]
    assert rp.skipped_notebooks(tmp_path) == ["notebooks/01-corpus-Copy1.ipynb",
                                              "notebooks/02-themes-Copy12.ipynb"]
    (nbdir / "02-mine.ipynb").write_text("{}")
    with pytest.raises(InputError, match=r"02-mine\.ipynb and notebooks/02-themes\.ipynb") as exc:
        rp.find_notebooks(tmp_path)
    assert "number" in str(exc.value) and "renumber" in str(exc.value)


def test_verify_names_inputs_and_notebooks_the_reports_were_not_built_from(built, tmp_path,
                                                                           capsys):
    """Reviewer s15, finding 1: verify said ok although a raw input, study.yaml and a
    notebook no longer matched the checksums reports/provenance.json records: the reports
    were built from other versions of them."""
    from citra_eval.cli import main

    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert rp.input_changes(copy) == []
    with (copy / "data" / "raw" / "codebook.yaml").open("a") as fh:
        fh.write("# edited\n")
    with (copy / "study.yaml").open("a") as fh:
        fh.write("seed: 1\n")
    with (copy / "notebooks" / "01-table.ipynb").open("a") as fh:
        fh.write(" ")
    assert main(["verify", "--root", str(copy)]) == 1
    err = capsys.readouterr().err.splitlines()
    named = [ln.split(": ")[0] for ln in err[:-1]]
    assert named == ["data/raw/codebook.yaml", "notebooks/01-table.ipynb", "study.yaml"]
    assert all("the reports were built from a different version of this" in ln
               and "run 'citra-eval reproduce'" in ln for ln in err[:-1])
    assert err[-1] == "2 inputs and 1 notebook differ from reports/provenance.json"
    # one changed input: "1 input differs" (session 19, newcode: "1 input differ")
    shutil.copy(root / "study.yaml", copy / "study.yaml")
    shutil.copy(root / "notebooks" / "01-table.ipynb", copy / "notebooks" / "01-table.ipynb")
    assert main(["verify", "--root", str(copy)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "1 input differs from reports/provenance.json", err

    (copy / "reports" / "provenance.json").unlink()  # an old study: nothing recorded
    assert main(["verify", "--root", str(copy)]) == 1  # provenance.json is in the manifest
    err = capsys.readouterr().err
    assert "reports/provenance.json: listed in the manifest but missing" in err
    assert ("note: reports/provenance.json: not found, so the inputs and notebooks the "
            "reports were built from are not checked") in err


def test_provenance_records_scikit_learn_and_pillow():
    """Reviewer s15, finding 4: provenance.json's packages lacked scikit-learn (the learned
    coder's tables) and Pillow (writes every PNG), so a rebuild that differs could never
    name them."""
    versions = rp._versions()
    assert {"scikit-learn", "Pillow"} <= versions.keys()


def test_an_own_file_named_like_an_executed_notebook_is_foreign(tmp_path, capsys):
    """Reviewer s15, finding 5: reports/notebooks/99-extra.ipynb, a user's file with no
    notebooks/99-extra.ipynb behind it, was taken for an executed notebook: reproduce
    deleted it without a word. An executed notebook is one of a source notebook, or one
    reports/provenance.json records (its source removed since)."""
    from citra_eval.cli import main

    root = _project(tmp_path)
    rep = _reports_with(root, {"notebooks/01-table.ipynb": "{}",
                               "notebooks/05-gone.ipynb": "{}",
                               "provenance.json": json.dumps(
                                   {"inputs": rp.raw_checksums(root),
                                    "notebooks": {"notebooks/05-gone.ipynb": "0" * 64}})})
    assert rp.foreign_reports_files(rep) == []
    (rep / "notebooks" / "99-extra.ipynb").write_text('{"my": "own analysis"}')
    assert rp.foreign_reports_files(rep) == ["reports/notebooks/99-extra.ipynb"]
    main(["verify", "--root", str(root)])
    err = capsys.readouterr().err
    assert ("note: reports/notebooks/99-extra.ipynb: not made by 'citra-eval reproduce'"
            in err)


def test_a_tampered_manifest_is_named_at_its_line(built, tmp_path):
    """Reviewer s15, finding 7: a manifest with a second, conflicting line for a file, a
    line naming a file outside reports/, or no line at all made verify blame the report
    files (or call an existing file missing); the manifest's line is named now, exit 2. A
    changed file's Difference carries the manifest's line."""
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    manifest = copy / "reports" / "MANIFEST.sha256"
    good = manifest.read_text(encoding="utf-8")
    n = len(good.splitlines())
    cases = {
        f"{'0' * 64}  reports/tables/env.csv\n": "reports/tables/env.csv: a second line for "
                                                 "this file, with another checksum",
        f"{'0' * 64}  reports/../../../etc/hostname\n": "not a file in reports/",
        f"{'0' * 64}  /etc/hostname\n": "not a file in reports/",
    }
    for extra, says in cases.items():
        manifest.write_text(good + extra, encoding="utf-8")
        with pytest.raises(InputError) as e:
            rp.verify(copy)
        (p,) = e.value.problems
        assert (p.path, p.line) == ("reports/MANIFEST.sha256", n + 1), extra
        assert says in p.message and "run 'citra-eval reproduce'" in p.message
    manifest.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="lists no file") as e:
        rp.verify(copy)
    assert e.value.path == "reports/MANIFEST.sha256"
    lines = good.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.endswith("reports/tables/env.csv"))
    lines[at] = ("1" if lines[at][0] == "0" else "0") + lines[at][1:]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (diff,) = rp.verify(copy)
    assert (diff.path, diff.status, diff.line) == ("reports/tables/env.csv", "changed", at + 1)


def test_an_edited_checksum_line_names_the_checksum_file(built, tmp_path):
    """Reviewer s15, finding 9: CHECKSUMS.sha256 edited, the inputs untouched: reproduce
    blamed the input ('raw input changed') and suggested --update-checksums, though the
    input still matched the checksum reports/provenance.json records."""
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    path = copy / rp.CHECKSUMS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = ("1" if lines[1][0] == "0" else "0") + lines[1][1:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(copy)
    (p,) = e.value.problems
    assert (p.path, p.line) == (rp.CHECKSUMS, 2)
    assert p.message.startswith(f"the checksum recorded for {lines[1].split('  ')[1]} differs "
                                "from that file")
    assert "restore" in p.message and "--update-checksums" not in p.message


def test_what_a_killed_run_left_is_noted_by_check_and_verify(tmp_path, capsys, monkeypatch):
    """Reviewer s15, finding 10: a killed reproduce left reports/.reproduce.lock and
    reports/.staging-*/ behind, which only a later writing run removed; 'verify' and
    'reproduce --check' (which write nothing into reports/) now name them in a note."""
    from citra_eval.cli import main
    from citra_eval.cli import reproduce as cli_reproduce

    root = _project(tmp_path)
    rep = _reports_with(root, {"tables/env.csv": "x\n"})
    (rep / ".staging-abc" / "tables").mkdir(parents=True)
    (rep / rp.LOCK_NAME).write_text("citra-eval reproduce\n1\n")
    assert [p.name for p in rp.leftovers(rep)] == [rp.LOCK_NAME, ".staging-abc"]
    main(["verify", "--root", str(root)])
    err = capsys.readouterr().err.splitlines()
    left = [ln for ln in err if "left by" in ln]
    assert left == [
        f"note: reports/{rp.LOCK_NAME}: left by a 'citra-eval reproduce' that was stopped; "
        "the next 'citra-eval reproduce' removes it",
        "note: reports/.staging-abc/: left by a 'citra-eval reproduce' that was stopped; "
        "the next 'citra-eval reproduce' removes it"]
    monkeypatch.setattr(cli_reproduce, "reproduce",
                        lambda *a, **k: rp.ReproduceResult(rep, {}, []))
    assert main(["reproduce", "--check", "--root", str(root)]) == 0
    assert [ln for ln in capsys.readouterr().err.splitlines() if "left by" in ln] == left
    assert (rep / ".staging-abc").is_dir()  # a check writes nothing into reports/


def test_executed_notebooks_record_the_python_minor_version_only():
    """Reviewer s15, finding 11: executed notebooks kept language_info.version '3.11.7'
    while provenance.json records '3.11': another patch release gave other bytes."""
    nb = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python",
                                                              "version": "3.11.7"}})
    rp._strip_volatile(nb, rel_input="a", rel_output="b", shown_params={})
    assert nb.metadata["language_info"]["version"] == "3.11"


@pytest.mark.parametrize("inside", ["reports/figures/kept", "reports/kept", "data/raw/kept",
                                    "interview_transcripts/kept", "notebooks/kept"])
def test_keep_inside_the_reports_or_an_input_folder_is_refused_before_anything_runs(
        tmp_path, monkeypatch, capsys, inside):
    """Reviewer s17, finding 4: '--check --keep reports/figures/kept' was accepted and left
    63 files that verify then called unlisted and reproduce refused to replace."""
    from citra_eval.cli import main

    root = _project(tmp_path)
    monkeypatch.setattr(rp, "_build", lambda *a, **k: pytest.fail("ran the notebooks"))
    with pytest.raises(ValueError, match="keep"):
        rp.reproduce(root, check=True, keep=root / inside)
    monkeypatch.chdir(root)
    assert main(["reproduce", "--check", "--keep", inside]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {inside}: ") and "outside" in err
    assert not (root / inside).exists()


def test_verify_says_what_it_checked_and_names_a_stray_top_level_file(built, tmp_path,
                                                                      capsys):
    """Reviewer s17, finding 3: 'every file in reports/ matches' although the executed
    notebooks are not in the manifest, and a file at the top of reports/ went unmentioned."""
    from citra_eval.cli import main

    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert main(["verify", "--root", str(copy)]) == 0
    out = capsys.readouterr().out
    assert out == ("ok: 4 figures and tables and provenance.json match "
                   "reports/MANIFEST.sha256, and the 3 raw inputs and 2 notebooks match the "
                   "checksums reports/provenance.json records; the executed notebooks in "
                   "reports/notebooks/ are not checked (see docs/reproduce.md)\n")
    (copy / "reports" / "README-results.txt").write_text("forged\n")
    (copy / "reports" / "extra").mkdir()  # a folder of one's own is left alone
    (copy / "reports" / "extra" / "mine.txt").write_text("mine\n")
    assert [str(d) for d in rp.verify(copy)] == [
        "reports/README-results.txt: not listed in the manifest"]
    assert main(["verify", "--root", str(copy)]) == 1
    assert "reports/README-results.txt: not listed in the manifest" in capsys.readouterr().err


def test_a_notebook_without_cell_ids_is_read_with_fixed_ids_and_no_warning(tmp_path):
    """A cell added by hand without an id: nbformat warned (with a site-packages path) and
    drew a random id; the user's notebook is never rewritten."""
    import warnings

    path = tmp_path / "01-x.ipynb"
    _notebook(path, ["x = 1"], PARAMS)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None,
                          "outputs": [], "source": ["y = 2"]})
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nb = rp._read_notebook(path)
        again = rp._read_notebook(path)
    assert nb.cells[-1].id == again.cells[-1].id == "cell-4"
    assert [c.id for c in nb.cells[:-1]] == [c["id"] for c in data["cells"][:-1]]
    nbformat.validate(nb)
    assert path.read_bytes() == before


@pytest.mark.slow
def test_a_failing_notebook_is_an_error_line_saying_reports_is_unchanged(tmp_path):
    """Reviewer s17, finding 4: 'notebook failed:' (no error: line), nbformat's warning with
    a site-packages path, and nothing said reports/ was left as it was."""
    root = _project(tmp_path)
    path = root / "notebooks" / "02-figure.ipynb"
    _notebook(path, ["x = 1"], PARAMS)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None,
                          "outputs": [], "source": ["open('data/raw/nope.csv')"]})
    path.write_text(json.dumps(data), encoding="utf-8")
    rp.write_raw_checksums(root)
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 1
    lines = _not_warnings(r.stderr)
    assert lines[0].startswith("error: notebooks/02-figure.ipynb: cell 4 failed (execution count")
    assert "FileNotFoundError" in r.stderr and "Warning" not in r.stderr
    assert "reports/ was left unchanged" in lines[-1]
    assert "Jupyter" in lines[-1] and "notebooks/02-figure.ipynb" in lines[-1]


def test_a_study_without_notebooks_is_told_how_to_get_them(tmp_path):
    root = _project(tmp_path)
    shutil.rmtree(root / "notebooks")
    with pytest.raises(InputError, match="no notebooks named") as e:
        rp.find_notebooks(root)
    assert "citra-eval init" in str(e.value) and "notebooks/" in str(e.value)


# ------------------------------------------------------------------ reviewer s19

def _as_built(root: Path) -> Path:
    """reports/ as a build of ``root`` leaves it, without running a kernel: a table, a
    provenance.json recording the current inputs and notebooks, and the manifest."""
    from citra_eval.outputs import file_sha256

    notebooks = {p.relative_to(root).as_posix(): file_sha256(p)
                 for p in rp.find_notebooks(root)}
    return _reports_with(root, {"tables/env.csv": "key,value\n", "provenance.json": json.dumps(
        {"inputs": rp.raw_checksums(root), "notebooks": notebooks}, indent=2)})


def test_a_raw_input_linked_from_outside_the_study_is_checksummed_by_its_name_in_it(
        tmp_path, capsys):
    """Reviewer s19, finding 1: a transcript (or the transcripts folder) kept elsewhere and
    linked into the study crashed verify and reproduce with a ValueError traceback. It is
    an input by its path in the study; its checksum is that of the bytes the link leads to."""
    from citra_eval.cli import main

    root = _project(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    tr = root / "interview_transcripts"
    (tr / "INF01.txt").rename(shared / "INF01.txt")
    (tr / "INF01.txt").symlink_to(shared / "INF01.txt")
    (shared / "codings_A.csv").write_text("doc_id,start,end,code,coder\n")
    (root / "data" / "raw" / "codings_A.csv").symlink_to(shared / "codings_A.csv")
    names = sorted(rp.raw_checksums(root))
    assert names == ["data/raw/codebook.yaml", "data/raw/codings_A.csv",
                     "interview_transcripts/INF01.txt", "study.yaml"]
    rp.write_raw_checksums(root)
    _as_built(root)
    assert rp.check_raw_inputs(root)
    assert main(["verify", "--root", str(root)]) == 0
    (shared / "INF01.txt").write_text(TRANSCRIPT.replace("lokal", "daerah"))
    with pytest.raises(InputError) as e:
        rp.check_raw_inputs(root)
    assert [p.path for p in e.value.problems] == ["interview_transcripts/INF01.txt"]
    capsys.readouterr()
    assert main(["verify", "--root", str(root)]) == 1
    assert "interview_transcripts/INF01.txt: changed" in capsys.readouterr().err
    # the whole transcripts folder, a link to a folder elsewhere
    tr.rename(shared / "tr")
    tr.symlink_to(shared / "tr")
    assert sorted(rp.raw_checksums(root)) == names


def test_the_checksummed_inputs_are_the_files_the_readers_read(tmp_path):
    """Reviewer s19, findings 2 and 3: a transcript linked into a hidden folder, a codings
    file 'codings: data/raw/codings_*' reads that ends in .bak, a codings file in a hidden
    folder named by study.yaml: read, but never checksummed (edits went unnoticed)."""
    import citra_eval as ce

    root = _project(tmp_path)
    (root / ".private").mkdir()
    (root / "interview_transcripts" / "INF01.txt").rename(root / ".private" / "INF01.txt")
    (root / "interview_transcripts" / "INF01.txt").symlink_to("../.private/INF01.txt")
    header = "doc_id,start,end,code,coder\n"
    (root / "data" / "raw" / "codings_A.csv").write_text(header)
    (root / "data" / "raw" / "codings_C.csv.bak").write_text(header)
    (root / "data" / "raw" / "other.csv.bak").write_text("a backup nobody reads\n")
    with (root / "study.yaml").open("a") as fh:
        fh.write("codings: data/raw/codings_*\n")
    settings = ce.StudySettings.load(root / "study.yaml")
    read = {settings.relative(p) for p in settings.codings}
    assert read == {"data/raw/codings_A.csv", "data/raw/codings_C.csv.bak"}
    assert "INF01" in set(ce.read_transcripts(settings.transcripts).documents.doc_id)
    assert sorted(rp.raw_checksums(root)) == [
        "data/raw/codebook.yaml", "data/raw/codings_A.csv", "data/raw/codings_C.csv.bak",
        "interview_transcripts/INF01.txt", "study.yaml"]
    (root / "data" / ".confidential").mkdir()
    (root / "data" / "raw" / "codings_A.csv").rename(root / "data" / ".confidential" / "A.csv")
    (root / "study.yaml").write_text("title: toy\ncodings: [data/.confidential/A.csv]\n")
    assert "data/.confidential/A.csv" in rp.raw_checksums(root)


def test_input_changes_compare_names_in_one_unicode_form(tmp_path):
    """Reviewer s19, finding 6: a transcript named with an accent, recorded composed (NFC)
    and checked out decomposed (NFD), was 'removed' and 'added' for verify though
    reproduce's raw-input check took it for the same file."""
    import unicodedata

    root = _project(tmp_path)
    name = unicodedata.normalize("NFC", "Wawancara-é.txt")
    (root / "interview_transcripts" / name).write_text(TRANSCRIPT.replace("01", "02"))
    rp.write_raw_checksums(root)
    _as_built(root)
    nfd = root / "interview_transcripts" / unicodedata.normalize("NFD", name)
    (root / "interview_transcripts" / name).rename(nfd)
    if not nfd.exists() or nfd.name == name:  # pragma: no cover - a normalising file system
        pytest.skip("the file system keeps one form of names")
    assert rp.check_raw_inputs(root)
    assert rp.input_changes(root) == []


def test_an_own_file_at_the_top_of_reports_is_one_rule_for_reproduce_and_verify(tmp_path):
    """Reviewer s19, finding 9: reports/notes.md was let through by reproduce (and kept)
    but called 'not listed in the manifest' by verify ever after."""
    root = _project(tmp_path)
    rep = _as_built(root)
    assert rp.foreign_reports_files(rep) == [] and rp.verify(root) == []
    (rep / "notes.md").write_text("reviewer notes\n")
    (rep / "extra").mkdir()
    (rep / "extra" / "mine.md").write_text("a folder of one's own is left alone\n")
    assert rp.foreign_reports_files(rep) == ["reports/notes.md"]
    assert [str(d) for d in rp.verify(root)] == ["reports/notes.md: not listed in the manifest"]
    r = run_cli("reproduce", "--root", str(root))
    assert r.returncode == 2, r.stderr
    (line,) = _not_warnings(r.stderr)
    assert line.startswith("error: reports/notes.md: not made by 'citra-eval reproduce'")
    assert "verify" in line and "reports/extra/" in line


@pytest.mark.parametrize("name", ["reports/notebooks/01-table.ipynb", "reports/MANIFEST.sha256",
                                  "reports/tables/.hidden.csv", "reports/other/x.csv"])
def test_a_manifest_line_for_a_file_verify_never_hashes_is_refused_at_its_line(tmp_path,
                                                                                name):
    """Reviewer s19, finding 10: a manifest line for reports/notebooks/... (or the manifest
    itself) was accepted, then the file, which is there, was called missing."""
    root = _project(tmp_path)
    rep = _as_built(root)
    manifest = rep / "MANIFEST.sha256"
    n = len(manifest.read_text().splitlines())
    with manifest.open("a") as fh:
        fh.write(f"{'0' * 64}  {name}\n")
    with pytest.raises(InputError) as e:
        rp.verify(root)
    (p,) = e.value.problems
    assert (p.path, p.line) == ("reports/MANIFEST.sha256", n + 1)
    assert "not a file the manifest covers" in p.message, p.message


def test_verify_words_added_inputs_counts_notebooks_apart_and_names_the_manifest_line(
        tmp_path, capsys):
    """Reviewer s19, finding 11: an added transcript or notebook was told it was 'a
    different version of this input; restore it'; 'N input(s) differ' counted notebooks;
    a checksum edited in the manifest was reported without the manifest's line."""
    from citra_eval.cli import main

    root = _project(tmp_path)
    rep = _as_built(root)
    shutil.copy(root / "interview_transcripts" / "INF01.txt",
                root / "interview_transcripts" / "INF02.txt")
    shutil.copy(root / "notebooks" / "01-table.ipynb", root / "notebooks" / "08-mine.ipynb")
    (root / "data" / "raw" / "codebook.yaml").rename(root / "data" / "raw" / "old.yaml.bak")
    manifest = rep / "MANIFEST.sha256"
    lines = manifest.read_text().splitlines()
    lines[1] = ("1" if lines[1][0] == "0" else "0") + lines[1][1:]
    manifest.write_text("\n".join(lines) + "\n")
    assert main(["verify", "--root", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "reports/tables/env.csv: differs from the manifest, line 2"
    added = [ln for ln in err if ": added since" in ln]
    assert [ln.split(": ")[0] for ln in added] == ["interview_transcripts/INF02.txt",
                                                    "notebooks/08-mine.ipynb"]
    assert not any("different version" in ln or "restore it" in ln for ln in added)
    assert all("remove it" in ln for ln in added)
    (removed,) = [ln for ln in err if ": removed since" in ln]
    assert "restore it" in removed
    assert err[-1] == "2 inputs and 1 notebook differ from reports/provenance.json"


def test_verify_refuses_a_provenance_without_its_sections_and_says_what_it_checked(
        tmp_path, capsys):
    """Reviewer s19, finding 8: a provenance.json without 'inputs' and 'notebooks' made
    verify say 'the inputs and notebooks match' though nothing was compared."""
    from citra_eval.cli import main
    from citra_eval.outputs import write_manifest

    root = _project(tmp_path)
    rep = _as_built(root)
    assert main(["verify", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out == ("ok: 1 figure(s) and table(s) and provenance.json match "
                   "reports/MANIFEST.sha256, and the 3 raw inputs and 2 notebooks match the "
                   "checksums reports/provenance.json records; the executed notebooks in "
                   "reports/notebooks/ are not checked (see docs/reproduce.md)\n")
    prov = json.loads((rep / "provenance.json").read_text())
    for gone in ("notebooks", "inputs"):
        del prov[gone]
        (rep / "provenance.json").write_text(json.dumps(prov))
        write_manifest(rep)
        assert main(["verify", "--root", str(root)]) == 2
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith("error: reports/provenance.json: ") and f"'{gone}'" in line
    (rep / "provenance.json").unlink()
    write_manifest(rep)
    assert main(["verify", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "match reports/provenance.json" not in out and "not checked" in out


def test_check_names_the_inputs_changed_since_the_reports_were_built(tmp_path, monkeypatch,
                                                                     capsys):
    """Reviewer s19, finding 4: 'reproduce --check' listed the differing files but never
    the input (changed with its checksum line) the reports were not built from."""
    from citra_eval.cli import main

    root = _project(tmp_path)
    rep = _as_built(root)
    with (root / "data" / "raw" / "codebook.yaml").open("a") as fh:
        fh.write("# edited\n")
    rp.write_raw_checksums(root)

    def build(r, out, prepared, **kwargs):
        shutil.copytree(rep / "tables", out / "tables")
        shutil.copy(rep / "provenance.json", out / "provenance.json")
        return {}

    monkeypatch.setattr(rp, "_build", build)
    res = rp.reproduce(root, check=True)
    assert [ln.split(": ")[0] for ln in res.inputs] == ["data/raw/codebook.yaml"]
    capsys.readouterr()
    assert main(["reproduce", "--check", "--root", str(root)]) == 0
    err = capsys.readouterr().err
    assert "note: data/raw/codebook.yaml: changed since the reports were built" in err
