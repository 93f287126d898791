"""Hostile input, round two (issue 16): every case of the adversarial probe, each with its
constructed input, each under a time and memory bound.

The bounds (``LIMIT_S`` seconds, ``LIMIT_MEM`` bytes of address space) are safety nets
against hangs and memory blow-ups, not performance claims (those live in benchmarks/): a
regression fails here instead of hanging CI. Risky cases run in a separate process with
``resource`` limits, killed with their whole process group on timeout.

Test names carry the issue's item number (``test_01_...`` to ``test_15_...``).
"""

from __future__ import annotations

import io
import os
import re
import resource
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT
from test_bad_input import CODEBOOK, CODINGS, INSTRUMENT, KEY, RESPONSES, TRANSCRIPT

# nearly every case runs in its own process
pytestmark = pytest.mark.slow

LIMIT_S = 60
LIMIT_MEM = 2 << 30


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def _limit_memory(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


def bounded(argv: list[str], *, cwd: str | os.PathLike | None = None, timeout: float = LIMIT_S,
            memory: int = LIMIT_MEM, env: dict | None = None) -> Run:
    """Run ``argv`` under the time and memory bound; fail the test (never hang) on timeout."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    proc = subprocess.Popen(argv, cwd=cwd or ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=full_env,
                            preexec_fn=_limit_memory(memory), start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{' '.join(map(str, argv[:6]))} ... still running after {timeout} s")
    return Run(proc.returncode, out, err)


def cli(*args: str, **kw) -> Run:
    """``python -m citra_eval ARGS`` under the bound."""
    return bounded([sys.executable, "-m", "citra_eval", *map(str, args)], **kw)


def python(code: str, **kw) -> Run:
    """A Python snippet under the bound."""
    return bounded([sys.executable, "-c", textwrap.dedent(code)], **kw)


def assert_error(r: Run, path: str | os.PathLike, *, fragment: str = "") -> None:
    """Exit 2, no traceback, every stderr line ``error: <path>...``, ``fragment`` in it."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr[-3000:])
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    lines = r.stderr.strip().splitlines()
    assert lines and all(ln.startswith(f"error: {path}") for ln in lines), r.stderr
    assert fragment in r.stderr, r.stderr


def write(base: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        p = base / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return base


def small_study(base: Path) -> Path:
    """A study folder in the contract's layout, with two coders."""
    return write(base, {
        "interview_transcripts/a.txt": TRANSCRIPT,
        "data/raw/codebook.yaml": CODEBOOK,
        "data/raw/codings_A.csv": CODINGS,
        "data/raw/codings_B.csv": CODINGS.replace(",A\n", ",B\n"),
        "data/raw/instrument.yaml": INSTRUMENT,
        "data/raw/survey_responses.csv": RESPONSES,
        "key.csv": KEY,
    })


# =========================================================================== 1. outputs


def test_01_agree_out_inside_the_transcripts_folder_is_refused(tmp_path):
    s = small_study(tmp_path)
    tr = s / "interview_transcripts"
    before = (tr / "a.txt").read_bytes()
    r = cli("agree", "--transcripts", tr, "--codings", s / "data/raw/codings_A.csv",
            s / "data/raw/codings_B.csv", "--n-boot", "0", "--out", tr / "a.txt")
    assert_error(r, tr / "a.txt", fragment="lies inside the input folder")
    assert (tr / "a.txt").read_bytes() == before
    r = cli("agree", "--transcripts", tr, "--codings", s / "data/raw/codings_A.csv",
            s / "data/raw/codings_B.csv", "--n-boot", "0", "--out", tr / "new.csv")
    assert_error(r, tr / "new.csv", fragment="lies inside the input folder")
    assert not (tr / "new.csv").exists()


def test_01_key_out_onto_an_input_transcript_is_refused(tmp_path):
    s = small_study(tmp_path)
    tr = s / "interview_transcripts"
    before = (tr / "a.txt").read_bytes()
    r = cli("pseudonymise", "--transcripts", tr, "--key", s / "key.csv", "--out",
            tmp_path / "shared", "--key-out", tr / "a.txt")
    assert_error(r, tr / "a.txt")
    assert (tr / "a.txt").read_bytes() == before
    assert not (tmp_path / "shared").exists()
    r = cli("pseudonymise", "--transcripts", tr, "--key", s / "key.csv", "--out",
            tmp_path / "shared", "--key-out", s / "key.csv")
    assert_error(r, s / "key.csv", fragment="is one of the command's inputs (--key)")


def test_01_code_over_a_coders_manual_codings_needs_force(tmp_path):
    s = small_study(tmp_path)
    target = s / "data/raw/codings_A.csv"
    r = cli("code", "--transcripts", s / "interview_transcripts", "--codebook",
            s / "data/raw/codebook.yaml", "--out", target)
    assert_error(r, target, fragment="raw-data file of the study")
    assert target.read_text() == CODINGS
    # a new file in the raw folder is fine, and --force replaces deliberately
    r = cli("code", "--transcripts", s / "interview_transcripts", "--codebook",
            s / "data/raw/codebook.yaml", "--out", s / "data/raw/codings_auto.csv")
    assert r.returncode == 0, r.stderr
    r = cli("code", "--transcripts", s / "interview_transcripts", "--codebook",
            s / "data/raw/codebook.yaml", "--out", target, "--force")
    assert r.returncode == 0, r.stderr
    assert ",auto" in target.read_text()


def test_01_two_outputs_on_one_path_are_refused(tmp_path):
    s = small_study(tmp_path)
    out = tmp_path / "same.csv"
    r = cli("agree", "--transcripts", s / "interview_transcripts", "--codings",
            s / "data/raw/codings_A.csv", s / "data/raw/codings_B.csv", "--n-boot", "0",
            "--out", out, "--disagreements", out)
    assert_error(r, out, fragment="name the same path")


# =========================================================================== 2. names


def _pseudonymise(tmp_path: Path, files: dict[str, str], key: str = "name,pseudonym\n"
                  "Budi,INF01\nBudi Santoso,INF02\n", codings: str | None = None,
                  codebook: str | None = None) -> Path:
    base = write(tmp_path, {**{f"tr/{n}": t for n, t in files.items()}, "key.csv": key,
                            **({"codings.csv": codings} if codings else {}),
                            **({"cb.yaml": codebook} if codebook else {})})
    argv = ["pseudonymise", "--transcripts", base / "tr", "--key", base / "key.csv", "--out",
            base / "shared", "--key-out", base / "private/key.csv"]
    if codings:
        argv += ["--codings", base / "codings.csv"]
    if codebook:  # shared as shared/codebook.yaml (qdpx export takes no other)
        argv += ["--codebook", base / "cb.yaml"]
    r = cli(*argv)
    assert r.returncode == 0, r.stderr
    return base


def _reidentified(base: Path, codings: bool = False) -> Path:
    argv = ["reidentify", "--transcripts", base / "shared/transcripts", "--key",
            base / "private/key.csv", "--out", base / "back"]
    if codings:
        argv += ["--codings", base / "shared/codings/codings.csv"]
    r = cli(*argv)
    assert r.returncode == 0, r.stderr
    return base / "back"


def _leaks(folder: Path, name: str = "budi") -> list[str]:
    return [f"{p}: {p.read_text()}" for p in folder.rglob("*")
            if p.is_file() and (name in p.read_text().lower() or name in p.name.lower())]


def test_02_coder_and_extra_codings_columns_are_pseudonymised(tmp_path):
    import citra_eval as ce

    codings = ("doc_id,segment_id,start,end,code,coder,memo,score\n"
               "INF01,2,31,39,kerja_sama,Budi,\"kata Budi, bukan Budi Santoso\",0.5\n")
    base = _pseudonymise(tmp_path, {"a.txt": TRANSCRIPT}, codings=codings, codebook=CODEBOOK)
    assert not _leaks(base / "shared")
    row = ce.read_codings(base / "shared/codings/codings.csv").iloc[0]
    assert (row.coder, row.memo) == ("INF01", "kata INF01, bukan INF02")
    # ... and so the REFI-QDA user names of an export are pseudonyms too
    r = cli("qdpx", "export", "--transcripts", base / "shared/transcripts", "--codebook",
            base / "shared/codebook.yaml", "--codings",
            base / "shared/codings/codings.csv", "--out", tmp_path / "shared.qdpx")
    assert r.returncode == 0, r.stderr
    import zipfile

    with zipfile.ZipFile(tmp_path / "shared.qdpx") as zf:
        assert b"Budi" not in zf.read("project.qde")
    back = ce.read_codings(_reidentified(base, codings=True) / "codings/codings.csv").iloc[0]
    assert (back.coder, back.memo, back.score) == ("Budi", "kata Budi, bukan Budi Santoso", "0.5")


def _sentence_round_trip(tmp_path: Path, sentence: str) -> tuple[str, str, str]:
    """A transcript saying ``sentence``, pseudonymised and re-identified: (its body, the
    shared transcript, the re-identified transcript)."""
    text = TRANSCRIPT.replace("Kami bermitra dengan media.", sentence)
    base = _pseudonymise(tmp_path, {"a.txt": text})
    return (text.split("---\n")[-1], (base / "shared/transcripts/INF01.txt").read_text(),
            (_reidentified(base) / "transcripts/INF01.txt").read_text())


def test_02_clitic_forms_of_a_keyed_name_are_replaced(tmp_path):
    body, out, back = _sentence_round_trip(
        tmp_path, "Budinya datang; Budilah yang tahu. Budikah? Budipun, Budiku, "
                  "Budimu, Budinyalah, budi-nya. Budiman dan Budisatrio lain orang.")
    assert ("INF01nya datang; INF01lah yang tahu. INF01kah? INF01pun, INF01ku, INF01mu, "
            "INF01nyalah, INF01-nya. Budiman dan Budisatrio lain orang.") in out
    assert back.endswith(body)


def test_02_codings_after_a_nameless_subtitle_cue_point_at_the_shared_turn(tmp_path):
    """A cue naming no speaker is a segment of its own in a subtitle file, but continues the
    turn before it in the .txt file it is shared as: the shared codings number the turns as
    the shared files do, so they and the re-identified ones are valid."""
    import citra_eval as ce

    srt = ("1\n00:00:01,000 --> 00:00:04,000\nP: Apa?\n\n2\n00:00:05,000 --> 00:00:08,000\n"
           "Informasi.\n\n3\n00:00:09,000 --> 00:00:10,000\nBudi: Ya betul.\n")
    original = ce.read_transcripts(write(tmp_path / "o", {"n.srt": srt}))
    seg = original.segments
    assert seg["speaker"].tolist() == ["P", "", "Budi"]
    row = seg.iloc[2]
    codings = f"doc_id,segment_id,start,end,code,coder\nn,3,{row.start},{row.end},k,A\n"
    base = _pseudonymise(tmp_path, {"n.srt": srt}, codings=codings)
    shared = ce.read_transcripts(base / "shared/transcripts")
    coded = ce.read_codings(base / "shared/codings/codings.csv", corpus=shared)
    assert coded["segment_id"].tolist() == [2] and coded["text"].tolist() == ["Ya betul."]
    back = _reidentified(base, codings=True)
    restored = ce.read_codings(back / "codings/codings.csv", corpus=ce.read_transcripts(
        back / "transcripts"))
    assert restored["segment_id"].tolist() == [2]


@pytest.mark.parametrize("suffix,body", [
    (".vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v P>Halo Budi\n\n"
             "00:00:03.000 --> 00:00:04.000\n<v Budi>Apa kabar\n"),
    (".srt", "1\n00:00:01,000 --> 00:00:02,000\nP: Halo Budi\n\n2\n00:00:03,000 --> "
             "00:00:04,000\nBudi: Apa kabar\n"),
])
def test_02_a_name_in_a_subtitle_file_name_leaves_id_and_file_name(tmp_path, suffix, body):
    import citra_eval as ce

    base = _pseudonymise(tmp_path, {f"wawancara_Budi{suffix}": body, "INF01.txt": TRANSCRIPT})
    assert sorted(p.name for p in (base / "shared/transcripts").iterdir()) == [
        "INF01.txt", "wawancara_INF01.txt"]
    assert not _leaks(base / "shared")
    assert not [ln for ln in (base / "shared/pseudonymisation_report.csv").read_text()
                .splitlines() if "budi" in ln.lower()]
    # the output is valid input, and reidentify gives the original id back
    corpus = ce.read_transcripts(base / "shared/transcripts")
    assert corpus.doc_ids == ["INF01", "wawancara_INF01"]
    back = ce.read_transcripts(_reidentified(base) / "transcripts")
    assert back.doc_ids == ["INF01", "wawancara_Budi"]
    assert back.text("wawancara_Budi") == ce.read_transcripts(base / "tr").text("wawancara_Budi")


def test_02_reidentify_restores_nested_front_matter(tmp_path):
    text = TRANSCRIPT.replace("group: pemerintah\n", "group: pemerintah\nmeta:\n  by: Budi\n"
                              "  team: [Budi Santoso, Ani]\n  Budi: ketua\n")
    base = _pseudonymise(tmp_path, {"a.txt": text})
    shared = (base / "shared/transcripts/INF01.txt").read_text()
    assert "budi" not in shared.lower() and "INF02" in shared
    import yaml

    def front(path: Path) -> dict:
        return yaml.safe_load(path.read_text().split("---\n")[1])

    assert front(_reidentified(base) / "transcripts/INF01.txt") == front(base / "tr/a.txt")


def test_02_one_phone_number_one_token_whatever_its_format(tmp_path):
    body, out, back = _sentence_round_trip(
        tmp_path, "Telp (021) 555-1234, 021-555-1234, 021 5551234, +62 21 5551234 "
                  "atau (0511) 3352 200.")
    assert ("Telp [TELEPON-1], [TELEPON-1], [TELEPON-1], [TELEPON-2] atau [TELEPON-3].") in out
    assert "(" not in out.split("---\n")[-1]  # the leading parenthesis goes with the number
    assert back.endswith(body)


# =========================================================================== 3. key mode


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_03_reidentification_key_is_owner_only_whatever_the_umask(tmp_path, umask):
    import stat

    s = small_study(tmp_path)
    key_out = tmp_path / "private" / "key_full.csv"
    r = bounded(["sh", "-c", f"umask {umask:03o} && exec {sys.executable} -m citra_eval "
                 f"pseudonymise --transcripts {s / 'interview_transcripts'} --key "
                 f"{s / 'key.csv'} --out {tmp_path / 'shared'} --key-out {key_out} "
                 "--with-originals"])
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(key_out.stat().st_mode) == 0o600
    # the report with the originals inside OUT too; the shared transcripts keep the umask
    report = tmp_path / "shared/pseudonymisation_report.csv"
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    shared = next((tmp_path / "shared/transcripts").iterdir())
    assert stat.S_IMODE(shared.stat().st_mode) == 0o666 & ~umask


# =========================================================================== 4. outside a study


@pytest.mark.parametrize("argv", [["verify"], ["reproduce"], ["reproduce", "--check"]])
def test_04_outside_a_study_verify_and_reproduce_exit_2(tmp_path, argv):
    before = sorted((ROOT / "reports").rglob("*"))
    r = cli(*argv, cwd=tmp_path)
    assert_error(r, ".", fragment="not inside a study folder")
    assert not (tmp_path / "reports").exists()
    assert sorted((ROOT / "reports").rglob("*")) == before


# =========================================================================== 5. --out folders


def _qdpx_with(tmp_path: Path, docs: dict[str, str], name: str) -> Path:
    """A .qdpx of transcripts ``docs`` (``{doc_id: body}``), exported by the package."""
    import citra_eval as ce
    from citra_eval.codings import empty_codings

    corpus = ce.Corpus.from_texts({
        f"{d}.txt": f"---\nid: {d}\nspeakers: {{I: informant}}\n---\n{body}\n"
        for d, body in docs.items()})
    cb = ce.Codebook.load(write(tmp_path, {"cb.yaml": CODEBOOK}) / "cb.yaml")
    out = tmp_path / name
    ce.write_qdpx(out, corpus, cb, empty_codings())
    return out


def test_05_qdpx_import_replaces_stale_transcripts(tmp_path):
    first = _qdpx_with(tmp_path, {"A1": "I: satu", "A2": "I: dua"}, "first.qdpx")
    second = _qdpx_with(tmp_path, {"B1": "I: tiga"}, "second.qdpx")
    out = tmp_path / "imported"
    assert cli("qdpx", "import", first, "--out", out).returncode == 0
    r = cli("qdpx", "import", second, "--out", out)  # files there are replaced only with --force
    assert r.returncode == 2 and "transcripts/A1.txt" in r.stderr, r.stderr
    r = cli("qdpx", "import", second, "--out", out, "--force")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (out / "transcripts").iterdir()) == ["B1.txt"]
    r = cli("validate", "--transcripts", out / "transcripts")
    assert "1 document," in r.stdout


def test_05_out_folder_with_other_files_needs_force(tmp_path):
    s = small_study(tmp_path)
    out = tmp_path / "survey_out"
    write(out, {"mine.txt": "keep me"})
    argv = ["survey", "--instrument", s / "data/raw/instrument.yaml", "--responses",
            s / "data/raw/survey_responses.csv", "--out", out]
    r = cli(*argv)
    assert_error(r, out, fragment="holding files this command does not write (mine.txt)")
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    r = cli(*argv, "--force")
    assert r.returncode == 0, r.stderr
    assert (out / "mine.txt").read_text() == "keep me" and (out / "likert.csv").is_file()
    # a re-run into a folder holding only the command's own files needs no --force, and
    # a table the new run does not write is removed
    (out / "mine.txt").unlink()
    write(out, {"image_model.csv": "stale\n"})
    assert cli(*argv).returncode == 0
    assert not (out / "image_model.csv").exists()


# =========================================================================== 6. formulas

FORMULAS = ['=HYPERLINK("http://evil","klik")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "'=already quoted"]


def _formula_safe(cell: str) -> bool:
    return not cell or cell[0] not in "=+-@\t\r" or _number(cell)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_06_codings_csv_neutralised_and_round_trip(tmp_path):
    import citra_eval as ce

    table = pd.DataFrame({"doc_id": ["INF01"] * len(FORMULAS), "segment_id": 2,
                          "start": range(len(FORMULAS)), "end": 39, "code": "kerja_sama",
                          "coder": "A", "evidence": FORMULAS, "note": "-1"})
    path = tmp_path / "codings.csv"
    ce.write_codings(table, path)
    rows = list(pd.read_csv(path, dtype=str, keep_default_na=False).itertuples(index=False))
    assert all(_formula_safe(r.evidence) for r in rows)
    assert {r.note for r in rows} == {"-1"}  # a number stays a number
    back = ce.read_codings(path)
    # a carriage return inside a cell is read as LF, like every line end the package reads
    assert back["evidence"].tolist() == [f.replace("\r", "\n") for f in FORMULAS]
    assert back["note"].tolist() == ["-1"] * len(FORMULAS)


def test_06_every_table_writer_neutralises(tmp_path):
    import citra_eval as ce

    frame = pd.DataFrame({"text": FORMULAS, "x": [-1.5] * len(FORMULAS)},
                         index=pd.Index(["@" + str(i) for i in range(len(FORMULAS))],
                                        name="=idx"))
    ce.save_table(frame, "t", out_dir=tmp_path)
    ce.save_case_matrix(frame, tmp_path / "m.csv")
    for name in ("t.csv", "m.csv"):
        cells = [c for row in pd.read_csv(tmp_path / name, dtype=str, header=None,
                                          keep_default_na=False).to_numpy() for c in row]
        assert all(_formula_safe(c) for c in cells), (name, cells)
        assert "-1.5000" in cells or "-1.5" in cells  # numbers are not quoted


def test_06_xlsx_cells_are_text_not_formulas(tmp_path):
    import citra_eval as ce

    frame = pd.DataFrame({"=x": FORMULAS, "n": range(-3, len(FORMULAS) - 3)},
                         index=pd.Index(FORMULAS, name="code"))
    ce.save_case_matrix(frame, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"]
    assert risky and all(c.quotePrefix for c in risky)
    assert [c.value for c in ws["B"][1:]] == FORMULAS  # the text itself is kept
    assert [c.value for c in ws["C"][1:]] == list(range(-3, len(FORMULAS) - 3))
    # pandas (and so the package's readers) get the exact text back
    back = pd.read_excel(tmp_path / "m.xlsx", index_col=0)
    assert back["=x"].tolist() == FORMULAS
    assert xlsx_has_no_formula(tmp_path / "m.xlsx")


def xlsx_has_no_formula(path: Path) -> bool:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in zf.namelist()
                       if n.startswith("xl/worksheets/"))


def test_06_pseudonymise_and_agree_outputs_are_neutralised(tmp_path):
    s = small_study(tmp_path)
    codings = s / "data/raw/codings_A.csv"
    codings.write_text("doc_id,segment_id,start,end,code,coder,note\n"
                       'INF01,2,31,39,kerja_sama,A,"=HYPERLINK(""http://x"")"\n')
    r = cli("pseudonymise", "--transcripts", s / "interview_transcripts", "--key",
            s / "key.csv", "--codings", codings, "--out", tmp_path / "shared")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "shared/codings/codings_A.csv").read_text()
    assert "'=HYPERLINK" in text
    import citra_eval as ce

    back = ce.read_codings(tmp_path / "shared/codings/codings_A.csv")
    assert back["note"].tolist() == ['=HYPERLINK("http://x")']


def test_06_restore_only_undoes_what_was_added():
    from citra_eval._files import neutralise_cell, restore_cell

    for text in [*FORMULAS, "'", "''", "'hello", "''=x", "-1", "-1.5e-3", "-inf", "+62 812",
                 "plain", "", "@", "=", "'-", "-"]:
        written = neutralise_cell(text)
        assert restore_cell(written) == text, (text, written)
        assert not written or written[0] not in "=+-@\t\r" or _number(written)


def test_06_long_cells_read_back(tmp_path):
    """Item 14: CSV cells over 128 KiB (written by the package itself) are read."""
    import citra_eval as ce

    long = "x" * (300 << 10)
    table = pd.DataFrame({"doc_id": ["INF01"], "segment_id": [2], "start": [31], "end": [39],
                          "code": ["kerja_sama"], "coder": ["A"], "note": [long]})
    ce.write_codings(table, tmp_path / "c.csv")
    assert ce.read_codings(tmp_path / "c.csv")["note"].iloc[0] == long


def test_06_bounded_runner_catches_a_hang():
    """The safety net itself: a sleeping process is killed and the test fails."""
    with pytest.raises(pytest.fail.Exception, match="still running"):
        python("import time; time.sleep(30)", timeout=1)


def test_06_bounded_runner_catches_memory():
    r = python("x = bytearray(3 << 30)")
    assert r.returncode != 0 and "MemoryError" in r.stderr




# =========================================================================== 7. YAML aliases


def _alias_bomb(indent: str = "") -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) strings from 600 bytes."""
    lines = [f'{indent}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"{indent}l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_07_alias_bomb_in_front_matter_is_refused(tmp_path):
    tr = write(tmp_path, {"tr/a.txt": "---\nid: INF01\nbomb:\n" + _alias_bomb("  ")
                          + "speakers: {I: informant}\n---\nI: halo\n"}) / "tr"
    assert (tr / "a.txt").stat().st_size < 1024
    r = cli("validate", "--transcripts", tr, memory=1 << 30, timeout=30)
    assert_error(r, tr / "a.txt", fragment="expand this document to more than 10,000,000")


def test_07_alias_bomb_in_codebook_description_is_refused(tmp_path):
    cb = write(tmp_path, {"cb.yaml": CODEBOOK.replace("codebook: demo\n", "codebook: demo\n"
                                                      + _alias_bomb() + "description: *l9\n")})
    r = cli("validate", "--codebook", cb / "cb.yaml", memory=1 << 30, timeout=30)
    assert_error(r, cb / "cb.yaml", fragment="an alias bomb")


def test_07_recursive_alias_is_refused_and_plain_aliases_still_work(tmp_path):
    import citra_eval as ce

    tr = write(tmp_path, {"tr/a.txt": "---\nid: X\nloop: &a [1, *a]\n---\nhalo\n"}) / "tr"
    r = cli("validate", "--transcripts", tr, memory=1 << 30, timeout=30)
    assert_error(r, tr / "a.txt:2", fragment="recursive structure")
    (tr / "a.txt").write_text("---\nid: X\nby: &p Budi\nchecked: *p\n---\nhalo\n")
    assert ce.read_transcripts(tr).documents.loc[0, "checked"] == "Budi"


# =========================================================================== 8. docx bombs


def test_08_docx_zip_bomb_is_refused(tmp_path):
    """A .docx whose document.xml unpacks 1000-fold (100 MB from 100 KB): refused before
    python-docx reads it."""
    import zipfile

    import docx

    tr = tmp_path / "tr"
    tr.mkdir()
    good = tmp_path / "good.docx"
    docx.Document().save(good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tr / "bomb.docx", "w",
                                                       zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
        with dst.open("word/document.xml", "w") as fh:
            fh.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                     b'.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            for _ in range(100):
                fh.write(b" " * (1 << 20))
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    assert (tr / "bomb.docx").stat().st_size < (1 << 20)
    r = cli("validate", "--transcripts", tr, memory=1 << 30, timeout=60)
    assert_error(r, tr / "bomb.docx", fragment="looks like a zip bomb")


def test_08_docx_not_a_zip_names_the_fix(tmp_path):
    tr = write(tmp_path, {"tr/a.docx": b"PK\x03\x04 not really a zip"}) / "tr"
    r = cli("validate", "--transcripts", tr)
    assert_error(r, tr / "a.docx", fragment="save it again as .docx")


def _docx_with(tmp_path, name: str, document_xml) -> Path:
    """A .docx saved by python-docx (one paragraph ``XYZZY``) whose ``word/document.xml`` is
    ``document_xml(original bytes)``; in ``tmp_path/tr``."""
    import zipfile

    import docx

    tr = tmp_path / "tr"
    tr.mkdir(exist_ok=True)
    doc = docx.Document()
    doc.add_paragraph("XYZZY here")
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(tr / name, "w") as dst:
        for n in src.namelist():
            data = src.read(n)
            dst.writestr(n, document_xml(data) if n == "word/document.xml" else data)
    return tr / name


@pytest.mark.parametrize("dtd", [
    b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
])
def test_08_docx_with_a_dtd_is_refused(tmp_path, dtd):
    """An entity in a .docx part would silently lose the paragraph using it (python-docx
    does not expand it), a billion laughs gives an lxml error: both are unsafe XML, refused
    as in a .qdpx."""
    ref = b"&x;" if b"ENTITY x" in dtd else b"&c;"
    f = _docx_with(tmp_path, "a.docx", lambda b: b'<?xml version="1.0"?>' + dtd
                   + b.split(b"?>", 1)[1].replace(b"XYZZY", ref))
    r = cli("validate", "--transcripts", f.parent)
    assert_error(r, f, fragment="word/document.xml: unsafe XML refused")
    # UTF-16, as XML may be encoded, too
    f.unlink()
    f = _docx_with(tmp_path, "b.docx", lambda b: ('<?xml version="1.0" encoding="UTF-16"?>'
                   + dtd.decode() + b.split(b"?>", 1)[1].decode()).encode("utf-16"))
    r = cli("validate", "--transcripts", f.parent)
    assert_error(r, f, fragment="unsafe XML refused")


# =========================================================================== 9. regexes

EVIL = "(a+)+$"
#: On this text, (a+)+$ backtracks 2**40 times (hours), if it were ever run.
EVIL_TEXT = TRANSCRIPT.replace("Kami bermitra dengan media.", "a" * 40 + "!")


def _evil_codebook(regex: str = EVIL) -> str:
    return CODEBOOK.replace("patterns: [bermitra]", f"patterns: [bermitra, {{regex: '{regex}'}}]")


#: Refused regexes and why: nested quantifiers, and alternatives under repetition that can
#: start alike ((a|a)*$ tries 2**n splits of a run of n 'a' not at the end; (a|aa)*$ 1.6**n).
REFUSED_REGEXES = [(r, "nested quantifiers") for r in
                   [EVIL, "(a*)*b", r"(?:\\w+\\s?)*x", "(x{1,9}){2,}"]] + [
    (r, "alternatives inside a repeated group") for r in
    ["(a|a)*$", "(a|aa)*$", "(a|b|ab)*$", "(.|a)*$", "((a|aa)b?)*$"]] + [
    # runs that can split a run of characters between them: a*a*c took over 60 s on one
    # turn of 30,000 'a', [a-z ]*[a-z ]*humas[0-9] over 90 s on a 5 KB turn
    (r, "two repetitions in a row") for r in
    ["a*a*c", "[a-z ]*[a-z ]*humas[0-9]", "a+x?a+c", r"\w+\s*\w+c", ".*.*x"]] + [
    # groups of optional items repeated: (?:\w?\s?){25}! ran for minutes on one 40-character
    # tweet, (?:a?){30}a{30} for 50 s, (?:\w?)+x over a second on a 5 KB turn
    (r, "optional part") for r in
    ["(?:a?){30}a{30}", r"(?:\w?\s?){25}!", r"(?:\w?)+x", r"(?:[a-z]?\s?){20}!", "(a?)+$",
     r"(?:\w\s?\w?)+!"]] + [
    # an atomic group backtracks fully inside itself: only what is outside it is protected
    ("(?>(a+)+b)", "nested quantifiers")]


@pytest.mark.parametrize(("regex", "why"), REFUSED_REGEXES)
def test_09_catastrophic_regexes_refused_by_validate_and_code(tmp_path, regex, why):
    s = small_study(tmp_path)
    (s / "interview_transcripts/a.txt").write_text(EVIL_TEXT)
    cb = s / "data/raw/codebook.yaml"
    cb.write_text(_evil_codebook(regex))
    r = cli("validate", "--codebook", cb, timeout=30)
    assert_error(r, f"{cb}:10", fragment=why)
    r = cli("code", "--transcripts", s / "interview_transcripts", "--codebook", cb, "--out",
            tmp_path / "auto.csv", timeout=30)
    assert_error(r, f"{cb}:10", fragment="is refused")
    assert not (tmp_path / "auto.csv").exists()


def test_09_ordinary_regexes_are_still_accepted():
    from citra_eval._validation import regex_hazard

    for ok in [r"\bbamara\b|badapatan", r"e-?gov(ernment)?\b", "(ab|cd)+", "a{2,5}", "(a+)++",
               r"(?i)mou", r"\d{4}[ .-]?\d{4}", "kerja ?sama", "(?:di)?tanggapi",
               "(?:a?)++", "(?:ab?)?", r"(?:\w?\s?){1}x", "(?:ab?)+x", r"(?:\w\s?)+!",
               # alternatives that start differently, or whose choice the next character
               # settles; possessive repetition; classes (the parser merges (\w|\d) into one)
               "(a|ab)*$", "(ab|a)*$", "(kerja|kerjasama)+x", "(x(a|aa))*$", "(?:a|aa)*+",
               r"(\w|\d)*$", r"(?:[a-z]|[0-9])+", "(ba|b)+c",
               # runs kept apart by what must match a character of its own
               r"\w+\s+\w+", "a*b+a*", r"kerja\s*sama", r".*humas.*", "a*+a*c"]:
        assert regex_hazard(ok) is None, ok


def test_09_the_inside_of_an_atomic_group_is_judged():
    from citra_eval._validation import regex_hazard

    # (?>(a+)+b) took over 30 s on one 41-character turn: the group gives nothing back once
    # it has matched, but it backtracks as much as any group while it is matching
    for bad in ["(?>(a+)+b)", r"(?>(?:\w+\s?)+$)", "(?>(a|aa)*)$", "(?>a*a*c)",
                "x(?>(?:a?){30}a{30})"]:
        assert regex_hazard(bad), bad
    for ok in ["(?>a+)b", r"(?>\w+)\s", "(?>ab|a)c"]:
        assert regex_hazard(ok) is None, ok


def test_09_matcher_refuses_a_catastrophic_regex_given_in_python():
    import citra_eval as ce

    cb = ce.Codebook.from_dict(__import__("yaml").safe_load(CODEBOOK))
    cb["kerja_sama"].patterns.append(ce.Pattern(EVIL, "regex"))
    with pytest.raises(ValueError, match="nested quantifiers"):
        ce.Matcher.from_codebook(cb)


def test_09_catastrophic_regex_in_a_qdpx_code_description_is_not_imported(tmp_path):
    import zipfile

    import citra_eval as ce
    from citra_eval.codings import empty_codings

    corpus = ce.Corpus.from_texts({"a.txt": EVIL_TEXT})
    cb = ce.Codebook.load(write(tmp_path, {"cb.yaml": _evil_codebook("(b+)x")}) / "cb.yaml")
    good = tmp_path / "good.qdpx"
    ce.write_qdpx(good, corpus, cb, empty_codings())
    evil = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "project.qde":
                assert b"Regex: (b+)x" in data
                data = data.replace(b"Regex: (b+)x", b"Regex: " + EVIL.encode())
            dst.writestr(info, data)
    out = tmp_path / "imported"
    r = cli("qdpx", "import", evil, "--out", out, timeout=60)
    assert r.returncode == 0, r.stderr
    assert EVIL not in (out / "codebook.yaml").read_text()
    # not in silence: a note names the code and the regex (docs/qdpx.md)
    assert f"the regex '{EVIL}' of its description was left out: a repeated group holds " \
        "another repetition" in r.stderr, r.stderr
    assert r.stderr.count("note: code ") == 1, r.stderr
    r = cli("code", "--transcripts", out / "transcripts", "--codebook", out / "codebook.yaml",
            "--out", tmp_path / "auto.csv", timeout=60)
    assert r.returncode == 0, r.stderr


# =========================================================================== 9, 15. reproduce runs


def _toy_study(base: Path, cells: list[str]) -> Path:
    """test_pipeline's toy study, its second notebook replaced by ``cells``."""
    from test_pipeline import PARAMS, _notebook, _project

    from citra_eval import pipeline

    root = _project(base)
    _notebook(root / "notebooks" / "02-figure.ipynb", cells, PARAMS)
    pipeline.write_raw_checksums(root)
    return root


#: A cell that holds the interpreter in C (no thread of the kernel can run meanwhile).
HANG = "import re\nre.search('(a+)+$', 'a' * 64 + '!')"


def _kernels_under(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (the kernels of runs using it as TMPDIR)."""
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in cmd and b"kernel-connection" in cmd:
                out.append(int(proc.name))
    return out


def _wait_for(cond, timeout: float = 60.0) -> bool:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def test_09_a_cell_running_too_long_stops_the_run(tmp_path):
    root = _toy_study(tmp_path, [HANG])
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    r = cli("reproduce", "--root", root, "--cell-timeout", "3", env={"TMPDIR": str(tmp)},
            timeout=180)
    # not a bug: exit 2, one error line naming the notebook and the cell and the option,
    # and none of the runner's log lines ("Timeout waiting for execute reply")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if not ln.startswith("warning: ")]
    assert lines == ["error: notebooks/02-figure.ipynb: cell 3: ran longer than 3 s (reproduce "
                     "--cell-timeout); if it needs longer, give it more time (e.g. "
                     "--cell-timeout 12), else a pattern or a loop may never end"], r.stderr
    assert not (root / "reports").exists()
    assert _wait_for(lambda: not _kernels_under(tmp), 30)
    for bad in ("0", "0.5", "2.5", "inf", "nan"):  # the runner counts whole seconds
        r = cli("reproduce", "--root", root, "--cell-timeout", bad)
        assert_error(r, "citra-eval", fragment="--cell-timeout must be a positive whole number")


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_15_the_parent_watch_ends_a_kernel_whose_run_died():
    """Where the parent-death signal is missing (macOS, the BSDs) a thread of the kernel
    watches its parent; shown here on Linux with the same code: the process whose parent
    exits ends itself."""
    from citra_eval import pipeline

    # the parent's id comes as an argument, as reproduce passes its own to the launcher
    child = (pipeline._PARENT_WATCH + "import sys, time\n"
             "_watch_parent(int(sys.argv[1]), every=0.1)\ntime.sleep(120)\n")
    parent = ("import os, subprocess, sys, time\n"
              f"p = subprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid())], "
              "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
              "time.sleep(1)\n"  # the watch has started
              "print(p.pid, flush=True)\n")  # and exit, leaving the child
    out = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    pid = int(out.split()[0])
    try:
        assert _wait_for(lambda: not _alive(pid), 15), "the child outlived its parent"
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal")
def test_09_15_killed_reproduce_ends_its_kernel_and_the_next_run_cleans_up(tmp_path):
    root = _toy_study(tmp_path, [HANG])
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp),
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "citra_eval", "reproduce", "--root",
                             str(root)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=_limit_memory(LIMIT_MEM))
    kernels: list[int] = []
    try:
        # the second notebook's kernel is the one in the hanging cell
        assert _wait_for(lambda: (root / "reports").is_dir() and any(
            (p / "notebooks/01-table.ipynb").exists()
            for p in (root / "reports").glob(".staging-*")), 180)
        assert _wait_for(lambda: bool(_kernels_under(tmp)), 60)
        kernels = _kernels_under(tmp)
        import time

        time.sleep(2)  # inside the regex by now
        proc.kill()  # SIGKILL: reproduce cannot clean up anything itself
        proc.wait(timeout=30)
        assert _wait_for(lambda: not _kernels_under(tmp), 15), "the kernel outlived reproduce"
    finally:
        proc.kill()
        for pid in _kernels_under(tmp):  # never leave a spinning kernel behind
            os.kill(pid, signal.SIGKILL)
    # what the killed run left behind ...
    assert list((root / "reports").glob(".staging-*"))
    assert [p for p in tmp.iterdir() if p.name.startswith("citra-eval-")]
    # ... is removed by the next run, which also succeeds
    from test_pipeline import NB_FIGURE, PARAMS, _notebook

    from citra_eval import pipeline

    _notebook(root / "notebooks" / "02-figure.ipynb", NB_FIGURE, PARAMS)
    pipeline.write_raw_checksums(root)
    r = cli("reproduce", "--root", root, env={"TMPDIR": str(tmp)}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (root / "reports").iterdir()) == [
        "MANIFEST.sha256", "figures", "notebooks", "provenance.json", "tables"]
    assert not [p for p in tmp.iterdir() if p.name.startswith("citra-eval-")]
    assert kernels


def test_15_two_runs_on_one_study_do_not_mix(tmp_path):
    from citra_eval import pipeline

    root = _toy_study(tmp_path, ["x = 1"])
    with pipeline.study_lock(root / "reports"):  # a run in progress
        r = cli("reproduce", "--root", root)
        assert_error(r, f"reports/{pipeline.LOCK_NAME}",
                     fragment="another 'citra-eval reproduce' (process ")
        # a check does not write reports/: it may run meanwhile
        r = cli("reproduce", "--root", root, "--check")
        assert "another" not in r.stderr
    r = cli("reproduce", "--root", root, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not (root / "reports" / pipeline.LOCK_NAME).exists()  # it goes with its run


def test_15_without_fcntl_the_lock_is_a_msvcrt_byte_lock(tmp_path, monkeypatch):
    """Windows has no fcntl: the lock is msvcrt.locking of the file's first byte. A stand-in
    msvcrt with Windows' semantics (a second non-blocking lock of a locked byte fails with
    PermissionError) shows the calls and the refusal; Windows itself is not at hand here."""
    import types

    from citra_eval import pipeline
    from citra_eval.errors import InputError

    held, calls = set(), []

    def locking(fd, mode, nbytes):
        key = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR), nbytes)
        calls.append((mode, key[1:]))
        if mode == fake.LK_NBLCK:
            if key in held:
                raise PermissionError(13, "Permission denied")
            held.add(key)
        elif mode == fake.LK_UNLCK:
            held.discard(key)

    fake = types.SimpleNamespace(LK_NBLCK=2, LK_UNLCK=0, locking=locking)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # import fcntl fails
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    reports = tmp_path / "reports"
    with pipeline.study_lock(reports):
        with pytest.raises(InputError, match=r"another 'citra-eval reproduce' \(process "):
            with pipeline.study_lock(reports):
                pass
    with pipeline.study_lock(reports):  # released: it can be taken again
        pass
    assert calls[0] == (fake.LK_NBLCK, (0, 1)) and (fake.LK_UNLCK, (0, 1)) in calls
    assert not held


def test_15_only_dead_runs_work_folders_are_removed(tmp_path):
    from citra_eval import pipeline

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    for name, owner in [("citra-eval-dead", dead), ("citra-eval-live", str(os.getpid())),
                        ("citra-eval-other", None), ("unrelated", dead)]:
        (tmp_path / name).mkdir()
        if owner:
            (tmp_path / name / "owner.pid").write_text(owner)
    gone = pipeline.remove_dead_work_folders(tmp_path)
    assert [p.name for p in gone] == ["citra-eval-dead"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["citra-eval-live", "citra-eval-other",
                                                          "unrelated"]


# =========================================================================== 10. big codings


def _big_codings(path: Path, n: int) -> Path:
    """``n`` valid codings rows (about 39 bytes each: 5 million make 190 MB)."""
    import numpy as np

    rng = np.random.default_rng(0)
    docs = np.array([f"INF{i:02d}" for i in range(1, 12)])[rng.integers(0, 11, n)]
    codes = np.array(["kerja_sama", "bamara", "media_sosial", "citra_nilai"])[
        rng.integers(0, 4, n)]
    segs = rng.integers(1, 45, n)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("doc_id,segment_id,start,end,code,coder,note\n")
        step = 500_000
        for lo in range(0, n, step):
            hi = min(lo + step, n)
            fh.write("".join(f"{d},{s},{i},{i + 30},{c},{'AB'[i % 2]},\n" for d, s, i, c in
                             zip(docs[lo:hi], segs[lo:hi], range(lo, hi), codes[lo:hi],
                                 strict=True)))
    return path


@pytest.fixture(scope="module")
def big_codings(tmp_path_factory):
    return _big_codings(tmp_path_factory.mktemp("big") / "codings.csv", 5_000_000)


def test_10_five_million_codings_read_in_bounded_memory(big_codings):
    # 1.5 GB of address space (the resident peak is about 0.9 GB; the former reader needed
    # 5.4 GB); the time bound is generous for a loaded CI machine (benchmarks measure speed)
    # outside a study: inside one, codings are also checked against its transcripts
    r = cli("validate", "--codings", big_codings, memory=1536 << 20, timeout=300,
            cwd=big_codings.parent)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "5000000 codings by A, B" in r.stdout


def test_10_out_of_memory_is_an_error_line(big_codings):
    r = cli("validate", "--codings", big_codings, memory=600 << 20, timeout=300,
            cwd=big_codings.parent)
    assert_error(r, big_codings, fragment="too large to read in the memory available")


# =========================================================================== 11. many documents


def test_11_ten_thousand_transcripts_pseudonymised_and_20001_sources_imported(tmp_path):
    """The issue's sizes, as a hang guard only (generous bound): whether the time grows
    linearly is measured by benchmarks/bench_documents.py (ratio of 4N to N)."""
    r = python(f"""
        from pathlib import Path
        import citra_eval as ce
        from citra_eval.cli import main
        from citra_eval.codings import empty_codings

        base = Path({str(tmp_path)!r})
        tr = base / "tr"
        tr.mkdir()
        for i in range(20_001):
            (tr / f"D{{i:05d}}.txt").write_text(
                f"---\\nid: D{{i:05d}}\\nspeakers: {{{{P: interviewer, I: informant}}}}\\n"
                f"---\\nP: Apa kabar, Pak Budi?\\nI: Baik, telp 0812-3456-{{i % 9999:04d}}.\\n")
        (base / "key.csv").write_text("name,pseudonym\\nBudi,INF01\\n")
        (base / "cb.yaml").write_text({CODEBOOK!r})
        corpus = ce.read_transcripts(tr)
        ce.write_qdpx(base / "big.qdpx", corpus, ce.Codebook.load(base / "cb.yaml"),
                      empty_codings())
        assert main(["qdpx", "import", str(base / "big.qdpx"), "--out", str(base / "imp")]) == 0
        res = ce.pseudonymise(corpus.subset(corpus.doc_ids[:10_000]), key=base / "key.csv")
        assert len(res.corpus) == 10_000
        assert "Budi" not in res.corpus.text("D09999")
        print("done")
    """, timeout=900, memory=4 << 30)
    assert r.returncode == 0 and "done" in r.stdout, r.stderr[-3000:]
    assert len(list((tmp_path / "imp/transcripts").iterdir())) == 20_001


# =========================================================================== 12. survey

INSTRUMENT_WORDS = """instrument: words
scale: {min: 1, max: 5}
id_column: respondent_id
scales:
  C: {items: [KS1, KS2]}
  lambda: {items: [L1, L2]}
  if: {items: [I1]}
  None: {items: [N1], role: outcome}
demographics: [district]
"""
RESPONSES_WORDS = ("respondent_id,district,KS1,KS2,L1,L2,I1,N1\nR1,A,4,5,2,3,4,5\n"
                   "R2,B,3,4,1,2,3,3\nR3,A,5,5,2,4,4,5\nR4,B,2,3,4,1,1,2\nR5,A,3,3,3,3,3,3\n"
                   "R6,B,1,2,5,4,2,1\nR7,A,4,4,3,2,5,4\nR8,B,2,2,4,5,2,2\n")


def _survey(tmp_path: Path, responses: str, instrument: str = INSTRUMENT_WORDS, *extra: str):
    s = write(tmp_path, {"ins.yaml": instrument, "resp.csv": responses})
    return s, cli("survey", "--instrument", s / "ins.yaml", "--responses", s / "resp.csv",
                  "--out", s / "out", *extra)


@pytest.mark.parametrize("cell", ["inf", "-inf", "Infinity", "1e309"])
def test_12_infinite_item_is_an_error_line_in_validate_and_survey(tmp_path, cell):
    s, r = _survey(tmp_path, RESPONSES.replace("R1,A,4,5,2", f"R1,A,4,{cell},2"), INSTRUMENT)
    assert_error(r, s / "resp.csv:2", fragment=f"item 'KS2' must be a whole number 1..5, got "
                                               f"{cell!r}")
    assert not (s / "out").exists()
    r = cli("validate", "--instrument", s / "ins.yaml", "--responses", s / "resp.csv")
    assert_error(r, s / "resp.csv:2", fragment="'KS2'")


def test_12_python_and_patsy_words_as_scale_ids(tmp_path):
    s, r = _survey(tmp_path, RESPONSES_WORDS, INSTRUMENT_WORDS, "--outcome", "None",
                   "--controls", "district")
    assert r.returncode == 0, r.stderr
    model = pd.read_csv(s / "out/image_model.csv")
    assert model["term"].tolist() == ["Intercept", "C", "lambda", "if", "district[T.B]"]
    # eight respondents: the model needs two residual degrees of freedom for 4 slopes
    assert model["n"].eq(8).all() and model["estimate"].notna().all()


def assert_model_skipped(r: Run, s: Path, *, fragment: str) -> None:
    """Exit 0, the other tables written, no image_model.csv, one warning line saying why."""
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert not (s / "out/image_model.csv").exists() and (s / "out/reliability.csv").is_file()
    (line,) = [ln for ln in r.stderr.splitlines() if "not fitted" in ln]
    assert line.startswith(f"warning: {s / 'resp.csv'}: image model of ") and fragment in line


def test_12_no_complete_respondents_for_the_model_is_a_warning_line(tmp_path):
    rows = RESPONSES_WORDS.splitlines()
    holes = "\n".join([rows[0]] + [r[: r.rindex(",") + 1] for r in rows[1:]]) + "\n"
    s, r = _survey(tmp_path, holes, INSTRUMENT_WORDS, "--outcome", "None")
    # the outcome's items are blank for everyone: the scale is named (not "lower min_items")
    assert_model_skipped(r, s, fragment="scale 'None' has no answers (N1 are blank for every "
                                        "respondent)")


def test_12_constant_predictor_is_a_warning_line(tmp_path):
    rows = RESPONSES_WORDS.splitlines()
    const = "\n".join([rows[0]] + [",".join([*r.split(",")[:6], "3", *r.split(",")[7:]])
                                   for r in rows[1:]]) + "\n"
    s, r = _survey(tmp_path, const, INSTRUMENT_WORDS, "--outcome", "None")
    assert_model_skipped(r, s, fragment="'if' has no variance in the analysis sample")


def test_12_a_billion_response_options_is_refused_at_the_instrument(tmp_path):
    big = INSTRUMENT.replace("max: 5", "max: 1000000000")
    s, r = _survey(tmp_path, RESPONSES, big)
    assert_error(r, s / "ins.yaml:2", fragment="has 1000000000 response options, more than "
                                               "the 101")
    # a 0..100 slider still works
    s, r = _survey(tmp_path / "slider", RESPONSES, INSTRUMENT.replace("{min: 1, max: 5}",
                                                                      "{min: 0, max: 100}"))
    assert r.returncode == 0, r.stderr
    assert len(pd.read_csv(s / "out/likert.csv")) == 3 * 101


def test_12_an_item_with_no_answers_at_all_is_a_warning(tmp_path):
    rows = RESPONSES.splitlines()
    empty = "\n".join([rows[0]] + [r[: r.rindex(",") + 1] for r in rows[1:]]) + "\n"
    s, r = _survey(tmp_path, empty, INSTRUMENT)
    assert r.returncode == 0, r.stderr
    assert f"warning: {s / 'resp.csv'}: scale KS" in r.stderr
    assert "item KS3: no answers at all" in r.stderr
    r = cli("validate", "--instrument", s / "ins.yaml", "--responses", s / "resp.csv")
    assert r.returncode == 0 and "item KS3: no answers at all" in r.stderr, r.stderr


# =========================================================================== 13. front matter


def test_13_front_matter_keys_named_like_document_columns_are_kept_apart(tmp_path):
    import citra_eval as ce
    from citra_eval.corpus import write_transcripts

    s = small_study(tmp_path)
    tr = s / "interview_transcripts"
    (tr / "a.txt").write_text(TRANSCRIPT.replace(
        "group: pemerintah\n", "group: pemerintah\ndoc_id: X\npath: /etc/passwd\n"
        "format: tatap muka\nn_segments: banyak\nn_words: 5\nfront_format: f\n"))
    docs = ce.read_transcripts(tr).documents
    row = docs.iloc[0]
    assert (row.doc_id, row.path, row.format, row.n_segments) == ("INF01", str(tr / "a.txt"),
                                                                 "txt", 2)
    assert (row.front_doc_id, row.front_path, row.front_format, row.front_n_segments,
            row.front_n_words, row.front_front_format) == ("X", "/etc/passwd", "tatap muka",
                                                            "banyak", 5, "f")
    # pseudonymise no longer crashes, and the written transcripts say the keys again
    r = cli("pseudonymise", "--transcripts", tr, "--key", s / "key.csv", "--codings",
            s / "data/raw/codings_A.csv", "--out", tmp_path / "shared")
    assert r.returncode == 0, r.stderr
    out = ce.read_transcripts(tmp_path / "shared/transcripts").documents.iloc[0]
    assert (out.doc_id, out.front_format, out.front_front_format) == ("INF01", "tatap muka", "f")
    written = tmp_path / "written"
    write_transcripts(ce.read_transcripts(tr), written)
    text = (written / "INF01.txt").read_text()
    assert "\nformat: tatap muka\n" in text and "\nfront_format: f\n" in text


# =========================================================================== 14. codings cells


@pytest.mark.parametrize("cell", ["1e1", "2.5", "+2", "-1", "0x2", "٢", "99999999999999999999"])
def test_14_segment_id_must_be_plain_digits_reported_once(tmp_path, cell):
    import citra_eval as ce

    s = small_study(tmp_path)
    path = s / "data/raw/codings_A.csv"
    path.write_text(CODINGS.replace("INF01,2,", f"INF01,{cell},"))
    corpus = ce.read_transcripts(s / "interview_transcripts")
    with pytest.raises(ce.InputError) as err:
        ce.read_codings(path, corpus=corpus)
    assert [(p.line, p.column) for p in err.value.problems] == [(2, "segment_id")]
    assert repr(cell) in err.value.problems[0].message


def test_14_leading_zeros_and_spaces_are_still_numbers(tmp_path):
    import citra_eval as ce

    path = write(tmp_path, {"c.csv": CODINGS.replace("INF01,2,31,", "INF01, 02 ,031,")}) / "c.csv"
    row = ce.read_codings(path).iloc[0]
    assert (row.segment_id, row.start, row.end) == (2, 31, 39)


def test_14_duplicates_across_coder_files_reported_early_with_their_lines(tmp_path):
    s = small_study(tmp_path)
    raw = s / "data/raw"
    (raw / "codings_B.csv").write_text(
        CODINGS.replace(",A\n", ",B\n") + "INF01,2,31,39,kerja_sama,A\n")  # A's row, copied
    r = cli("agree", "--transcripts", s / "interview_transcripts", "--codings",
            raw / "codings_A.csv", raw / "codings_B.csv", "--n-boot", "0", "--out",
            tmp_path / "agreement.csv")
    assert_error(r, raw / "codings_B.csv",
                 fragment=f"codings_B.csv:3: this coding (same span, code and coder) is also "
                          f"in {raw / 'codings_A.csv'}:2")
    # reproduce validates all coders' files before running any notebook
    # (and --update-checksums validates before it writes anything)
    (s / "study.yaml").write_text("title: t\n")
    r = cli("reproduce", "--root", s, "--update-checksums")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"error: {raw / 'codings_B.csv'}:3: " in r.stderr and "codings_A.csv" in r.stderr
    assert not (raw / "CHECKSUMS.sha256").exists()


@pytest.mark.parametrize("data,kind", [
    ("a,b\n1,2\n".encode("utf-16"), "UTF-16 text"),
    ("a,b\n1,2\n".encode("utf-16-le"), "UTF-16 text"),
    ("a,b\n1,2\n".encode("utf-32"), "UTF-32 text"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "a zip archive (an Excel .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "an old Microsoft Office file"),
])
def test_14_encodings_and_spreadsheets_named_correctly(tmp_path, data, kind):
    s = small_study(tmp_path)
    (s / "data/raw/survey_responses.csv").write_bytes(data)
    (s / "interview_transcripts/a.txt").write_bytes(data)
    r = cli("validate", "--transcripts", s / "interview_transcripts", "--instrument",
            s / "data/raw/instrument.yaml", "--responses", s / "data/raw/survey_responses.csv")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"error: {s / 'interview_transcripts/a.txt'}:1: this is {kind}" in r.stderr
    assert f"error: {s / 'data/raw/survey_responses.csv'}:1: this is {kind}" in r.stderr
    assert "binary file" not in r.stderr


def test_14_real_xlsx_responses_named(tmp_path):
    s = small_study(tmp_path)
    pd.read_csv(io.StringIO(RESPONSES)).to_excel(s / "responses.xlsx", index=False)
    r = cli("validate", "--instrument", s / "data/raw/instrument.yaml", "--responses",
            s / "responses.xlsx")
    assert_error(r, s / "responses.xlsx", fragment="an Excel .xlsx")


# =========================================================================== 14. disk, folders


def test_14_disk_full_is_an_error_line_and_leaves_the_old_file(tmp_path, monkeypatch, capsys):
    import errno

    from citra_eval import _files
    from citra_eval.cli import main

    s = small_study(tmp_path)
    out = tmp_path / "codings_auto.csv"
    out.write_text("old\n")

    class Full(io.StringIO):
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    real = os.fdopen
    monkeypatch.setattr(_files.os, "fdopen", lambda fd, *a, **k: (real(fd, *a, **k).close(),
                                                                  Full())[1])
    code = main(["code", "--transcripts", str(s / "interview_transcripts"), "--codebook",
                 str(s / "data/raw/codebook.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"error: {out}: cannot write this file: No space left")
    assert out.read_text() == "old\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".codings_auto")]


@pytest.mark.parametrize("data", [b"\x80\x81 not text\n", "x".encode("utf-16")])
def test_14_non_utf8_manifest_is_an_error_line(tmp_path, data):
    root = _toy_study(tmp_path, ["x = 1"])
    (root / "reports").mkdir()
    (root / "reports/MANIFEST.sha256").write_bytes(data)
    r = cli("verify", "--root", root)
    assert_error(r, "reports/MANIFEST.sha256:1")
    (root / "data/raw/CHECKSUMS.sha256").write_bytes(data)
    r = cli("reproduce", "--root", root)
    assert_error(r, "data/raw/CHECKSUMS.sha256:1")  # study-relative, as every other line


@pytest.mark.parametrize("command", ["verify", "reproduce"])
def test_14_root_that_does_not_exist_is_named_as_such(tmp_path, command):
    r = cli(command, "--root", tmp_path / "no_such_study")
    assert_error(r, tmp_path / "no_such_study", fragment="no such folder")
    assert "CHECKSUMS" not in r.stderr


def test_14_read_only_reports_is_an_error_line(tmp_path, monkeypatch, capsys):
    """As root a chmod does not stop writing, so the refusal is simulated where the run
    first writes into reports/ (its lock file, then its staging folder)."""
    import errno

    from citra_eval import pipeline
    from citra_eval.cli import main

    root = _toy_study(tmp_path, ["x = 1"])
    (root / "reports").mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(pipeline, "open", refuse, raising=False)
    assert main(["reproduce", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    # study-relative, as every other error line of reproduce
    assert err.startswith("error: reports: cannot write here: Permission denied")
    monkeypatch.undo()
    real = pipeline.tempfile.mkdtemp

    def refuse_in_reports(suffix=None, prefix=None, dir=None):
        if dir is not None and Path(dir) == root / "reports":
            refuse()
        return real(suffix, prefix, dir)

    monkeypatch.setattr(pipeline.tempfile, "mkdtemp", refuse_in_reports)
    assert main(["reproduce", "--root", str(root)]) == 2
    assert "error: reports: cannot write here" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "reports").iterdir()) == []


# =========================================================================== 16. YAML shape


def _yaml_inputs(base: Path, text: str) -> dict[str, tuple[list[str], Path, str]]:
    """For each kind of YAML input: the command that reads it, the file (holding ``text``
    as a value on its line 2) and the line the error names."""
    s = small_study(base)
    value = text.replace("\n", "\n  ")
    (s / "study.yaml").write_text(f"title: t\nextra: {value}\n")
    (s / "key.yaml").write_text(f"Budi: INF01\nSiti: {value}\n")
    (s / "tr").mkdir()
    (s / "tr/a.txt").write_text(TRANSCRIPT.replace("group:", f"extra: {value}\ngroup:"))
    (s / "cb.yaml").write_text(CODEBOOK.replace("language: id\n", f"language: id\nx: {value}\n"))
    (s / "ins.yaml").write_text(INSTRUMENT.replace("scale:", f"x: {value}\nscale:"))
    return {
        "study": (["validate", "--root", str(s)], s / "study.yaml", "2"),
        "front matter": (["validate", "--transcripts", str(s / "tr")], s / "tr/a.txt", "3"),
        "codebook": (["validate", "--codebook", str(s / "cb.yaml")], s / "cb.yaml", "3"),
        "instrument": (["validate", "--instrument", str(s / "ins.yaml")], s / "ins.yaml", "2"),
        "key": (["pseudonymise", "--transcripts", str(s / "interview_transcripts"), "--key",
                 str(s / "key.yaml"), "--out", str(base / "out")], s / "key.yaml", "2"),
    }


@pytest.mark.parametrize("kind", ["study", "front matter", "codebook", "instrument", "key"])
@pytest.mark.parametrize("depth", [200, 5000])
def test_16_deeply_nested_yaml_is_an_error_line(tmp_path, capsys, kind, depth):
    from citra_eval._yaml import MAX_DEPTH
    from citra_eval.cli import main

    argv, path, line = _yaml_inputs(tmp_path, "[" * depth + "]" * depth)[kind]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == f"error: {path}:{line}: nested too deeply (more than {MAX_DEPTH} levels); " \
                  "flatten the structure\n"


def test_16_deep_block_mappings_are_refused_and_shallow_ones_read():
    from citra_eval._yaml import MAX_DEPTH, load_yaml
    from citra_eval.errors import InputError

    def block(depth: int) -> str:
        return "".join(f"{' ' * i}k{i}:\n" for i in range(depth)) + " " * depth + "v\n"

    with pytest.raises(InputError, match=f"x.yaml:{MAX_DEPTH + 1}: nested too deeply"):
        load_yaml(block(1200), path="x.yaml")
    inner = load_yaml(block(MAX_DEPTH - 1))
    for i in range(MAX_DEPTH - 1):
        inner = inner[f"k{i}"]
    assert inner == "v"


@pytest.mark.parametrize("kind", ["study", "front matter", "codebook", "instrument", "key"])
def test_16_yaml_longer_than_the_limit_is_an_error_line(tmp_path, capsys, kind):
    from citra_eval._yaml import MAX_YAML_CHARS
    from citra_eval.cli import main

    argv, path, _ = _yaml_inputs(tmp_path, "a" * MAX_YAML_CHARS)[kind]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}") and f"more than {MAX_YAML_CHARS:,}" in err
    assert len(err) < 400


def test_16_a_long_title_is_shortened_in_the_ok_line(tmp_path, capsys):
    from citra_eval.cli import main

    s = small_study(tmp_path)
    (s / "study.yaml").write_text(f"title: {'a' * 5000}z\n")
    assert main(["validate", "--root", str(s)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("ok: study.yaml: aaa") and first.endswith("aaz")
    assert len(first) < 120


# =========================================================================== 17. CSV headers


def _twice(base: Path, kind: str) -> tuple[list[str], Path, str]:
    """A command reading a CSV whose header names a column twice, the file and the name."""
    s = small_study(base)
    tr, cb = str(s / "interview_transcripts"), str(s / "data/raw/codebook.yaml")
    if kind in ("note", "code", "memo", "doc_id"):
        f = s / "codings.csv"
        f.write_text(CODINGS.replace("coder\n", f"coder,{kind},{kind}\n")
                     .replace(",A\n", ",A,x,y\n"))
        return ["validate", "--transcripts", tr, "--codebook", cb, "--codings", str(f)], f, kind
    if kind == "coverage":
        f = write(s, {"cov.csv": "coder,doc_id,coder\nA,INF01,B\n"}) / "cov.csv"
        return ["agree", "--transcripts", tr, "--codings", str(s / "data/raw/codings_A.csv"),
                str(s / "data/raw/codings_B.csv"), "--n-boot", "0", "--coverage", str(f),
                "--out", str(base / "agree.csv")], f, "coder"
    if kind == "users":
        f = write(s, {"users.csv": "guid,name,guid\nx,A,y\n"}) / "users.csv"
        return ["qdpx", "export", "--transcripts", tr, "--codebook", cb, "--codings",
                str(s / "data/raw/codings_A.csv"), "--users", str(f), "--out",
                str(base / "p.qdpx")], f, "guid"
    if kind == "key":
        f = write(s, {"k.csv": "name,pseudonym,name\nBudi,INF01,Siti\n"}) / "k.csv"
        return ["pseudonymise", "--transcripts", tr, "--key", str(f), "--out",
                str(base / "out")], f, "name"
    f = write(s, {"r.csv": "doc_id,field,start,end,original,replacement,doc_id\n"}) / "r.csv"
    return ["reidentify", "--transcripts", tr, "--key", str(f), "--out",
            str(base / "out")], f, "doc_id"


@pytest.mark.parametrize("kind", ["note", "code", "memo", "doc_id", "coverage", "users", "key",
                                  "report"])
def test_17_a_column_named_twice_is_an_error_line(tmp_path, capsys, kind):
    from citra_eval.cli import main

    argv, path, name = _twice(tmp_path, kind)
    assert main(argv) == 2
    assert capsys.readouterr().err == (f"error: {path}:1: duplicate column(s) {name}; keep one "
                                       "of each\n")


# =========================================================================== 18. CSV cells


def test_18_a_codings_cell_above_the_limit_is_refused_like_a_responses_cell(tmp_path):
    from citra_eval._files import MAX_CSV_CELL

    s = small_study(tmp_path)
    big = "x" * (MAX_CSV_CELL + 1)
    codings = write(s, {"c.csv": CODINGS.replace("coder\n", "coder,note\n")
                        .replace(",A\n", ",A,\n") + f"INF01,2,31,39,kerja_sama,A,{big}\n"})
    responses = write(s, {"r.csv": RESPONSES + f"R5,{big},1,2,3\n"})
    r = cli("validate", "--codings", codings / "c.csv")
    assert_error(r, codings / "c.csv:3", fragment=f"field larger than field limit "
                                                  f"({MAX_CSV_CELL})")
    message = r.stderr.split(":3: ", 1)[1]
    r = cli("validate", "--instrument", s / "data/raw/instrument.yaml", "--responses",
            responses / "r.csv")
    assert_error(r, responses / "r.csv:6")
    assert r.stderr.split(":6: ", 1)[1] == message


def test_18_a_codings_cell_at_the_limit_is_read(tmp_path, monkeypatch):
    from citra_eval import _files
    from citra_eval.codings import read_codings

    monkeypatch.setattr(_files, "MAX_CSV_CELL", 100)
    f = write(tmp_path, {"c.csv": CODINGS.replace("coder\n", "coder,note\n")
                         .replace(",A\n", f",A,{'x' * 100}\n")})
    assert read_codings(f / "c.csv")["note"].tolist() == ["x" * 100]


# =========================================================================== 19. wide CSVs


def test_19_codings_wider_than_the_limit_are_refused_at_once(tmp_path):
    from citra_eval._files import MAX_CSV_COLUMNS

    extra = 100_000
    header = "doc_id,segment_id,start,end,code,coder," + ",".join(f"x{i}" for i in range(extra))
    f = write(tmp_path, {"c.csv": f"{header}\nINF01,2,31,39,kerja_sama,A{',' * extra}\n"})
    r = cli("validate", "--codings", f / "c.csv", timeout=30)
    assert_error(r, f / "c.csv:1", fragment=f"the header has {extra + 6:,} columns, more than "
                                            f"{MAX_CSV_COLUMNS:,}")


def test_19_codings_at_the_limit_are_read_without_warnings(tmp_path):
    from citra_eval._files import MAX_CSV_COLUMNS

    extra = MAX_CSV_COLUMNS - 6
    header = "doc_id,segment_id,start,end,code,coder," + ",".join(f"x{i}" for i in range(extra))
    f = write(tmp_path, {"c.csv": f"{header}\nINF01,2,31,39,kerja_sama,A{',' * extra}\n"})
    r = cli("validate", "--codings", f / "c.csv", cwd=tmp_path, timeout=30)
    assert r.returncode == 0 and "Warning" not in r.stderr, r.stderr


def test_19_responses_with_many_unused_columns_are_read_in_linear_time(tmp_path):
    extra = 100_000
    lines = RESPONSES.splitlines()
    wide = "\n".join([lines[0] + "".join(f",x{i}" for i in range(extra)),
                      *(line + "," * extra for line in lines[1:])]) + "\n"
    s = write(tmp_path, {"ins.yaml": INSTRUMENT, "resp.csv": wide})
    r = cli("validate", "--instrument", s / "ins.yaml", "--responses", s / "resp.csv",
            cwd=tmp_path, timeout=30)
    assert r.returncode == 0 and "ok: responses: 4 respondents" in r.stdout, r.stderr


# =========================================================================== 20. XML characters

#: Characters XML 1.0 forbids, as a transcript may hold them (U+FFFE, U+FFFF, a control).
NON_XML = "\ufffe\uffff\x0b"


def test_20_sheet_export_to_xlsx_of_non_xml_characters_round_trips(tmp_path, capsys):
    from citra_eval.cli import main

    s = small_study(tmp_path)
    tr = s / "interview_transcripts"
    (tr / "a.txt").write_text(TRANSCRIPT.replace("bermitra", f"bermitra{NON_XML}"))
    cb = str(s / "data/raw/codebook.yaml")
    sheet, out = tmp_path / "A.xlsx", tmp_path / "codings.csv"
    assert main(["sheet", "export", "--coder", "A", "--transcripts", str(tr), "--codebook", cb,
                 "--out", str(sheet)]) == 0
    assert main(["sheet", "import", "--coder", "A", "--transcripts", str(tr), "--codebook", cb,
                 "--out", str(out), str(sheet)]) == 0, capsys.readouterr().err
    turns = openpyxl.load_workbook(sheet)["coding"]
    assert any("bermitra\ufffd\ufffd\ufffd" in str(c.value) for row in turns.iter_rows()
               for c in row)


def test_20_xlsx_tables_and_qdpx_replace_non_xml_characters(tmp_path):
    import citra_eval as ce
    from citra_eval._files import save_workbook

    m = pd.DataFrame({f"k{NON_XML}\ud800": [1]}, index=[f"d{NON_XML}"])
    ce.save_case_matrix(m, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    assert [c.value for c in ws[1]][1] == "k\ufffd\ufffd\ufffd\ufffd"
    book = openpyxl.Workbook()
    book.active["A1"] = "a\ufffe"
    book.active["A1"].comment = openpyxl.comments.Comment("b\uffff", "c")
    save_workbook(book, tmp_path / "b.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "b.xlsx").active["A1"]
    assert (cell.value, cell.comment.text) == ("a\ufffd", "b\ufffd")
    tr = write(tmp_path, {"tr/a.txt": TRANSCRIPT.replace("media", f"media{NON_XML}")}) / "tr"
    corpus = ce.read_transcripts(tr)
    codebook = ce.Codebook.load(write(tmp_path, {"cb.yaml": CODEBOOK.replace(
        "Kerja sama", '"Kerja\\ufffe\\uffffsama"')}) / "cb.yaml")
    ce.write_qdpx(tmp_path / "p.qdpx", corpus, codebook)
    back = ce.read_qdpx(tmp_path / "p.qdpx")  # the texts are plain text entries: kept
    assert back.corpus.texts == corpus.texts
    assert back.codebook.label("kerja_sama") == "Kerja\ufffd\ufffdsama"


# =========================================================================== 21. special files


@pytest.mark.parametrize("option", ["--codebook", "--instrument", "--codings", "--transcripts"])
def test_21_a_fifo_or_device_given_as_a_file_is_an_error_line(tmp_path, option):
    fifo = tmp_path / {"--transcripts": "in.txt", "--codings": "in.csv"}.get(option, "in.yaml")
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"))[:1 if option == "--transcripts" else 2]:
        r = cli("validate", option, path, cwd=tmp_path, timeout=20)
        assert_error(r, path, fragment="not a regular file (a device, FIFO or link to one)")


# =========================================================================== docs


def test_docs_security_states_the_limits_of_the_code():
    from citra_eval import _files, _safezip, _yaml, corpus, pipeline, sheets, survey
    from citra_eval.errors import MAX_REPORTED

    text = (ROOT / "docs/security.md").read_text()
    limits = _safezip.DEFAULT_LIMITS
    docx = _safezip.DOCX_LIMITS
    for stated in [f"{_files.MAX_CSV_CELL >> 20} MiB (`_files.MAX_CSV_CELL`)",
                   f"{_yaml.MAX_EXPANDED:,} nodes plus characters (`_yaml.MAX_EXPANDED`)",
                   f"{_files.MAX_CSV_COLUMNS:,} columns (`_files.MAX_CSV_COLUMNS`",
                   f"{_yaml.MAX_DEPTH} levels of mappings and sequences (`_yaml.MAX_DEPTH`)",
                   f"{_yaml.MAX_YAML_CHARS:,} characters (`_yaml.MAX_YAML_CHARS`",
                   f"{limits.max_total >> 30} GiB unpacked in all, {limits.max_file >> 20} MiB "
                   f"per entry, {limits.max_entries:,} entries, an entry above "
                   f"{limits.ratio_floor >> 20} MiB may expand at most "
                   f"{limits.max_ratio:.0f}-fold",
                   f"{docx.max_total >> 20} MiB unpacked in all, {docx.max_file >> 20} MiB per "
                   f"entry, {docx.max_entries:,} entries",
                   f"`coding`: {sheets.ROWS_PER_TURN['coding']} row with values per turn of "
                   f"the corpus, `quotes`: {sheets.ROWS_PER_TURN['quotes']} per turn, each plus "
                   f"{MAX_REPORTED} (`sheets.ROWS_PER_TURN`",
                   f"{corpus.MAX_TURNS:,} per transcript (`corpus.MAX_TURNS`)",
                   f"{corpus.MAX_DOCX_RUNS:,} in all (`corpus.MAX_DOCX_RUNS`)",
                   f"at most {sheets.SHARED_STRINGS_PER_CELL} per cell the workbook stores "
                   f"plus {sheets.SHARED_STRINGS_SLACK:,}, and at most "
                   f"{sheets.MAX_SHARED_STRINGS:,} (`sheets.MAX_SHARED_STRINGS`",
                   f"{corpus.MAX_TRANSCRIPT_BYTES >> 20} MiB (`corpus.MAX_TRANSCRIPT_BYTES`)",
                   f"{survey.MAX_OPTIONS} options (`survey.MAX_OPTIONS`",
                   f"{pipeline.CELL_TIMEOUT} s (`pipeline.CELL_TIMEOUT`",
                   f"`--cell-timeout` seconds (default {pipeline.CELL_TIMEOUT})",
                   "mode `0600`"]:
        assert stated in " ".join(text.split()), stated


@pytest.mark.parametrize("name", ["../x", "a/b", "a\\b", "..", ".", "", "a\0b"])
def test_an_output_file_name_never_leaves_its_folder(name):
    # unique_stem builds the names of files written into an output folder (document ids of
    # pseudonymise and qdpx import): a name that is no single file name is a bug upstream
    from citra_eval._files import unique_stem

    with pytest.raises(ValueError, match="one file name"):
        unique_stem(name, set())


def test_09_a_regex_left_out_of_a_qdc_or_qdpx_codebook_is_said(tmp_path):
    """Session 15: reading a codebook alone (``codebook_from_qdc``/``codebook_from_qdpx``,
    ``qdpx import x.qdc``) left a code description's hazardous regex out in silence; the
    project import already noted it."""
    import citra_eval as ce

    cb = ce.Codebook.load(write(tmp_path, {"cb.yaml": _evil_codebook("(b+)x")}) / "cb.yaml")
    good = tmp_path / "good.qdc"
    ce.codebook_to_qdc(cb, good)
    evil = tmp_path / "evil.qdc"
    data = good.read_bytes()
    assert b"Regex: (b+)x" in data
    evil.write_bytes(data.replace(b"Regex: (b+)x", b"Regex: " + EVIL.encode()))
    said = f"the regex '{EVIL}' of its description was left out"
    with pytest.warns(UserWarning, match=re.escape(said)):
        back = ce.codebook_from_qdc(evil)
    assert all(p.text != EVIL for cid in back.ids for p in back[cid].patterns)
    assert any(p.text == "bermitra" for cid in back.ids for p in back[cid].patterns)
    out = tmp_path / "imported"
    r = cli("qdpx", "import", evil, "--out", out, timeout=60)
    assert r.returncode == 0, r.stderr
    assert f"note: code 'kerja_sama': {said}" in r.stderr or said in r.stderr, r.stderr
    assert r.stderr.count(said) == 1, r.stderr


def test_reanchor_of_the_study_refuses_a_codings_file_that_is_a_symbolic_link(tmp_path):
    # study.yaml's codings are resolved: reanchor --record wrote through the link into a
    # file outside the study, and left its .bak there
    s = small_study(tmp_path / "st")
    (s / "study.yaml").write_text("title: t\ncodings: data/raw/codings_A.csv\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    theirs = outside / "theirs.csv"
    (s / "data/raw/codings_A.csv").rename(theirs)
    before = theirs.read_bytes()
    (s / "data/raw/codings_A.csv").symlink_to(theirs)
    r = cli("reanchor", "--record", cwd=s)
    assert_error(r, "data/raw/codings_A.csv", fragment="symbolic link")
    assert theirs.read_bytes() == before
    assert sorted(p.name for p in outside.iterdir()) == ["theirs.csv"]


@pytest.mark.parametrize("flag", ["--out", "--disagreements", "--consensus"])
def test_agree_output_named_as_a_folder_or_not_csv_is_refused(tmp_path, flag):
    # 'agree --out reports/' wrote a FILE named reports (Path drops the slash)
    s = small_study(tmp_path)
    args = ["agree", "--transcripts", s / "interview_transcripts", "--codings",
            s / "data/raw/codings_A.csv", s / "data/raw/codings_B.csv", "--n-boot", "0"]
    if flag != "--out":
        args += ["--out", tmp_path / "agreement.csv"]
    r = cli(*args, flag, f"{tmp_path}/res/")
    assert_error(r, f"{tmp_path}/res/", fragment="ends with '/'")
    assert not (tmp_path / "res").exists()
    for name in [".csv", "table.txt"]:
        r = cli(*args, flag, tmp_path / name)
        assert_error(r, tmp_path / name, fragment="must name a .csv file")
        assert not (tmp_path / name).exists()


def test_an_empty_out_says_it_is_empty(tmp_path):
    s = small_study(tmp_path)
    r = cli("code", "--transcripts", s / "interview_transcripts", "--codebook",
            s / "data/raw/codebook.yaml", "--out", "")
    assert_error(r, "citra-eval", fragment="--out is empty (an unset shell variable?)")
    assert "folder" not in r.stderr


def test_a_python_tag_in_yaml_is_named_and_refused_as_a_tag():
    # was 'could not determine a constructor ...; check indentation, colons and quotes'
    # (study.yaml, codebooks and front matter are all read by load_yaml)
    from citra_eval._yaml import load_yaml
    from citra_eval.errors import InputError

    text = "a: 1\noutcome: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(InputError) as info:
        load_yaml(text, path="study.yaml")
    message = info.value.problems[0].message
    assert info.value.problems[0].line == 2
    assert "'!!python/object/apply:os.system'" in message and "not allowed" in message
    assert "remove" in message and "indentation" not in message
